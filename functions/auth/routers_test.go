package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/stack"
)

// TestRateLimitAcrossRouters puts two routers, each starting its own auth
// process, in front of one Redis and PostgreSQL — two VPS instances — and
// alternates sign-in requests between them: the limit holds across both.
func TestRateLimitAcrossRouters(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two routers")
	}
	fnDir := t.TempDir()
	for name, pkg := range map[string]string{
		"auth":   "github.com/archstudio/studio/functions/auth",
		"health": "github.com/archstudio/studio/functions/health",
	} {
		if err := os.Symlink(testkit.BuildFunction(t, pkg), filepath.Join(fnDir, name)); err != nil {
			t.Fatal(err)
		}
	}
	router := testkit.BuildFunction(t, "github.com/archstudio/studio/runtime/cmd/router")
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	opts := stack.Options{Root: root, RouterBinary: router, FunctionsDir: fnDir,
		Env: []string{"SIGNIN_RATE_LIMIT=4", "SIGNIN_RATE_WINDOW=1m"}}
	a, err := stack.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	opts.DatabaseURL, opts.RedisURL = a.DatabaseURL, a.RedisURL
	b, err := stack.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	routers := []*stack.Stack{a, b}
	for i, want := range []int{302, 302, 302, 302, 429, 429} {
		s := routers[i%2]
		resp, err := client.Get(s.URL + "/api/auth/github")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("request %d via router %d: status %d, want %d", i+1, i%2+1, resp.StatusCode, want)
		}
		if want == 429 && resp.Header.Get("Retry-After") == "" {
			t.Fatalf("429 without Retry-After")
		}
	}
}
