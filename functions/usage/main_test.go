package main

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const pkg = "github.com/archstudio/studio/functions/usage"

// TestLambda runs the built binary under a local Lambda Runtime API and
// checks GET /api/usage through the API Gateway v2 adapter, signed in with
// a real session, against the real PostgreSQL and Redis.
func TestLambda(t *testing.T) {
	fn := testkit.StartSignedInLambda(t, pkg, "DAILY_CALL_LIMIT=7", "DAILY_TOKEN_LIMIT=9000")

	resp := fn.Invoke(t, testkit.HTTPEvent(http.MethodGet, "/api/usage", "", fn.Headers(), ""))
	var got struct {
		Today struct {
			APICalls int64 `json:"api_calls"`
		} `json:"today"`
		Limits struct {
			DailyCalls  int64 `json:"daily_calls"`
			DailyTokens int64 `json:"daily_tokens"`
		} `json:"limits"`
		History []json.RawMessage `json:"history"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &got); err != nil || resp.StatusCode != 200 ||
		got.Limits.DailyCalls != 7 || got.Limits.DailyTokens != 9000 || got.Today.APICalls != 0 || len(got.History) != 30 {
		t.Fatalf("signed in: %d %s (%v)", resp.StatusCode, resp.Body, err)
	}
	fn.RunCases(t, []testkit.LambdaCase{
		{Name: "no session", Method: http.MethodGet, Path: "/api/usage", Status: 401, Want: `"unauthenticated"`},
		{Name: "unknown route", Method: http.MethodGet, Path: "/api/usage/more", Status: 404},
	})
	// No route changes state; the CSRF check still stands before all.
	fn.CheckBrowserPolicy(t, testkit.StateChange{Method: http.MethodPost, Path: "/api/usage", Headers: fn.Headers(), Want: 405})
}

// TestBadConfigStopsStartup checks a malformed or invalid variable stops
// the binary with a message naming it.
func TestBadConfigStopsStartup(t *testing.T) {
	base := []string{"DATABASE_URL=postgres://x@127.0.0.1:1/x", "REDIS_URL=redis://127.0.0.1:1/0"}
	testkit.FunctionRefusesToStart(t, pkg, []testkit.BadConfig{
		{Name: "missing database", Env: []string{"DATABASE_URL=", "REDIS_URL=redis://127.0.0.1:1/0"}, Want: "DATABASE_URL"},
		{Name: "call limit not a number", Env: append(base, "DAILY_CALL_LIMIT=lots"), Want: "DAILY_CALL_LIMIT"},
		{Name: "negative token limit", Env: append(base, "DAILY_TOKEN_LIMIT=-5"), Want: "DAILY_TOKEN_LIMIT"},
		{Name: "bad env", Env: append(base, "APP_ENV=staging"), Want: "APP_ENV"},
	})
}
