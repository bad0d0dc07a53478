// Package fakeanthropic is a local stand-in for the Anthropic Messages API
// (POST /v1/messages) that speaks its exact wire format: the same request
// validation and JSON error bodies, and for streaming requests the same
// server-sent event sequence (message_start, content_block_start, ping,
// content_block_delta, content_block_stop, message_delta, message_stop,
// and `event: error` mid-stream). Tests script the reply's text, how it is
// cut into chunks, its pacing and its faults, and read back every request.
// The production client reaches it by changing only the base URL.
package fakeanthropic

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// Version is the anthropic-version header value the SDK sends; any
// non-empty value is accepted, as the real API accepts every dated version.
const Version = "2023-06-01"

// Failure is an HTTP error answer of the real API.
type Failure struct {
	Status     int    // 529, 429, 500, …
	Type       string // overloaded_error, rate_limit_error, api_error, …
	Message    string
	RetryAfter time.Duration // sent as retry-after when positive
}

// The real API's error answers.
var (
	Overloaded  = Failure{Status: 529, Type: "overloaded_error", Message: "Overloaded"}
	RateLimited = Failure{Status: http.StatusTooManyRequests, Type: "rate_limit_error", Message: "Number of request tokens has exceeded your per-minute rate limit", RetryAfter: time.Second}
	APIError    = Failure{Status: http.StatusInternalServerError, Type: "api_error", Message: "Internal server error"}
)

// Script says how the fake answers a request.
type Script struct {
	// Text is the reply. Chunks, when set, is the reply already cut into
	// the text_delta pieces to send; otherwise Text is cut into pieces of
	// ChunkSize bytes (default 16), never inside a UTF-8 character.
	Text      string
	Chunks    []string
	ChunkSize int
	// Delay is slept before each text_delta.
	Delay time.Duration
	// FailTimes requests answer Fail (default Overloaded) before one streams.
	FailTimes int
	Fail      Failure
	// ErrorAfter, when positive, sends `event: error` (overloaded_error)
	// after that many text_deltas and ends the response.
	ErrorAfter int
	// HangAfter, when positive, stops after that many text_deltas and holds
	// the response open until the client goes away or the fake closes.
	// Hang with HangAfter 0 hangs before any event.
	Hang      bool
	HangAfter int
	// InputTokens and OutputTokens are reported in usage; 0 estimates them
	// at four characters a token.
	InputTokens  int
	OutputTokens int
	// StopReason defaults to end_turn.
	StopReason string
	// Replies answer a request whose last user message contains a Trigger
	// with that Reply's Text instead of Text and Chunks; the first match
	// wins.
	Replies []Reply
}

// Reply is a scripted answer for prompts that ask for something else.
type Reply struct {
	Trigger string // matched ignoring case
	Text    string
}

// Request is one recorded request.
type Request struct {
	Header http.Header
	Body   MessagesBody
	Raw    []byte
	At     time.Time
}

// MessagesBody is the part of a Messages API request the fake checks.
type MessagesBody struct {
	Model     string          `json:"model"`
	MaxTokens int             `json:"max_tokens"`
	System    json.RawMessage `json:"system,omitempty"`
	Messages  []Message       `json:"messages"`
	Stream    bool            `json:"stream"`
	system    []Block
}

// Message is a conversation turn; Text joins its text blocks, Blocks are
// all of them (text, image, document).
type Message struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
	Text    string          `json:"-"`
	Blocks  []Block         `json:"-"`
}

// SystemBlocks returns the system prompt's blocks.
func (b MessagesBody) SystemBlocks() []Block { return b.system }

// SystemText returns the system prompt, given as a string or text blocks.
func (b MessagesBody) SystemText() string { return text(b.System) }

// Fake is the fake API as an http.Handler.
type Fake struct {
	// APIKey is the key requests must carry in x-api-key; "" accepts any
	// non-empty key.
	APIKey string
	// Respond, when set, picks the script for each request (for example to
	// answer each user differently); otherwise the script from SetScript.
	Respond func(Request) Script

	mu       sync.Mutex
	cache    map[[32]byte]time.Time // prompt prefixes written (see cache.go)
	script   Script
	failures int // failures served of the current script
	requests []Request
	closed   chan struct{}
	once     sync.Once
}

// New returns a fake that requires apiKey and answers with script.
func New(apiKey string, script Script) *Fake {
	return &Fake{APIKey: apiKey, script: script, closed: make(chan struct{})}
}

