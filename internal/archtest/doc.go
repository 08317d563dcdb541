// Package archtest holds tests that enforce the project's package layering.
package archtest
