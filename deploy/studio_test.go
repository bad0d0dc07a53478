package deploy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/stack"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// functions are the studio's function binaries, built for the stack.
var functions = []string{"health", "auth", "chats", "stream", "artifacts", "preferences", "github", "usage", "telemetry", "retention", "backup"}

// startStudio builds the router and every function and starts the whole
// studio (stack.Start) with env added.
func startStudio(t *testing.T, env ...string) *stack.Stack {
	t.Helper()
	fnDir := t.TempDir()
	for _, name := range functions {
		bin := testkit.BuildFunction(t, "github.com/archstudio/studio/functions/"+name)
		if err := os.Symlink(bin, filepath.Join(fnDir, name)); err != nil {
			t.Fatal(err)
		}
	}
	router := testkit.BuildFunction(t, "github.com/archstudio/studio/runtime/cmd/router")
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	logs, err := os.Create(filepath.Join(t.TempDir(), "stack.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logs.Close() })
	stackLogs.Store(t.Name(), logs.Name())
	s, err := stack.Start(context.Background(), stack.Options{Root: root, RouterBinary: router, FunctionsDir: fnDir, Logs: logs, Env: env})
	if err != nil {
		out, _ := os.ReadFile(logs.Name())
		t.Fatalf("%v\n%s", err, out)
	}
	t.Cleanup(s.Close)
	t.Cleanup(func() {
		if t.Failed() {
			out, _ := os.ReadFile(logs.Name())
			t.Logf("stack output:\n%s", out)
		}
	})
	return s
}

// stackLogs maps a test to its stack's output file.
var stackLogs sync.Map

// stackOutput is what the test's stack (router and functions) wrote to
// stderr.
func stackOutput(t *testing.T) string {
	t.Helper()
	name, _ := stackLogs.Load(t.Name())
	b, err := os.ReadFile(name.(string))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// user is a browser signed in to the studio through GitHub (the fake).
type user struct {
	t      *testing.T
	base   string
	client *http.Client
}

func signIn(t *testing.T, s *stack.Stack) *user {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	base, _ := url.Parse(s.URL)
	// Follow the OAuth redirects until the studio sends the browser to a
	// page of the SPA.
	stop := func(req *http.Request, _ []*http.Request) error {
		if req.URL.Host == base.Host && !strings.HasPrefix(req.URL.Path, "/api/") {
			return http.ErrUseLastResponse
		}
		return nil
	}
	u := &user{t: t, base: s.URL, client: &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: stop}}
	code, body := u.do("GET", "/api/auth/github", nil)
	if code/100 != 3 || len(jar.Cookies(base)) == 0 {
		t.Fatalf("sign-in ended with %d and no cookie: %s", code, body)
	}
	return u
}

func (u *user) do(method, path string, body any, header ...string) (int, string) {
	u.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u.base+path, rd)
	if err != nil {
		u.t.Fatal(err)
	}
	req.Header.Set("Origin", u.base)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := u.client.Do(req)
	if err != nil {
		u.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (u *user) newChat() string {
	u.t.Helper()
	code, body := u.do("POST", "/api/chats", map[string]any{})
	var chat struct {
		ID string `json:"id"`
	}
	if code != http.StatusCreated || json.Unmarshal([]byte(body), &chat) != nil {
		u.t.Fatalf("create chat: %d %s", code, body)
	}
	return chat.ID
}
