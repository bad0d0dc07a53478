package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/archstudio/studio/functions/stream/speech"
	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
	"github.com/archstudio/studio/shared/testkit/fakespeech"
)

// speechEnv points the stream function at a fake speech service.
func speechEnv(f *fakespeech.Server) []string {
	return []string{
		"STT_BASE_URL=" + f.URL + "/v1", "STT_API_KEY=" + f.APIKey, "STT_MODEL=whisper-test",
		"TTS_BASE_URL=" + f.URL + "/v1", "TTS_API_KEY=" + f.APIKey, "TTS_MODEL=tts-test", "TTS_VOICE=alloy",
	}
}

// connectTB opens a WebSocket for a test or benchmark.
func connectTB(tb testing.TB, fn *testkit.Function, cookie *http.Cookie) *wsClient {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://fn/api/ws", &websocket.DialOptions{HTTPClient: fn.Client,
		HTTPHeader: http.Header{"Origin": {origin}, "Cookie": {cookie.Name + "=" + cookie.Value}}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.CloseNow() })
	c.SetReadLimit(1 << 30)
	w := &wsClient{c: c, frames: make(chan map[string]any, 4096)}
	go func() {
		defer close(w.frames)
		for {
			_, data, err := c.Read(context.Background())
			if err != nil {
				w.err = err
				return
			}
			f, err := decodeFrame(data)
			if err != nil {
				w.err = err
				return
			}
			w.frames <- f
		}
	}()
	return w
}

func (w *wsClient) commandTB(tb testing.TB, cmd map[string]any) {
	tb.Helper()
	b, _ := json.Marshal(cmd)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := w.c.Write(ctx, websocket.MessageText, b); err != nil {
		tb.Fatal(err)
	}
}

// speakTB sends an utterance as a browser would: audio_start, binary
// chunks, audio_end.
func (w *wsClient) speakTB(tb testing.TB, mime string, audio []byte, chunk int) {
	tb.Helper()
	w.commandTB(tb, map[string]any{"type": "audio_start", "mime": mime})
	for i := 0; i < len(audio); i += chunk {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := w.c.Write(ctx, websocket.MessageBinary, audio[i:min(i+chunk, len(audio))])
		cancel()
		if err != nil {
			tb.Fatal(err)
		}
	}
	w.commandTB(tb, map[string]any{"type": "audio_end"})
}

func (w *wsClient) speak(t *testing.T, mime string, audio []byte, chunk int) {
	t.Helper()
	w.speakTB(t, mime, audio, chunk)
}

// nextOfTB returns the next frame of one of types, skipping others.
func (w *wsClient) nextOfTB(tb testing.TB, types ...string) map[string]any {
	tb.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case f, ok := <-w.frames:
			if !ok {
				tb.Fatalf("connection closed: %v", w.err)
			}
			raw, _ := json.Marshal(f)
			testkit.WSFrame(tb, raw)
			if slices.Contains(types, f["type"].(string)) {
				return f
			}
		case <-timeout:
			tb.Fatalf("no %v frame within 10s", types)
		}
	}
}

func (w *wsClient) nextOf(t *testing.T, types ...string) map[string]any {
	t.Helper()
	return w.nextOfTB(t, types...)
}

func TestVoiceTranscript(t *testing.T) {
	speechFake := fakespeech.Start(t, fakespeech.Options{Transcript: "Draw the request path."})
	s := newStack(t, fakeanthropic.Script{Text: "x"})
	fn := s.start(speechEnv(speechFake)...)
	userID, _, cookie := s.user("alice")
	w := connect(t, fn, cookie)

	w.speak(t, "audio/wav", fakespeech.SilentWAV(2), 16<<10)
	f := w.nextOf(t, "transcript", "voice_error")
	if f["type"] != "transcript" || f["text"] != "Draw the request path." || f["seconds"].(float64) < 1.99 {
		t.Fatalf("frame %v", f)
	}
	reqs := speechFake.Requests()
	if len(reqs) != 1 || reqs[0].Model != "whisper-test" || reqs[0].AudioBytes != len(fakespeech.SilentWAV(2)) || reqs[0].Filename != "speech.wav" {
		t.Fatalf("the service saw %+v", reqs)
	}
	// Two seconds heard are counted in the user's usage.
	testkit.Eventually(t, 5*time.Second, func() bool {
		var ms int64
		_ = s.pool.QueryRow(context.Background(), `SELECT audio_in_ms FROM usage_daily WHERE user_id = $1`, userID).Scan(&ms)
		return ms == 2000
	}, "audio_in_ms never reached 2000")
}

