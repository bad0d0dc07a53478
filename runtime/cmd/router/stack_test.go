package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/archstudio/studio/runtime/internal/testfn/answer"
	"github.com/archstudio/studio/shared/testkit"
)

const (
	routerPkg = "github.com/archstudio/studio/runtime/cmd/router"
	testfnPkg = "github.com/archstudio/studio/runtime/internal/testfn"
)

// stack is a real router binary running real function binaries (testfn)
// from a manifest, with a small built web app.
type stack struct {
	URL    string
	Addr   string
	RunDir string
	cmd    *exec.Cmd
	// logs is the router's (and its functions') output: a file, so
	// writing it costs the router what a log file would, not a pipe
	// drained by the test process.
	logs   *os.File
	exited chan error
}

// testManifest routes like the studio's: a wide prefix, a more specific
// method-bound pattern owned by another function, a long-lived function,
// a scheduled one, one that never starts and one whose binary is missing.
func testManifest(fn, dir string) string {
	return fmt.Sprintf(`{"functions": [
  {"name": "alpha", "binary": %[1]q, "routes": ["/api/alpha", "/health"], "env": {"TESTFN_NAME": "alpha"}},
  {"name": "beta", "binary": %[1]q, "routes": ["POST /api/alpha/*/special", "/api/beta"], "env": {"TESTFN_NAME": "beta"}},
  {"name": "streamer", "binary": %[1]q, "long_lived": true, "routes": ["/api/stream"], "env": {"TESTFN_NAME": "streamer"}},
  {"name": "jobber", "binary": %[1]q, "routes": ["/api/jobber"], "env": {"TESTFN_NAME": "jobber"},
   "schedule": {"every": "100ms", "path": "/internal/jobber/job", "at_start": true}},
  {"name": "crashy", "binary": %[1]q, "routes": ["/api/crashy"], "env": {"TESTFN_FAIL": "1"}},
  {"name": "ghost", "binary": %[2]q, "routes": ["/api/ghost"]}
]}`, fn, filepath.Join(dir, "not-built"))
}

// webFiles is the built SPA the router serves.
var webFiles = map[string]string{
	"index.html":             `<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c4d.js"></script></head><body><div id="root"></div></body></html>`,
	"preview.html":           `<!doctype html><script>addEventListener('message', () => {});</script>`,
	"sw.js":                  `self.addEventListener('fetch', () => {});`,
	"favicon.svg":            `<svg xmlns="http://www.w3.org/2000/svg"/>`,
	"assets/app-1a2b3c4d.js": strings.Repeat(`console.log("archstudio");`, 200),
}

func startStack(tb testing.TB, env ...string) *stack {
	tb.Helper()
	router := testkit.BuildFunction(tb, routerPkg)
	fn := testkit.BuildFunction(tb, testfnPkg)
	dir, err := os.MkdirTemp("", "rt-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	for name, body := range webFiles {
		p := filepath.Join(dir, "web", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	manifestPath := filepath.Join(dir, "functions.json")
	if err := os.WriteFile(manifestPath, []byte(testManifest(fn, dir)), 0o644); err != nil {
		tb.Fatal(err)
	}
	port, err := testkit.FreePort()
	if err != nil {
		tb.Fatal(err)
	}
	s := &stack{
		Addr:   fmt.Sprintf("127.0.0.1:%d", port),
		RunDir: filepath.Join(dir, "run"),
		exited: make(chan error, 1),
	}
	s.URL = "http://" + s.Addr
	s.cmd = exec.Command(router)
	s.cmd.Env = append(os.Environ(),
		"APP_ENV=test",
		testkit.TokenKeysEnv(),
		"ROUTER_ADDR="+s.Addr,
		"ROUTER_MANIFEST="+manifestPath,
		"ROUTER_RUN_DIR="+s.RunDir,
		"WEB_DIST="+filepath.Join(dir, "web"),
	)
	s.cmd.Env = append(s.cmd.Env, env...)
	if s.logs, err = os.Create(filepath.Join(dir, "router.log")); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.logs.Close() })
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() { s.exited <- s.cmd.Wait() }()
	tb.Cleanup(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(15 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
		if tb.Failed() {
			tb.Logf("router output:\n%s", s.output())
		}
	})
	client := &http.Client{Timeout: time.Second}
	testkit.Eventually(tb, 15*time.Second, func() bool {
		select {
		case err := <-s.exited:
			tb.Fatalf("router exited during start-up: %v\n%s", err, s.output())
		default:
		}
		resp, err := client.Get(s.URL + "/api/alpha/ready")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, "the router serving")
	return s
}

// echo is testfn's default answer.
type echo = answer.Echo

type errorBody struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		RequestID string `json:"request_id"`
	} `json:"error"`
}

// noRedirects is a client that shows redirects instead of following them.
var noRedirects = &http.Client{
	Timeout:       5 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

type response struct {
	*http.Response
	Body []byte
}

func (s *stack) do(tb testing.TB, method, path string, header http.Header) response {
	tb.Helper()
	req, err := http.NewRequest(method, s.URL+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: read: %v", method, path, err)
	}
	return response{resp, body}
}

func (s *stack) echo(tb testing.TB, path string) echo {
	tb.Helper()
	r := s.do(tb, http.MethodGet, path, nil)
	var e echo
	if r.StatusCode != http.StatusOK || json.Unmarshal(r.Body, &e) != nil {
		tb.Fatalf("GET %s: %d %s", path, r.StatusCode, r.Body)
	}
	return e
}

// logLines returns the router's JSON log records with msg.
func (s *stack) logLines(msg string) []map[string]any {
	var out []map[string]any
	for _, line := range strings.Split(s.output(), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

// waitRefused waits until nothing accepts connections at addr.
func waitRefused(tb testing.TB, addr string, within time.Duration) {
	tb.Helper()
	testkit.Eventually(tb, within, func() bool {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err != nil {
			return true
		}
		c.Close()
		return false
	}, "%s refusing connections", addr)
}

func processGone(pid int) bool {
	return syscall.Kill(pid, 0) == syscall.ESRCH
}

func (s *stack) output() string {
	b, _ := os.ReadFile(s.logs.Name())
	return string(b)
}
