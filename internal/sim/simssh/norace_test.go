//go:build !race

package simssh

const raceEnabled = false
