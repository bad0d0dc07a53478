package main

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// TestLambda runs the built binary under a local Lambda Runtime API and
// checks GET /health answers through the API Gateway v2 adapter against
// the real PostgreSQL and Redis.
func TestLambda(t *testing.T) {
	bin := testkit.BuildFunction(t, "github.com/archstudio/studio/functions/health")
	fn := testkit.StartLambda(t, bin,
		"DATABASE_URL="+testkit.DatabaseURL(t),
		"REDIS_URL="+testkit.RedisURL(t),
	)
	resp := fn.Invoke(t, testkit.HTTPEvent(http.MethodGet, "/health", "", map[string]string{"X-Request-ID": "lambda-test-1"}, ""))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, body %s", resp.StatusCode, resp.Body)
	}
	var body struct {
		Status string
		Checks map[string]struct{ Status string }
	}
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
		t.Fatal(err)
	}
	if body.Status != "ok" || body.Checks["postgres"].Status != "ok" || body.Checks["redis"].Status != "ok" {
		t.Fatalf("body = %s", resp.Body)
	}
	if got := resp.Headers["X-Request-Id"]; got != "lambda-test-1" {
		t.Errorf("X-Request-ID echoed as %q (headers %v)", got, resp.Headers)
	}

	// The business figures: API Gateway's client is never loopback.
	resp = fn.Invoke(t, testkit.HTTPEvent(http.MethodGet, "/health/metrics", "", nil, ""))
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("metrics from a remote client without a token: %d %s", resp.StatusCode, resp.Body)
	}
	// No route changes state; the CSRF check still stands before all.
	fn.CheckBrowserPolicy(t, testkit.StateChange{Method: http.MethodPost, Path: "/health", Want: 404})
	resp = fn.Invoke(t, testkit.HTTPEvent(http.MethodGet, "/missing", "", nil, ""))
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown route status = %d", resp.StatusCode)
	}
}

// TestBadConfigStopsStartup checks a malformed variable stops the binary
// with a message naming it.
func TestBadConfigStopsStartup(t *testing.T) {
	testkit.FunctionRefusesToStart(t, "github.com/archstudio/studio/functions/health", []testkit.BadConfig{
		{Name: "missing database", Env: []string{"DATABASE_URL=", "REDIS_URL=redis://127.0.0.1:1/0"}, Want: "DATABASE_URL"},
		{Name: "bad timeout", Env: []string{"DATABASE_URL=postgres://x@127.0.0.1:1/x", "REDIS_URL=redis://127.0.0.1:1/0", "HEALTH_CHECK_TIMEOUT=soon"}, Want: "HEALTH_CHECK_TIMEOUT"},
		{Name: "bad env", Env: []string{"DATABASE_URL=postgres://x@127.0.0.1:1/x", "REDIS_URL=redis://127.0.0.1:1/0", "APP_ENV=staging"}, Want: "APP_ENV"},
		{Name: "production without a metrics token", Env: []string{"DATABASE_URL=postgres://x@127.0.0.1:1/x", "REDIS_URL=redis://127.0.0.1:1/0", "APP_ENV=production", "METRICS_TOKEN="}, Want: "METRICS_TOKEN"},
	})
}
