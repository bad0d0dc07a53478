// Command e2estack runs a command against the whole studio: it starts
// PostgreSQL and Redis (unless TEST_DATABASE_URL / TEST_REDIS_URL are set),
// the built router and functions from bin/ with fake GitHub and Anthropic
// servers, then runs the command with E2E_BASE_URL set, and stops it all.
// `make test` runs the SPA's browser suite through it:
//
//	e2estack npm --prefix web run e2e
//
// E2E_STACK_LOGS names a file for the router's and functions' output.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/stack"
)

func main() { os.Exit(run()) }

func run() int {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: e2estack command [args...]")
		return 2
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	stopServers, err := testkit.EnsureServers(ctx)
	defer stopServers()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2estack:", err)
		return 1
	}
	var logs io.Writer = io.Discard
	if path := os.Getenv("E2E_STACK_LOGS"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "e2estack:", err)
			return 1
		}
		defer f.Close()
		logs = f
	}
	root, _ := os.Getwd()
	s, err := stack.Start(ctx, stack.Options{Root: root, Logs: logs})
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2estack:", err)
		return 1
	}
	defer s.Close()
	fmt.Fprintf(os.Stderr, "e2estack: studio on %s (fake GitHub %s, fake Anthropic %s)\n", s.URL, s.GitHubURL, s.AnthropicURL)

	cmd := exec.CommandContext(ctx, os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(),
		"E2E_BASE_URL="+s.URL,
		"E2E_GITHUB_LOGIN="+stack.Login,
		"E2E_FAKE_GITHUB_URL="+s.GitHubURL,
	)
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return exit.ExitCode()
	case err != nil:
		fmt.Fprintln(os.Stderr, "e2estack:", err)
		return 1
	}
	return 0
}
