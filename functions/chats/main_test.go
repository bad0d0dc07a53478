package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const pkg = "github.com/archstudio/studio/functions/chats"

// TestLambda creates, finds and exports a chat through the Lambda adapter,
// and checks the errors a client can cause.
func TestLambda(t *testing.T) {
	fn := testkit.StartSignedInLambda(t, pkg)
	auth := fn.Headers("Content-Type", "application/json")

	resp := fn.Invoke(t, testkit.HTTPEvent(http.MethodPost, "/api/chats", "", auth, `{"title":"From Lambda"}`))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.StatusCode, resp.Body)
	}
	var chat struct{ ID, Title string }
	if err := json.Unmarshal([]byte(resp.Body), &chat); err != nil || chat.Title != "From Lambda" {
		t.Fatalf("create body %s (%v)", resp.Body, err)
	}
	resp = fn.Invoke(t, testkit.HTTPEvent(http.MethodGet, "/api/chats", "limit=10&q=lambda", auth, ""))
	if resp.StatusCode != 200 || !strings.Contains(resp.Body, chat.ID) {
		t.Fatalf("list: %d %s", resp.StatusCode, resp.Body)
	}
	resp = fn.Invoke(t, testkit.HTTPEvent(http.MethodGet, "/api/chats/"+chat.ID+"/export", "format=md", auth, ""))
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Body, "# From Lambda") ||
		resp.Headers["Content-Disposition"] != `attachment; filename="from-lambda.md"` {
		t.Fatalf("export: %d %v %s", resp.StatusCode, resp.Headers, resp.Body)
	}

	fn.RunCases(t, []testkit.LambdaCase{
		{Name: "no cookie", Method: http.MethodGet, Path: "/api/chats", Status: 401, Want: `"code":"unauthenticated"`},
		{Name: "malformed id", Method: http.MethodGet, Path: "/api/chats/nope", Headers: auth, Status: 400, Want: `"code":"invalid_argument"`},
		{Name: "unknown route", Method: http.MethodGet, Path: "/api/chats/" + chat.ID + "/nothing", Headers: auth, Status: 404, Want: `"code":"not_found"`},
		{Name: "wrong method", Method: http.MethodPut, Path: "/api/chats/" + chat.ID, Headers: auth, Status: 405, Want: `"code":"method_not_allowed"`},
	})
	fn.CheckBrowserPolicy(t, testkit.StateChange{Method: http.MethodPatch, Path: "/api/chats/" + chat.ID,
		Headers: fn.Headers(), Body: `{"title":"Renamed"}`, Want: http.StatusOK})
}

// TestBadConfigStopsStartup checks missing settings stop the binary with a
// message naming them.
func TestBadConfigStopsStartup(t *testing.T) {
	testkit.FunctionRefusesToStart(t, pkg, []testkit.BadConfig{
		{Env: []string{"DATABASE_URL=", "REDIS_URL=redis://127.0.0.1:1/0"}, Want: "DATABASE_URL"},
		{Env: []string{"DATABASE_URL=postgres://x@127.0.0.1:1/x", "REDIS_URL=redis://127.0.0.1:1/0", "APP_ENV=staging"}, Want: "APP_ENV"},
	})
}
