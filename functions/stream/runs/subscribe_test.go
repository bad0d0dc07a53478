package runs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/archstudio/studio/functions/stream/runs"
	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/githubapi"
	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakegithub"
	"github.com/archstudio/studio/shared/tokenvault"
)

// TestSubscribe: the subscription every transport shares admits a user
// who can see the repository, with its current runs, and refuses
// everyone else with the code the SSE route and the WebSocket show.
func TestSubscribe(t *testing.T) {
	pool, rdb := testkit.Pool(t), testkit.Redis(t)
	gh := fakegithub.NewServer(t, "http://app.test/cb")
	gh.AddUser(fakegithub.User{Login: "alice"})
	gh.AddToken(aliceToken, "alice", []string{"public_repo"})
	gh.AddRepo(fakegithub.Repo{Owner: "alice", Name: "app"})
	gh.AddRepo(fakegithub.Repo{Owner: "alice", Name: "secret", Private: true})
	gh.StartRun("alice/app", fakegithub.Run{})

	tokens := tokenvault.NewRepository(pool, tokenvault.DevelopmentKeys())
	alice, _ := testkit.SignIn(t, pool, rdb, "alice")
	carol, _ := testkit.SignIn(t, pool, rdb, "carol") // signed in without GitHub
	ctx := context.Background()
	if err := tokens.Save(ctx, pool, alice, tokenvault.NewSecret(aliceToken), []string{"public_repo"}); err != nil {
		t.Fatal(err)
	}
	r := runs.New(runs.Deps{
		Redis: rdb, Tokens: tokens, GitHub: githubapi.Config{APIURL: gh.URL},
		Config: runs.Config{MinInterval: 20 * time.Millisecond},
	})

	tests := []struct {
		name              string
		user, owner, repo string
		code              apperr.Code
	}{
		{"no owner", alice, "", "app", apperr.Invalid},
		{"no name", alice, "alice", "", apperr.Invalid},
		{"a path", alice, "alice", "app/../x", apperr.Invalid},
		{"dot dot", alice, "alice", "..", apperr.Invalid},
		{"no GitHub token", carol, "alice", "app", apperr.GitHubSignInRequired},
		{"no such repository", alice, "alice", "missing", apperr.NotFound},
		{"private without the repo scope", alice, "alice", "secret", apperr.GitHubScopeRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub, err := r.Subscribe(ctx, tt.user, tt.owner, tt.repo)
			if sub != nil {
				sub.Close()
			}
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Code != tt.code {
				t.Fatalf("got %v, want %s", err, tt.code)
			}
		})
	}

	sub, err := r.Subscribe(ctx, alice, "Alice", "App")
	if err != nil {
		t.Fatal(err)
	}
	testkit.Schema(t, "RunsSnapshot", sub.Snapshot)
	gh.StartRun("alice/app", fakegithub.Run{DisplayTitle: "second"})
	select {
	case msg := <-sub.Changes():
		testkit.Schema(t, "RunsSnapshot", msg)
	case <-time.After(10 * time.Second):
		t.Fatal("no change within 10s")
	}
	sub.Close()
	sub.Close() // twice is harmless
	// The last subscriber gone, the watcher stops and gives up its lease.
	testkit.Eventually(t, 10*time.Second, func() bool {
		return rdb.Exists(ctx, "ghruns:{alice/app}:lease").Val() == 0
	}, "the lease released")
}
