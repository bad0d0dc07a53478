package fakeanthropic

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

type sse struct {
	Event string
	Data  map[string]any
}

func post(t *testing.T, ctx context.Context, url string, header map[string]string, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/v1/messages", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("content-type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func readEvents(t *testing.T, r io.Reader) []sse {
	t.Helper()
	var out []sse
	sc := bufio.NewScanner(r)
	var cur sse
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			out = append(out, cur)
			cur = sse{}
		case strings.HasPrefix(line, "event: "):
			cur.Event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &cur.Data); err != nil {
				t.Fatalf("data %q: %v", line, err)
			}
		}
	}
	return out
}

var okHeaders = map[string]string{"x-api-key": "test-key", "anthropic-version": Version}

const okBody = `{"model":"claude-test","max_tokens":100,"stream":true,"system":"be brief","messages":[{"role":"user","content":"hi"}]}`

func TestStreamSequence(t *testing.T) {
	srv := Start(t, Script{Chunks: []string{"Hel", "lo <antArt", "ifact>"}, InputTokens: 9, OutputTokens: 4})
	resp := post(t, context.Background(), srv.URL, okHeaders, okBody)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("content-type"), "text/event-stream") {
		t.Fatalf("status %d, content-type %q", resp.StatusCode, resp.Header.Get("content-type"))
	}
	events := readEvents(t, resp.Body)
	var names []string
	for _, e := range events {
		names = append(names, e.Event)
		if e.Data["type"] != e.Event {
			t.Errorf("event %s carries type %v", e.Event, e.Data["type"])
		}
	}
	want := "message_start content_block_start ping content_block_delta content_block_delta content_block_delta content_block_stop message_delta message_stop"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("events\n got %s\nwant %s", got, want)
	}
	msg := events[0].Data["message"].(map[string]any)
	if msg["model"] != "claude-test" || msg["role"] != "assistant" || msg["usage"].(map[string]any)["input_tokens"] != 9.0 {
		t.Errorf("message_start = %v", msg)
	}
	var text string
	for _, e := range events[3:6] {
		d := e.Data["delta"].(map[string]any)
		if d["type"] != "text_delta" {
			t.Errorf("delta type %v", d["type"])
		}
		text += d["text"].(string)
	}
	if text != "Hello <antArtifact>" {
		t.Errorf("text %q", text)
	}
	md := events[7].Data
	if md["delta"].(map[string]any)["stop_reason"] != "end_turn" || md["usage"].(map[string]any)["output_tokens"] != 4.0 {
		t.Errorf("message_delta = %v", md)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Body.Messages[0].Text != "hi" || reqs[0].Body.SystemText() != "be brief" || !reqs[0].Body.Stream {
		t.Fatalf("recorded %+v", reqs)
	}
}

