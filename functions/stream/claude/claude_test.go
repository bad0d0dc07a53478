package claude

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/archstudio/studio/functions/stream/model"
	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
)

type retries struct {
	mu   sync.Mutex
	errs []error
}

func (r *retries) record(_ int, err error, _ time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, err)
}

func (r *retries) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.errs)
}

func newClient(url, key string, r *retries) *Client {
	return New(Config{
		APIKey: key, BaseURL: url, Model: "claude-test",
		Retries: 3, RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond,
		IdleTimeout: 300 * time.Millisecond, OnRetry: r.record,
	})
}

var req = model.Request{
	System:    "system prompt",
	MaxTokens: 256,
	Turns: []model.Turn{
		{Role: model.User, Text: "first question"},
		{Role: model.Assistant, Text: "first answer"},
		{Role: model.User, Text: "second question"},
	},
}

func collect(t *testing.T, c *Client, ctx context.Context) ([]string, model.Usage, error) {
	t.Helper()
	var got []string
	usage, err := c.Stream(ctx, req, func(s string) { got = append(got, s) })
	return got, usage, err
}

func TestStreamsThroughSDK(t *testing.T) {
	fake := fakeanthropic.Start(t, fakeanthropic.Script{Chunks: []string{"Hel", "lo, ", "world"}, InputTokens: 42, OutputTokens: 7})
	var r retries
	got, usage, err := collect(t, newClient(fake.URL, fake.APIKey, &r), context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, "|") != "Hel|lo, |world" {
		t.Fatalf("pieces %q", got)
	}
	if usage != (model.Usage{InputTokens: 42, OutputTokens: 7}) {
		t.Fatalf("usage %+v", usage)
	}
	reqs := fake.Requests()
	if len(reqs) != 1 || r.count() != 0 {
		t.Fatalf("%d requests, %d retries", len(reqs), r.count())
	}
	b := reqs[0].Body
	if b.Model != "claude-test" || b.MaxTokens != 256 || !b.Stream || b.SystemText() != "system prompt" {
		t.Fatalf("body %+v", b)
	}
	var turns []string
	for _, m := range b.Messages {
		turns = append(turns, m.Role+":"+m.Text)
	}
	if strings.Join(turns, ",") != "user:first question,assistant:first answer,user:second question" {
		t.Fatalf("messages %v", turns)
	}
	if reqs[0].Header.Get("anthropic-version") == "" || reqs[0].Header.Get("x-api-key") != fake.APIKey {
		t.Fatalf("headers %v", reqs[0].Header)
	}
}

func TestRetriesBeforeFirstToken(t *testing.T) {
	tests := []struct {
		name string
		fail fakeanthropic.Failure
	}{
		{"overloaded 529", fakeanthropic.Overloaded},
		{"rate limited 429", fakeanthropic.Failure{Status: 429, Type: "rate_limit_error", Message: "slow down"}},
		{"api error 500", fakeanthropic.APIError},
		{"bad gateway 502", fakeanthropic.Failure{Status: 502, Type: "api_error", Message: "bad gateway"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := fakeanthropic.Start(t, fakeanthropic.Script{Text: "recovered", FailTimes: 2, Fail: tt.fail})
			var r retries
			got, _, err := collect(t, newClient(fake.URL, fake.APIKey, &r), context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "") != "recovered" || len(fake.Requests()) != 3 || r.count() != 2 {
				t.Fatalf("got %q after %d requests, %d retries", got, len(fake.Requests()), r.count())
			}
		})
	}
}

func TestStreamErrorEventBeforeFirstTokenIsRetried(t *testing.T) {
	fake := fakeanthropic.Start(t, fakeanthropic.Script{Chunks: []string{}, ErrorAfter: 1})
	var r retries
	_, _, err := collect(t, newClient(fake.URL, fake.APIKey, &r), context.Background())
	if !apperr.Is(err, apperr.Upstream) {
		t.Fatalf("err = %v", err)
	}
	if n := len(fake.Requests()); n != 4 || r.count() != 3 {
		t.Fatalf("%d requests, %d retries; want 4 and 3", n, r.count())
	}
	if !strings.Contains(err.Error(), "overloaded") {
		t.Fatalf("err = %v", err)
	}
}