func TestVoiceLimitsAndBadAudio(t *testing.T) {
	speechFake := fakespeech.Start(t, fakespeech.Options{})
	s := newStack(t, fakeanthropic.Script{Text: "x"})
	fn := s.start(append(speechEnv(speechFake), "VOICE_MAX_UTTERANCE=1s", "VOICE_MAX_UTTERANCE_BYTES=40000")...)
	noSTT := s.start()
	_, _, cookie := s.user("alice")
	tests := []struct {
		name     string
		fn       *testkit.Function
		mime     string
		audio    []byte
		wantCode string
		wantMsg  string
	}{
		{"over the byte limit", fn, "audio/wav", fakespeech.SilentWAV(1.3), "payload_too_large", "over 0 MB"},
		{"longer than the time limit", fn, "audio/wav", fakespeech.SilentWAV(1.2)[:38000], "payload_too_large", "over 1s"},
		{"not audio", fn, "audio/webm", []byte("<html>not audio at all</html>"), "invalid_argument", "Invalid file format"},
		{"a type that is not audio", fn, "text/plain", []byte("hello"), "invalid_argument", "must be an audio type"},
		{"nothing recorded", fn, "audio/webm", nil, "invalid_argument", "no audio arrived"},
		{"no speech service", noSTT, "audio/webm", []byte{0x1A, 0x45, 0xDF, 0xA3}, "unavailable", "needs a configured speech service"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := connect(t, tt.fn, cookie)
			w.speak(t, tt.mime, tt.audio, 8<<10)
			f := w.nextOf(t, "transcript", "voice_error")
			if f["type"] != "voice_error" || f["code"] != tt.wantCode || !strings.Contains(f["message"].(string), tt.wantMsg) {
				t.Fatalf("frame %v, want voice_error %s %q", f, tt.wantCode, tt.wantMsg)
			}
			// One error per utterance, and the connection still works.
			w.command(t, map[string]any{"type": "audio_end"})
			if f := w.nextOf(t, "transcript", "voice_error"); !strings.Contains(f["message"].(string), "without audio_start") {
				t.Fatalf("second frame %v", f)
			}
		})
	}
	// The over-limit recordings never reached the service.
	for _, r := range speechFake.Requests() {
		if r.AudioBytes > 40000 {
			t.Errorf("the service got %d bytes", r.AudioBytes)
		}
	}
}

// TestVoiceSpeaksWhileStreaming: the reply streams over SSE as the SPA
// reads it, its speech over the WebSocket ("speak" after message_start).
// Each sentence goes to text-to-speech the moment it is complete, once,
// in order, and the first audio arrives long before the reply ends.
func TestVoiceSpeaksWhileStreaming(t *testing.T) {
	chunks := []string{"The first sentence is short. ", "The second one, e.g. this, ", "has an **abbreviation**. ",
		"Here is a list:\n", "- Postgres for data\n", "- Redis for 1.5 ms reads\n\n"}
	want := []string{"The first sentence is short.", "The second one, e.g. this, has an abbreviation.",
		"Here is a list:", "Postgres for data", "Redis for 1.5 ms reads"}
	for range 8 {
		chunks = append(chunks, "More words make the reply ", "much longer than one sentence. ")
		want = append(want, "More words make the reply much longer than one sentence.")
	}
	chunks = append(chunks, `<antArtifact identifier="d" type="application/vnd.ant.mermaid" title="D">graph TD; A-->B</antArtifact>`)
	want = append(want, "I've put a diagram in the panel.")

	speechFake := fakespeech.Start(t, fakespeech.Options{Delay: 20 * time.Millisecond})
	s := newStack(t, fakeanthropic.Script{Chunks: chunks, Delay: 60 * time.Millisecond})
	fn := s.start(speechEnv(speechFake)...)
	userID, chatID, cookie := s.user("alice")
	w := connect(t, fn, cookie)

	began := time.Now()
	stream := send(t, fn.Client, chatID, cookie, "Explain")
	start := stream.next(t, 10*time.Second)
	if start.Type != "message_start" {
		t.Fatalf("first event %v", start.Type)
	}
	w.command(t, map[string]any{"type": "speak", "chat_id": chatID, "enabled": true, "last_event_id": start.ID})
	doneAt := make(chan time.Duration, 1)
	go func() {
		for e := range stream.events {
			if e.Type == "done" {
				doneAt <- e.At.Sub(began)
				return
			}
		}
	}()

	var spoken []string
	var firstAudio time.Duration
	for {
		f := w.next(t)
		if f["type"] == "voice_error" {
			t.Fatalf("frame %v", f)
		}
		if f["type"] == "speech_end" {
			if int(f["sentences"].(float64)) != len(want) {
				t.Fatalf("speech_end %v", f)
			}
			break
		}
		if f["type"] != "speech" {
			t.Fatalf("a speech-only follow sent %v", f["type"])
		}
		if firstAudio == 0 {
			firstAudio = time.Since(began)
		}
		if int(f["seq"].(float64)) != len(spoken) || f["chat_id"] != chatID || f["mime"] != "audio/wav" {
			t.Fatalf("speech frame out of order: %v", f["seq"])
		}
		audio, err := base64.StdEncoding.DecodeString(f["audio"].(string))
		if err != nil || speech.WAVSeconds(audio) <= 0 {
			t.Fatalf("sentence %d: no playable audio (%v)", len(spoken), err)
		}
		spoken = append(spoken, f["text"].(string))
	}
	done := <-doneAt
	if strings.Join(spoken, "|") != strings.Join(want, "|") {
		t.Fatalf("spoken:\n%q\nwant:\n%q", spoken, want)
	}
	var reqs []fakespeech.Request
	for _, r := range speechFake.Requests() {
		if r.Endpoint == "speech" {
			reqs = append(reqs, r)
		}
	}
	if len(reqs) != len(want) {
		t.Fatalf("%d speech requests for %d sentences", len(reqs), len(want))
	}
	// The reply streams for about 1.5 s; its first sentence is complete
	// after two chunks.
	if reqs[0].At.Sub(began) > done/3 || firstAudio > done/3 {
		t.Fatalf("first speech request after %v, first audio after %v, reply done after %v", reqs[0].At.Sub(began), firstAudio, done)
	}
	t.Logf("first audio byte after %v; the reply ended after %v", firstAudio, done)
	testkit.Eventually(t, 5*time.Second, func() bool {
		var ms int64
		_ = s.pool.QueryRow(context.Background(), `SELECT audio_out_ms FROM usage_daily WHERE user_id = $1`, userID).Scan(&ms)
		return ms > 0
	}, "audio_out_ms never counted")
}

