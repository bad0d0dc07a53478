package csrf_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/csrf"
)

func TestMiddleware(t *testing.T) {
	const allowed = "https://studio.example"
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h := csrf.Middleware([]string{allowed})(next)
	const cookie = "__Host-session=s"
	tests := []struct {
		name    string
		method  string
		headers map[string]string
		body    string
		want    int
		code    string
	}{
		{"GET from anywhere", "GET", map[string]string{"Origin": "http://evil.example", "Cookie": cookie}, "", 418, ""},
		{"HEAD from anywhere", "HEAD", map[string]string{"Sec-Fetch-Site": "cross-site", "Cookie": cookie}, "", 418, ""},
		{"OPTIONS from anywhere", "OPTIONS", map[string]string{"Origin": "null"}, "", 418, ""},
		{"same-origin fetch", "POST", map[string]string{"Sec-Fetch-Site": "same-origin", "Cookie": cookie}, "", 418, ""},
		{"user's own navigation", "POST", map[string]string{"Sec-Fetch-Site": "none", "Cookie": cookie}, "", 418, ""},
		{"same-origin beats a stray origin", "POST", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://evil.example", "Cookie": cookie}, "", 418, ""},
		{"allowed origin", "POST", map[string]string{"Origin": allowed, "Cookie": cookie}, "", 418, ""},
		{"allowed origin, any case", "DELETE", map[string]string{"Origin": "HTTPS://Studio.Example", "Cookie": cookie}, "", 418, ""},
		{"allowed origin, cross-site fetch", "PATCH", map[string]string{"Origin": allowed, "Sec-Fetch-Site": "cross-site", "Cookie": cookie}, "", 418, ""},
		{"program without cookie", "POST", nil, "", 418, ""},
		{"other origin", "POST", map[string]string{"Origin": "http://evil.example", "Cookie": cookie}, "", 403, "csrf_refused"},
		{"other origin without cookie", "POST", map[string]string{"Origin": "http://evil.example"}, "", 403, "csrf_refused"},
		{"null origin", "POST", map[string]string{"Origin": "null", "Cookie": cookie}, "", 403, "csrf_refused"},
		{"cross-site fetch", "POST", map[string]string{"Sec-Fetch-Site": "cross-site", "Cookie": cookie}, "", 403, "csrf_refused"},
		{"same-site fetch", "DELETE", map[string]string{"Sec-Fetch-Site": "same-site", "Cookie": cookie}, "", 403, "csrf_refused"},
		{"same-site fetch from another origin", "PUT", map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "http://localhost:5173", "Cookie": cookie}, "", 403, "csrf_refused"},
		{"cookie without origin", "POST", map[string]string{"Cookie": cookie}, "", 403, "csrf_refused"},
		{"JSON body", "POST", map[string]string{"Sec-Fetch-Site": "same-origin", "Content-Type": "application/json; charset=utf-8"}, `{}`, 418, ""},
		{"merge patch body", "PATCH", map[string]string{"Sec-Fetch-Site": "same-origin", "Content-Type": "application/merge-patch+json"}, `{}`, 418, ""},
		{"body without Content-Type", "POST", map[string]string{"Sec-Fetch-Site": "same-origin"}, `{}`, 415, "unsupported_media_type"},
		{"form body", "POST", map[string]string{"Sec-Fetch-Site": "same-origin", "Content-Type": "application/x-www-form-urlencoded"}, `a=1`, 415, "unsupported_media_type"},
		{"multipart upload from the studio", "POST", map[string]string{"Sec-Fetch-Site": "same-origin", "Content-Type": "multipart/form-data; boundary=x"}, "--x--", 418, ""},
		{"multipart upload from another site", "POST", map[string]string{"Origin": "http://evil.example", "Content-Type": "multipart/form-data; boundary=x"}, "--x--", 403, "csrf_refused"},
		{"text body", "POST", map[string]string{"Sec-Fetch-Site": "same-origin", "Content-Type": "text/plain"}, `{}`, 415, "unsupported_media_type"},
		{"malformed Content-Type", "POST", map[string]string{"Sec-Fetch-Site": "same-origin", "Content-Type": "application/json;;"}, `{}`, 415, "unsupported_media_type"},
		{"CSRF is checked before the body", "POST", map[string]string{"Origin": "http://evil.example", "Content-Type": "text/plain"}, `{}`, 403, "csrf_refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, "/api/x", strings.NewReader(tt.body))
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want || !strings.Contains(rec.Body.String(), tt.code) {
				t.Fatalf("status %d %s, want %d %s", rec.Code, rec.Body, tt.want, tt.code)
			}
		})
	}
}

// TestChunkedBody: a body of unknown length needs a Content-Type too.
func TestChunkedBody(t *testing.T) {
	h := csrf.Middleware(nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	req := httptest.NewRequest("POST", "/api/x", strings.NewReader("{}"))
	req.ContentLength = -1
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnsupportedMediaType {
		t.Fatalf("status %d, want 415", rec.Code)
	}
}
