// Package fakespeech is a local stand-in for the OpenAI-compatible speech
// endpoints (OpenAI, Groq, local Whisper servers) that speaks their exact
// wire format:
//
//	POST /v1/audio/transcriptions  multipart: file, model, response_format
//	                               (json, text, verbose_json), language, prompt
//	POST /v1/audio/speech          JSON: model, input, voice, response_format, speed
//
// with the same validation and error bodies
// ({"error":{"message","type","param","code"}}). It cannot hear: a
// transcription answers the configured Transcript once the upload is
// recognisably audio (WAV, WebM, Ogg, MP3, FLAC, MP4). Speech is a real
// WAV (a quiet tone) whose length follows the input's, so players and
// duration counters have something true to measure. Both endpoints wait a
// fixed Delay first, and every request is logged for tests to read — also
// over HTTP at GET /_fake/requests, for the browser suite.
package fakespeech

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Request is one logged request.
type Request struct {
	// Endpoint is "transcriptions" or "speech".
	Endpoint string    `json:"endpoint"`
	At       time.Time `json:"at"`
	// Done is when the answer was written.
	Done   time.Time `json:"done"`
	Status int       `json:"status"`
	Model  string    `json:"model"`
	// Transcriptions: the uploaded file's name, size and the format asked.
	Filename       string `json:"filename,omitempty"`
	AudioBytes     int    `json:"audio_bytes,omitempty"`
	ResponseFormat string `json:"response_format,omitempty"`
	// Speech: the text, voice and speed asked for.
	Input string  `json:"input,omitempty"`
	Voice string  `json:"voice,omitempty"`
	Speed float64 `json:"speed,omitempty"`

	duration float64 // of the upload, for verbose_json
}

// Options configure the fake. The zero value accepts any key and answers
// at once.
type Options struct {
	// APIKey, when set, is the bearer token required.
	APIKey string
	// Delay is waited before each answer (the service's own latency, which
	// benchmarks subtract).
	Delay time.Duration
	// Transcript is what every transcription says (default
	// DefaultTranscript).
	Transcript string
	// SecondsPerChar sets the spoken length of speech (default 0.06 s,
	// about 15 characters a second).
	SecondsPerChar float64
}

// DefaultTranscript is the sentence the browser suite's fake microphone
// speaks (web/e2e makes its WAV with espeak-ng from the same text).
const DefaultTranscript = "Sketch the architecture of a URL shortener."

// Fake serves both endpoints.
type Fake struct {
	mu       sync.Mutex
	opts     Options
	requests []Request
	mux      *http.ServeMux
}

// New returns a fake with opts.
func New(opts Options) *Fake {
	f := &Fake{opts: opts, mux: http.NewServeMux()}
	f.mux.HandleFunc("POST /v1/audio/transcriptions", f.transcribe)
	f.mux.HandleFunc("POST /v1/audio/speech", f.speech)
	f.mux.HandleFunc("GET /_fake/requests", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(f.Requests())
	})
	f.mux.HandleFunc("DELETE /_fake/requests", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests = nil
		f.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	f.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, apiError{Message: "Invalid URL (" + r.Method + " " + r.URL.Path + ")", Type: "invalid_request_error"})
	})
	return f
}

// SetOptions replaces the options.
func (f *Fake) SetOptions(o Options) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opts = o
}

func (f *Fake) options() Options {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.opts
}

// Requests returns the requests received so far, in arrival order.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// log records a request and returns its index, for finish.
func (f *Fake) log(r Request) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r)
	return len(f.requests) - 1
}

func (f *Fake) finish(i, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests[i].Status = status
	f.requests[i].Done = time.Now()
}

// ServeHTTP answers the endpoints.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.mux.ServeHTTP(w, r) }

// Server is a Fake listening on a loopback port for a test.
type Server struct {
	*Fake
	URL    string // base URL, without /v1
	APIKey string
}

// Start serves a fake requiring key "test-speech-key" until tb ends.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	if opts.APIKey == "" {
		opts.APIKey = "test-speech-key"
	}
	f := New(opts)
	srv := httptest.NewServer(f)
	tb.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	return &Server{Fake: f, URL: srv.URL, APIKey: opts.APIKey}
}

// authorized checks the bearer token the way the real API does.
func (f *Fake) authorized(w http.ResponseWriter, r *http.Request, key string) bool {
	if key == "" {
		return true
	}
	got := r.Header.Get("Authorization")
	if got == "" {
		writeError(w, http.StatusUnauthorized, apiError{Type: "invalid_request_error",
			Message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."})
		return false
	}
	if got != "Bearer "+key {
		writeError(w, http.StatusUnauthorized, apiError{Type: "invalid_request_error", Code: "invalid_api_key",
			Message: "Incorrect API key provided."})
		return false
	}
	return true
}

// wait sleeps the configured delay, or less if the client leaves.
func wait(r *http.Request, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}

// apiError is the error object of OpenAI-compatible APIs; param and code
// are null when unset.
type apiError struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    any     `json:"code"`
}

func param(s string) *string { return &s }

func writeError(w http.ResponseWriter, status int, e apiError) {
	if e.Code == "" {
		e.Code = nil
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(struct {
		Error apiError `json:"error"`
	}{e})
}
