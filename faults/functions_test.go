//go:build faults

package faults

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/testkit"
)

// TestKillEveryFunctionUnderLoad kills each function (kill -9) while
// clients keep calling one of its routes: the only failures are the
// router's immediate 503 unavailable (Retry-After) for requests in flight
// or sent while the function restarts, and the route answers again within
// 1 s.
func TestKillEveryFunctionUnderLoad(t *testing.T) {
	u := signIn(t, "kill-load")
	chat := u.newChat(t)
	tests := []struct {
		function, method, path, body string
	}{
		{"health", http.MethodGet, "/health", ""},
		{"auth", http.MethodGet, "/api/auth/me", ""},
		{"chats", http.MethodGet, "/api/chats", ""},
		{"stream", http.MethodPost, "/api/chats/" + chat + "/stop", "{}"},
		{"artifacts", http.MethodGet, "/api/chats/" + chat + "/artifacts", ""},
		{"preferences", http.MethodGet, "/api/preferences", ""},
		{"github", http.MethodGet, "/api/github/account", ""},
		{"usage", http.MethodGet, "/api/usage", ""},
		{"telemetry", http.MethodPost, "/api/client-errors", `{"message":"fault suite"}`},
	}
	for _, tt := range tests {
		t.Run(tt.function, func(t *testing.T) {
			if o := u.call(tt.method, tt.path, tt.body); !o.ok() {
				t.Fatalf("%s %s before the fault: %s", tt.method, tt.path, o.kind())
			}
			l := startLoad(4, func(int) outcome { return u.call(tt.method, tt.path, tt.body) })
			testkit.Eventually(t, 10*time.Second, func() bool { return l.okSince(time.Time{}) >= 20 }, "load running")
			if err := studio.stack.KillFunction(tt.function); err != nil {
				t.Fatal(err)
			}
			killed := time.Now()
			testkit.Eventually(t, 10*time.Second, func() bool {
				return time.Since(killed) > 1500*time.Millisecond && l.okSince(killed.Add(time.Second)) > 0
			}, "the route answers again")
			s := summarize(l.finish(), killed)
			t.Logf("kill -9 %s under load: %s", tt.function, s)
			for kind := range s.kinds {
				if kind != "503 unavailable" {
					t.Errorf("a failure other than the router's 503: %q", kind)
				}
			}
			if s.recovered > time.Second {
				t.Errorf("%s answered again only %v after kill -9", tt.path, s.recovered)
			}
		})
	}
	t.Run("retention", func(t *testing.T) {
		// A scheduled function with no routes: it must be back up.
		if err := studio.stack.KillFunction("retention"); err != nil {
			t.Fatal(err)
		}
		killed := time.Now()
		testkit.Eventually(t, 5*time.Second, func() bool {
			return metric(t, `archstudio_router_function_up{function="retention"}`) == "1" &&
				metric(t, `archstudio_router_function_restarts_total{function="retention"}`) != "0"
		}, "retention restarted")
		t.Logf("kill -9 retention: up again %v after", time.Since(killed).Round(time.Millisecond))
	})
}

// metric reads one sample of the router's /metrics (served to loopback).
func metric(t *testing.T, name string) string {
	t.Helper()
	resp, err := http.Get(studio.stack.URL + "/metrics")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return strings.TrimSpace(v)
		}
	}
	return fmt.Sprintf("no %s", name)
}
