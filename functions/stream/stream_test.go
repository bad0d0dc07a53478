package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/prefs"
	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
)

// TestDeltasInOrderFirstByteNotHeldBack sends a message and checks the
// whole protocol: message_start with the saved ids, deltas in order with
// increasing ids, usage, done; the first delta reaches the client while
// the upstream is still sending; both messages are saved.
func TestDeltasInOrderFirstByteNotHeldBack(t *testing.T) {
	chunks := []string{"Hel", "lo, ", "wor", "ld", "!"}
	s := newStack(t, fakeanthropic.Script{Chunks: chunks, Delay: 150 * time.Millisecond, InputTokens: 31, OutputTokens: 9})
	fn := s.start()
	userID, chatID, cookie := s.user("alice")

	sent := time.Now()
	stream := send(t, fn.Client, chatID, cookie, "Say hello")
	events := stream.rest(t, 10*time.Second)
	if got := strings.Join(types(events), " "); got != "message_start delta delta delta delta delta usage done" {
		t.Fatalf("events %s", got)
	}
	if text(events) != "Hello, world!" {
		t.Fatalf("text %q", text(events))
	}
	for i := 1; i < len(events); i++ {
		if !after(events[i].ID, events[i-1].ID) {
			t.Fatalf("event ids not increasing: %s then %s", events[i-1].ID, events[i].ID)
		}
	}
	// Chunks come 150 ms apart: the first delta must arrive about one
	// chunk after sending, long before the last one.
	firstDelta, lastDelta := events[1].At, events[5].At
	if lastDelta.Sub(firstDelta) < 400*time.Millisecond {
		t.Fatalf("deltas arrived together (first %v, last %v after send): the stream was buffered",
			firstDelta.Sub(sent), lastDelta.Sub(sent))
	}
	start := events[0].Data
	msgs := s.messages(userID, chatID)
	if len(msgs) != 2 || start["user_message_id"] != msgs[0].ID || start["assistant_message_id"] != msgs[1].ID ||
		start["model"] != "claude-test" {
		t.Fatalf("message_start %v, messages %+v", start, msgs)
	}
	if msgs[0].Role != "user" || msgs[0].Content != "Say hello" {
		t.Fatalf("user message %+v", msgs[0])
	}
	a := msgs[1]
	if a.Status != "complete" || a.Content != "Hello, world!" || a.Model != "claude-test" || a.InputTokens != 31 || a.OutputTokens != 9 {
		t.Fatalf("assistant message %+v", a)
	}
	if u := events[6].Data; u["input_tokens"] != 31.0 || u["output_tokens"] != 9.0 {
		t.Fatalf("usage %v", u)
	}
	if last(events).str("status") != "complete" {
		t.Fatalf("done %v", last(events).Data)
	}
	var calls, tokens int64
	if err := s.pool.QueryRow(context.Background(), `SELECT api_calls, tokens_used FROM usage_daily WHERE user_id = $1`, userID).Scan(&calls, &tokens); err != nil {
		t.Fatal(err)
	}
	if calls != 1 || tokens != 40 {
		t.Fatalf("usage_daily calls %d tokens %d", calls, tokens)
	}
	// The chat's history goes to Claude as context on the next message.
	stream = send(t, fn.Client, chatID, cookie, "Again")
	stream.rest(t, 10*time.Second)
	reqs := s.fake.Requests()
	var turns []string
	for _, m := range reqs[len(reqs)-1].Body.Messages {
		turns = append(turns, m.Role+":"+m.Text)
	}
	if strings.Join(turns, "|") != "user:Say hello|assistant:Hello, world!|user:Again" {
		t.Fatalf("context sent %q", turns)
	}
	if sys := reqs[0].Body.SystemText(); !strings.Contains(sys, "<antArtifact") {
		t.Fatalf("system prompt does not ask for artifacts: %q", sys)
	}
}

// after reports whether Redis stream id a comes after b.
func after(a, b string) bool {
	var am, as, bm, bs uint64
	fmt.Sscanf(a, "%d-%d", &am, &as)
	fmt.Sscanf(b, "%d-%d", &bm, &bs)
	return am > bm || am == bm && as > bs
}

