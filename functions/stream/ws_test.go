package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
)

const origin = "http://localhost:8080"

type wsClient struct {
	c      *websocket.Conn
	frames chan map[string]any
	err    error
}

func dialWS(t *testing.T, fn *testkit.Function, originHeader string, cookie *http.Cookie) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	h := http.Header{}
	if originHeader != "" {
		h.Set("Origin", originHeader)
	}
	if cookie != nil {
		h.Set("Cookie", cookie.Name+"="+cookie.Value)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return websocket.Dial(ctx, "ws://fn/api/ws", &websocket.DialOptions{HTTPClient: fn.Client, HTTPHeader: h})
}

// connect opens a WebSocket and reads its frames on a goroutine.
func connect(t *testing.T, fn *testkit.Function, cookie *http.Cookie) *wsClient {
	t.Helper()
	return connectTB(t, fn, cookie)
}

// decodeFrame decodes a frame, refusing a key given twice: encoding/json
// would keep the last silently, but browsers' JSON.parse callers and other
// clients may not agree on which one wins.
func decodeFrame(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("frame is not an object: %s", data)
	}
	f := map[string]any{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key := tok.(string)
		if _, dup := f[key]; dup {
			return nil, fmt.Errorf("key %q twice in frame %s", key, data)
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		f[key] = v
	}
	return f, nil
}

func (w *wsClient) command(t *testing.T, cmd map[string]any) {
	t.Helper()
	b, _ := json.Marshal(cmd)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := w.c.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
}

// next returns the next frame, which must keep the API contract.
func (w *wsClient) next(t *testing.T) map[string]any {
	t.Helper()
	select {
	case f, ok := <-w.frames:
		if !ok {
			t.Fatalf("connection closed: %v", w.err)
		}
		raw, _ := json.Marshal(f) // decodeFrame refused repeated keys, so nothing is lost
		testkit.WSFrame(t, raw)
		return f
	case <-time.After(10 * time.Second):
		t.Fatal("no frame within 10s")
	}
	return nil
}

// untilDone reads frames through the done frame.
func (w *wsClient) untilDone(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for {
		f := w.next(t)
		out = append(out, f)
		if f["type"] == "done" {
			return out
		}
	}
}

// dataOf is an event frame's data.
func dataOf(f map[string]any) map[string]any {
	d, _ := f["data"].(map[string]any)
	return d
}

func frameText(frames []map[string]any) string {
	var b strings.Builder
	for _, f := range frames {
		if f["type"] == "delta" {
			b.WriteString(f["data"].(map[string]any)["text"].(string))
		}
	}
	return b.String()
}

func TestWebSocketRefusals(t *testing.T) {
	s := newStack(t, fakeanthropic.Script{Text: "x"})
	fn := s.start()
	_, _, cookie := s.user("alice")
	tests := []struct {
		name   string
		origin string
		cookie *http.Cookie
		status int
	}{
		{"foreign origin", "https://evil.example", cookie, http.StatusForbidden},
		{"origin differing only in port", "http://localhost:8081", cookie, http.StatusForbidden},
		{"no origin", "", cookie, http.StatusForbidden},
		{"no session", origin, nil, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, resp, err := dialWS(t, fn, tt.origin, tt.cookie)
			if err == nil {
				c.CloseNow()
				t.Fatal("upgraded")
			}
			if resp == nil || resp.StatusCode != tt.status {
				t.Fatalf("response %v, err %v", resp, err)
			}
		})
	}
}

