package testkit

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/secheaders"
)

// StateChange is one state-changing route of a function and what it
// answers the studio's own pages, for CheckBrowserPolicy.
type StateChange struct {
	Method, Path string
	// Headers are sent with every case (the session cookie, say).
	Headers map[string]string
	// Body is the JSON body of the accepted request ("" for none).
	Body string
	// Want is the status the route answers the accepted request.
	Want int
}

// exchange is one request of CheckBrowserPolicy and its answer.
type exchange func(t *testing.T, method, path string, headers map[string]string, body string) (int, http.Header, string)

// CheckBrowserPolicy runs, as subtests against the function under Lambda,
// the table every function must pass for route (shared/csrf,
// shared/cors): each header combination a browser can send, the JSON
// Content-Type rule, CORS preflights, and the security headers the
// router sends.
func (f *LambdaFunction) CheckBrowserPolicy(t *testing.T, route StateChange) {
	t.Helper()
	checkBrowserPolicy(t, true, route, func(t *testing.T, method, path string, headers map[string]string, body string) (int, http.Header, string) {
		resp := f.Invoke(t, HTTPEvent(method, path, "", headers, body))
		h := http.Header{}
		for k, v := range resp.Headers {
			h.Set(k, v)
		}
		for k, v := range resp.MultiValueHeaders {
			h[http.CanonicalHeaderKey(k)] = v
		}
		return resp.StatusCode, h, resp.Body
	})
}

// CheckBrowserPolicy is the same table against the function serving
// HTTP, as the router runs it (no Strict-Transport-Security there: the
// router adds it when the studio is served over TLS).
func (f *Function) CheckBrowserPolicy(t *testing.T, route StateChange) {
	t.Helper()
	checkBrowserPolicy(t, false, route, func(t *testing.T, method, path string, headers map[string]string, body string) (int, http.Header, string) {
		req, err := http.NewRequest(method, "http://fn"+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range headers {
			req.Header[http.CanonicalHeaderKey(k)] = []string{v}
		}
		resp, err := f.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, resp.Header, string(b)
	})
}

func checkBrowserPolicy(t *testing.T, hsts bool, route StateChange, do exchange) {
	t.Helper()
	const evil = "http://evil.example"
	with := func(pairs ...string) map[string]string {
		h := map[string]string{"Cookie": "__Host-session=not-a-session"}
		for k, v := range route.Headers {
			h[k] = v
		}
		for i := 0; i+1 < len(pairs); i += 2 {
			h[pairs[i]] = pairs[i+1]
		}
		return h
	}
	refused := []struct {
		name    string
		headers map[string]string
		body    string
		want    int
		code    string
	}{
		{"another origin", with("Origin", evil), route.Body, 403, "csrf_refused"},
		{"null origin", with("Origin", "null"), route.Body, 403, "csrf_refused"},
		{"cross-site fetch", with("Sec-Fetch-Site", "cross-site"), route.Body, 403, "csrf_refused"},
		{"cross-site fetch from another origin", with("Sec-Fetch-Site", "cross-site", "Origin", evil), route.Body, 403, "csrf_refused"},
		{"same-site fetch", with("Sec-Fetch-Site", "same-site", "Origin", "http://localhost:5173"), route.Body, 403, "csrf_refused"},
		{"cookie without origin", with("Sec-Fetch-Site", "", "Origin", ""), route.Body, 403, "csrf_refused"},
		{"body without Content-Type", with("Content-Type", ""), `{}`, 415, "unsupported_media_type"},
		{"text body", with("Content-Type", "text/plain"), `{}`, 415, "unsupported_media_type"},
		{"form body", with("Content-Type", "application/x-www-form-urlencoded"), `a=1`, 415, "unsupported_media_type"},
	}
	for _, tt := range refused {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			status, _, body := do(t, route.Method, route.Path, tt.headers, tt.body)
			if status != tt.want || !strings.Contains(body, `"code":"`+tt.code+`"`) {
				t.Fatalf("%s %s: status %d %s, want %d %s", route.Method, route.Path, status, body, tt.want, tt.code)
			}
		})
	}

	t.Run("preflight from the studio", func(t *testing.T) {
		status, h, _ := do(t, http.MethodOptions, route.Path, map[string]string{
			"Origin": StudioOrigin, "Access-Control-Request-Method": route.Method,
			"Access-Control-Request-Headers": "content-type",
		}, "")
		if status != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != StudioOrigin ||
			h.Get("Access-Control-Allow-Credentials") != "true" ||
			!strings.Contains(h.Get("Access-Control-Allow-Methods"), route.Method) ||
			!strings.Contains(strings.ToLower(h.Get("Access-Control-Allow-Headers")), "content-type") ||
			!strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
			t.Fatalf("status %d, headers %v", status, h)
		}
	})
	t.Run("preflight from another origin", func(t *testing.T) {
		status, h, _ := do(t, http.MethodOptions, route.Path, map[string]string{
			"Origin": evil, "Access-Control-Request-Method": route.Method,
		}, "")
		if status != http.StatusForbidden || h.Get("Access-Control-Allow-Origin") != "" || h.Get("Access-Control-Allow-Credentials") != "" {
			t.Fatalf("status %d, headers %v", status, h)
		}
	})

	accepted := []struct {
		name    string
		headers map[string]string
	}{
		{"the studio's pages", with("Sec-Fetch-Site", "same-origin")},
		{"an allowed origin", with("Sec-Fetch-Site", "", "Origin", StudioOrigin)},
	}
	want := routerHeaders(hsts)
	for _, tt := range accepted {
		t.Run("accepts "+tt.name, func(t *testing.T) {
			status, h, body := do(t, route.Method, route.Path, tt.headers, route.Body)
			if status != route.Want {
				t.Fatalf("%s %s: status %d %s, want %d", route.Method, route.Path, status, body, route.Want)
			}
			if o := tt.headers["Origin"]; o != "" && h.Get("Access-Control-Allow-Origin") != o {
				t.Fatalf("no CORS headers for %s: %v", o, h)
			}
			for k, v := range want {
				if got := h.Get(k); got != v {
					t.Errorf("%s: %q, want the router's %q", k, got, v)
				}
			}
		})
	}
}

// routerHeaders are the security headers the router's policy puts on a
// response (shared/secheaders), to compare a function's with.
func routerHeaders(hsts bool) map[string]string {
	rec := httptest.NewRecorder()
	h := secheaders.Middleware(secheaders.Policy{AlwaysHSTS: hsts})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
	}))
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	out := map[string]string{}
	for k := range rec.Header() {
		out[k] = rec.Header().Get(k)
	}
	if !hsts {
		delete(out, "Strict-Transport-Security")
	}
	return out
}
