package router

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/archstudio/studio/runtime/manifest"
	"github.com/archstudio/studio/shared/apispec"
)

func TestDispatch(t *testing.T) {
	m, err := manifest.Parse([]byte(`{"functions":[
		{"name":"chats","binary":"x","routes":["/api/chats"]},
		{"name":"stream","binary":"x","routes":["POST /api/chats/*/messages"]},
		{"name":"down","binary":"x","routes":["/api/down"]},
		{"name":"boom","binary":"x","routes":["/api/boom"]},
		{"name":"retention","binary":"x","schedule":{"every":"1h","path":"/internal/retention/run"}}
	]}`), "")
	if err != nil {
		t.Fatal(err)
	}
	named := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Served-By", name)
			_, _ = io.WriteString(w, name)
		})
	}
	h := New(Deps{
		Table: m.Table(),
		Functions: map[string]http.Handler{
			"chats": named("chats"), "stream": named("stream"),
			"boom": http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("kaboom") }),
		},
		Private: []string{"/internal/retention/run"},
		SPA:     named("spa"),
		Logger:  slog.New(slog.DiscardHandler),
	})
	tests := []struct {
		method, path string
		status       int
		servedBy     string
		code         string
	}{
		{"GET", "/api/chats/1/messages", 200, "chats", ""},
		{"POST", "/api/chats/1/messages", 200, "stream", ""},
		// Routed by the decoded path, like the private-path check.
		{"POST", "/api/chats/1%2F2/messages", 200, "chats", ""},
		{"OPTIONS", "/api/chats/1/messages", 200, "chats", ""},
		{"GET", "/", 200, "spa", ""},
		{"GET", "/chats/1", 200, "spa", ""},
		{"GET", "/healthz", 200, "spa", ""},
		{"GET", "/api", 404, "", "not_found"},
		{"GET", "/api/", 404, "", "not_found"},
		{"GET", "/health", 404, "", "not_found"},
		{"GET", "/health/x", 404, "", "not_found"},
		{"GET", "/metrics", 404, "", "not_found"},
		{"POST", "/internal/retention/run", 404, "", "not_found"},
		{"GET", "/internal/retention/run/", 404, "", "not_found"},
		{"GET", "/api/down", 503, "", "unavailable"},
		{"GET", "/api/boom", 500, "", "internal"},
		{"GET", "/api//chats", 301, "", ""},
		{"DELETE", "/api/./chats", 400, "", "invalid_argument"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if got := rec.Header().Get("X-Served-By"); got != tt.servedBy {
				t.Fatalf("served by %q, want %q", got, tt.servedBy)
			}
			if rec.Header().Get("X-Request-ID") == "" || rec.Header().Get("X-Frame-Options") != "DENY" {
				t.Fatalf("missing request id or security headers: %v", rec.Header())
			}
			if tt.code != "" {
				var e struct {
					Error struct{ Code, Message string }
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code != tt.code {
					t.Fatalf("body %s, want code %s", rec.Body, tt.code)
				}
				if e.Error.Message == "kaboom" {
					t.Fatal("panic value leaked to the client")
				}
			}
		})
	}
}

func TestServesTheContract(t *testing.T) {
	m, err := manifest.Parse([]byte(`{"functions":[{"name":"chats","binary":"x","routes":["/api"]}]}`), "")
	if err != nil {
		t.Fatal(err)
	}
	h := New(Deps{Table: m.Table(), Functions: map[string]http.Handler{"chats": http.NotFoundHandler()},
		SPA: http.NotFoundHandler(), Logger: slog.New(slog.DiscardHandler)})
	tests := []struct {
		method string
		status int
		body   string
	}{
		{http.MethodGet, 200, string(apispec.Spec())},
		{http.MethodHead, 200, ""},
		{http.MethodPost, 405, `"method_not_allowed"`},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, SpecPath, nil))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			if tt.status == 200 {
				if ct := rec.Header().Get("Content-Type"); ct != "application/yaml" {
					t.Fatalf("Content-Type %q", ct)
				}
				if rec.Body.String() != tt.body {
					t.Fatalf("body is not the embedded contract (%d bytes)", rec.Body.Len())
				}
				return
			}
			if !strings.Contains(rec.Body.String(), tt.body) {
				t.Fatalf("body %s, want %s", rec.Body, tt.body)
			}
		})
	}
	if !strings.HasPrefix(string(apispec.Spec()), "openapi: 3.1") {
		t.Fatal("the embedded contract is not OpenAPI 3.1")
	}
}