func TestRetriesExhausted(t *testing.T) {
	fake := fakeanthropic.Start(t, fakeanthropic.Script{Text: "never", FailTimes: 100})
	var r retries
	got, _, err := collect(t, newClient(fake.URL, fake.APIKey, &r), context.Background())
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.Upstream || !strings.Contains(e.Message, "overloaded") {
		t.Fatalf("err = %v", err)
	}
	if len(got) != 0 || len(fake.Requests()) != 4 || r.count() != 3 {
		t.Fatalf("got %q, %d requests, %d retries", got, len(fake.Requests()), r.count())
	}
}

func TestClientErrorsAreNotRetried(t *testing.T) {
	fake := fakeanthropic.Start(t, fakeanthropic.Script{Text: "x"})
	var r retries
	_, _, err := collect(t, newClient(fake.URL, "wrong-key", &r), context.Background())
	if !apperr.Is(err, apperr.Upstream) || r.count() != 0 {
		t.Fatalf("err = %v after %d retries", err, r.count())
	}
	var e *apperr.Error
	errors.As(err, &e)
	if !strings.Contains(e.Message, "credentials") {
		t.Fatalf("message %q", e.Message)
	}
}

func TestErrorAfterFirstTokenIsNotRetried(t *testing.T) {
	fake := fakeanthropic.Start(t, fakeanthropic.Script{Chunks: []string{"par", "tial", "never"}, ErrorAfter: 2})
	var r retries
	got, usage, err := collect(t, newClient(fake.URL, fake.APIKey, &r), context.Background())
	if !apperr.Is(err, apperr.Upstream) {
		t.Fatalf("err = %v", err)
	}
	if strings.Join(got, "") != "partial" || len(fake.Requests()) != 1 || r.count() != 0 {
		t.Fatalf("got %q, %d requests, %d retries", got, len(fake.Requests()), r.count())
	}
	if usage.InputTokens == 0 {
		t.Fatalf("usage from message_start lost: %+v", usage)
	}
}

func TestIdleTimeout(t *testing.T) {
	t.Run("before first token it retries", func(t *testing.T) {
		fake := fakeanthropic.Start(t, fakeanthropic.Script{Text: "x", Hang: true})
		var r retries
		c := newClient(fake.URL, fake.APIKey, &r)
		c.cfg.Retries = 1
		_, _, err := collect(t, c, context.Background())
		if !apperr.Is(err, apperr.Upstream) || r.count() != 1 || len(fake.Requests()) != 2 {
			t.Fatalf("err = %v, %d retries", err, r.count())
		}
	})
	t.Run("after first token it fails", func(t *testing.T) {
		fake := fakeanthropic.Start(t, fakeanthropic.Script{Chunks: []string{"a", "b"}, Hang: true, HangAfter: 1})
		var r retries
		got, _, err := collect(t, newClient(fake.URL, fake.APIKey, &r), context.Background())
		if !errors.Is(err, errIdle) || strings.Join(got, "") != "a" || r.count() != 0 {
			t.Fatalf("got %q err = %v, %d retries", got, err, r.count())
		}
	})
}

func TestNetworkErrorsAreRetried(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close() // nothing listens: connection refused
	var r retries
	_, _, err = collect(t, newClient(url, "k", &r), context.Background())
	var e *apperr.Error
	if !errors.As(err, &e) || !strings.Contains(e.Message, "could not reach") || r.count() != 3 {
		t.Fatalf("err = %v after %d retries", err, r.count())
	}
}

func TestCancelStopsWithCause(t *testing.T) {
	fake := fakeanthropic.Start(t, fakeanthropic.Script{Text: "abcdefgh", ChunkSize: 1, Delay: 50 * time.Millisecond})
	var r retries
	c := newClient(fake.URL, fake.APIKey, &r)
	ctx, cancel := context.WithCancelCause(context.Background())
	stopped := errors.New("stopped by user")
	var got []string
	_, err := c.Stream(ctx, req, func(s string) {
		got = append(got, s)
		if len(got) == 2 {
			cancel(stopped)
		}
	})
	if !errors.Is(err, stopped) || r.count() != 0 {
		t.Fatalf("err = %v, %d retries", err, r.count())
	}
	if strings.Join(got, "") != "ab" {
		t.Fatalf("got %q", got)
	}
}

func TestBackoffBounds(t *testing.T) {
	c := New(Config{RetryBase: 100 * time.Millisecond, RetryMax: time.Second})
	for attempt := 0; attempt < 10; attempt++ {
		d := c.backoff(attempt, errors.New("x"))
		lo := min(100*time.Millisecond<<attempt, time.Second) / 2
		if d < lo || d > time.Second {
			t.Fatalf("attempt %d: backoff %v outside [%v, 1s]", attempt, d, lo)
		}
	}
}
