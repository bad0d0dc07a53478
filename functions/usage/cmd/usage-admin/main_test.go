package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// TestCommandLine runs the built usage-admin binary the way an operator
// does, with its configuration in the environment.
func TestCommandLine(t *testing.T) {
	ctx := context.Background()
	b := testkit.NewBackend(t)
	pool := b.Pool
	var id string
	if err := pool.QueryRow(ctx, `INSERT INTO users (username) VALUES ('alice') RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `SELECT increment_usage($1, (now() AT TIME ZONE 'UTC')::date, 4, 1234)`, id); err != nil {
		t.Fatal(err)
	}
	bin := testkit.BuildFunction(t, "github.com/archstudio/studio/functions/usage/cmd/usage-admin")
	env := append(b.Env(), "DAILY_CALL_LIMIT=300")

	tests := []struct {
		name     string
		env      []string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"set limits", env, []string{"set-limits", "--user", "alice", "--calls", "25"}, 0, "25 calls/day (own limit), 2000000 tokens/day (default)"},
		{"show", env, []string{"show", "--user", id}, 0, "1234"},
		{"back to default", env, []string{"set-limits", "--user", "alice", "--default"}, 0, "300 calls/day (default)"},
		{"bad flag", env, []string{"set-limits", "--user", "alice", "--calls", "x"}, 2, "usage-admin set-limits"},
		{"unknown user", env, []string{"show", "--user", "bob"}, 1, `no user "bob"`},
		{"no database", []string{"DATABASE_URL=", "REDIS_URL=" + b.RedisURL}, []string{"show", "--user", "alice"}, 1, "DATABASE_URL"},
		{"help needs no configuration", []string{"DATABASE_URL="}, []string{"help"}, 0, "set-limits --user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(bin, tt.args...)
			cmd.Env = append(os.Environ(), tt.env...)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.wantCode || !strings.Contains(out.String(), tt.wantOut) {
				t.Fatalf("exit %d, want %d; output lacks %q:\n%s", code, tt.wantCode, tt.wantOut, out.String())
			}
		})
	}
	var calls *int64
	if err := pool.QueryRow(ctx, `SELECT daily_call_limit FROM users WHERE id = $1`, id).Scan(&calls); err != nil || calls != nil {
		t.Fatalf("daily_call_limit after --default = %v (%v), want NULL", calls, err)
	}
}
