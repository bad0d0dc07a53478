package router

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/archstudio/studio/runtime/accesslog"
	"github.com/archstudio/studio/shared/logging"
	"github.com/archstudio/studio/shared/requestid"
	"github.com/archstudio/studio/shared/secheaders"
)

type recorder struct {
	function string
	status   int
}

func (r *recorder) Observe(function string, status int, _ time.Duration) {
	r.function, r.status = function, status
}

// TestFront: what every request gets around the handler — request ID,
// logger, security headers, one access-log line and one observation with
// the status and bytes actually sent.
func TestFront(t *testing.T) {
	tests := []struct {
		name     string
		id       string // the client's X-Request-ID
		handler  http.HandlerFunc
		status   int
		bytes    float64
		function string
	}{
		{"implicit 200", "rid-7", func(w http.ResponseWriter, r *http.Request) {
			accesslog.SetFunction(r.Context(), "chats")
			_, _ = w.Write([]byte("hello"))
		}, 200, 5, "chats"},
		{"explicit status", "rid-7", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte("{}"))
		}, 201, 2, "router"},
		{"interim 103 then 200", "rid-7", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusOK)
		}, 200, 0, "router"},
		{"nothing written", "rid-7", func(w http.ResponseWriter, r *http.Request) {}, 200, 0, "router"},
		{"flushed first", "rid-7", func(w http.ResponseWriter, r *http.Request) {
			_ = http.NewResponseController(w).Flush()
		}, 200, 0, "router"},
		{"invalid ID replaced", "bad id!", func(w http.ResponseWriter, r *http.Request) {}, 200, 0, "router"},
		{"no ID", "", func(w http.ResponseWriter, r *http.Request) {}, 200, 0, "router"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			rec := &recorder{}
			var seenID, seenHeader string
			var hasLogger bool
			h := &front{
				next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					seenID, seenHeader = requestid.FromContext(r.Context()), r.Header.Get(requestid.Header)
					hasLogger = logging.FromContext(r.Context()).Handler() != slog.DiscardHandler
					tt.handler(w, r)
				}),
				logger: slog.New(slog.NewJSONHandler(&bytes.Buffer{}, nil)),
				access: accesslog.New(&buf, accesslog.Options{}), rec: rec,
				headers: secheaders.Policy{}.Headers(),
			}
			req := httptest.NewRequest("GET", "/api/chats?token=secret", nil)
			if tt.id != "" {
				req.Header.Set(requestid.Header, tt.id)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			id := w.Header().Get(requestid.Header)
			if !requestid.Valid(id) || seenID != id || seenHeader != id || (requestid.Valid(tt.id) && id != tt.id) {
				t.Errorf("response ID %q, handler saw %q and header %q, client sent %q", id, seenID, seenHeader, tt.id)
			}
			if len(w.Header().Values(requestid.Header)) != 1 || !hasLogger {
				t.Errorf("ID values %q, logger in context %v", w.Header().Values(requestid.Header), hasLogger)
			}
			if w.Header().Get("X-Frame-Options") != "DENY" || w.Header().Get("Content-Security-Policy") != secheaders.DefaultCSP {
				t.Errorf("security headers missing: %v", w.Header())
			}
			var line map[string]any
			if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
				t.Fatalf("log %q: %v", buf.String(), err)
			}
			want := map[string]any{"msg": "request", "method": "GET", "path": "/api/chats", "status": float64(tt.status),
				"bytes": tt.bytes, "function": tt.function, "request_id": id}
			for k, v := range want {
				if line[k] != v {
					t.Errorf("%s = %v, want %v", k, line[k], v)
				}
			}
			if _, ok := line["duration_ms"].(float64); !ok {
				t.Errorf("duration_ms missing: %v", line)
			}
			if rec.function != tt.function || rec.status != tt.status {
				t.Errorf("recorded %s %d", rec.function, rec.status)
			}
		})
	}
}
