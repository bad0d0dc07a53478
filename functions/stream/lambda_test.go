package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/testkit"
)

const streamPkg = "github.com/archstudio/studio/functions/stream"

// sseEvent is one server-sent event read off a streamed Lambda response.
type sseEvent struct {
	Type string
	Data string
}

// sseReader reads events from body in the background, so a test can wait
// for the next one with a bound.
func sseReader(body *bufio.Reader) <-chan sseEvent {
	ch := make(chan sseEvent)
	go func() {
		defer close(ch)
		var ev sseEvent
		for {
			line, err := body.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case line == "" && ev.Type != "":
				ch <- ev
				ev = sseEvent{}
			case strings.HasPrefix(line, "event: "):
				ev.Type = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.Data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return ch
}

func nextEvent(t *testing.T, events <-chan sseEvent) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-events:
		if !ok {
			t.Fatal("the stream ended before its done event")
		}
		testkit.StreamEvent(t, ev.Type, []byte(ev.Data))
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10 s")
	}
	return sseEvent{}
}

// TestSSEStreamsThroughFunctionURL sends a message to the stream binary
// under a Lambda Runtime API as a function URL with InvokeMode
// RESPONSE_STREAM invokes it, and proves the reply's events arrive while
// it is being generated: after the first delta, a second instance stops
// the generation, and the same response goes on to a done event saying
// "stopped" with only part of the demo reply. A buffered response would
// have held every event until the reply was complete.
func TestSSEStreamsThroughFunctionURL(t *testing.T) {
	bin := testkit.BuildFunction(t, streamPkg)
	b := testkit.NewBackend(t)
	userID, cookie := testkit.SignIn(t, b.Pool, b.Redis, "alice")
	var chatID string
	if err := b.Pool.QueryRow(context.Background(),
		`INSERT INTO chat_sessions (user_id, title) VALUES ($1, 'Lambda') RETURNING id::text`, userID).Scan(&chatID); err != nil {
		t.Fatal(err)
	}
	const origin = "http://localhost:8080"
	env := append(b.Env(), "APP_ENV=test", testkit.TokenKeysEnv(), "ALLOWED_ORIGINS="+origin, "STREAM_DEMO_DELAY=50ms", "STREAM_COALESCE=1ms")
	a, other := testkit.StartLambda(t, bin, env...), testkit.StartLambda(t, bin, env...)
	headers := map[string]string{"Cookie": cookie.String(), "Origin": origin, "Content-Type": "application/json"}

	reply := a.InvokeStream(t, testkit.FunctionURLEvent(http.MethodPost, "/api/chats/"+chatID+"/messages", "", headers, `{"content":"Sketch a cache"}`))
	if reply.StatusCode != http.StatusOK || !strings.HasPrefix(reply.Headers["Content-Type"], "text/event-stream") {
		t.Fatalf("prelude: %d %v", reply.StatusCode, reply.Headers)
	}
	events := sseReader(reply.Body)
	for nextEvent(t, events).Type != "delta" {
	}

	stop := other.InvokeStream(t, testkit.FunctionURLEvent(http.MethodPost, "/api/chats/"+chatID+"/stop", "", headers, ""))
	if stop.StatusCode != http.StatusNoContent {
		t.Fatalf("stop: %d", stop.StatusCode)
	}
	var done sseEvent
	for done.Type != "done" {
		done = nextEvent(t, events)
	}
	var status struct{ Status string }
	if err := json.Unmarshal([]byte(done.Data), &status); err != nil || status.Status != "stopped" {
		t.Fatalf("done %s (%v): the reply was not stopped mid-stream", done.Data, err)
	}
	testkit.Eventually(t, 5*time.Second, func() bool {
		var saved string
		err := b.Pool.QueryRow(context.Background(),
			`SELECT status FROM messages WHERE session_id = $1 AND role = 'assistant'`, chatID).Scan(&saved)
		return err == nil && saved == "stopped"
	}, "the reply saved as stopped")
}
