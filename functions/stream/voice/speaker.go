package voice

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"

	"github.com/archstudio/studio/functions/stream/generation"
	"github.com/archstudio/studio/functions/stream/sentences"
	"github.com/archstudio/studio/functions/stream/speech"
	"github.com/archstudio/studio/shared/apperr"
)

// Frames a Speaker emits.
const (
	// TypeSpeech carries one sentence's audio (base64) with its text.
	TypeSpeech = "speech"
	// TypeSpeechEnd follows a reply's last sentence.
	TypeSpeechEnd = "speech_end"
)

// Speech is one spoken sentence, in order (Seq from 0).
type Speech struct {
	Seq     int     `json:"seq"`
	Text    string  `json:"text"`
	MIME    string  `json:"mime"`
	Seconds float64 `json:"seconds"`
	Audio   []byte  `json:"audio"` // base64 in JSON
}

// SpeechEnd closes a reply's speech: Sentences were sent, Failed not.
type SpeechEnd struct {
	Sentences int `json:"sentences"`
	Failed    int `json:"failed"`
}

// Emit receives a Speaker's output in order: a *Speech, a *SpeechEnd, or
// an error (*apperr.Error) about a sentence that could not be spoken.
type Emit func(v any)

// job is one sentence on its way to audio.
type job struct {
	text string
	done chan struct{}
	res  speech.Audio
	err  error
	end  bool // the end marker
}

// Speaker speaks one reply as it streams: Event takes the reply's events,
// each complete sentence is synthesised at once (a few in parallel) and
// emitted in order.
type Speaker struct {
	s     *Service
	user  string
	voice speech.Voice
	emit  Emit

	ctx    context.Context
	cancel context.CancelFunc
	split  sentences.Splitter
	sem    chan struct{}
	queue  chan *job
	ended  bool
	wg     sync.WaitGroup
}

// maxQueued bounds one reply's sentences waiting to be emitted.
const maxQueued = 1024

// Speak starts a speaker for userID's reply; emit is called from the
// speaker's own goroutine. Close stops it.
func (s *Service) Speak(ctx context.Context, userID string, emit Emit) (*Speaker, error) {
	if s.d.TTS == nil {
		return nil, apperr.New(apperr.Unavailable, "server speech is not configured; use the browser's voice")
	}
	ctx, cancel := context.WithCancel(ctx)
	sp := &Speaker{s: s, user: userID, voice: s.voiceOf(ctx, userID), emit: emit, ctx: ctx, cancel: cancel,
		sem: make(chan struct{}, s.d.Parallel), queue: make(chan *job, maxQueued)}
	sp.wg.Add(1)
	go sp.emitter()
	return sp, nil
}

// Event feeds one event of the reply (its type and JSON data).
func (sp *Speaker) Event(typ string, data []byte) {
	if sp.ended || sp.ctx.Err() != nil {
		return
	}
	switch typ {
	case generation.TypeDelta:
		var d generation.Delta
		if json.Unmarshal(data, &d) == nil {
			sp.say(sp.split.Write(d.Text)...)
		}
	case generation.TypeArtifactStart:
		var a generation.ArtifactStart
		_ = json.Unmarshal(data, &a)
		sp.say(sp.split.Flush()...)
		sp.say(sentences.Announcement(a.Type))
	case generation.TypeDone:
		var d generation.Done
		_ = json.Unmarshal(data, &d)
		if d.Status == "complete" {
			sp.say(sp.split.Flush()...)
		}
		sp.ended = true
		sp.push(&job{end: true, done: closed})
	}
}

var closed = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// say starts synthesising each sentence now and queues it for emission.
func (sp *Speaker) say(texts ...string) {
	for _, text := range texts {
		j := &job{text: text, done: make(chan struct{})}
		if !sp.push(j) {
			return
		}
		go sp.synthesize(j)
	}
}

func (sp *Speaker) push(j *job) bool {
	select {
	case sp.queue <- j:
		return true
	case <-sp.ctx.Done():
		return false
	default:
		sp.s.d.Logger.Warn("voice: too many sentences queued; the rest is not spoken")
		return false
	}
}

func (sp *Speaker) synthesize(j *job) {
	defer close(j.done)
	select {
	case sp.sem <- struct{}{}:
		defer func() { <-sp.sem }()
	case <-sp.ctx.Done():
		j.err = sp.ctx.Err()
		return
	}
	j.res, j.err = sp.s.d.TTS.Synthesize(sp.ctx, j.text, sp.voice)
}

// emitter emits the queued sentences in order as each is ready.
func (sp *Speaker) emitter() {
	defer sp.wg.Done()
	seq, failed := 0, 0
	var out float64
	defer func() { sp.s.count(sp.user, 0, out) }()
	for {
		var j *job
		select {
		case j = <-sp.queue:
		case <-sp.ctx.Done():
			return
		}
		select {
		case <-j.done:
		case <-sp.ctx.Done():
			return
		}
		switch {
		case j.end:
			sp.emit(&SpeechEnd{Sentences: seq, Failed: failed})
			return
		case j.err != nil:
			if errors.Is(j.err, context.Canceled) {
				return
			}
			failed++
			sp.s.d.Logger.Warn("voice: sentence not spoken", slog.Any("error", j.err))
			if failed == 1 { // once per reply is enough to explain the silence
				sp.emit(j.err)
			}
		default:
			out += j.res.Seconds
			sp.emit(&Speech{Seq: seq, Text: j.text, MIME: j.res.MIME, Seconds: j.res.Seconds, Audio: j.res.Data})
			seq++
		}
	}
}

// Close stops speaking: sentences not yet emitted are dropped and their
// requests cancelled.
func (sp *Speaker) Close() {
	sp.cancel()
	sp.wg.Wait()
}

// Wait returns once the reply's speech ended (or the speaker closed).
func (sp *Speaker) Wait() { sp.wg.Wait() }
