package fleetreport

import (
	"encoding/json"
	"io"
)

// Formatter writes a report in one format.
type Formatter interface {
	Format(w io.Writer, r *Report) error
}

// JSON formats a report as indented JSON (schema_version 1; see the
// package documentation).
type JSON struct{}

// Format writes r.
func (JSON) Format(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