// TestStopFromAnotherInstance stops a generation through a second
// process: the partial reply is saved as stopped.
func TestStopFromAnotherInstance(t *testing.T) {
	s := newStack(t, fakeanthropic.Script{Chunks: words(40), Delay: 100 * time.Millisecond})
	a, b := s.start(), s.start()
	userID, chatID, cookie := s.user("alice")
	stream := send(t, a.Client, chatID, cookie, "Count slowly")
	var got []event
	for len(got) < 3 {
		if e := stream.next(t, 5*time.Second); e.Type == "delta" {
			got = append(got, e)
		}
	}
	resp := do(t, b.Client, http.MethodPost, "/api/chats/"+chatID+"/stop", cookie, "")
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("stop: %d %v", resp.StatusCode, errorBody(t, resp))
	}
	events := append(got, stream.rest(t, 5*time.Second)...)
	if last(events).str("status") != "stopped" {
		t.Fatalf("done %v (events %v)", last(events).Data, types(events))
	}
	msgs := s.messages(userID, chatID)
	a1 := msgs[len(msgs)-1]
	if a1.Status != "stopped" || a1.Content != text(events) || a1.Content == "" || strings.Count(a1.Content, "w") >= 40 {
		t.Fatalf("saved %q (%s), streamed %q", a1.Content, a1.Status, text(events))
	}
	// The chat is free again.
	stream = send(t, a.Client, chatID, cookie, "Again")
	stream.next(t, 5*time.Second)
	resp = do(t, a.Client, http.MethodPost, "/api/chats/"+chatID+"/stop", cookie, "")
	resp.Body.Close()
	if ev := stream.rest(t, 5*time.Second); last(ev).str("status") != "stopped" {
		t.Fatalf("second stop: %v", types(ev))
	}
}

