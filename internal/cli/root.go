// Package cli implements the nimfleet command line. Each command lives in its
// own file with an options struct, an AddFlags method and a plain run
// function that tests can call directly; RunE is one line.
package cli

import (
	"context"
	"io"

	"github.com/spf13/cobra"
)

// GlobalOptions are the flags every command understands.
type GlobalOptions struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// Run builds the root command and runs it with args. It is the whole CLI,
// callable in-process by tests.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	g := &GlobalOptions{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRootCommand(g)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	return root.ExecuteContext(ctx)
}

func newRootCommand(g *GlobalOptions) *cobra.Command {
	root := &cobra.Command{
		Use:   "nimfleet",
		Short: "Prepare, run and verify nimadm migrations of AIX LPAR fleets",
		Long: `nimfleet makes nimadm (NIM alternate disk migration) boring for 1 LPAR or 5,000:
it finds in seconds what would make a migration fail an hour later, fixes what
is safe to fix, runs nimadm across the fleet and tells you why a run failed.

EXIT STATUS
  0 success, 1 error, 2 usage, 3 some hosts failed or are blocked,
  11 journal locked, 130 interrupted`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return withExit(ExitUsage, err)
	})
	root.AddCommand(newVersionCommand(g))
	root.AddCommand(newDiagnoseCommand(g))
	root.AddCommand(newLabCommand(g))
	root.AddCommand(newFactsCommand(g))
	root.AddCommand(newInventoryCommand(g))
	root.AddCommand(newDemoCommand(g))
	root.AddCommand(newFixCommand(g))
	root.AddCommand(newCheckCommand(g))
	root.AddCommand(newReportCommand(g))
	root.AddCommand(newMigrateCommand(g))
	root.AddCommand(newStatusCommand(g))
	root.AddCommand(newRollbackCommand(g))
	return root
}
