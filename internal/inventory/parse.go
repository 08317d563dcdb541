package inventory

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// MaxSize is the largest inventory file Parse accepts.
const MaxSize = 8 << 20

// Load reads and parses the inventory file at path. See [Parse].
func Load(path string) (*Inventory, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load inventory: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("load inventory: %w", err)
	}
	return Parse(path, data)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Parse parses, validates and resolves an inventory. name is used in
// error messages (usually the file's path).
//
// On any problem Parse returns a nil Inventory and an error that joins
// (errors.Join) one [*Error] per problem, in line order, each printed as
// "name:line: message". Every problem is reported, not only the first.
func Parse(name string, data []byte) (*Inventory, error) {
	if len(data) > MaxSize {
		return nil, &Error{File: name, Msg: fmt.Sprintf("file is larger than %d bytes", MaxSize)}
	}
	doc, err := decodeYAML(name, data)
	if err != nil {
		return nil, err
	}

	d := &decoder{file: name}
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if !d.checkNoAliases(root) {
		return nil, d.join()
	}
	raw := d.root(root)
	r := &resolver{d: d, raw: raw, inv: &Inventory{File: name}}
	r.resolve()
	if len(d.errs) > 0 {
		return nil, d.join()
	}
	return r.inv, nil
}

// decodeYAML parses the single YAML document in data.
func decodeYAML(name string, data []byte) (doc *yaml.Node, err error) {
	defer func() {
		// The YAML library is third-party code fed with user input; a panic
		// in it must not take the controller down.
		if p := recover(); p != nil {
			doc, err = nil, &Error{File: name, Msg: fmt.Sprintf("cannot parse YAML: %v", p)}
		}
	}()
	doc = &yaml.Node{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(doc); err != nil {
		if err == io.EOF {
			return nil, &Error{File: name, Msg: "file is empty (want version: 1 and masters:)"}
		}
		return nil, yamlError(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		if err != nil {
			return nil, yamlError(name, err)
		}
		return nil, &Error{File: name, Line: extra.Line, Msg: "more than one YAML document; an inventory is one document"}
	}
	return doc, nil
}

// yamlError converts a YAML syntax error into our "file:line: message".
func yamlError(name string, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return &Error{File: name, Msg: te.Error()}
	}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: name, Line: line, Msg: "yaml: " + m[2]}
	}
	return &Error{File: name, Msg: err.Error()}
}

// join sorts and de-duplicates the collected problems (a bad value in
// defaults would otherwise be reported once per client) and joins them.
func (d *decoder) join() error {
	sortErrors(d.errs)
	var out []error
	seen := map[string]bool{}
	for _, e := range d.errs {
		k := e.Error()
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, e)
	}
	return errors.Join(out...)
}
