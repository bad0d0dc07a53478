package profiler_test

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/profiler"
)

func TestServe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	profiler.Serve(ln, slog.New(slog.DiscardHandler))
	for _, tt := range []struct{ path, want string }{
		{"/debug/pprof/", "goroutine"},
		{"/debug/pprof/goroutine?debug=1", "profiler_test.TestServe"},
		{"/debug/pprof/symbol", "num_symbols"},
	} {
		resp, err := http.Get("http://" + ln.Addr().String() + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), tt.want) {
			t.Errorf("GET %s: %d, want 200 with %q:\n%.300s", tt.path, resp.StatusCode, tt.want, body)
		}
	}
}
