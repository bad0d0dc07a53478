package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const pkg = "github.com/archstudio/studio/functions/stream"

// stack is one test's PostgreSQL database, Redis database and fake
// Anthropic API, shared by every stream process the test starts.
type stack struct {
	t        testing.TB
	dbURL    string
	redisURL string
	pool     *pgxpool.Pool
	rdb      *redis.Client
	store    *chatstore.Store
	fake     *fakeanthropic.Server
	bin      string
}

func newStack(t testing.TB, script fakeanthropic.Script) *stack {
	t.Helper()
	s := &stack{t: t, dbURL: testkit.DatabaseURL(t), redisURL: testkit.RedisURL(t), fake: fakeanthropic.Start(t, script)}
	s.pool, s.rdb = testkit.OpenPool(t, s.dbURL), testkit.OpenRedis(t, s.redisURL)
	s.store = chatstore.New(s.pool)
	s.bin = testkit.BuildFunction(t, pkg)
	return s
}

func (s *stack) env(extra ...string) []string {
	return append([]string{
		"APP_ENV=test",
		testkit.TokenKeysEnv(),
		"LOG_LEVEL=debug",
		"DATABASE_URL=" + s.dbURL,
		"REDIS_URL=" + s.redisURL,
		"ANTHROPIC_API_KEY=" + s.fake.APIKey,
		"ANTHROPIC_BASE_URL=" + s.fake.URL,
		"ANTHROPIC_MODEL=claude-test",
		"ANTHROPIC_RETRIES=2",
		"ANTHROPIC_RETRY_BASE=1ms",
		"ANTHROPIC_RETRY_MAX=5ms",
		"STREAM_DRAIN_TIMEOUT=2s",
		"SHUTDOWN_TIMEOUT=10s",
	}, extra...)
}

// start runs a stream process.
func (s *stack) start(extra ...string) *testkit.Function {
	s.t.Helper()
	return testkit.StartFunction(s.t, s.bin, s.env(extra...)...)
}

// user signs a user in and gives them a chat.
func (s *stack) user(login string) (userID, chatID string, cookie *http.Cookie) {
	s.t.Helper()
	userID, cookie = testkit.SignIn(s.t, s.pool, s.rdb, login)
	chat, err := s.store.CreateChat(context.Background(), userID, "")
	if err != nil {
		s.t.Fatal(err)
	}
	return userID, chat.ID, cookie
}

func (s *stack) chat(userID string) string {
	s.t.Helper()
	chat, err := s.store.CreateChat(context.Background(), userID, "")
	if err != nil {
		s.t.Fatal(err)
	}
	return chat.ID
}

// messages returns the chat's messages, oldest first.
func (s *stack) messages(userID, chatID string) []chatstore.Message {
	s.t.Helper()
	msgs, err := s.store.History(context.Background(), userID, chatID, 0)
	if err != nil {
		s.t.Fatal(err)
	}
	return msgs
}

// event is one server-sent event as a client receives it.
type event struct {
	ID   string
	Type string
	Data map[string]any
	Raw  string
	At   time.Time
}

func (e event) str(key string) string { v, _ := e.Data[key].(string); return v }

// sseStream reads events from a response as they arrive.
type sseStream struct {
	resp   *http.Response
	events chan event
	pings  chan struct{}
	mu     sync.Mutex
	err    error
}

func openSSE(resp *http.Response) *sseStream {
	s := &sseStream{resp: resp, events: make(chan event, 1024), pings: make(chan struct{}, 16)}
	go func() {
		defer close(s.events)
		r := testkit.NewSSEReader(resp.Body)
		for {
			e, err := r.Next()
			switch {
			case err != nil:
				s.mu.Lock()
				s.err = err
				s.mu.Unlock()
				return
			case e.Comment == "ping":
				select {
				case s.pings <- struct{}{}:
				default:
				}
			case e.Type != "":
				ev := event{ID: e.ID, Type: e.Type, Raw: e.Data, At: e.At}
				_ = json.Unmarshal([]byte(ev.Raw), &ev.Data)
				s.events <- ev
			}
		}
	}()
	return s
}

// next returns the next event, failing the test after timeout. Each
// event must keep the API contract.
func (s *sseStream) next(t testing.TB, timeout time.Duration) event {
	t.Helper()
	select {
	case e, ok := <-s.events:
		if !ok {
			t.Fatalf("stream ended: %v", s.err)
		}
		testkit.StreamEvent(t, e.Type, []byte(e.Raw))
		return e
	case <-time.After(timeout):
		t.Fatalf("no event within %v", timeout)
	}
	return event{}
}

// rest reads until done (inclusive) or the stream ends.
func (s *sseStream) rest(t testing.TB, timeout time.Duration) []event {
	t.Helper()
	var out []event
	deadline := time.After(timeout)
	for {
		select {
		case e, ok := <-s.events:
			if !ok {
				return out
			}
			testkit.StreamEvent(t, e.Type, []byte(e.Raw))
			out = append(out, e)
			if e.Type == "done" {
				return out
			}
		case <-deadline:
			t.Fatalf("no done within %v; got %v", timeout, types(out))
		}
	}
}

func (s *sseStream) close() { s.resp.Body.Close() }

func types(events []event) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.Type)
	}
	return out
}

// text joins the prose deltas.
func text(events []event) string {
	var b strings.Builder
	for _, e := range events {
		if e.Type == "delta" {
			b.WriteString(e.str("text"))
		}
	}
	return b.String()
}

func last(events []event) event {
	if len(events) == 0 {
		return event{}
	}
	return events[len(events)-1]
}

func do(t testing.TB, c *http.Client, method, path string, cookie *http.Cookie, body string, header ...string) *http.Response {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, "http://fn"+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// send posts a message and returns the open event stream.
func send(t testing.TB, c *http.Client, chatID string, cookie *http.Cookie, content string) *sseStream {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"content": content})
	resp := do(t, c, http.MethodPost, "/api/chats/"+chatID+"/messages", cookie, string(body))
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("send: status %d: %s", resp.StatusCode, b)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("send: content-type %q", ct)
	}
	s := openSSE(resp)
	t.Cleanup(s.close)
	return s
}

// errorBody decodes an apperr JSON error response.
func errorBody(t testing.TB, resp *http.Response) map[string]any {
	t.Helper()
	defer resp.Body.Close()
	var b struct{ Error map[string]any }
	if err := json.NewDecoder(resp.Body).Decode(&b); err != nil {
		t.Fatalf("status %d, body not an error: %v", resp.StatusCode, err)
	}
	return b.Error
}

func words(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("w%02d ", i)
	}
	return out
}
