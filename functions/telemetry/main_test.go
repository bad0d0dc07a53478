package main

import (
	"net/http"
	"testing"

	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// TestLambda runs the built binary under a local Lambda Runtime API.
func TestLambda(t *testing.T) {
	bin := testkit.BuildFunction(t, "github.com/archstudio/studio/functions/telemetry")
	fn := testkit.StartLambda(t, bin, "REDIS_URL="+testkit.RedisURL(t))
	tests := []struct {
		name, method, path, body string
		want                     int
	}{
		{"report", http.MethodPost, "/api/client-errors", `{"message":"boom"}`, http.StatusNoContent},
		{"bad report", http.MethodPost, "/api/client-errors", `{}`, http.StatusBadRequest},
		{"wrong method", http.MethodGet, "/api/client-errors", "", http.StatusMethodNotAllowed},
		{"unknown route", http.MethodGet, "/api/nope", "", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := fn.Invoke(t, testkit.HTTPEvent(tt.method, tt.path, "", map[string]string{"Content-Type": "application/json"}, tt.body))
			if resp.StatusCode != tt.want {
				t.Fatalf("status = %d, want %d: %s", resp.StatusCode, tt.want, resp.Body)
			}
		})
	}
}
