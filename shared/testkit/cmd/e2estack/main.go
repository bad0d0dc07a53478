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
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/stack"
)

func main() { os.Exit(testkit.RunWithServers("e2estack", run)) }

func run(ctx context.Context, args []string) (int, error) {
	var logs io.Writer = io.Discard
	if path := os.Getenv("E2E_STACK_LOGS"); path != "" {
		f, err := os.Create(path) // #nosec G304 G703 -- test tool: the log path is the developer's E2E_STACK_LOGS
		if err != nil {
			return 1, err
		}
		defer f.Close()
		logs = f
	}
	root, _ := os.Getwd()
	s, err := stack.Start(ctx, stack.Options{Root: root, Logs: logs})
	if err != nil {
		return 1, err
	}
	defer s.Close()
	fmt.Fprintf(os.Stderr, "e2estack: studio on %s (fake GitHub %s, fake Anthropic %s)\n", s.URL, s.GitHubURL, s.AnthropicURL)

	cmd := exec.CommandContext(ctx, args[0], args[1:]...) // #nosec G204 -- test tool: runs the command line it was given, as its purpose
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(),
		"E2E_BASE_URL="+s.URL,
		"E2E_GITHUB_LOGIN="+stack.Login,
		"E2E_FAKE_GITHUB_URL="+s.GitHubURL,
		"E2E_FAKE_SPEECH_URL="+s.SpeechURL,
		"E2E_FAKE_ANTHROPIC_URL="+s.AnthropicURL,
	)
	return testkit.ExitCode(cmd.Run())
}
