package runs_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/archstudio/studio/functions/stream/runs"
	"github.com/archstudio/studio/shared/githubapi"
	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakegithub"
	"github.com/archstudio/studio/shared/tokenvault"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const (
	aliceToken = "gho_aliceRelayToken0123456789abcdefAB"
	bobToken   = "gho_bobRelayToken0123456789abcdefABCD"
)

// stream reads one SSE response's "runs" events.
func stream(t *testing.T, url string, cookie *http.Cookie) <-chan runs.Snapshot {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.AddCookie(cookie)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	out := make(chan runs.Snapshot, 16)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				testkit.Schema(t, "RunsSnapshot", []byte(data))
				var s runs.Snapshot
				if json.Unmarshal([]byte(data), &s) == nil {
					out <- s
				}
			}
		}
	}()
	return out
}

// await reads snapshots until one satisfies ok.
func await(t *testing.T, ch <-chan runs.Snapshot, what string, ok func(runs.Snapshot) bool) runs.Snapshot {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case s := <-ch:
			if ok(s) {
				return s
			}
		case <-deadline:
			t.Fatalf("no snapshot with %s", what)
		}
	}
}

func runsRequests(gh *fakegithub.Server, token string) int {
	n := 0
	for _, r := range gh.Requests() {
		if strings.HasSuffix(r.Path, "/actions/runs") && strings.HasSuffix(r.Header.Get("Authorization"), token) {
			n++
		}
	}
	return n
}

// TestRelay: two instances (two relays on one Redis), one subscriber each;
// only one instance polls GitHub, a run started on GitHub reaches both
// subscribers within a poll, and unchanged polls cost no rate limit.
func TestRelay(t *testing.T) {
	pool, rdb := testkit.Pool(t), testkit.Redis(t)
	gh := fakegithub.NewServer(t, "http://app.test/cb")
	gh.AddUser(fakegithub.User{Login: "alice"})
	gh.AddUser(fakegithub.User{Login: "bob"})
	gh.AddToken(aliceToken, "alice", []string{"public_repo"})
	gh.AddToken(bobToken, "bob", []string{"public_repo"})
	gh.AddRepo(fakegithub.Repo{Owner: "alice", Name: "app", Readers: []string{"bob"}, PollInterval: 0})
	gh.StartRun("alice/app", fakegithub.Run{})

	tokens := tokenvault.NewRepository(pool, tokenvault.DevelopmentKeys())
	alice, aliceCookie := testkit.SignIn(t, pool, rdb, "alice")
	bob, bobCookie := testkit.SignIn(t, pool, rdb, "bob")
	ctx := context.Background()
	for id, tok := range map[string]string{alice: aliceToken, bob: bobToken} {
		if err := tokens.Save(ctx, pool, id, tokenvault.NewSecret(tok), []string{"public_repo"}); err != nil {
			t.Fatal(err)
		}
	}
	sessions := session.NewStore(rdb, session.Config{})
	instance := func() string {
		r := runs.New(runs.Deps{
			Redis: rdb, Tokens: tokens, GitHub: githubapi.Config{APIURL: gh.URL},
			// Polls are fast, but a holder stalled by a loaded machine must not
			// lose its lease to the other instance mid-test.
			Config:       runs.Config{MinInterval: 20 * time.Millisecond, Heartbeat: time.Second, MinLease: time.Minute},
			Authenticate: sessions.Middleware,
		})
		srv := httptest.NewServer(r.Handler())
		t.Cleanup(srv.Close)
		return srv.URL + "/api/github/repos/alice/app/runs/events"
	}
	a := stream(t, instance(), aliceCookie)
	b := stream(t, instance(), bobCookie)
	one := func(s runs.Snapshot) bool { return len(s.Runs) == 1 }
	await(t, a, "the first run", one)
	await(t, b, "the first run", one)

	// Unchanged: both instances keep their subscription, one polls, and
	// its polls are 304s that leave the rate limit alone.
	usedA, usedB := gh.RateUsed(aliceToken), gh.RateUsed(bobToken)
	startA, startB := runsRequests(gh, aliceToken), runsRequests(gh, bobToken)
	testkit.Eventually(t, 10*time.Second, func() bool {
		return runsRequests(gh, aliceToken)+runsRequests(gh, bobToken) >= startA+startB+10
	}, "ten polls")
	if pa, pb := runsRequests(gh, aliceToken)-startA, runsRequests(gh, bobToken)-startB; pa > 0 && pb > 0 {
		t.Fatalf("both instances polled: %d and %d polls", pa, pb)
	}
	if gh.RateUsed(aliceToken) != usedA || gh.RateUsed(bobToken) != usedB {
		t.Fatalf("unchanged polls cost rate limit: alice %d→%d, bob %d→%d", usedA, gh.RateUsed(aliceToken), usedB, gh.RateUsed(bobToken))
	}

	// A new run and a status change reach both subscribers.
	run := gh.StartRun("alice/app", fakegithub.Run{Event: "issues", DisplayTitle: "Add the Chat API"})
	two := func(s runs.Snapshot) bool { return len(s.Runs) == 2 && s.Runs[0].Issue == "Add the Chat API" }
	await(t, a, "the new run", two)
	await(t, b, "the new run", two)
	gh.SetRunStatus("alice/app", run.ID, "completed", "success")
	done := func(s runs.Snapshot) bool { return len(s.Runs) == 2 && s.Runs[0].Conclusion == "success" }
	await(t, a, "the finished run", done)
	await(t, b, "the finished run", done)
}

// TestNextInterval: GitHub's X-Poll-Interval and a low rate limit stretch
// the interval, never shorten it.
func TestNextInterval(t *testing.T) {
	now := time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC)
	rate := func(limit, remaining int, reset time.Duration) githubapi.RunsPage {
		var p githubapi.RunsPage
		p.Rate.Limit, p.Rate.Remaining = limit, remaining
		p.Rate.Reset.Time = now.Add(reset)
		return p
	}
	tests := []struct {
		name string
		page githubapi.RunsPage
		want time.Duration
	}{
		{"plenty left", rate(5000, 4000, time.Hour), 5 * time.Second},
		{"poll interval", githubapi.RunsPage{PollInterval: 60 * time.Second}, 60 * time.Second},
		{"shorter poll interval ignored", githubapi.RunsPage{PollInterval: time.Second}, 5 * time.Second},
		{"few left: spread until the reset", rate(5000, 100, 50*time.Minute), 30 * time.Second},
		{"none left: wait for the reset", rate(5000, 0, 10*time.Minute), 10 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := runs.NextInterval(5*time.Second, tt.page, now); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}
