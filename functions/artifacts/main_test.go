package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const pkg = "github.com/archstudio/studio/functions/artifacts"

// TestLambda runs the built binary under a local Lambda Runtime API and
// drives it with API Gateway v2 events carrying a real session cookie.
func TestLambda(t *testing.T) {
	bin := testkit.BuildFunction(t, pkg)
	b := testkit.NewBackend(t)
	alice, cookie := testkit.SignIn(t, b.Pool, b.Redis, "alice")
	ctx := context.Background()
	store := chatstore.New(b.Pool)
	chat, err := store.CreateChat(ctx, alice, "")
	if err != nil {
		t.Fatal(err)
	}
	art, err := store.SaveArtifact(ctx, alice, chat.ID, "", "page", chatstore.TypeHTML, "", "Landing", "<h1>hi</h1>")
	if err != nil {
		t.Fatal(err)
	}
	fn := testkit.StartLambda(t, bin, b.Env()...)
	auth := map[string]string{"Cookie": cookie.String()}

	resp := fn.Invoke(t, testkit.HTTPEvent(http.MethodGet, "/api/chats/"+chat.ID+"/artifacts", "", auth, ""))
	if resp.StatusCode != 200 || !strings.Contains(resp.Body, art.ID) {
		t.Fatalf("latest: %d %s", resp.StatusCode, resp.Body)
	}
	resp = fn.Invoke(t, testkit.HTTPEvent(http.MethodGet, "/api/artifacts/"+art.ID+"/raw", "", auth, ""))
	if resp.StatusCode != 200 || resp.Body != "<h1>hi</h1>" ||
		resp.Headers["Content-Type"] != "text/html; charset=utf-8" ||
		resp.Headers["Content-Security-Policy"] != "sandbox" ||
		resp.Headers["Content-Disposition"] != `attachment; filename="landing.html"` {
		t.Fatalf("raw: %d %v %q", resp.StatusCode, resp.Headers, resp.Body)
	}

	tests := []struct {
		name, method, path string
		headers            map[string]string
		status             int
		code               string
	}{
		{"no cookie", http.MethodGet, "/api/artifacts/" + art.ID, nil, 401, "unauthenticated"},
		{"malformed id", http.MethodGet, "/api/artifacts/nope", auth, 400, "invalid_argument"},
		{"unknown route", http.MethodGet, "/api/artifacts/" + art.ID + "/nothing", auth, 404, "not_found"},
		{"wrong method", http.MethodDelete, "/api/artifacts/" + art.ID, auth, 405, "method_not_allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := fn.Invoke(t, testkit.HTTPEvent(tt.method, tt.path, "", tt.headers, ""))
			if resp.StatusCode != tt.status || !strings.Contains(resp.Body, `"code":"`+tt.code+`"`) {
				t.Fatalf("%d %s", resp.StatusCode, resp.Body)
			}
		})
	}
}

// TestBadConfigStopsStartup checks missing settings stop the binary with a
// message naming them.
func TestBadConfigStopsStartup(t *testing.T) {
	bin := testkit.BuildFunction(t, pkg)
	out, code := testkit.RunBinary(t, bin, "DATABASE_URL=postgres://x@127.0.0.1:1/x", "REDIS_URL=")
	if code == 0 || !strings.Contains(out, "REDIS_URL") {
		t.Fatalf("exit %d, output %s", code, out)
	}
}
