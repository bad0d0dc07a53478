package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/archstudio/studio/shared/testkit"
)

// event is one server-sent event with the time it was read.
type event struct {
	Type string
	Data string
	At   time.Time
}

// sseStream reads a text/event-stream response.
type sseStream struct {
	resp *http.Response
	r    *testkit.SSEReader
}

func openSSE(resp *http.Response) (*sseStream, error) {
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		_ = resp.Body.Close()
		return nil, fmt.Errorf("status %d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	return &sseStream{resp: resp, r: testkit.NewSSEReader(resp.Body)}, nil
}

// next returns the next event (comments and heartbeats skipped).
func (s *sseStream) next() (event, error) {
	for {
		e, err := s.r.Next()
		if err != nil {
			return event{}, err
		}
		if e.Comment != "" || (e.Type == "" && e.Data == "") {
			continue
		}
		if e.Type == "" {
			e.Type = "message"
		}
		return event{Type: e.Type, Data: e.Data, At: e.At}, nil
	}
}

func (s *sseStream) close() { _ = s.resp.Body.Close() }

// deltaText is the text of a delta event.
func deltaText(e event) string {
	var d struct {
		Text string `json:"text"`
	}
	_ = json.Unmarshal([]byte(e.Data), &d)
	return d.Text
}

// postMessage sends a user message to chatID and returns the reply stream.
func postMessage(ctx context.Context, t target, cookie *http.Cookie, origin, chatID, content string) (*sseStream, error) {
	body, _ := json.Marshal(map[string]string{"content": content})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.base+"/api/chats/"+chatID+"/messages", strings.NewReader(string(body)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Origin", origin)
	req.AddCookie(cookie)
	resp, err := t.c.Do(req)
	if err != nil {
		return nil, err
	}
	return openSSE(resp)
}
