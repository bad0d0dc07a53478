package secheaders

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestMiddleware(t *testing.T) {
	tests := []struct {
		name    string
		policy  Policy
		handler http.HandlerFunc
		want    map[string]string
	}{
		{
			name:    "defaults on a plain response",
			handler: func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("hi")) },
			want: map[string]string{
				"Content-Security-Policy": DefaultCSP, "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
				"Referrer-Policy": "strict-origin-when-cross-origin", "Strict-Transport-Security": "",
			},
		},
		{
			name: "a function's own header wins",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Security-Policy", "sandbox")
				w.Header().Set("X-Frame-Options", "SAMEORIGIN")
				w.WriteHeader(http.StatusTeapot)
			},
			want: map[string]string{"Content-Security-Policy": "sandbox", "X-Frame-Options": "SAMEORIGIN", "X-Content-Type-Options": "nosniff"},
		},
		{
			name:    "configured CSP",
			policy:  Policy{CSP: "default-src 'none'"},
			handler: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) },
			want:    map[string]string{"Content-Security-Policy": "default-src 'none'"},
		},
		{
			name:    "HSTS over TLS",
			policy:  Policy{Secure: func(*http.Request) bool { return true }},
			handler: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) },
			want:    map[string]string{"Strict-Transport-Security": HSTS},
		},
		{
			name:    "HSTS always in production",
			policy:  Policy{AlwaysHSTS: true, Secure: func(*http.Request) bool { return false }},
			handler: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) },
			want:    map[string]string{"Strict-Transport-Security": HSTS},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			Middleware(tt.policy)(tt.handler).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
			for k, v := range tt.want {
				if got := rec.Header().Values(k); (v == "" && len(got) != 0) || (v != "" && (len(got) != 1 || got[0] != v)) {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestFlushFirstStillSetsHeaders(t *testing.T) {
	h := Middleware(Policy{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("Flush through the wrapper: %v", err)
		}
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if !rec.Flushed || rec.Header().Get("X-Frame-Options") != "DENY" {
		t.Fatalf("flushed %v, headers %v", rec.Flushed, rec.Header())
	}
}
