package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakegithub"
	"github.com/archstudio/studio/shared/tokenvault"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const pkg = "github.com/archstudio/studio/functions/github"

const token = "gho_lambdaToken0123456789abcdefABCDEF"

// TestLambda runs the built binary under a local Lambda Runtime API and
// publishes a roadmap through API Gateway v2 events carrying a real
// session cookie, against the fake GitHub.
func TestLambda(t *testing.T) {
	gh := fakegithub.NewServer(t, "http://app.test/cb")
	gh.AddUser(fakegithub.User{Login: "alice"})
	gh.AddToken(token, "alice", []string{"read:user", "user:email", "public_repo"})
	gh.AddRepo(fakegithub.Repo{Owner: "alice", Name: "app"})
	fn := testkit.StartSignedInLambda(t, pkg, "GITHUB_API_URL="+gh.URL)
	ctx := context.Background()
	if err := tokenvault.NewRepository(fn.Pool, tokenvault.DevelopmentKeys()).Save(ctx, fn.Pool, fn.UserID, tokenvault.NewSecret(token), []string{"public_repo"}); err != nil {
		t.Fatal(err)
	}
	store := chatstore.New(fn.Pool)
	chat, err := store.CreateChat(ctx, fn.UserID, "plans")
	if err != nil {
		t.Fatal(err)
	}
	art, err := store.SaveArtifact(ctx, fn.UserID, chat.ID, "", "roadmap", chatstore.TypeMarkdown, "", "Roadmap",
		"## Issue: First\n**Priority:** High\nDo it.\n\n## Issue: Second\n**Dependencies:** First\nThen this.\n")
	if err != nil {
		t.Fatal(err)
	}
	auth := fn.Headers("Content-Type", "application/json")
	body := `{"artifact_id":"` + art.ID + `","version":1,"repo":"alice/app","mention_claude":true,"labels":[],"dry_run":false}`

	resp := fn.Invoke(t, testkit.HTTPEvent(http.MethodPost, "/api/github/publish", "", auth, body))
	if resp.StatusCode != 201 || !strings.Contains(resp.Body, `"number":2`) {
		t.Fatalf("publish: %d %s", resp.StatusCode, resp.Body)
	}
	issues := gh.Issues("alice/app")
	if len(issues) != 2 || issues[1].Body != "**Dependencies:** First (#1)\nThen this.\n\n@claude" || issues[0].Labels[0] != "priority: high" {
		t.Fatalf("GitHub got %+v", issues)
	}
	fn.RunCases(t, []testkit.LambdaCase{
		{Name: "again creates nothing", Method: http.MethodPost, Path: "/api/github/publish", Headers: auth, Body: body, Status: 200, Want: `"created_count":0`},
		{Name: "no cookie", Method: http.MethodGet, Path: "/api/github/repos", Status: 401, Want: `"code":"unauthenticated"`},
		{Name: "repos", Method: http.MethodGet, Path: "/api/github/repos", Headers: auth, Status: 200, Want: `"full_name":"alice/app"`},
		{Name: "wrong method", Method: http.MethodDelete, Path: "/api/github/publish", Headers: auth, Status: 405, Want: `"code":"method_not_allowed"`},
	})
	fn.CheckBrowserPolicy(t, testkit.StateChange{Method: http.MethodPost, Path: "/api/github/publish",
		Headers: fn.Headers(), Body: body, Want: http.StatusOK})
	if len(gh.Issues("alice/app")) != 2 {
		t.Fatal("a second publish created issues")
	}
	if strings.Contains(fn.Logs(), token) {
		t.Fatal("the token appears in the function's log")
	}
}

// TestBadConfigStopsStartup checks bad settings stop the binary with a
// message naming the variable.
func TestBadConfigStopsStartup(t *testing.T) {
	base := []string{"DATABASE_URL=postgres://x@127.0.0.1:1/x", "REDIS_URL=redis://127.0.0.1:1/0"}
	testkit.FunctionRefusesToStart(t, pkg, []testkit.BadConfig{
		{Env: append(base, "GITHUB_API_URL=ftp://x"), Want: "GITHUB_API_URL"},
		{Env: append(base, "GITHUB_TIMEOUT=soon"), Want: "GITHUB_TIMEOUT"},
		{Env: append(base, "TOKEN_KEYS=nonsense"), Want: "TOKEN_KEYS"},
		{Env: append(base, "APP_ENV=production"), Want: "TOKEN_KEYS"},
	})
}
