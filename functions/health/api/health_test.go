package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/archstudio/studio/functions/health/api"
	"github.com/archstudio/studio/shared/testkit"
)

func TestHealth(t *testing.T) {
	ok := func(context.Context) error { return nil }
	down := func(context.Context) error { return errors.New("dial tcp 10.0.0.1:6379: connection refused") }
	hang := func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }

	tests := []struct {
		name       string
		postgres   func(context.Context) error
		redis      func(context.Context) error
		wantStatus int
		wantChecks map[string]string
		wantError  map[string]string
	}{
		{"all up", ok, ok, http.StatusOK, map[string]string{"postgres": "ok", "redis": "ok"}, nil},
		{"redis down", ok, down, http.StatusServiceUnavailable, map[string]string{"postgres": "ok", "redis": "fail"}, map[string]string{"redis": "unreachable"}},
		{"postgres hangs", hang, ok, http.StatusServiceUnavailable, map[string]string{"postgres": "fail", "redis": "ok"}, map[string]string{"postgres": "timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := testkit.ContractHandler(t, api.New(api.Deps{Timeout: 50 * time.Millisecond, Checks: []api.Check{
				{Name: "postgres", Probe: tt.postgres},
				{Name: "redis", Probe: tt.redis},
			}}))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/health", nil))
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			var got api.Response
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			for name, want := range tt.wantChecks {
				if got.Checks[name].Status != want {
					t.Errorf("checks[%s].status = %q, want %q", name, got.Checks[name].Status, want)
				}
			}
			for name, want := range tt.wantError {
				if got.Checks[name].Error != want {
					t.Errorf("checks[%s].error = %q, want %q", name, got.Checks[name].Error, want)
				}
			}
			if rec.Body.String() == "" || json.Valid(rec.Body.Bytes()) == false {
				t.Fatalf("body not JSON: %q", rec.Body)
			}
			if got.Version == "" {
				t.Error("version missing")
			}
		})
	}
}

func TestUnknownRouteIsJSON404(t *testing.T) {
	h := testkit.ContractHandler(t, api.New(api.Deps{}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/nope", nil))
	var body struct {
		Error struct{ Code string } `json:"error"`
	}
	if rec.Code != http.StatusNotFound || json.Unmarshal(rec.Body.Bytes(), &body) != nil || body.Error.Code != "not_found" {
		t.Fatalf("got %d %q", rec.Code, rec.Body)
	}
}

func TestMetricsToken(t *testing.T) {
	metrics := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("archstudio_users 1\n")) })
	const remote, local = "203.0.113.9:4000", "127.0.0.1:4000"
	tests := []struct {
		name, token, auth, peer, xff string
		want                         int
	}{
		{"no token configured, loopback", "", "", local, "", http.StatusOK},
		{"no token configured, loopback behind the router", "", "", "@", "127.0.0.1", http.StatusOK},
		{"no token configured, remote", "", "", remote, "", http.StatusUnauthorized},
		{"no token configured, remote behind the router", "", "", "@", "127.0.0.1, 203.0.113.9", http.StatusUnauthorized},
		{"no token configured, remote sends one", "", "Bearer ", remote, "", http.StatusUnauthorized},
		{"token required, none sent from remote", "s3cret", "", remote, "", http.StatusUnauthorized},
		{"token configured, none sent from loopback", "s3cret", "", local, "", http.StatusOK},
		{"wrong token from remote", "s3cret", "Bearer nope", remote, "", http.StatusUnauthorized},
		{"wrong token from loopback", "s3cret", "Bearer nope", local, "", http.StatusUnauthorized},
		{"right token from remote", "s3cret", "Bearer s3cret", remote, "", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := testkit.ContractHandler(t, api.New(api.Deps{Metrics: metrics, MetricsToken: tt.token}))
			req := httptest.NewRequest(http.MethodGet, "/health/metrics", nil)
			req.RemoteAddr = tt.peer
			if tt.xff != "" {
				req.Header.Set("X-Forwarded-For", tt.xff)
			}
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Fatalf("status = %d, want %d", rec.Code, tt.want)
			}
		})
	}
}
