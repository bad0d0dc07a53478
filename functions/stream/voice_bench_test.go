package main

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/archstudio/studio/functions/stream/claude"
	"github.com/archstudio/studio/functions/stream/model"
	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
	"github.com/archstudio/studio/shared/testkit/fakespeech"
)

// BenchmarkVoiceFirstAudio measures the latency the studio adds between
// the end of the user's audio (audio_end sent) and the first byte of the
// answer's audio (the first speech frame), as a hands-free client sees it:
// transcript back, the text sent, the reply's first sentence spoken. The
// fakes' own time is subtracted: the speech service's fixed delay twice
// (transcription, then speech) and the fake Claude's time to the first
// sentence, measured by a direct SDK call. Target: ≤ 50 ms at p50.
func BenchmarkVoiceFirstAudio(b *testing.B) {
	const delay = 20 * time.Millisecond
	speechFake := fakespeech.Start(b, fakespeech.Options{Delay: delay})
	s := newStack(b, fakeanthropic.Script{Chunks: []string{"Hello there. ", "This is the rest of the answer."}})
	fn := testkit.StartFunction(b, s.bin, s.env(append(speechEnv(speechFake), "DAILY_CALL_LIMIT=1000000", "LOG_LEVEL=warn")...)...)
	_, chatID, cookie := s.user("bench")
	direct := claude.New(claude.Config{APIKey: s.fake.APIKey, BaseURL: s.fake.URL, Model: "claude-test"})
	req := model.Request{MaxTokens: 100, Turns: []model.Turn{{Role: model.User, Text: "hi"}}}
	w := connectTB(b, fn, cookie)
	audio := fakespeech.SilentWAV(1)

	var added []time.Duration
	for b.Loop() {
		began := time.Now()
		var upstream time.Duration
		if _, err := direct.Stream(context.Background(), req, func(string) {
			if upstream == 0 {
				upstream = time.Since(began)
			}
		}); err != nil {
			b.Fatal(err)
		}

		w.speakTB(b, "audio/wav", audio, 64<<10)
		end := time.Now()
		tr := w.nextOfTB(b, "transcript", "voice_error")
		if tr["type"] != "transcript" {
			b.Fatalf("%v", tr)
		}
		w.commandTB(b, map[string]any{"type": "send", "chat_id": chatID, "content": tr["text"], "speak": true})
		if f := w.nextOfTB(b, "speech", "voice_error", "error"); f["type"] != "speech" {
			b.Fatalf("%v", f)
		}
		added = append(added, time.Since(end)-2*delay-upstream)
		w.nextOfTB(b, "speech_end")
	}
	slices.Sort(added)
	b.ReportMetric(float64(added[len(added)/2].Microseconds())/1000, "p50-added-ms")
	b.ReportMetric(float64(added[len(added)*9/10].Microseconds())/1000, "p90-added-ms")
}
