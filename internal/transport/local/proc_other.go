//go:build !unix

package local

import (
	"os"
	"os/exec"
)

// setProcessGroup does nothing where process groups do not exist.
func setProcessGroup(cmd *exec.Cmd) {}

// killProcessGroup kills the shell only; its children may survive.
func killProcessGroup(cmd *exec.Cmd) error { return cmd.Process.Kill() }

func exitCode(ps *os.ProcessState) int { return ps.ExitCode() }