// TestResumeAfterDroppedConnection drops the client mid-stream and
// resumes with Last-Event-ID on the same and on a second process: no event
// is lost or repeated.
func TestResumeAfterDroppedConnection(t *testing.T) {
	reply := words(30)
	s := newStack(t, fakeanthropic.Script{Chunks: reply, Delay: 60 * time.Millisecond})
	a, b := s.start(), s.start()
	_, chatID, cookie := s.user("alice")
	stream := send(t, a.Client, chatID, cookie, "Count")
	var before []event
	for len(before) < 6 {
		before = append(before, stream.next(t, 5*time.Second))
	}
	stream.close() // the connection drops; the generation goes on

	tests := []struct {
		name  string
		fn    *testkit.Function
		query bool
	}{
		{"same instance, Last-Event-ID header", a, false},
		{"second instance, last_event_id query", b, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lastID := before[len(before)-1].ID
			path := "/api/chats/" + chatID + "/events"
			var resp *http.Response
			if tt.query {
				resp = do(t, tt.fn.Client, http.MethodGet, path+"?last_event_id="+lastID, cookie, "")
			} else {
				resp = do(t, tt.fn.Client, http.MethodGet, path, cookie, "", "Last-Event-ID", lastID)
			}
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("events: %d", resp.StatusCode)
			}
			rest := openSSE(resp)
			defer rest.close()
			events := append(append([]event{}, before...), rest.rest(t, 10*time.Second)...)
			if text(events) != strings.Join(reply, "") {
				t.Fatalf("resumed text %q", text(events))
			}
			seen := map[string]bool{}
			for _, e := range events {
				if seen[e.ID] {
					t.Fatalf("event %s delivered twice", e.ID)
				}
				seen[e.ID] = true
			}
			if last(events).str("status") != "complete" {
				t.Fatalf("done %v", last(events).Data)
			}
		})
	}
	t.Run("replay from the start on another device", func(t *testing.T) {
		resp := do(t, b.Client, http.MethodGet, "/api/chats/"+chatID+"/events", cookie, "")
		all := openSSE(resp)
		defer all.close()
		events := all.rest(t, 5*time.Second)
		if events[0].Type != "message_start" || text(events) != strings.Join(reply, "") {
			t.Fatalf("replay %v", types(events))
		}
	})
	t.Run("bad last event id", func(t *testing.T) {
		resp := do(t, b.Client, http.MethodGet, "/api/chats/"+chatID+"/events?last_event_id=nope", cookie, "")
		if e := errorBody(t, resp); resp.StatusCode != 400 || e["field"] != "last_event_id" {
			t.Fatalf("%d %v", resp.StatusCode, e)
		}
	})
	t.Run("nothing to replay", func(t *testing.T) {
		resp := do(t, b.Client, http.MethodGet, "/api/chats/"+s.chat(mustUserID(t, s, chatID))+"/events", cookie, "")
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
}

func mustUserID(t *testing.T, s *stack, chatID string) string {
	var id string
	if err := s.pool.QueryRow(context.Background(), `SELECT user_id::text FROM chat_sessions WHERE id = $1`, chatID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestUpstreamErrors(t *testing.T) {
	t.Run("before the first token, retried then given up", func(t *testing.T) {
		s := newStack(t, fakeanthropic.Script{Text: "never", FailTimes: 100})
		fn := s.start()
		userID, chatID, cookie := s.user("alice")
		events := send(t, fn.Client, chatID, cookie, "Hi").rest(t, 10*time.Second)
		if got := strings.Join(types(events), " "); got != "message_start error usage done" {
			t.Fatalf("events %s", got)
		}
		if e := events[1].Data; e["code"] != "upstream_error" || !strings.Contains(e["message"].(string), "overloaded") {
			t.Fatalf("error %v", e)
		}
		if n := len(s.fake.Requests()); n != 3 {
			t.Fatalf("%d upstream requests, want 1 + 2 retries", n)
		}
		msgs := s.messages(userID, chatID)
		if msgs[0].Content != "Hi" || msgs[1].Status != "error" || msgs[1].Content != "" || last(events).str("status") != "error" {
			t.Fatalf("messages %+v", msgs)
		}
		var calls int
		s.pool.QueryRow(context.Background(), `SELECT COALESCE(sum(api_calls),0) FROM usage_daily WHERE user_id = $1`, userID).Scan(&calls)
		if calls != 0 {
			t.Fatalf("a failed call still counts: %d", calls)
		}
	})
	t.Run("before the first token, recovered by retry", func(t *testing.T) {
		s := newStack(t, fakeanthropic.Script{Text: "fine", FailTimes: 2, Fail: fakeanthropic.RateLimited})
		fn := s.start("ANTHROPIC_RETRY_MAX=1s")
		_, chatID, cookie := s.user("alice")
		events := send(t, fn.Client, chatID, cookie, "Hi").rest(t, 10*time.Second)
		if text(events) != "fine" || last(events).str("status") != "complete" || len(s.fake.Requests()) != 3 {
			t.Fatalf("events %v after %d requests", types(events), len(s.fake.Requests()))
		}
	})
	t.Run("after the first token, partial answer saved", func(t *testing.T) {
		s := newStack(t, fakeanthropic.Script{Chunks: []string{"par", "tial", "lost"}, ErrorAfter: 2})
		fn := s.start()
		userID, chatID, cookie := s.user("alice")
		events := send(t, fn.Client, chatID, cookie, "Hi").rest(t, 10*time.Second)
		if got := strings.Join(types(events), " "); got != "message_start delta delta error usage done" {
			t.Fatalf("events %s", got)
		}
		msgs := s.messages(userID, chatID)
		if msgs[1].Status != "error" || msgs[1].Content != "partial" || len(s.fake.Requests()) != 1 {
			t.Fatalf("saved %+v after %d requests", msgs[1], len(s.fake.Requests()))
		}
		var calls int
		s.pool.QueryRow(context.Background(), `SELECT COALESCE(sum(api_calls),0) FROM usage_daily WHERE user_id = $1`, userID).Scan(&calls)
		if calls != 1 {
			t.Fatalf("a call that produced text must count: %d", calls)
		}
	})
}

// TestGracefulShutdownSavesPartial sends SIGTERM mid-stream: the reply
// runs until STREAM_DRAIN_TIMEOUT, then is cancelled and saved as
// interrupted with the text so far; the client is told.
func TestGracefulShutdownSavesPartial(t *testing.T) {
	s := newStack(t, fakeanthropic.Script{Chunks: words(100), Delay: 50 * time.Millisecond})
	fn := s.start("STREAM_DRAIN_TIMEOUT=700ms")
	userID, chatID, cookie := s.user("alice")
	stream := send(t, fn.Client, chatID, cookie, "Count")
	var got []event
	for len(got) < 3 {
		got = append(got, stream.next(t, 5*time.Second))
	}
	signalled := time.Now()
	if err := fn.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	events := append(got, stream.rest(t, 10*time.Second)...)
	if d := time.Since(signalled); d < 500*time.Millisecond {
		t.Fatalf("generation cut after %v, before the drain timeout", d)
	}
	if last(events).str("status") != "interrupted" {
		t.Fatalf("done %v", last(events).Data)
	}
	// The process exits once the reply is saved.
	testkit.Eventually(t, 10*time.Second, func() bool { return fn.Cmd.Process.Signal(syscall.Signal(0)) != nil },
		"the process exited after draining")
	msgs := s.messages(userID, chatID)
	a := msgs[len(msgs)-1]
	if a.Status != "interrupted" || a.Content == "" || a.Content != text(events) {
		t.Fatalf("saved %q (%s), streamed %q", a.Content, a.Status, text(events))
	}
	if !strings.Contains(fn.Logs(), "draining") {
		t.Fatalf("no drain in the log:\n%s", fn.Logs())
	}
}

// TestArtifactsAcrossSplitChunks cuts the artifact tags at awkward places
// in the upstream chunks; the client gets clean artifact events and the
// artifact is saved, as version 2 the second time.
func TestArtifactsAcrossSplitChunks(t *testing.T) {
	chunks := []string{
		"Intro <", "antArt", "ifact identifier=\"plan\" type=\"text/markdown\" ti", "tle=\"The plan\">",
		"# Pl", "an\nstep <b>1</b></antArt", "ifact", "> outro <not a tag>",
	}
	s := newStack(t, fakeanthropic.Script{Chunks: chunks})
	fn := s.start()
	userID, chatID, cookie := s.user("alice")
	for version := 1; version <= 2; version++ {
		events := send(t, fn.Client, chatID, cookie, "Plan it").rest(t, 10*time.Second)
		var content strings.Builder
		var start, end map[string]any
		for _, e := range events {
			switch e.Type {
			case "artifact_start":
				start = e.Data
			case "artifact_delta":
				if e.str("identifier") != "plan" {
					t.Fatalf("delta for %v", e.Data)
				}
				content.WriteString(e.str("text"))
			case "artifact_end":
				end = e.Data
			}
		}
		if text(events) != "Intro  outro <not a tag>" {
			t.Fatalf("prose %q", text(events))
		}
		if start["identifier"] != "plan" || start["type"] != "text/markdown" || start["title"] != "The plan" || start["version"] != float64(version) {
			t.Fatalf("artifact_start %v", start)
		}
		if content.String() != "# Plan\nstep <b>1</b>" {
			t.Fatalf("artifact content %q", content.String())
		}
		if end["identifier"] != "plan" || end["version"] != float64(version) || end["id"] == "" {
			t.Fatalf("artifact_end %v", end)
		}
		saved, err := s.store.GetArtifact(context.Background(), userID, end["id"].(string))
		if err != nil || saved.Content != "# Plan\nstep <b>1</b>" || saved.Version != version || saved.Title != "The plan" {
			t.Fatalf("saved %+v, %v", saved, err)
		}
		msgs := s.messages(userID, chatID)
		if c := msgs[len(msgs)-1].Content; c != strings.Join(chunks, "") {
			t.Fatalf("message content %q", c)
		}
	}
}

// TestTwoUsersAtOnce streams two users' replies at the same time: each
// sees only their own, and neither can read or stop the other's chat.
func TestTwoUsersAtOnce(t *testing.T) {
	s := newStack(t, fakeanthropic.Script{})
	s.fake.Respond = func(r fakeanthropic.Request) fakeanthropic.Script {
		msgs := r.Body.Messages
		return fakeanthropic.Script{Text: "echo: " + msgs[len(msgs)-1].Text, ChunkSize: 2, Delay: 15 * time.Millisecond}
	}
	a, b := s.start(), s.start()
	aliceID, aliceChat, alice := s.user("alice")
	bobID, bobChat, bob := s.user("bob")
	var wg sync.WaitGroup
	results := map[string]string{}
	var mu sync.Mutex
	for _, c := range []struct {
		name   string
		fn     *testkit.Function
		chat   string
		cookie *http.Cookie
	}{{"alice", a, aliceChat, alice}, {"bob", b, bobChat, bob}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			events := send(t, c.fn.Client, c.chat, c.cookie, "I am "+c.name).rest(t, 20*time.Second)
			mu.Lock()
			results[c.name] = text(events)
			mu.Unlock()
		}()
	}
	// Both replies have begun (their assistant messages exist).
	testkit.Eventually(t, 10*time.Second, func() bool {
		return len(s.messages(aliceID, aliceChat)) >= 2 && len(s.messages(bobID, bobChat)) >= 2
	}, "both replies begun")
	// Bob cannot read or stop Alice's chat: it does not exist for him.
	for _, req := range []struct{ method, path string }{
		{http.MethodGet, "/api/chats/" + aliceChat + "/events"},
		{http.MethodPost, "/api/chats/" + aliceChat + "/stop"},
		{http.MethodPost, "/api/chats/" + aliceChat + "/messages"},
	} {
		body := ""
		if req.method == http.MethodPost && strings.HasSuffix(req.path, "messages") {
			body = `{"content":"hijack"}`
		}
		resp := do(t, b.Client, req.method, req.path, bob, body)
		if e := errorBody(t, resp); resp.StatusCode != http.StatusNotFound || e["code"] != "not_found" {
			t.Fatalf("bob %s %s: %d %v", req.method, req.path, resp.StatusCode, e)
		}
	}
	wg.Wait()
	if results["alice"] != "echo: I am alice" || results["bob"] != "echo: I am bob" {
		t.Fatalf("results %q", results)
	}
}

func TestRequestChecks(t *testing.T) {
	s := newStack(t, fakeanthropic.Script{Chunks: words(20), Delay: 50 * time.Millisecond})
	fn := s.start("DAILY_CALL_LIMIT=2")
	_, chatID, cookie := s.user("alice")
	post := func(body string, c *http.Cookie) *http.Response {
		return do(t, fn.Client, http.MethodPost, "/api/chats/"+chatID+"/messages", c, body)
	}
	tests := []struct {
		name   string
		body   string
		cookie *http.Cookie
		status int
		field  string
	}{
		{"no session", `{"content":"hi"}`, nil, 401, ""},
		{"missing content", `{}`, cookie, 400, "content"},
		{"empty content", `{"content":""}`, cookie, 400, "content"},
		{"blank content", `{"content":"  \n "}`, cookie, 400, "content"},
		{"content not a string", `{"content":5}`, cookie, 400, "content"},
		{"content too long", `{"content":"` + strings.Repeat("é", 100_001) + `"}`, cookie, 400, "content"},
		{"unknown field", `{"content":"hi","x":1}`, cookie, 400, "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(tt.body, tt.cookie)
			e := errorBody(t, resp)
			if resp.StatusCode != tt.status || (tt.field != "" && e["field"] != tt.field) {
				t.Fatalf("%d %v", resp.StatusCode, e)
			}
		})
	}
	t.Run("100k characters are accepted", func(t *testing.T) {
		stream := send(t, fn.Client, chatID, cookie, strings.Repeat("é", 100_000))
		if e := stream.next(t, 5*time.Second); e.Type != "message_start" {
			t.Fatalf("first event %v", e.Type)
		}
		t.Run("one generation per chat", func(t *testing.T) {
			resp := post(`{"content":"again"}`, cookie)
			if e := errorBody(t, resp); resp.StatusCode != http.StatusConflict || e["code"] != "conflict" {
				t.Fatalf("%d %v", resp.StatusCode, e)
			}
		})
		stream.rest(t, 10*time.Second)
	})
	t.Run("quota", func(t *testing.T) {
		send(t, fn.Client, chatID, cookie, "second call").rest(t, 10*time.Second)
		resp := post(`{"content":"third call"}`, cookie)
		e := errorBody(t, resp)
		if resp.StatusCode != http.StatusTooManyRequests || e["code"] != "quota_exceeded" || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("%d %v", resp.StatusCode, e)
		}
	})
	t.Run("malformed chat id", func(t *testing.T) {
		resp := do(t, fn.Client, http.MethodPost, "/api/chats/nope/stop", cookie, "")
		if e := errorBody(t, resp); resp.StatusCode != 400 || e["field"] != "id" {
			t.Fatalf("%d %v", resp.StatusCode, e)
		}
	})
}

