package testkit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

// RunWithServers is the main of the commands that run another command
// against test servers (testenv, e2estack). It starts PostgreSQL and Redis
// unless TEST_DATABASE_URL and TEST_REDIS_URL name them, calls run with
// the command line to run and a context SIGINT or SIGTERM cancels, stops
// the servers, and returns the exit code run returns (see ExitCode), 2
// when there is no command, or 1 when the servers did not start. Errors
// are said on stderr after name.
//
//	func main() { os.Exit(testkit.RunWithServers("testenv", run)) }
func RunWithServers(name string, run func(ctx context.Context, args []string) (code int, err error)) int {
	if len(os.Args) < 2 {
		fmt.Fprintf(os.Stderr, "usage: %s command [args...]\n", name)
		return 2
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	stop, err := EnsureServers(ctx)
	defer stop()
	code := 1
	if err == nil {
		code, err = run(ctx, os.Args[1:])
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
	}
	return code
}

// ExitCode turns the error of exec.Cmd's Run or Wait into the exit code
// to pass on: the command's own when it ran, else 1 and the error.
func ExitCode(err error) (int, error) {
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.ExitCode(), nil
	case err != nil:
		return 1, err
	}
	return 0, nil
}
