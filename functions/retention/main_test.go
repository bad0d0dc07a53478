package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const pkg = "github.com/archstudio/studio/functions/retention"

// TestLambda runs the built binary under a local Lambda Runtime API: an
// EventBridge scheduled event runs the job, and the HTTP route still
// answers through the API Gateway v2 adapter.
func TestLambda(t *testing.T) {
	bin := testkit.BuildFunction(t, pkg)
	ctx := context.Background()
	b := testkit.NewBackend(t)
	pool := b.Pool
	fn := testkit.StartLambda(t, bin, "DATABASE_URL="+b.DatabaseURL, "RETENTION_TOKEN=tok")

	// Two expired chats (and a recent one) in the database the binary uses.
	var user string
	if err := pool.QueryRow(ctx, `INSERT INTO users (username) VALUES ('alice') RETURNING id::text`).Scan(&user); err != nil {
		t.Fatal(err)
	}
	for _, days := range []int{40, 31, 2} {
		if _, err := pool.Exec(ctx, `INSERT INTO chat_sessions (user_id, updated_at)
			VALUES ($1, now() - make_interval(days => $2))`, user, days); err != nil {
			t.Fatal(err)
		}
	}

	raw := fn.InvokeRaw(t, testkit.ScheduledRuleEvent("archstudio-retention"))
	var res struct {
		Deleted  int64
		Complete bool
	}
	if err := json.Unmarshal(raw, &res); err != nil || res.Deleted != 2 || !res.Complete {
		t.Fatalf("scheduled run = %s (%v)", raw, err)
	}

	resp := fn.Invoke(t, testkit.HTTPEvent(http.MethodPost, "/internal/retention/run", "", map[string]string{"Authorization": "Bearer tok"}, ""))
	if resp.StatusCode != 200 || !strings.Contains(resp.Body, `"deleted":0`) {
		t.Fatalf("HTTP run: %d %s", resp.StatusCode, resp.Body)
	}
	resp = fn.Invoke(t, testkit.HTTPEvent(http.MethodPost, "/internal/retention/run", "", nil, ""))
	if resp.StatusCode != 401 {
		t.Fatalf("HTTP run without token: %d %s", resp.StatusCode, resp.Body)
	}
	// The scheduler is a program: a bearer token, no cookie, no Origin.
	fn.CheckBrowserPolicy(t, testkit.StateChange{Method: http.MethodPost, Path: "/internal/retention/run",
		Headers: map[string]string{"Authorization": "Bearer tok"}, Want: http.StatusOK})
	resp = fn.Invoke(t, testkit.HTTPEvent(http.MethodGet, "/nowhere", "", nil, ""))
	if resp.StatusCode != 404 || !strings.Contains(resp.Body, `"not_found"`) {
		t.Fatalf("unknown route: %d %s", resp.StatusCode, resp.Body)
	}
}

// TestBadConfigStopsStartup checks malformed settings stop the binary with
// a message naming the variable.
func TestBadConfigStopsStartup(t *testing.T) {
	base := "DATABASE_URL=postgres://x@127.0.0.1:1/x"
	testkit.RefusesToStart(t, testkit.BuildFunction(t, pkg), []testkit.BadConfig{
		{Env: []string{"DATABASE_URL="}, Want: "DATABASE_URL"},
		{Env: []string{base, "RETENTION_DEFAULT_DAYS=31"}, Want: "RETENTION_DEFAULT_DAYS"},
		{Env: []string{base, "RETENTION_BATCH_SIZE=0"}, Want: "RETENTION_BATCH_SIZE"},
		{Env: []string{base, "RETENTION_MAX_DURATION=soon"}, Want: "RETENTION_MAX_DURATION"},
		{Env: []string{base, "RETENTION_CONTEXT_CACHE_MAX_AGE=0s"}, Want: "RETENTION_CONTEXT_CACHE_MAX_AGE"},
	})
}