// SetScript replaces the script and restarts its FailTimes count.
func (f *Fake) SetScript(s Script) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script = s
	f.failures = 0
}

// Requests returns the requests received so far.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// Release ends every hanging response.
func (f *Fake) Release() { f.once.Do(func() { close(f.closed) }) }

// Server is a Fake listening on a loopback port for a test.
type Server struct {
	*Fake
	URL string // base URL for option.WithBaseURL
	srv *httptest.Server
}

// Start serves a fake requiring key "test-key" with script until tb ends.
func Start(tb testing.TB, script Script) *Server {
	tb.Helper()
	f := New("test-key", script)
	srv := httptest.NewServer(f)
	tb.Cleanup(func() {
		f.Release()
		srv.CloseClientConnections()
		srv.Close()
	})
	return &Server{Fake: f, URL: srv.URL, srv: srv}
}

// ServeHTTP answers POST /v1/messages.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("request-id", "req_"+randomID(12))
	if r.URL.Path == "/_fake/requests" && r.Method == http.MethodGet {
		f.writeLog(w)
		return
	}
	if r.URL.Path != "/v1/messages" {
		writeError(w, Failure{Status: http.StatusNotFound, Type: "not_found_error", Message: "Not Found"})
		return
	}
	if r.Method != http.MethodPost {
		writeError(w, Failure{Status: http.StatusMethodNotAllowed, Type: "invalid_request_error", Message: "Method Not Allowed"})
		return
	}
	key := r.Header.Get("x-api-key")
	if key == "" || (f.APIKey != "" && key != f.APIKey) {
		writeError(w, Failure{Status: http.StatusUnauthorized, Type: "authentication_error", Message: "invalid x-api-key"})
		return
	}
	if r.Header.Get("anthropic-version") == "" {
		writeError(w, Failure{Status: http.StatusBadRequest, Type: "invalid_request_error", Message: "anthropic-version: header is required"})
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	if err != nil {
		writeError(w, Failure{Status: http.StatusBadRequest, Type: "invalid_request_error", Message: "could not read body"})
		return
	}
	body, msg := validate(raw)
	if msg != "" {
		writeError(w, Failure{Status: http.StatusBadRequest, Type: "invalid_request_error", Message: msg})
		return
	}
	req := Request{Header: r.Header.Clone(), Body: body, Raw: raw, At: time.Now()}

	f.mu.Lock()
	f.requests = append(f.requests, req)
	script := f.script
	respond := f.Respond
	f.mu.Unlock()
	if respond != nil {
		script = respond(req)
	}
	script = script.forPrompt(body)
	if f.fail(script) {
		fail := script.Fail
		if fail.Status == 0 {
			fail = Overloaded
		}
		writeError(w, fail)
		return
	}
	if !body.Stream {
		f.writeMessage(w, body, script)
		return
	}
	f.stream(r.Context(), w, body, script)
}

// fail reports whether this request is one of the script's FailTimes.
func (f *Fake) fail(s Script) bool {
	if s.FailTimes <= 0 {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failures < s.FailTimes {
		f.failures++
		return true
	}
	return false
}

// validate checks the body the way the real API does and returns the
// message of its invalid_request_error, or "".
func validate(raw []byte) (MessagesBody, string) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(raw, &probe); err != nil {
		return MessagesBody{}, "There was an issue with your request body: invalid JSON"
	}
	for _, field := range []string{"model", "max_tokens", "messages"} {
		if _, ok := probe[field]; !ok {
			return MessagesBody{}, field + ": Field required"
		}
	}
	var body MessagesBody
	if err := json.Unmarshal(raw, &body); err != nil {
		return MessagesBody{}, "There was an issue with your request body: " + err.Error()
	}
	switch {
	case body.Model == "":
		return body, "model: String should have at least 1 character"
	case body.MaxTokens < 1:
		return body, "max_tokens: Input should be greater than or equal to 1"
	case len(body.Messages) == 0:
		return body, "messages: at least one message is required"
	}
	var msg string
	if body.system, msg = parseBlocks(body.System, "system"); msg != "" {
		return body, msg
	}
	breakpoints := 0
	for _, b := range body.system {
		if b.Cached {
			breakpoints++
		}
	}
	for i := range body.Messages {
		m := &body.Messages[i]
		if m.Role != "user" && m.Role != "assistant" {
			return body, fmt.Sprintf("messages.%d.role: Input should be 'user' or 'assistant'", i)
		}
		if m.Blocks, msg = parseBlocks(m.Content, fmt.Sprintf("messages.%d.content", i)); msg != "" {
			return body, msg
		}
		m.Text = text(m.Content)
		empty := true
		for _, b := range m.Blocks {
			if b.Type == "text" && b.Text == "" && len(m.Blocks) > 1 {
				return body, fmt.Sprintf("messages.%d: text content blocks must be non-empty", i)
			}
			if !b.empty() && (b.Type != "text" || strings.TrimSpace(b.Text) != "") {
				empty = false
			}
			if b.Cached {
				breakpoints++
			}
		}
		if empty {
			return body, fmt.Sprintf("messages.%d: all messages must have non-empty content except for the optional final assistant message", i)
		}
	}
	if breakpoints > 4 {
		return body, fmt.Sprintf("A maximum of 4 blocks with cache_control may be provided. Found %d.", breakpoints)
	}
	return body, ""
}