func TestWebSocketSendResumeStop(t *testing.T) {
	reply := words(30)
	s := newStack(t, fakeanthropic.Script{Chunks: reply, Delay: 40 * time.Millisecond})
	a, b := s.start(), s.start()
	userID, chatID, cookie := s.user("alice")

	w := connect(t, a, cookie)
	w.command(t, map[string]any{"type": "send", "chat_id": chatID, "content": "Count"})
	first := w.next(t)
	if first["type"] != "message_start" || first["chat_id"] != chatID || first["event_id"] == "" || dataOf(first)["assistant_message_id"] == "" {
		t.Fatalf("first frame %v", first)
	}
	var got []map[string]any
	for len(got) < 5 {
		got = append(got, w.next(t))
	}
	w.c.CloseNow() // the tab goes away mid-reply

	// Another device resumes on the other instance after the last frame seen.
	w2 := connect(t, b, cookie)
	w2.command(t, map[string]any{"type": "resume", "chat_id": chatID, "last_event_id": got[len(got)-1]["event_id"]})
	rest := w2.untilDone(t)
	all := append(append([]map[string]any{first}, got...), rest...)
	if frameText(all) != strings.Join(reply, "") {
		t.Fatalf("text %q", frameText(all))
	}
	if dataOf(rest[len(rest)-1])["status"] != "complete" {
		t.Fatalf("done %v", rest[len(rest)-1])
	}

	// Stop over the WebSocket.
	w2.command(t, map[string]any{"type": "send", "chat_id": chatID, "content": "Count again"})
	for n := 0; n < 3; {
		if w2.next(t)["type"] == "delta" {
			n++
		}
	}
	w2.command(t, map[string]any{"type": "stop", "chat_id": chatID})
	frames := w2.untilDone(t)
	if dataOf(frames[len(frames)-1])["status"] != "stopped" {
		t.Fatalf("done %v", frames[len(frames)-1])
	}
	msgs := s.messages(userID, chatID)
	if msgs[len(msgs)-1].Status != "stopped" {
		t.Fatalf("saved %+v", msgs[len(msgs)-1])
	}

	// Command errors come back as error frames; the connection stays up.
	_, bobChat, _ := s.user("bob")
	for _, tt := range []struct {
		cmd  map[string]any
		code string
	}{
		{map[string]any{"type": "send", "chat_id": bobChat, "content": "hijack"}, "not_found"},
		{map[string]any{"type": "resume", "chat_id": bobChat}, "not_found"},
		{map[string]any{"type": "send", "chat_id": chatID, "content": ""}, "invalid_argument"},
		{map[string]any{"type": "dance", "chat_id": chatID}, "invalid_argument"},
		{map[string]any{"type": "stop", "chat_id": "nope"}, "invalid_argument"},
	} {
		w2.command(t, tt.cmd)
		if f := w2.next(t); f["type"] != "error" || f["code"] != tt.code {
			t.Fatalf("%v: frame %v", tt.cmd, f)
		}
	}
}

// TestWebSocketKeepAliveAndDeadClient: with pings every 100 ms, a client
// that reads stays connected; one that never reads (so never answers a
// ping) is dropped.
func TestWebSocketKeepAliveAndDeadClient(t *testing.T) {
	s := newStack(t, fakeanthropic.Script{Text: "pong"})
	fn := s.start("STREAM_WS_PING_INTERVAL=100ms", "STREAM_CLIENT_WRITE_TIMEOUT=300ms")
	_, chatID, cookie := s.user("alice")

	alive := connect(t, fn, cookie)
	dead, _, err := dialWS(t, fn, origin, cookie)
	if err != nil {
		t.Fatal(err)
	}
	defer dead.CloseNow()
	// Several pings go by before the server gives up on the silent client.
	testkit.Eventually(t, 10*time.Second, func() bool { return strings.Contains(fn.Logs(), "ping timeout") },
		"the server dropped the silent client")

	alive.command(t, map[string]any{"type": "send", "chat_id": chatID, "content": "still there?"})
	if frameText(alive.untilDone(t)) != "pong" {
		t.Fatal("the live connection did not answer")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _, err = dead.Read(ctx)
	if err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the silent client was not dropped: %v", err)
	}
}

// TestWebSocketSlowReaderDropped: a client that stops reading while a
// large reply streams is disconnected instead of being buffered for,
// while a reader on the same chat gets everything.
func TestWebSocketSlowReaderDropped(t *testing.T) {
	chunk := strings.Repeat("x", 16<<10)
	chunks := make([]string, 400) // 6.4 MB, far beyond socket buffers
	for i := range chunks {
		chunks[i] = chunk
	}
	s := newStack(t, fakeanthropic.Script{Chunks: chunks, Delay: 2 * time.Millisecond})
	fn := s.start("STREAM_WS_SEND_BUFFER=16", "STREAM_COALESCE=1ms", "STREAM_CLIENT_WRITE_TIMEOUT=1s")
	_, chatID, cookie := s.user("alice")

	slow, _, err := dialWS(t, fn, origin, cookie)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.CloseNow()
	fast := connect(t, fn, cookie)

	b, _ := json.Marshal(map[string]any{"type": "send", "chat_id": chatID, "content": "big"})
	started := time.Now()
	if err := slow.Write(context.Background(), websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, func() bool { return s.rdb.XLen(context.Background(), "stream:"+chatID+":events").Val() > 0 },
		"the reply has begun")
	fast.command(t, map[string]any{"type": "resume", "chat_id": chatID})
	frames := fast.untilDone(t)
	t.Logf("fast reader done after %v", time.Since(started))
	if n := len(frameText(frames)); n != len(chunk)*len(chunks) {
		t.Fatalf("the reading client got %d bytes", n)
	}
	// Now the slow client reads: it finds its connection was closed before
	// the reply ended.
	slow.SetReadLimit(1 << 30)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	sawDone := false
	for {
		_, data, err := slow.Read(ctx)
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				t.Fatal("the slow client is still connected")
			}
			if st := websocket.CloseStatus(err); st != -1 && st != websocket.StatusPolicyViolation {
				t.Fatalf("closed with %v", err)
			}
			break
		}
		sawDone = sawDone || strings.Contains(string(data), `"type":"done"`)
	}
	t.Logf("slow reader closed after %v", time.Since(started))

	if sawDone {
		t.Fatal("the slow client received the whole reply: it was buffered for")
	}
}
