package accesslog

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/logging"
	"github.com/archstudio/studio/shared/requestid"
)

type recorder struct {
	function string
	status   int
}

func (r *recorder) Observe(function string, status int, _ time.Duration) {
	r.function, r.status = function, status
}

func TestMiddleware(t *testing.T) {
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		status   int
		bytes    float64
		function string
	}{
		{"implicit 200", func(w http.ResponseWriter, r *http.Request) {
			SetFunction(r.Context(), "chats")
			_, _ = w.Write([]byte("hello"))
		}, 200, 5, "chats"},
		{"explicit status", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte("{}"))
		}, 201, 2, "router"},
		{"interim 103 then 200", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusOK)
		}, 200, 0, "router"},
		{"nothing written", func(w http.ResponseWriter, r *http.Request) {}, 200, 0, "router"},
		{"flushed first", func(w http.ResponseWriter, r *http.Request) {
			_ = http.NewResponseController(w).Flush()
		}, 200, 0, "router"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			logger := logging.New(&buf, "info")
			rec := &recorder{}
			h := requestid.Middleware(Middleware(logger, rec)(tt.handler))
			req := httptest.NewRequest("GET", "/api/chats?token=secret", nil)
			req.Header.Set(requestid.Header, "rid-7")
			h.ServeHTTP(httptest.NewRecorder(), req)
			var line map[string]any
			if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
				t.Fatalf("log %q: %v", buf.String(), err)
			}
			want := map[string]any{"msg": "request", "method": "GET", "path": "/api/chats", "status": float64(tt.status),
				"bytes": tt.bytes, "function": tt.function, "request_id": "rid-7"}
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