// TestHeartbeat checks a quiet stream carries ": ping" comments.
func TestHeartbeat(t *testing.T) {
	s := newStack(t, fakeanthropic.Script{Chunks: []string{"a", "b"}, Delay: 700 * time.Millisecond})
	fn := s.start("STREAM_HEARTBEAT=100ms")
	_, chatID, cookie := s.user("alice")
	stream := send(t, fn.Client, chatID, cookie, "hi")
	select {
	case <-stream.pings:
	case <-time.After(3 * time.Second):
		t.Fatal("no heartbeat on a quiet stream")
	}
	stream.rest(t, 5*time.Second)
}

// TestModelFollowsPreference: each user's reply comes from the model they
// chose in their preferences, as far as ALLOWED_MODELS still allows it.
func TestModelFollowsPreference(t *testing.T) {
	s := newStack(t, fakeanthropic.Script{Text: "ok"})
	writer := prefs.NewStore(s.pool, s.rdb, prefs.Options{DefaultModel: "claude-test"})
	tests := []struct {
		name      string
		preferred string // "" leaves the preferences unset
		env       []string
		want      string
	}{
		{"no preference", "", nil, "claude-test"},
		{"preferred model", "claude-opus-5", nil, "claude-opus-5"},
		{"preference no longer allowed", "claude-opus-5", []string{"ALLOWED_MODELS=claude-test,claude-haiku-5"}, "claude-test"},
		{"preference allowed", "claude-haiku-5", []string{"ALLOWED_MODELS=claude-test,claude-haiku-5"}, "claude-haiku-5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fn := s.start(tt.env...)
			userID, chatID, cookie := s.user("u-" + strings.ReplaceAll(tt.name, " ", "-"))
			if tt.preferred != "" {
				if _, err := writer.Patch(context.Background(), userID, map[string]any{"model": tt.preferred}); err != nil {
					t.Fatal(err)
				}
			}
			before := len(s.fake.Requests())
			events := send(t, fn.Client, chatID, cookie, "hello").rest(t, 10*time.Second)
			reqs := s.fake.Requests()
			if len(reqs) != before+1 || reqs[before].Body.Model != tt.want {
				t.Fatalf("upstream requests %d (before %d), last model %q, want %q", len(reqs), before, reqs[len(reqs)-1].Body.Model, tt.want)
			}
			if got := events[0].str("model"); got != tt.want {
				t.Fatalf("message_start model %q, want %q", got, tt.want)
			}
			if msgs := s.messages(userID, chatID); msgs[1].Model != tt.want {
				t.Fatalf("saved model %q, want %q", msgs[1].Model, tt.want)
			}
		})
	}
}

