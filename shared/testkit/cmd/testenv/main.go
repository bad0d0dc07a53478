// Command testenv starts the PostgreSQL and Redis that a test run uses
// (unless TEST_DATABASE_URL / TEST_REDIS_URL already point at servers),
// runs the given command with those variables set, and stops the servers.
// `make test` wraps `go test` in it so the whole run shares two servers
// instead of every test binary starting its own.
//
//	testenv go test ./...
package main

import (
	"context"
	"os"
	"os/exec"
	"syscall"

	"github.com/archstudio/studio/shared/testkit"
)

func main() { os.Exit(testkit.RunWithServers("testenv", run)) }

func run(ctx context.Context, args []string) (int, error) {
	cmd := exec.Command(args[0], args[1:]...) // #nosec G204 -- test tool: runs the command line it was given, as its purpose
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return 1, err
	}
	// Interrupted rather than killed, so the command can clean up before
	// the servers stop.
	go func() {
		<-ctx.Done()
		_ = cmd.Process.Signal(syscall.SIGINT)
	}()
	return testkit.ExitCode(cmd.Wait())
}
