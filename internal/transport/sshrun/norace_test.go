//go:build !race

package sshrun_test

const raceEnabled = false