// text returns a string value, or the joined text of content blocks.
func text(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var blocks []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &blocks) != nil {
		return ""
	}
	var b strings.Builder
	for _, bl := range blocks {
		if bl.Type == "text" {
			b.WriteString(bl.Text)
		}
	}
	return b.String()
}

// writeError writes the real API's error body.
func writeError(w http.ResponseWriter, f Failure) {
	if f.RetryAfter > 0 {
		w.Header().Set("retry-after", strconv.Itoa(int(f.RetryAfter.Seconds()+0.999)))
	}
	w.Header().Set("content-type", "application/json")
	w.WriteHeader(f.Status)
	type detail struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	}
	_ = json.NewEncoder(w).Encode(struct {
		Type      string `json:"type"`
		Error     detail `json:"error"`
		RequestID string `json:"request_id"`
	}{"error", detail{f.Type, f.Message}, w.Header().Get("request-id")})
}

// forPrompt returns s answering with the reply body's prompt triggers, if any.
func (s Script) forPrompt(body MessagesBody) Script {
	var prompt string
	for i := len(body.Messages) - 1; i >= 0; i-- {
		if body.Messages[i].Role == "user" {
			prompt = strings.ToLower(body.Messages[i].Text)
			break
		}
	}
	for _, r := range s.Replies {
		if strings.Contains(prompt, strings.ToLower(r.Trigger)) {
			s.Text, s.Chunks = r.Text, nil
			break
		}
	}
	return s
}

// chunks returns the text_delta pieces of a script.
func (s Script) chunks() []string {
	if s.Chunks != nil {
		return s.Chunks
	}
	size := s.ChunkSize
	if size <= 0 {
		size = 16
	}
	var out []string
	t := s.Text
	for len(t) > 0 {
		n := min(size, len(t))
		for n < len(t) && !utf8.RuneStart(t[n]) {
			n++
		}
		out = append(out, t[:n])
		t = t[n:]
	}
	return out
}

func (s Script) fullText() string {
	if s.Chunks != nil {
		return strings.Join(s.Chunks, "")
	}
	return s.Text
}

// input is the input side of a request's usage: the script's fixed
// InputTokens, or estimated with prompt caching applied.
func (f *Fake) input(body MessagesBody, s Script) Usage {
	if s.InputTokens > 0 {
		return Usage{InputTokens: s.InputTokens}
	}
	return f.inputUsage(body)
}

func (s Script) outputTokens(sent string) (out int) {
	out = s.OutputTokens
	if out == 0 {
		out = max(1, len(sent)/4)
	}
	return out
}

func (s Script) stopReason() string {
	if s.StopReason == "" {
		return "end_turn"
	}
	return s.StopReason
}

// writeMessage answers a non-streaming request with the whole message.
func (f *Fake) writeMessage(w http.ResponseWriter, body MessagesBody, s Script) {
	full := s.fullText()
	in, out := f.input(body, s), s.outputTokens(full)
	w.Header().Set("content-type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "msg_" + randomID(12), "type": "message", "role": "assistant", "model": body.Model,
		"content":     []map[string]string{{"type": "text", "text": full}},
		"stop_reason": s.stopReason(), "stop_sequence": nil,
		"usage": map[string]int{"input_tokens": in.InputTokens, "output_tokens": out,
			"cache_creation_input_tokens": in.CacheCreationInputTokens, "cache_read_input_tokens": in.CacheReadInputTokens},
	})
}

