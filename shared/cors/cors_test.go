package cors_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/archstudio/studio/shared/cors"
)

func TestMiddleware(t *testing.T) {
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h := cors.Middleware([]string{"http://localhost:8080"})(next)
	tests := []struct {
		name       string
		method     string
		origin     string
		preflight  bool
		status     int
		allowOrign string
	}{
		{"same-origin or non-browser", http.MethodGet, "", false, http.StatusTeapot, ""},
		{"allowed origin", http.MethodPost, "http://localhost:8080", false, http.StatusTeapot, "http://localhost:8080"},
		{"other origin gets no headers", http.MethodGet, "https://evil.example", false, http.StatusTeapot, ""},
		{"allowed preflight", http.MethodOptions, "http://localhost:8080", true, http.StatusNoContent, "http://localhost:8080"},
		{"other preflight refused", http.MethodOptions, "https://evil.example", true, http.StatusForbidden, ""},
		{"null origin", http.MethodGet, "null", false, http.StatusTeapot, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, "/api/x", nil)
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			if tt.preflight {
				req.Header.Set("Access-Control-Request-Method", "DELETE")
				req.Header.Set("Access-Control-Request-Headers", "content-type")
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Fatalf("status = %d", rec.Code)
			}
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != tt.allowOrign {
				t.Fatalf("Allow-Origin = %q", got)
			}
			creds := rec.Header().Get("Access-Control-Allow-Credentials")
			if (tt.allowOrign != "") != (creds == "true") {
				t.Fatalf("Allow-Credentials = %q", creds)
			}
			if tt.preflight && tt.status == http.StatusNoContent && rec.Header().Get("Access-Control-Allow-Methods") == "" {
				t.Fatal("no Allow-Methods on preflight")
			}
		})
	}
}