func TestConfigurationRefused(t *testing.T) {
	s := newStack(t, fakeanthropic.Script{})
	bad := func(name string, want string, env ...string) testkit.BadConfig {
		return testkit.BadConfig{Name: name, Env: s.env(env...), Want: want, Secret: s.fake.APIKey}
	}
	testkit.RefusesToStart(t, s.bin, []testkit.BadConfig{
		bad("production without key", "ANTHROPIC_API_KEY", "APP_ENV=production", "ANTHROPIC_API_KEY="),
		bad("drain longer than shutdown", "STREAM_DRAIN_TIMEOUT", "STREAM_DRAIN_TIMEOUT=30s", "SHUTDOWN_TIMEOUT=20s"),
		bad("bad origin", "ALLOWED_ORIGINS", "ALLOWED_ORIGINS=localhost:8080"),
		bad("bad base url", "ANTHROPIC_BASE_URL", "ANTHROPIC_BASE_URL=not a url"),
		bad("default model not allowed", "ALLOWED_MODELS", "ALLOWED_MODELS=claude-haiku-5"),
	})
}

// TestLambda answers the non-streaming routes under Lambda too: the stream
// function is served through a function URL with InvokeMode
// RESPONSE_STREAM, so every answer comes in the streamed format (a prelude
// with status and headers, then the body); lambda_test.go checks SSE
// events arrive incrementally on that path.
func TestLambda(t *testing.T) {
	s := newStack(t, fakeanthropic.Script{})
	fn := testkit.StartLambda(t, s.bin, s.env()...)
	_, chatID, cookie := s.user("alice")
	resp := fn.InvokeStream(t, testkit.FunctionURLEvent(http.MethodPost, "/api/chats/"+chatID+"/stop", "", nil, ""))
	var body struct{ Error struct{ Code string } }
	raw, _ := io.ReadAll(resp.Body)
	json.Unmarshal(raw, &body)
	if resp.StatusCode != http.StatusUnauthorized || body.Error.Code != "unauthenticated" {
		t.Fatalf("no session: %d %s", resp.StatusCode, raw)
	}
	resp = fn.InvokeStream(t, testkit.FunctionURLEvent(http.MethodPost, "/api/chats/"+chatID+"/stop", "",
		map[string]string{"Cookie": cookie.Name + "=" + cookie.Value, "Origin": "http://localhost:8080", "Content-Type": "application/json"}, ""))
	if resp.StatusCode != http.StatusNoContent {
		raw, _ = io.ReadAll(resp.Body)
		t.Fatalf("stop: %d %s", resp.StatusCode, raw)
	}
	fn.CheckBrowserPolicy(t, testkit.StateChange{Method: http.MethodPost, Path: "/api/chats/" + chatID + "/stop",
		Headers: map[string]string{"Cookie": cookie.Name + "=" + cookie.Value}, Want: http.StatusNoContent})
}
