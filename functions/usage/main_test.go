package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// TestLambda runs the built binary under a local Lambda Runtime API and
// checks GET /api/usage through the API Gateway v2 adapter, signed in with
// a real session, against the real PostgreSQL and Redis.
func TestLambda(t *testing.T) {
	b := testkit.NewBackend(t)
	_, cookie := testkit.SignIn(t, b.Pool, b.Redis, "alice")

	bin := testkit.BuildFunction(t, "github.com/archstudio/studio/functions/usage")
	fn := testkit.StartLambda(t, bin, append(b.Env(), "DAILY_CALL_LIMIT=7", "DAILY_TOKEN_LIMIT=9000")...)

	tests := []struct {
		name       string
		method     string
		path       string
		headers    map[string]string
		wantStatus int
		check      func(t *testing.T, body string)
	}{
		{"signed in", http.MethodGet, "/api/usage", map[string]string{"Cookie": cookie.Name + "=" + cookie.Value}, 200,
			func(t *testing.T, body string) {
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
				if err := json.Unmarshal([]byte(body), &got); err != nil {
					t.Fatal(err)
				}
				if got.Limits.DailyCalls != 7 || got.Limits.DailyTokens != 9000 || got.Today.APICalls != 0 || len(got.History) != 30 {
					t.Fatalf("body %s", body)
				}
			}},
		{"no session", http.MethodGet, "/api/usage", nil, 401,
			func(t *testing.T, body string) {
				if !strings.Contains(body, `"unauthenticated"`) {
					t.Fatalf("body %s", body)
				}
			}},
		{"unknown route", http.MethodGet, "/api/usage/more", nil, 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := fn.Invoke(t, testkit.HTTPEvent(tt.method, tt.path, "", tt.headers, ""))
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tt.wantStatus, resp.Body)
			}
			if tt.check != nil {
				tt.check(t, resp.Body)
			}
		})
	}
}

// TestBadConfigStopsStartup checks a malformed or invalid variable stops
// the binary with a message naming it.
func TestBadConfigStopsStartup(t *testing.T) {
	base := []string{"DATABASE_URL=postgres://x@127.0.0.1:1/x", "REDIS_URL=redis://127.0.0.1:1/0"}
	testkit.RefusesToStart(t, testkit.BuildFunction(t, "github.com/archstudio/studio/functions/usage"), []testkit.BadConfig{
		{Name: "missing database", Env: []string{"DATABASE_URL=", "REDIS_URL=redis://127.0.0.1:1/0"}, Want: "DATABASE_URL"},
		{Name: "call limit not a number", Env: append(base, "DAILY_CALL_LIMIT=lots"), Want: "DAILY_CALL_LIMIT"},
		{Name: "negative token limit", Env: append(base, "DAILY_TOKEN_LIMIT=-5"), Want: "DAILY_TOKEN_LIMIT"},
		{Name: "bad env", Env: append(base, "APP_ENV=staging"), Want: "APP_ENV"},
	})
}