func TestValidation(t *testing.T) {
	srv := Start(t, Script{Text: "x"})
	tests := []struct {
		name   string
		header map[string]string
		body   string
		status int
		typ    string
	}{
		{"no key", map[string]string{"anthropic-version": Version}, okBody, 401, "authentication_error"},
		{"wrong key", map[string]string{"x-api-key": "nope", "anthropic-version": Version}, okBody, 401, "authentication_error"},
		{"no version", map[string]string{"x-api-key": "test-key"}, okBody, 400, "invalid_request_error"},
		{"bad json", okHeaders, `{"model":`, 400, "invalid_request_error"},
		{"no max_tokens", okHeaders, `{"model":"m","messages":[{"role":"user","content":"hi"}]}`, 400, "invalid_request_error"},
		{"no messages", okHeaders, `{"model":"m","max_tokens":5,"messages":[]}`, 400, "invalid_request_error"},
		{"bad role", okHeaders, `{"model":"m","max_tokens":5,"messages":[{"role":"system","content":"hi"}]}`, 400, "invalid_request_error"},
		{"empty content", okHeaders, `{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":""}]}]}`, 400, "invalid_request_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(t, context.Background(), srv.URL, tt.header, tt.body)
			var body struct {
				Type  string
				Error struct{ Type, Message string }
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status || body.Type != "error" || body.Error.Type != tt.typ || body.Error.Message == "" {
				t.Fatalf("status %d body %+v", resp.StatusCode, body)
			}
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d invalid requests recorded", n)
	}
}

func TestFailTimesThenStream(t *testing.T) {
	srv := Start(t, Script{Text: "ok", FailTimes: 2, Fail: RateLimited})
	for i := 0; i < 2; i++ {
		resp := post(t, context.Background(), srv.URL, okHeaders, okBody)
		if resp.StatusCode != 429 || resp.Header.Get("retry-after") != "1" {
			t.Fatalf("attempt %d: status %d retry-after %q", i, resp.StatusCode, resp.Header.Get("retry-after"))
		}
	}
	resp := post(t, context.Background(), srv.URL, okHeaders, okBody)
	if resp.StatusCode != 200 {
		t.Fatalf("third attempt status %d", resp.StatusCode)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Fatalf("%d requests recorded", n)
	}
}

func TestErrorAfterChunks(t *testing.T) {
	srv := Start(t, Script{Chunks: []string{"a", "b", "c"}, ErrorAfter: 2})
	events := readEvents(t, post(t, context.Background(), srv.URL, okHeaders, okBody).Body)
	last := events[len(events)-1]
	if last.Event != "error" || last.Data["error"].(map[string]any)["type"] != "overloaded_error" {
		t.Fatalf("last event %+v", last)
	}
	deltas := 0
	for _, e := range events {
		if e.Event == "content_block_delta" {
			deltas++
		}
	}
	if deltas != 2 {
		t.Fatalf("%d deltas before the error", deltas)
	}
}

func TestHangEndsWithClient(t *testing.T) {
	srv := Start(t, Script{Chunks: []string{"a", "b"}, Hang: true, HangAfter: 1})
	ctx, cancel := context.WithCancel(context.Background())
	resp := post(t, ctx, srv.URL, okHeaders, okBody)
	br := bufio.NewReader(resp.Body)
	deadline := time.After(5 * time.Second)
	got := make(chan string, 1)
	go func() {
		var seen strings.Builder
		for {
			line, err := br.ReadString('\n')
			seen.WriteString(line)
			if strings.Contains(seen.String(), `"text":"a"`) {
				got <- seen.String()
				return
			}
			if err != nil {
				got <- seen.String()
				return
			}
		}
	}()
	select {
	case s := <-got:
		if strings.Contains(s, `"text":"b"`) || strings.Contains(s, "message_stop") {
			t.Fatalf("hang sent more: %s", s)
		}
	case <-deadline:
		t.Fatal("first chunk never arrived")
	}
	cancel()
}

func TestChunkingKeepsRunes(t *testing.T) {
	s := Script{Text: "日本語のテキスト", ChunkSize: 4}
	var joined string
	for _, c := range s.chunks() {
		if !strings.HasPrefix(s.Text[len(joined):], c) || len(c) == 0 {
			t.Fatalf("bad chunk %q", c)
		}
		for _, r := range c {
			if r == '\uFFFD' {
				t.Fatalf("chunk %q splits a rune", c)
			}
		}
		joined += c
	}
	if joined != s.Text {
		t.Fatalf("joined %q", joined)
	}
}

func TestNonStreaming(t *testing.T) {
	srv := Start(t, Script{Text: "whole"})
	resp := post(t, context.Background(), srv.URL, okHeaders, `{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`)
	var msg struct {
		Type    string
		Content []struct{ Type, Text string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&msg); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || msg.Type != "message" || msg.Content[0].Text != "whole" {
		t.Fatalf("status %d msg %+v", resp.StatusCode, msg)
	}
}

func TestRepliesFollowTheLastPrompt(t *testing.T) {
	script := DefaultScript()
	script.Delay = 0
	srv := Start(t, script)
	tests := []struct {
		name, messages, want string
	}{
		{"trigger", `[{"role":"user","content":"Build me an HTML page, please"}]`, HTMLPageReply},
		{"trigger in text blocks", `[{"role":"user","content":[{"type":"text","text":"an html page"}]}]`, HTMLPageReply},
		{"no trigger", `[{"role":"user","content":"Draw the architecture"}]`, DefaultReply},
		{"only the last prompt counts", `[{"role":"user","content":"an html page"},{"role":"assistant","content":"done"},{"role":"user","content":"and now a diagram"}]`, DefaultReply},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := post(t, context.Background(), srv.URL, okHeaders, `{"model":"m","max_tokens":5,"messages":`+tt.messages+`}`)
			var msg struct{ Content []struct{ Text string } }
			if err := json.NewDecoder(resp.Body).Decode(&msg); err != nil || len(msg.Content) != 1 {
				t.Fatalf("status %d, %v %+v", resp.StatusCode, err, msg)
			}
			if msg.Content[0].Text != tt.want {
				t.Fatalf("reply %.60q, want %.60q", msg.Content[0].Text, tt.want)
			}
		})
	}
}
