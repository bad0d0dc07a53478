package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestGatherFunctions: the router's /metrics holds each function's own
// families with function="<name>", merged into one family per name, and
// a function that does not answer leaves the scrape intact.
func TestGatherFunctions(t *testing.T) {
	fn := func(body string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/internal/metrics" {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/plain; version=0.0.4")
			_, _ = w.Write([]byte(body))
		}))
	}
	family := "# HELP archstudio_http_requests_in_flight Requests.\n# TYPE archstudio_http_requests_in_flight gauge\n"
	chats := fn(family + "archstudio_http_requests_in_flight 2\n")
	defer chats.Close()
	stream := fn(family + "archstudio_http_requests_in_flight 5\n# HELP archstudio_generations_running G.\n# TYPE archstudio_generations_running gauge\narchstudio_generations_running 1\n")
	defer stream.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()

	m := New()
	for name, url := range map[string]string{"chats": chats.URL, "stream": stream.URL, "down": down.URL} {
		m.Declare(name)
		m.AddSource(Source{Function: name, URL: url + "/internal/metrics", Transport: http.DefaultTransport})
	}
	r := httptest.NewRequest("GET", "/metrics", nil)
	r.RemoteAddr = "127.0.0.1:1"
	rec := httptest.NewRecorder()
	m.Handler(Access{Loopback: true}).ServeHTTP(rec, r)
	body := rec.Body.String()
	for _, want := range []string{
		`archstudio_http_requests_in_flight{function="chats"} 2`,
		`archstudio_http_requests_in_flight{function="stream"} 5`,
		`archstudio_generations_running{function="stream"} 1`,
		`archstudio_router_function_up{function="down"} 0`,
		`archstudio_build_info{commit="unknown",function="router"`,
		`go_goroutines{function="router"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %s", want)
		}
	}
	if strings.Count(body, "# TYPE archstudio_http_requests_in_flight") != 1 {
		t.Errorf("the family is not merged:\n%s", body)
	}
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
}
