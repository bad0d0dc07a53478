package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// TestLambda runs the built binary under a local Lambda Runtime API and
// checks GET /api/usage through the API Gateway v2 adapter, signed in with
// a real session, against the real PostgreSQL and Redis.
func TestLambda(t *testing.T) {
	dbURL, redisURL := testkit.DatabaseURL(t), testkit.RedisURL(t)
	pool, err := pgxpool.New(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	opts, err := redis.ParseURL(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { rdb.Close() })
	_, cookie := testkit.SignIn(t, pool, rdb, "alice")

	bin := testkit.BuildFunction(t, "github.com/archstudio/studio/functions/usage")
	fn := testkit.StartLambda(t, bin, "DATABASE_URL="+dbURL, "REDIS_URL="+redisURL,
		"DAILY_CALL_LIMIT=7", "DAILY_TOKEN_LIMIT=9000")

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
	bin := testkit.BuildFunction(t, "github.com/archstudio/studio/functions/usage")
	base := []string{"DATABASE_URL=postgres://x@127.0.0.1:1/x", "REDIS_URL=redis://127.0.0.1:1/0"}
	tests := []struct {
		name string
		env  []string
		want string
	}{
		{"missing database", []string{"DATABASE_URL=", "REDIS_URL=redis://127.0.0.1:1/0"}, "DATABASE_URL"},
		{"call limit not a number", append(base, "DAILY_CALL_LIMIT=lots"), "DAILY_CALL_LIMIT"},
		{"negative token limit", append(base, "DAILY_TOKEN_LIMIT=-5"), "DAILY_TOKEN_LIMIT"},
		{"bad env", append(base, "APP_ENV=staging"), "APP_ENV"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, code := testkit.RunBinary(t, bin, tt.env...)
			if code == 0 {
				t.Fatalf("exit 0, want failure; output %s", out)
			}
			if !strings.Contains(out, tt.want) {
				t.Fatalf("output does not name %s: %s", tt.want, out)
			}
		})
	}
}
