package admin

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/quota"
	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// TestCommands runs the commands in order against real PostgreSQL and
// Redis, and checks what they print and what reservations then admit.
func TestCommands(t *testing.T) {
	ctx := context.Background()
	pool, rdb := testkit.Pool(t), testkit.Redis(t)
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	q := quota.New(pool, rdb, quota.Options{Defaults: quota.Limits{DailyCalls: 200, DailyTokens: 2000000}, Clock: func() time.Time { return now }})
	var alice string
	if err := pool.QueryRow(ctx, `INSERT INTO users (username) VALUES ('alice') RETURNING id`).Scan(&alice); err != nil {
		t.Fatal(err)
	}
	// Two users called "twin": a development user and a GitHub user.
	if _, err := pool.Exec(ctx, `INSERT INTO users (username) VALUES ('twin'); INSERT INTO users (username, github_id) VALUES ('twin', 42)`); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		r, err := q.Reserve(ctx, alice)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Settle(ctx, 700, 50); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		name      string
		args      []string
		wantErr   string // substring; "usage" errors also wrap ErrUsage
		wantUsage bool
		wantOut   []string
		// then: how many more reservations alice gets today (-1: not checked)
		admits int
	}{
		{"set both by login", []string{"set-limits", "--user", "alice", "--calls", "3", "--tokens", "900000"}, "", false,
			[]string{"alice (" + alice + "): 3 calls/day (own limit), 900000 tokens/day (own limit)"}, 1},
		{"show by id", []string{"show", "--user", strings.ToUpper(alice)}, "", false,
			[]string{"alice (" + alice + ")", "limits: 3 calls/day (own limit), 900000 tokens/day (own limit)",
				"resets at 2026-11-26T00:00:00Z", "DATE API CALLS TOKENS", "2026-11-25 3 1500", "2026-11-24 0 0", "2026-10-27 0 0"}, -1},
		{"one back to default", []string{"set-limits", "--user", alice, "--calls", "default"}, "", false,
			[]string{"200 calls/day (default), 900000 tokens/day (own limit)"}, -1},
		{"token limit below today's use", []string{"set-limits", "--user", "alice", "--tokens", "1500"}, "", false,
			[]string{"200 calls/day (default), 1500 tokens/day (own limit)"}, 0},
		{"all back to default", []string{"set-limits", "--user", "alice", "--default"}, "", false,
			[]string{"200 calls/day (default), 2000000 tokens/day (default)"}, -1},
		{"no command", nil, "no command", true, nil, -1},
		{"unknown command", []string{"reset"}, "unknown command", true, nil, -1},
		{"no user", []string{"show"}, "needs --user", true, nil, -1},
		{"nothing to set", []string{"set-limits", "--user", "alice"}, "needs --calls", true, nil, -1},
		{"default with a number", []string{"set-limits", "--user", "alice", "--default", "--calls", "4"}, "cannot be combined", true, nil, -1},
		{"negative", []string{"set-limits", "--user", "alice", "--calls", "-1"}, "--calls", true, nil, -1},
		{"not a number", []string{"set-limits", "--user", "alice", "--tokens", "lots"}, "--tokens", true, nil, -1},
		{"unknown flag", []string{"show", "--user", "alice", "--days", "7"}, "show", true, nil, -1},
		{"unknown login", []string{"show", "--user", "nobody"}, `no user "nobody"`, false, nil, -1},
		{"unknown id", []string{"show", "--user", "00000000-0000-4000-8000-000000000000"}, "no user", false, nil, -1},
		{"ambiguous login", []string{"set-limits", "--user", "twin", "--calls", "1"}, "names 2 users", false, nil, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := Run(ctx, Deps{Pool: pool, Quota: q, Stdout: &out, Stderr: &errOut}, tt.args)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("error %v; stderr %s", err, errOut.String())
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				if errors.Is(err, ErrUsage) != tt.wantUsage {
					t.Fatalf("error %v: usage error = %v, want %v", err, errors.Is(err, ErrUsage), tt.wantUsage)
				}
			}
			for _, w := range tt.wantOut {
				if !hasLine(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			if tt.admits < 0 {
				return
			}
			// The change applies at once (the cached limits were dropped).
			admitted := 0
			for range tt.admits + 1 {
				if _, err := q.Reserve(ctx, alice); err != nil {
					break
				}
				admitted++
			}
			if admitted != tt.admits {
				t.Errorf("alice got %d more calls, want %d", admitted, tt.admits)
			}
		})
	}
}

// hasLine reports whether text has a line containing want, comparing
// runs of spaces as one (tabwriter pads columns).
func hasLine(text, want string) bool {
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(strings.Join(strings.Fields(line), " "), want) {
			return true
		}
	}
	return false
}
