// Command nimfleet prepares, runs and verifies nimadm migrations of AIX LPAR
// fleets. See the README for a tour.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/nimfleet/nimfleet/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(cli.ExitCode(err, os.Stderr))
}
