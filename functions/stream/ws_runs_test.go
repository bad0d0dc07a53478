package main

import (
	"context"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
	"github.com/archstudio/studio/shared/testkit/fakegithub"
	"github.com/archstudio/studio/shared/tokenvault"
)

const aliceGitHubToken = "gho_aliceWSRunsToken0123456789abcdefAB"

// await reads frames until one satisfies ok, skipping the rest (other
// repositories' runs); it returns the frames read, the match last.
func (w *wsClient) await(t *testing.T, what string, ok func(map[string]any) bool) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var seen []map[string]any
	for time.Now().Before(deadline) {
		f := w.next(t)
		seen = append(seen, f)
		if ok(f) {
			return seen
		}
	}
	t.Fatalf("no frame with %s", what)
	return nil
}

// runsOf matches repo's runs frame with n runs.
func runsOf(repo string, n int) func(map[string]any) bool {
	return func(f map[string]any) bool {
		runs, _ := dataOf(f)["runs"].([]any)
		return f["type"] == "runs" && f["repo"] == repo && len(runs) == n
	}
}

// errorOf matches an error frame about repo.
func errorOf(repo string) func(map[string]any) bool {
	return func(f map[string]any) bool { return f["type"] == "error" && f["repo"] == repo }
}

// TestWebSocketRuns: a connection watching a repository gets its runs
// now and a run started on GitHub within a poll, next to its chat
// traffic; unwatching stops the frames; refusals are error frames on a
// connection that stays up.
func TestWebSocketRuns(t *testing.T) {
	s := newStack(t, fakeanthropic.Script{Text: "still chatting"})
	gh := fakegithub.NewServer(t, "http://app.test/cb")
	gh.AddUser(fakegithub.User{Login: "alice"})
	gh.AddToken(aliceGitHubToken, "alice", []string{"public_repo"})
	gh.AddRepo(fakegithub.Repo{Owner: "alice", Name: "app"})
	gh.AddRepo(fakegithub.Repo{Owner: "alice", Name: "secret", Private: true})
	for _, name := range []string{"r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9"} {
		gh.AddRepo(fakegithub.Repo{Owner: "alice", Name: name})
	}
	gh.StartRun("alice/app", fakegithub.Run{})
	fn := s.start("GITHUB_API_URL="+gh.URL, "STREAM_RUNS_POLL_INTERVAL=1s")

	alice, chatID, cookie := s.user("alice")
	_, _, bobCookie := s.user("bob") // signed in without GitHub
	ctx := context.Background()
	// The function (APP_ENV=test) opens tokens with testkit's key ring.
	tokens := tokenvault.NewRepository(s.pool, testkit.TokenKeys())
	if err := tokens.Save(ctx, s.pool, alice, tokenvault.NewSecret(aliceGitHubToken), []string{"public_repo"}); err != nil {
		t.Fatal(err)
	}

	w := connect(t, fn, cookie)
	w.command(t, map[string]any{"type": "watch_runs", "repo": "alice/app"})
	w.await(t, "the current run", runsOf("alice/app", 1))
	gh.StartRun("alice/app", fakegithub.Run{DisplayTitle: "Add the Chat API"})
	w.await(t, "the new run", runsOf("alice/app", 2))

	// Chat traffic shares the connection.
	w.command(t, map[string]any{"type": "send", "chat_id": chatID, "content": "hello"})
	if got := frameText(w.untilDone(t)); got != "still chatting" {
		t.Fatalf("reply %q", got)
	}

	// Refusals come back as error frames naming the repository.
	bob := connect(t, fn, bobCookie)
	for _, tt := range []struct {
		name  string
		w     *wsClient
		repo  string
		code  string
		field string
	}{
		{"no GitHub token", bob, "alice/app", "github_signin_required", ""},
		{"not owner/name", w, "alice", "invalid_argument", "repo"},
		{"a path", w, "alice/app/../x", "invalid_argument", "repo"},
		{"no such repository", w, "alice/missing", "not_found", ""},
		{"private without the repo scope", w, "alice/secret", "github_scope_required", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.w.command(t, map[string]any{"type": "watch_runs", "repo": tt.repo})
			seen := tt.w.await(t, "the refusal", errorOf(tt.repo))
			if f := seen[len(seen)-1]; f["code"] != tt.code || (tt.field != "" && f["field"] != tt.field) {
				t.Fatalf("frame %v, want code %s", f, tt.code)
			}
		})
	}

	// Ten repositories at most per connection.
	for _, name := range []string{"r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9"} {
		w.command(t, map[string]any{"type": "watch_runs", "repo": "alice/" + name})
	}
	w.command(t, map[string]any{"type": "watch_runs", "repo": "alice/r10"})
	if seen := w.await(t, "the refusal", errorOf("alice/r10")); seen[len(seen)-1]["code"] != "payload_too_large" {
		t.Fatalf("frame %v", seen[len(seen)-1])
	}
	// Watching one again is no new slot: it restarts with a snapshot.
	w.command(t, map[string]any{"type": "watch_runs", "repo": "alice/app"})
	w.await(t, "a fresh snapshot", runsOf("alice/app", 2))

	// Unwatched: no runs frame of it after the answer to the next command,
	// though a witness on the same instance sees the next run.
	witness := connect(t, fn, cookie)
	witness.command(t, map[string]any{"type": "watch_runs", "repo": "alice/app"})
	witness.await(t, "the runs", runsOf("alice/app", 2))
	w.command(t, map[string]any{"type": "unwatch_runs", "repo": "alice/app"})
	w.command(t, map[string]any{"type": "dance"})
	w.await(t, "the answer to dance", func(f map[string]any) bool { return f["type"] == "error" && f["field"] == "type" })
	gh.StartRun("alice/app", fakegithub.Run{})
	witness.await(t, "the third run", runsOf("alice/app", 3))
	w.command(t, map[string]any{"type": "dance"})
	for _, f := range w.await(t, "the answer to dance", func(f map[string]any) bool { return f["type"] == "error" && f["field"] == "type" }) {
		if f["type"] == "runs" && f["repo"] == "alice/app" {
			t.Fatalf("runs frame after unwatch: %v", f)
		}
	}

	// Closed connections unsubscribe: the repository's watcher stops and
	// gives its poll lease up.
	witness.c.CloseNow()
	testkit.Eventually(t, 15*time.Second, func() bool {
		return s.rdb.Exists(ctx, "ghruns:{alice/app}:lease").Val() == 0
	}, "the poller of alice/app stopped")
}
