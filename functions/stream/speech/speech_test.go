package speech

import (
	"bytes"
	"context"
	"encoding/binary"
	"os/exec"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/testkit/fakespeech"
)

func TestTranscribe(t *testing.T) {
	fake := fakespeech.Start(t, fakespeech.Options{Transcript: "Design a cache."})
	webm := append([]byte{0x1A, 0x45, 0xDF, 0xA3}, bytes.Repeat([]byte{1}, 8000)...)
	tests := []struct {
		name     string
		key      string
		audio    []byte
		mime     string
		wantText string
		wantSecs float64
		wantCode apperr.Code
		wantMsg  string
	}{
		{"wav", fake.APIKey, fakespeech.SilentWAV(1.5), "audio/wav", "Design a cache.", 1.5, "", ""},
		{"webm opus", fake.APIKey, webm, "audio/webm;codecs=opus", "Design a cache.", 2.001, "", ""},
		{"not audio", fake.APIKey, []byte("%PDF-1.7 definitely not audio"), "audio/webm", "", 0, apperr.Invalid, "Invalid file format"},
		{"wrong key", "nope", fakespeech.SilentWAV(1), "audio/wav", "", 0, apperr.Upstream, "the speech service failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &OpenAI{BaseURL: fake.URL + "/v1", APIKey: tt.key, Model: "whisper-1"}
			got, err := c.Transcribe(context.Background(), tt.audio, tt.mime)
			if tt.wantCode != "" {
				if apperr.CodeOf(err) != tt.wantCode || !strings.Contains(err.Error(), tt.wantMsg) {
					t.Fatalf("err = %v (%s), want %s containing %q", err, apperr.CodeOf(err), tt.wantCode, tt.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Text != tt.wantText || got.Seconds < tt.wantSecs-0.01 || got.Seconds > tt.wantSecs+0.01 {
				t.Errorf("got %+v, want %q over %.2fs", got, tt.wantText, tt.wantSecs)
			}
		})
	}
	reqs := fake.Requests()
	if len(reqs) != 4 {
		t.Fatalf("fake saw %d requests, want 4", len(reqs))
	}
	if r := reqs[1]; r.Model != "whisper-1" || r.ResponseFormat != "verbose_json" || r.Filename != "speech.webm" || r.AudioBytes != len(webm) {
		t.Errorf("request on the wire = %+v", r)
	}
}

// TestTranscribeUnavailable: a service that is down is unavailable, not
// the user's fault.
func TestTranscribeUnavailable(t *testing.T) {
	c := &OpenAI{BaseURL: "http://127.0.0.1:1/v1", Model: "whisper-1"}
	_, err := c.Transcribe(context.Background(), fakespeech.SilentWAV(1), "audio/wav")
	if apperr.CodeOf(err) != apperr.Unavailable {
		t.Fatalf("err = %v, want unavailable", err)
	}
}

func TestSynthesize(t *testing.T) {
	fake := fakespeech.Start(t, fakespeech.Options{SecondsPerChar: 0.05})
	tests := []struct {
		name     string
		text     string
		voice    Voice
		wantSecs float64
		wantCode apperr.Code
		wantMsg  string
	}{
		{"default voice", "Twenty characters ok", Voice{}, 1.0, "", ""},
		{"faster", "Twenty characters ok", Voice{Name: "nova", Rate: 2}, 0.5, "", ""},
		{"empty input refused", " ", Voice{}, 0, apperr.Invalid, "empty string"},
		{"speed out of range", "Hi there", Voice{Rate: 9}, 0, apperr.Invalid, "Invalid 'speed'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &OpenAI{BaseURL: fake.URL + "/v1", APIKey: fake.APIKey, Model: "gpt-4o-mini-tts", Voice: "alloy"}
			a, err := c.Synthesize(context.Background(), tt.text, tt.voice)
			if tt.wantCode != "" {
				if apperr.CodeOf(err) != tt.wantCode || !strings.Contains(err.Error(), tt.wantMsg) {
					t.Fatalf("err = %v, want %s containing %q", err, tt.wantCode, tt.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.MIME != "audio/wav" || string(a.Data[:4]) != "RIFF" || a.Seconds < tt.wantSecs-0.01 || a.Seconds > tt.wantSecs+0.01 {
				t.Errorf("got %s, %d bytes, %.3fs; want a WAV of %.2fs", a.MIME, len(a.Data), a.Seconds, tt.wantSecs)
			}
		})
	}
	reqs := fake.Requests()
	if reqs[0].Voice != "alloy" || reqs[1].Voice != "nova" || reqs[1].Speed != 2 || reqs[0].Model != "gpt-4o-mini-tts" {
		t.Errorf("requests on the wire: %+v", reqs[:2])
	}
}

// TestEspeak speaks through the real espeak-ng and checks a valid WAV of
// plausible length comes back (about 2.5–4 words a second).
func TestEspeak(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng is not installed (.ci/run installs it)")
	}
	e := &Espeak{Voice: "en-us"}
	tests := []struct {
		text  string
		words int
		rate  float64
	}{
		{"The cache sits in front of the database.", 8, 1},
		{"-v not an option: the text goes in on stdin.", 9, 1},
		{"A longer sentence, with a clause or two, takes proportionally longer to say out loud.", 14, 1},
		{"The cache sits in front of the database.", 8, 2},
	}
	for _, tt := range tests {
		a, err := e.Synthesize(context.Background(), tt.text, Voice{Rate: tt.rate})
		if err != nil {
			t.Fatal(err)
		}
		perWord := a.Seconds * tt.rate / float64(tt.words)
		if a.MIME != "audio/wav" || perWord < 0.2 || perWord > 0.8 {
			t.Errorf("%q at rate %v: %.2fs (%.2fs a word at normal rate)", tt.text, tt.rate, a.Seconds, perWord)
		}
		if got := WAVSeconds(a.Data); got != a.Seconds {
			t.Errorf("header says %.3fs, measured %.3fs: the header was not fixed", got, a.Seconds)
		}
		if size := binary.LittleEndian.Uint32(a.Data[4:8]); int(size) != len(a.Data)-8 {
			t.Errorf("RIFF size %d, file %d bytes", size, len(a.Data))
		}
	}
	if _, err := (&Espeak{Binary: "/nonexistent/espeak-ng"}).Synthesize(context.Background(), "x", Voice{}); apperr.CodeOf(err) != apperr.Unavailable {
		t.Errorf("missing binary: err = %v, want unavailable", err)
	}
}
