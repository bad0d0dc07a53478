// Package buildinfo holds the version and commit stamped into every binary
// by the Makefile's -ldflags -X.
package buildinfo

// Set at link time; "dev" when built without the Makefile.
var (
	Version = "dev"
	Commit  = "unknown"
)
