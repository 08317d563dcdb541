// Package facts gathers what nimfleet needs to know about a NIM master or a
// client in one remote round trip per host: a read-only ksh batch script
// whose probes are separated by markers carrying a per-run nonce and each
// probe's exit status. The output is split into sections and each section is
// parsed by package aix into typed facts. A probe that failed, printed
// something unexpected, or never completed makes its facts unknown, with the
// reason; nimfleet never guesses.
package facts
