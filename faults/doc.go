// Package faults is the fault suite (`make test-faults`): it starts the
// whole studio from bin/ on a PostgreSQL and a Redis of its own, puts it
// under load, and breaks it — kill -9 of every function, PostgreSQL down,
// PostgreSQL and Redis restarts — checking that only requests in flight
// fail, that routes answer again quickly, and that no stored row or usage
// count is lost. Each test prints what it saw. The tests carry the build
// tag "faults", so `go test ./...` without it skips them (they need `make
// build` first).
package faults
