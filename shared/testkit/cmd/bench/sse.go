package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
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
	br   *bufio.Reader
}

func openSSE(resp *http.Response) (*sseStream, error) {
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		_ = resp.Body.Close()
		return nil, fmt.Errorf("status %d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	return &sseStream{resp: resp, br: bufio.NewReaderSize(resp.Body, 1024)}, nil
}

// next returns the next event (comments and heartbeats skipped).
func (s *sseStream) next() (event, error) {
	var e event
	for {
		line, err := s.br.ReadString('\n')
		if err != nil {
			return e, err
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "":
			if e.Type != "" || e.Data != "" {
				if e.Type == "" {
					e.Type = "message"
				}
				e.At = time.Now()
				return e, nil
			}
		case strings.HasPrefix(line, "event:"):
			e.Type = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			e.Data += strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " ")
		}
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
