package main

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
)

// The tests named TestFault* reproduce faults that once lost or corrupted
// what users saw (issue 16); `make test-faults` runs them beside the
// whole-stack fault suite (faults/).

// useRedis points the stack (and the stream processes it starts) at a
// Redis server of the test's own, which the test may pause or restart.
func (s *stack) useRedis(url string) {
	s.t.Helper()
	opts, err := redis.ParseURL(url)
	if err != nil {
		s.t.Fatal(err)
	}
	s.redisURL = url
	s.rdb = redis.NewClient(opts)
	s.t.Cleanup(func() { s.rdb.Close() })
}

// checkStream fails unless events are one clean reply: ids strictly
// increasing, each artifact started once, exactly one done at the end.
func checkStream(t *testing.T, name string, events []event) {
	t.Helper()
	starts := map[string]int{}
	for i, e := range events {
		if i > 0 && !after(e.ID, events[i-1].ID) {
			t.Fatalf("%s: event %d (%s %s) does not come after %s: %v", name, i, e.Type, e.ID, events[i-1].ID, types(events))
		}
		if e.Type == "artifact_start" {
			starts[e.str("identifier")]++
		}
		if e.Type == "done" && i != len(events)-1 {
			t.Fatalf("%s: done before the end: %v", name, types(events))
		}
	}
	for id, n := range starts {
		if n != 1 {
			t.Fatalf("%s: artifact_start %q sent %d times", name, id, n)
		}
	}
}

// TestFaultRedisStallMidReply pauses Redis (SIGSTOP) for longer than the
// client's timeouts in the middle of a reply, then resumes it. Appends
// that timed out were retried and landed twice or after later ones
// ("# Roadm# Roadmap", artifact_start twice). Now every event carries the
// generation's own id, so the live stream, a replay and the saved message
// all hold the reply once, in order.
func TestFaultRedisStallMidReply(t *testing.T) {
	chunks := append(words(12), `Here is a first cut. <antArtifact identifier="roadmap" type="text/markdown" title="Roadmap">`)
	chunks = append(chunks, "# Roadmap\n", "- step one\n", "- step two\n", "</antArtifact>")
	chunks = append(chunks, words(12)...)
	s := newStack(t, fakeanthropic.Script{Chunks: chunks, Delay: 60 * time.Millisecond})
	rd := testkit.PrivateRedis(t)
	s.useRedis(rd.URL)
	fn := s.start()
	userID, chatID, cookie := s.user("alice")

	stream := send(t, fn.Client, chatID, cookie, "Plan it")
	var live []event
	for len(live) < 4 {
		live = append(live, stream.next(t, 5*time.Second))
	}
	if err := rd.Pause(); err != nil {
		t.Fatal(err)
	}
	// Longer than go-redis's read timeout and retry (1 s each), so appends
	// time out and are sent again while Redis holds the first copies.
	stalled := time.Now()
	time.Sleep(2500 * time.Millisecond)
	if err := rd.Resume(); err != nil {
		t.Fatal(err)
	}
	live = append(live, stream.rest(t, 30*time.Second)...)
	t.Logf("stalled Redis for %v; the live stream got %d events: %v", time.Since(stalled).Round(time.Millisecond), len(live), types(live))

	msgs := s.messages(userID, chatID)
	saved := msgs[len(msgs)-1]
	if saved.Status != "complete" || saved.Content != strings.Join(chunks, "") {
		t.Fatalf("saved %s %q", saved.Status, saved.Content)
	}
	wantText := strings.Join(words(12), "") + "Here is a first cut. " + strings.Join(words(12), "")
	checkStream(t, "live", live)
	if got := text(live); got != wantText || last(live).str("status") != "complete" {
		t.Fatalf("live text %q\nwant      %q", got, wantText)
	}

	resp := do(t, fn.Client, http.MethodGet, "/api/chats/"+chatID+"/events", cookie, "")
	replay := openSSE(resp)
	defer replay.close()
	resumed := replay.rest(t, 10*time.Second)
	checkStream(t, "replay", resumed)
	if strings.Join(types(resumed), " ") != strings.Join(types(live), " ") || text(resumed) != wantText {
		t.Fatalf("replay differs from the live stream:\n%v\n%v", types(resumed), types(live))
	}
}

