package routing_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/archstudio/studio/shared/routing"
)

func TestStrictQuery(t *testing.T) {
	h := routing.StrictQuery(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	tests := []struct {
		query string
		want  int
	}{
		{"", 418},
		{"cursor=abc&limit=10", 418},
		{"q=a%20b", 418},
		{"cursor=%%%%%%", 400},
		{"cursor=%zz", 400},
		{"a=1;b=2", 400},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/api/chats", nil)
			req.URL.RawQuery = tt.query
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Fatalf("?%s: status %d, want %d", tt.query, rec.Code, tt.want)
			}
		})
	}
}