// TestVoiceStopSpeaking: speak enabled=false (the browser's barge-in)
// ends the reply's speech at once; the reply itself goes on.
func TestVoiceStopSpeaking(t *testing.T) {
	var chunks []string
	for range 20 {
		chunks = append(chunks, "One more sentence to say. ")
	}
	speechFake := fakespeech.Start(t, fakespeech.Options{Delay: 50 * time.Millisecond})
	s := newStack(t, fakeanthropic.Script{Chunks: chunks, Delay: 30 * time.Millisecond})
	fn := s.start(speechEnv(speechFake)...)
	_, chatID, cookie := s.user("alice")
	w := connect(t, fn, cookie)
	w.command(t, map[string]any{"type": "send", "chat_id": chatID, "content": "Talk", "speak": true})
	w.nextOf(t, "speech")
	w.command(t, map[string]any{"type": "speak", "chat_id": chatID, "enabled": false})
	stoppedAt := time.Now()
	var after int
	for f := w.next(t); f["type"] != "done"; f = w.next(t) {
		if f["type"] == "speech" {
			after++
		}
	}
	// Frames are in order: whatever speech came after done arrives before
	// the answer to this command.
	w.command(t, map[string]any{"type": "audio_end"})
	for f := w.next(t); f["type"] != "voice_error"; f = w.next(t) {
		if f["type"] == "speech" || f["type"] == "speech_end" {
			t.Fatalf("speech after stop and done: %v", f["type"])
		}
	}
	if after > 1 { // one may have been on the wire already
		t.Fatalf("%d sentences spoken after stop", after)
	}
	var late int
	for _, r := range speechFake.Requests() {
		if r.Endpoint == "speech" && r.At.After(stoppedAt.Add(20*time.Millisecond)) {
			late++
		}
	}
	if late > 0 {
		t.Fatalf("%d speech requests made after stop", late)
	}
}

// TestVoiceEspeak: with no TTS_BASE_URL the local espeak-ng speaks, and
// real audio of a plausible length comes back for each sentence.
func TestVoiceEspeak(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng is not installed (.ci/run installs it)")
	}
	s := newStack(t, fakeanthropic.Script{Chunks: []string{"The gateway checks the token. ", "Then the service ", "reads from the cache, which is fast."}})
	fn := s.start()
	_, chatID, cookie := s.user("alice")
	caps := getJSON(t, fn, cookie, "/api/voice")
	if caps["tts"] != "local" || caps["stt"] != false {
		t.Fatalf("capabilities %v", caps)
	}
	w := connect(t, fn, cookie)
	w.command(t, map[string]any{"type": "send", "chat_id": chatID, "content": "Explain", "speak": true})
	words := []int{5, 10}
	for i := range words {
		f := w.nextOf(t, "speech", "voice_error")
		audio, err := base64.StdEncoding.DecodeString(f["audio"].(string))
		if err != nil || !bytes.HasPrefix(audio, []byte("RIFF")) {
			t.Fatalf("frame %v", f["text"])
		}
		secs := speech.WAVSeconds(audio)
		if perWord := secs / float64(words[i]); perWord < 0.2 || perWord > 0.8 || secs != f["seconds"].(float64) {
			t.Errorf("%q: %.2fs of audio (frame says %v)", f["text"], secs, f["seconds"])
		}
	}
	if f := w.nextOf(t, "speech_end"); f["sentences"].(float64) != 2 {
		t.Fatalf("%v", f)
	}
}

func getJSON(t *testing.T, fn *testkit.Function, cookie *http.Cookie, path string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://fn"+path, nil)
	req.AddCookie(cookie)
	resp, err := fn.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}