// TestFaultKillMidReply kills the generating process (kill -9) mid-reply.
// The partial answer was lost (the message stayed streaming and empty),
// followers got no end, and the chat answered 409 for ~33 s. Now the text
// is checkpointed at least every second, the chat's lock is a 5 s lease,
// and another instance ends the reply as interrupted with that text and
// tells its followers.
func TestFaultKillMidReply(t *testing.T) {
	s := newStack(t, fakeanthropic.Script{Chunks: words(300), Delay: 40 * time.Millisecond})
	a, b := s.start(), s.start("STREAM_SWEEP_INTERVAL=500ms")
	userID, chatID, cookie := s.user("alice")

	stream := send(t, a.Client, chatID, cookie, "Count")
	var seen []event
	for len(seen) < 2 {
		seen = append(seen, stream.next(t, 5*time.Second))
	}
	resp := do(t, b.Client, http.MethodGet, "/api/chats/"+chatID+"/events", cookie, "")
	follower := openSSE(resp)
	defer follower.close()
	// Past a checkpoint interval, so some text must survive.
	for start := time.Now(); time.Since(start) < 1500*time.Millisecond; {
		seen = append(seen, stream.next(t, 5*time.Second))
	}
	if err := a.Cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()

	events := follower.rest(t, 10*time.Second)
	if e := last(events); e.Type != "done" || e.str("status") != "interrupted" {
		t.Fatalf("the follower's stream ended with %v", types(events))
	}
	t.Logf("the follower got done {interrupted} %v after kill -9", time.Since(killed).Round(time.Millisecond))

	msgs := s.messages(userID, chatID)
	saved := msgs[len(msgs)-1]
	streamed := text(seen)
	if saved.Status != "interrupted" || saved.Content == "" || !strings.HasPrefix(streamed+text(events), saved.Content) {
		t.Fatalf("saved %s %q; streamed %q", saved.Status, saved.Content, streamed)
	}
	t.Logf("saved %d of the %d characters streamed before the kill", len(saved.Content), len(streamed))

	body := `{"content":"Again"}`
	testkit.Eventually(t, 7*time.Second, func() bool {
		resp := do(t, b.Client, http.MethodPost, "/api/chats/"+chatID+"/messages", cookie, body)
		defer resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, "the chat takes a new message")
	t.Logf("the chat took a new message %v after kill -9", time.Since(killed).Round(time.Millisecond))
}

// routedStream posts a message through the router at base and returns
// the open event stream.
func routedStream(t *testing.T, base, chatID string, cookie *http.Cookie) *sseStream {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/chats/"+chatID+"/messages", strings.NewReader(`{"content":"count"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", origin)
	req.AddCookie(cookie)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	s := openSSE(resp)
	t.Cleanup(s.close)
	return s
}

// childPID returns the pid of the child of process parent running bin.
func childPID(t *testing.T, parent int, bin string) int {
	t.Helper()
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil || !strings.Contains(string(status), fmt.Sprintf("\nPPid:\t%d\n", parent)) {
			continue
		}
		if exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); exe == bin {
			return pid
		}
	}
	t.Fatalf("no child of %d runs %s", parent, bin)
	return 0
}

// TestFaultRouterLosesFunction kills the stream function (kill -9) behind
// the router mid-reply. The client's stream was cut bare; now the router
// ends it with an error event, and the client, resuming from its last
// event id on the restarted function, gets the reply's end.
func TestFaultRouterLosesFunction(t *testing.T) {
	s := newStack(t, fakeanthropic.Script{Chunks: words(300), Delay: 40 * time.Millisecond})
	base, router := startRouterCmd(t, s, "STREAM_SWEEP_INTERVAL=500ms")
	_, chatID, cookie := s.user("alice")
	stream := routedStream(t, base, chatID, cookie)
	var seen []event
	for len(seen) < 5 {
		seen = append(seen, stream.next(t, 5*time.Second))
	}
	if err := syscall.Kill(childPID(t, router.Process.Pid, s.bin), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	rest := stream.rest(t, 10*time.Second)
	end := last(rest)
	if end.Type != "error" || end.str("code") != "unavailable" {
		t.Fatalf("the stream ended with %v, not an error event", types(rest))
	}
	t.Logf("the client got the error event %v after kill -9", time.Since(killed).Round(time.Millisecond))
	seen = append(seen, rest...)
	lastID := ""
	for _, e := range seen {
		if e.ID != "" {
			lastID = e.ID
		}
	}

	var resumed []event
	testkit.Eventually(t, 15*time.Second, func() bool {
		req, _ := http.NewRequest(http.MethodGet, base+"/api/chats/"+chatID+"/events", nil)
		req.Header.Set("Last-Event-ID", lastID)
		req.AddCookie(cookie)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return false
		}
		r := openSSE(resp)
		defer r.close()
		resumed = r.rest(t, 15*time.Second)
		return last(resumed).Type == "done"
	}, "the resumed stream ends with done")
	if last(resumed).str("status") != "interrupted" {
		t.Fatalf("resumed %v", types(resumed))
	}
	t.Logf("the resumed stream got done {interrupted} %v after kill -9", time.Since(killed).Round(time.Millisecond))
}

// TestFaultRouterSIGTERMMidStream stops the router (SIGTERM) mid-reply.
// The router's drain ran out before the stream function's drain had
// begun, so the client's stream was cut with no done. Now the router tells
// the stream function to drain at once and keeps the connection open
// until its done {interrupted} has gone through.
func TestFaultRouterSIGTERMMidStream(t *testing.T) {
	s := newStack(t, fakeanthropic.Script{Chunks: words(1000), Delay: 40 * time.Millisecond})
	base, router := startRouterCmd(t, s, "ROUTER_DRAIN_TIMEOUT=6s", "STREAM_DRAIN_TIMEOUT=1s")
	_, chatID, cookie := s.user("alice")
	stream := routedStream(t, base, chatID, cookie)
	for range 5 {
		stream.next(t, 5*time.Second)
	}
	if err := router.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	signalled := time.Now()
	rest := stream.rest(t, 10*time.Second)
	if end := last(rest); end.Type != "done" || end.str("status") != "interrupted" {
		t.Fatalf("the stream ended with %v", types(rest))
	}
	t.Logf("done {interrupted} arrived %v after SIGTERM", time.Since(signalled).Round(time.Millisecond))
}
