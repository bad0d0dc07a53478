// Package voice is the studio's spoken conversation over the WebSocket:
// an utterance recorded in the browser is collected within its limits and
// transcribed; a reply being streamed is cut into sentences, each sent to
// text-to-speech the moment it is complete, and the audio goes back in
// order. Audio seconds in and out are counted in the user's usage.
package voice

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/archstudio/studio/functions/stream/speech"
	"github.com/archstudio/studio/shared/prefs"
)

// Usage counts a user's audio seconds (shared/quota).
type Usage interface {
	AddAudio(ctx context.Context, userID string, inSeconds, outSeconds float64) error
}

// Preferences reads a user's voice settings (shared/prefs).
type Preferences interface {
	Get(ctx context.Context, userID string) (prefs.Preferences, error)
}

// Deps are the service's dependencies; STT, TTS, Usage and Prefs may be
// nil (not offered / not counted / defaults).
type Deps struct {
	STT    speech.Transcriber
	TTS    speech.Synthesizer
	Usage  Usage
	Prefs  Preferences
	Logger *slog.Logger
	// MaxUtterance and MaxBytes bound one utterance (default 60 s, 2 MB).
	MaxUtterance time.Duration
	MaxBytes     int
	// Parallel bounds the sentences being synthesised at once per reply
	// (default 3): enough to stay ahead of playback without flooding the
	// service.
	Parallel int
}

// Service is the voice side of the stream function.
type Service struct{ d Deps }

// New returns a voice service.
func New(d Deps) *Service {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.MaxUtterance <= 0 {
		d.MaxUtterance = 60 * time.Second
	}
	if d.MaxBytes <= 0 {
		d.MaxBytes = 2 << 20
	}
	if d.Parallel <= 0 {
		d.Parallel = 3
	}
	return &Service{d: d}
}

// Capabilities is what a client may offer: GET /api/voice.
type Capabilities struct {
	// STT: server speech-to-text is configured.
	STT bool `json:"stt"`
	// TTS is "service", "local" (espeak-ng: robotic) or "" (none).
	TTS string `json:"tts"`
	// Voices are the server voices a preference may name.
	Voices          []string `json:"voices"`
	MaxSeconds      int      `json:"max_seconds"`
	MaxBytes        int      `json:"max_bytes"`
	AcceptedFormats []string `json:"accepted_formats"`
}

// openAIVoices and espeakVoices are the voices a user may choose.
var (
	openAIVoices = []string{"alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse"}
	espeakVoices = []string{"en-us", "en-gb", "en-us+f3", "en-gb+f3", "en-us+m3"}
)

// acceptedFormats are the recordings browsers make that the services read.
var acceptedFormats = []string{"audio/webm", "audio/ogg", "audio/mp4", "audio/wav", "audio/mpeg", "audio/flac"}

// Capabilities reports the configured providers and limits.
func (s *Service) Capabilities() Capabilities {
	c := Capabilities{STT: s.d.STT != nil, Voices: []string{}, MaxSeconds: int(s.d.MaxUtterance / time.Second),
		MaxBytes: s.d.MaxBytes, AcceptedFormats: acceptedFormats}
	if s.d.TTS != nil {
		c.TTS = s.d.TTS.Kind()
		c.Voices = s.voices()
	}
	return c
}

func (s *Service) voices() []string {
	if s.d.TTS != nil && s.d.TTS.Kind() == "local" {
		return espeakVoices
	}
	return openAIVoices
}

// CanSpeak reports whether server speech is configured.
func (s *Service) CanSpeak() bool { return s.d.TTS != nil }

// voiceOf is the user's chosen voice and rate; a voice this provider does
// not have (a browser voice) falls back to the provider's default.
func (s *Service) voiceOf(ctx context.Context, userID string) speech.Voice {
	v := speech.Voice{Rate: 1}
	if s.d.Prefs == nil {
		return v
	}
	p, err := s.d.Prefs.Get(ctx, userID)
	if err != nil {
		s.d.Logger.Warn("voice: preferences unavailable; default voice", slog.Any("error", err))
		return v
	}
	if p.Voice.SpeakingRate > 0 {
		v.Rate = p.Voice.SpeakingRate
	}
	if slices.Contains(s.voices(), p.Voice.Voice) {
		v.Name = p.Voice.Voice
	}
	return v
}

// count adds audio seconds to the user's usage in the background: a slow
// database must not hold up speech.
func (s *Service) count(userID string, in, out float64) {
	if s.d.Usage == nil || (in <= 0 && out <= 0) {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.d.Usage.AddAudio(ctx, userID, in, out); err != nil {
			s.d.Logger.Warn("voice: count audio seconds", slog.String("user_id", userID), slog.Any("error", err))
		}
	}()
}
