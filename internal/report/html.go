package report

import (
	"html/template"
	"io"
	"strings"

	"github.com/nimfleet/nimfleet/internal/check"
)

// HTML formats a report as one self-contained HTML page (inline CSS, no
// scripts, no external resources) to attach to a change ticket. Findings
// are <details> elements, which open without JavaScript; every host's
// evidence is included.
type HTML struct{}

// Format writes r.
func (HTML) Format(w io.Writer, r *Report) error {
	type hostRes struct {
		Host   *Host
		Result *check.Result
	}
	type finding struct {
		Check *Check
		Hits  []hostRes
		// Unreachable counts the unknown results of hosts nothing could be
		// gathered from; the hosts table lists them once.
		Unreachable int
	}
	var findings []finding
	for i := range r.Checks {
		c := &r.Checks[i]
		if c.Counts.Fail+c.Counts.Unknown+c.Counts.Waived == 0 {
			continue
		}
		f := finding{Check: c}
		for _, st := range []check.Status{check.Fail, check.Unknown, check.Waived} {
			for j := range r.Hosts {
				h := &r.Hosts[j]
				for k := range h.Results {
					res := &h.Results[k]
					if res.ID != c.ID || res.Status != st {
						continue
					}
					if st == check.Unknown && h.Error != "" {
						f.Unreachable++
						continue
					}
					f.Hits = append(f.Hits, hostRes{h, res})
				}
			}
		}
		findings = append(findings, f)
	}
	data := struct {
		R        *Report
		Findings []finding
	}{r, findings}
	return htmlTmpl.Execute(w, data)
}

var htmlTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"join":   func(s []string) string { return strings.Join(s, " ") },
	"phase":  phaseLong,
	"time":   func(r *Report) string { return r.GeneratedAt.UTC().Format("2006-01-02 15:04:05 UTC") },
	"isfail": func(s check.Status) bool { return s == check.Fail },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.R.Command}} report</title>
<style>
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:2em;color:#222;max-width:110em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.n{text-align:right}
.blocked,.fail{color:#fff;background:#b00020}.unknown{background:#f0b000}.warning{background:#ffe08a}
.ready,.pass{background:#c8e6c9}.waived,.skipped{background:#e0e0e0}
span.s{padding:0 .4em;border-radius:.2em;font-weight:bold}
pre{background:#f7f7f7;border:1px solid #ddd;padding:.4em;overflow-x:auto;margin:.2em 0 .6em 1.5em}
details{margin:.3em 0}summary{cursor:pointer}.muted{color:#666}
</style>
</head>
<body>
<h1>{{.R.Command}}: migration readiness</h1>
<p class="muted">Generated {{time .R}}{{if .R.Inventory}} from inventory <code>{{.R.Inventory}}</code>{{end}}; schema version {{.R.SchemaVersion}}.</p>
<table>
<tr><th>Clients</th><th>Masters</th><th>Checks</th><th><span class="s blocked">blocked</span></th><th><span class="s unknown">unknown</span></th><th><span class="s warning">warning</span></th><th><span class="s ready">ready</span></th><th>unreachable</th></tr>
<tr><td class="n">{{.R.Summary.Hosts}}</td><td class="n">{{.R.Summary.Masters}}</td><td class="n">{{.R.Summary.Checks}}</td><td class="n">{{.R.Summary.Blocked}}</td><td class="n">{{.R.Summary.Unknown}}</td><td class="n">{{.R.Summary.Warning}}</td><td class="n">{{.R.Summary.Ready}}</td><td class="n">{{.R.Summary.Unreachable}}</td></tr>
</table>

<h2>Hosts</h2>
<table>
<tr><th>Host</th><th>Master</th><th>Via</th><th>Status</th><th>Blocking checks</th><th>Blockers unknown</th><th>Warnings</th></tr>
{{range .R.Hosts}}<tr><td>{{.Host}}</td><td>{{.Master}}</td><td>{{.Via}}</td><td><span class="s {{.Status}}">{{.Status}}</span></td><td>{{join .Blockers}}</td><td>{{if .Error}}unreachable: {{.Error}}{{else}}{{join .Unknown}}{{end}}</td><td>{{join .Warnings}}</td></tr>
{{end}}</table>

<h2>Checks</h2>
<table>
<tr><th>ID</th><th>Title</th><th>Severity</th><th>Protects</th><th>Blocks</th><th>Fail</th><th>Unknown</th><th>Waived</th><th>Pass</th><th>Skipped</th><th>Fix</th></tr>
{{range .R.Checks}}<tr><td>{{.ID}}</td><td>{{.Title}}</td><td>{{.Severity}}</td><td>{{phase .Phase}}</td><td class="n">{{.Counts.Blocking}}</td><td class="n">{{.Counts.Fail}}</td><td class="n">{{.Counts.Unknown}}</td><td class="n">{{.Counts.Waived}}</td><td class="n">{{.Counts.Pass}}</td><td class="n">{{.Counts.Skipped}}</td><td>{{if .Fix}}{{.Fix}}{{else}}manual{{end}}</td></tr>
{{end}}</table>

<h2>Findings</h2>
{{if not .Findings}}<p>No check failed or was unknown on any host.</p>{{end}}
{{range .Findings}}<details open>
<summary><b>{{.Check.ID}}</b> [{{.Check.Severity}}] {{.Check.Title}} <span class="muted">({{phase .Check.Phase}}{{if .Check.Errors}}; errors.md {{join .Check.Errors}}{{end}}; fail {{.Check.Counts.Fail}}, unknown {{.Check.Counts.Unknown}}, waived {{.Check.Counts.Waived}})</span></summary>
<p>{{.Check.Remediation}}</p>
{{range .Hits}}<details>
<summary><span class="s {{.Result.Status}}">{{.Result.Status}}</span> <b>{{.Host.Host}}</b>: {{.Result.Summary}}</summary>
{{if .Result.Reason}}<p class="muted">{{.Result.Reason}}</p>{{end}}
{{range .Result.Evidence}}<pre>{{.Host}}$ {{.Command}}{{if .Exit}}   (exit {{.Exit}}){{end}}
{{range .Lines}}{{.}}
{{end}}{{if .Note}}({{.Note}}){{end}}</pre>
{{end}}{{if and (isfail .Result.Status) .Result.Commands}}<p>Fix{{if .Result.Fix}} ({{.Result.Fix}}){{end}}:</p><pre>{{range .Result.Commands}}{{.}}
{{end}}</pre>{{end}}
</details>
{{end}}{{if .Unreachable}}<p class="muted">Unknown on {{.Unreachable}} unreachable hosts as well (see Hosts).</p>
{{end}}</details>
{{end}}
{{if or .R.Waivers.File .R.Waivers.Unmatched .R.Waivers.Expired}}<h2>Waivers</h2>
<p>{{if .R.Waivers.File}}File <code>{{.R.Waivers.File}}</code>: {{end}}applied to {{.R.Waivers.Applied}} results.</p>
{{if .R.Waivers.Unmatched}}<p>Unmatched (waived nothing in this run):</p><ul>{{range .R.Waivers.Unmatched}}<li>{{.Where}} {{.Check}} hosts {{join .Hosts}}: {{.Reason}}</li>{{end}}</ul>{{end}}
{{if .R.Waivers.Expired}}<p>Expired:</p><ul>{{range .R.Waivers.Expired}}<li>{{.Where}} {{.Check}} hosts {{join .Hosts}}: expired after {{.Expires}}</li>{{end}}</ul>{{end}}
{{end}}</body>
</html>
`))
