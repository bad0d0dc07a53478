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

	fn.RunCases(t, []testkit.LambdaCase{
		{Name: "no cookie", Method: http.MethodGet, Path: "/api/artifacts/" + art.ID, Status: 401, Want: `"code":"unauthenticated"`},
		{Name: "malformed id", Method: http.MethodGet, Path: "/api/artifacts/nope", Headers: auth, Status: 400, Want: `"code":"invalid_argument"`},
		{Name: "unknown route", Method: http.MethodGet, Path: "/api/artifacts/" + art.ID + "/nothing", Headers: auth, Status: 404, Want: `"code":"not_found"`},
		{Name: "wrong method", Method: http.MethodDelete, Path: "/api/artifacts/" + art.ID, Headers: auth, Status: 405, Want: `"code":"method_not_allowed"`},
	})
}

// TestBadConfigStopsStartup checks missing settings stop the binary with a
// message naming them.
func TestBadConfigStopsStartup(t *testing.T) {
	testkit.RefusesToStart(t, testkit.BuildFunction(t, pkg), []testkit.BadConfig{
		{Env: []string{"DATABASE_URL=postgres://x@127.0.0.1:1/x", "REDIS_URL="}, Want: "REDIS_URL"},
	})
}
