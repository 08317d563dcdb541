package check

import (
	"fmt"
	"io"
	"strings"
)

// Explain writes every field of m for people, as 'nimfleet check explain'
// prints it.
func Explain(w io.Writer, m *Meta) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n\n", m.ID, m.Title)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "  %-12s %s\n", k+":", v)
		}
	}
	row("severity", m.Severity.String())
	row("protects", m.PhaseText())
	row("scope", string(m.Scope))
	row("errors.md", strings.Join(m.Errors, ", "))
	row("levels", m.Levels.Text)
	fix := m.Fix
	if fix == "" {
		fix = "none (manual)"
	} else {
		fix += " ('nimfleet fix' can apply it)"
	}
	row("fix", fix)
	row("since", m.Since)
	row("aliases", strings.Join(m.Aliases, ", "))
	row("deprecated", m.Deprecated)
	section := func(title, text string) {
		if strings.TrimSpace(text) == "" {
			return
		}
		fmt.Fprintf(&b, "\n%s\n", title)
		for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
			if l == "" {
				b.WriteString("\n")
				continue
			}
			b.WriteString("  " + l + "\n")
		}
	}
	section("WHY", m.Why)
	section("DETECT", m.Detect)
	section("REMEDIATION", m.Remediation)
	if len(m.Commands) > 0 {
		section("COMMANDS", strings.Join(m.Commands, "\n"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMarkdown writes the reference of every check in metas as Markdown
// (docs/checks.md is generated with it).
func WriteMarkdown(w io.Writer, metas []*Meta) error {
	var b strings.Builder
	b.WriteString("# Preflight checks\n\n")
	b.WriteString("<!-- Generated from the check metadata by `go test ./internal/preflight -run TestDocs -update`. Do not edit. -->\n\n")
	b.WriteString("`nimfleet check` runs these checks; `nimfleet check explain ID` prints one of them.\n")
	b.WriteString("IDs are permanent (see docs/check-ids.md). Severity: a failed *blocker* stops the\n")
	b.WriteString("host's migration; a *warning* is reported but does not block; *info* is advice.\n\n")
	b.WriteString("| ID | Title | Severity | Protects | Scope | errors.md | Fix |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for _, m := range metas {
		fix := m.Fix
		if fix == "" {
			fix = "-"
		}
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s | %s | %s | %s |\n", m.ID, strings.ToLower(m.ID), mdCell(m.Title),
			m.Severity, m.Phase, m.Scope, strings.Join(m.Errors, ", "), fix)
	}
	for _, m := range metas {
		fmt.Fprintf(&b, "\n## %s\n\n**%s**\n\n", m.ID, m.Title)
		fmt.Fprintf(&b, "- Severity: %s\n- Protects: %s\n- Scope: %s\n", m.Severity, m.PhaseText(), m.Scope)
		if len(m.Errors) > 0 {
			fmt.Fprintf(&b, "- errors.md: %s\n", strings.Join(m.Errors, ", "))
		}
		fmt.Fprintf(&b, "- Levels: %s\n", m.Levels.Text)
		if m.Fix != "" {
			fmt.Fprintf(&b, "- Fix action: %s (`nimfleet fix`)\n", m.Fix)
		} else {
			b.WriteString("- Fix action: none (manual)\n")
		}
		fmt.Fprintf(&b, "- Since: %s\n", m.Since)
		if len(m.Aliases) > 0 {
			fmt.Fprintf(&b, "- Aliases: %s\n", strings.Join(m.Aliases, ", "))
		}
		if m.Deprecated != "" {
			fmt.Fprintf(&b, "- Deprecated: %s\n", m.Deprecated)
		}
		fmt.Fprintf(&b, "\n### Why\n\n%s\n", strings.TrimSpace(m.Why))
		fmt.Fprintf(&b, "\n### Detect\n\n%s\n", strings.TrimSpace(m.Detect))
		fmt.Fprintf(&b, "\n### Remediation\n\n%s\n", strings.TrimSpace(m.Remediation))
		if len(m.Commands) > 0 {
			b.WriteString("\n```\n")
			for _, c := range m.Commands {
				b.WriteString(c + "\n")
			}
			b.WriteString("```\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