// Wire shapes of the stream's events, fields in the real API's order.
type (
	usage struct {
		InputTokens              int `json:"input_tokens"`
		CacheCreationInputTokens int `json:"cache_creation_input_tokens"`
		CacheReadInputTokens     int `json:"cache_read_input_tokens"`
		OutputTokens             int `json:"output_tokens"`
	}
	startMessage struct {
		ID           string   `json:"id"`
		Type         string   `json:"type"`
		Role         string   `json:"role"`
		Model        string   `json:"model"`
		Content      []string `json:"content"`
		StopReason   *string  `json:"stop_reason"`
		StopSequence *string  `json:"stop_sequence"`
		Usage        usage    `json:"usage"`
	}
	messageStart struct {
		Type    string       `json:"type"`
		Message startMessage `json:"message"`
	}
	textBlock struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	blockStart struct {
		Type         string    `json:"type"`
		Index        int       `json:"index"`
		ContentBlock textBlock `json:"content_block"`
	}
	blockDelta struct {
		Type  string    `json:"type"`
		Index int       `json:"index"`
		Delta textBlock `json:"delta"`
	}
	blockStop struct {
		Type  string `json:"type"`
		Index int    `json:"index"`
	}
	stopDelta struct {
		StopReason   string  `json:"stop_reason"`
		StopSequence *string `json:"stop_sequence"`
	}
	outputUsage struct {
		OutputTokens int `json:"output_tokens"`
	}
	messageDelta struct {
		Type  string      `json:"type"`
		Delta stopDelta   `json:"delta"`
		Usage outputUsage `json:"usage"`
	}
)

// The events whose data never varies, as the real API sends them.
const (
	pingData        = `{"type": "ping"}`
	messageStopData = `{"type":"message_stop"}`
	overloadedData  = `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`
)

// stream sends the reply as the real API's event stream.
func (f *Fake) stream(ctx context.Context, w http.ResponseWriter, body MessagesBody, s Script) {
	flusher, _ := w.(http.Flusher)
	h := w.Header()
	h.Set("content-type", "text/event-stream; charset=utf-8")
	h.Set("cache-control", "no-cache")
	w.WriteHeader(http.StatusOK)
	if flusher != nil {
		flusher.Flush()
	}
	sendRaw := func(event, data string) {
		fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, data)
		if flusher != nil {
			flusher.Flush()
		}
	}
	send := func(event string, data any) {
		b, _ := json.Marshal(data)
		sendRaw(event, string(b))
	}
	hang := func() {
		select {
		case <-ctx.Done():
		case <-f.closed:
		}
	}
	if s.Hang && s.HangAfter <= 0 {
		hang()
		return
	}
	in := f.input(body, s)
	send("message_start", messageStart{Type: "message_start", Message: startMessage{
		ID: "msg_" + randomID(12), Type: "message", Role: "assistant", Model: body.Model,
		Content: []string{}, Usage: usage{InputTokens: in.InputTokens, OutputTokens: 1,
			CacheCreationInputTokens: in.CacheCreationInputTokens, CacheReadInputTokens: in.CacheReadInputTokens},
	}})
	send("content_block_start", blockStart{Type: "content_block_start", ContentBlock: textBlock{Type: "text"}})
	sendRaw("ping", pingData)
	var sent strings.Builder
	chunks := s.chunks()
	for i, c := range chunks {
		if s.ErrorAfter > 0 && i == s.ErrorAfter {
			sendRaw("error", overloadedData)
			return
		}
		if s.Hang && i == s.HangAfter {
			hang()
			return
		}
		if s.Delay > 0 {
			t := time.NewTimer(s.Delay)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return
			case <-f.closed:
				t.Stop()
				return
			}
		}
		send("content_block_delta", blockDelta{Type: "content_block_delta", Delta: textBlock{Type: "text_delta", Text: c}})
		sent.WriteString(c)
	}
	if s.ErrorAfter > 0 && s.ErrorAfter >= len(chunks) {
		sendRaw("error", overloadedData)
		return
	}
	out := s.outputTokens(sent.String())
	send("content_block_stop", blockStop{Type: "content_block_stop"})
	send("message_delta", messageDelta{Type: "message_delta",
		Delta: stopDelta{StopReason: s.stopReason()}, Usage: outputUsage{OutputTokens: out}})
	sendRaw("message_stop", messageStopData)
}

func randomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
