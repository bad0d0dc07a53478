// Package speech turns the user's recorded voice into text and the
// studio's sentences into audio: the OpenAI-compatible speech-to-text and
// text-to-speech APIs (OpenAI, Groq, local Whisper servers), and
// espeak-ng as the local text-to-speech default.
package speech

import (
	"context"
)

// Transcript is what speech-to-text heard.
type Transcript struct {
	Text string
	// Seconds is the audio's length as the service measured it.
	Seconds float64
}

// Transcriber is a speech-to-text service.
type Transcriber interface {
	// Transcribe returns the text spoken in audio (a file of type mime,
	// e.g. audio/webm). Errors are *apperr.Error: invalid_argument when
	// the service refuses the audio, upstream_error or unavailable when
	// the service fails.
	Transcribe(ctx context.Context, audio []byte, mime string) (Transcript, error)
}

// Voice says how to speak.
type Voice struct {
	// Name is the service's voice; "" is its default.
	Name string
	// Rate is the speaking rate, 1 being normal (0.5–2 in preferences).
	Rate float64
}

// Audio is one spoken sentence.
type Audio struct {
	Data []byte
	MIME string
	// Seconds is the audio's length.
	Seconds float64
}

// Synthesizer is a text-to-speech service.
type Synthesizer interface {
	// Synthesize speaks text. Errors are *apperr.Error (upstream_error or
	// unavailable).
	Synthesize(ctx context.Context, text string, v Voice) (Audio, error)
	// Kind names the provider for clients: "service" or "local" (espeak-ng,
	// robotic).
	Kind() string
}
