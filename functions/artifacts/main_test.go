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

// TestLambda reads a saved artifact through the Lambda adapter, as JSON and
// as a sandboxed download, and checks the errors a client can cause.
func TestLambda(t *testing.T) {
	fn := testkit.StartSignedInLambda(t, pkg)
	ctx := context.Background()
	store := chatstore.New(fn.Pool)
	chat, err := store.CreateChat(ctx, fn.UserID, "")
	if err != nil {
		t.Fatal(err)
	}
	art, err := store.SaveArtifact(ctx, fn.UserID, chat.ID, "", "page", chatstore.TypeHTML, "", "Landing", "<h1>hi</h1>")
	if err != nil {
		t.Fatal(err)
	}
	auth := fn.Headers()

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
	// No route changes state; the CSRF check still stands before all.
	fn.CheckBrowserPolicy(t, testkit.StateChange{Method: http.MethodDelete, Path: "/api/artifacts/" + art.ID, Headers: auth, Want: 405})
}

// TestBadConfigStopsStartup checks missing settings stop the binary with a
// message naming them.
func TestBadConfigStopsStartup(t *testing.T) {
	testkit.FunctionRefusesToStart(t, pkg, []testkit.BadConfig{
		{Env: []string{"DATABASE_URL=postgres://x@127.0.0.1:1/x", "REDIS_URL="}, Want: "REDIS_URL"},
	})
}
