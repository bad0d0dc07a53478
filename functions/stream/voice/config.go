package voice

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/archstudio/studio/functions/stream/speech"
)

// Config configures speech. Embed them in the stream function's
// configuration.
type Config struct {
	STTBaseURL string `envconfig:"STT_BASE_URL"`
	STTAPIKey  string `envconfig:"STT_API_KEY" secret:"true"`
	STTModel   string `envconfig:"STT_MODEL" default:"whisper-1"`

	TTSBaseURL string `envconfig:"TTS_BASE_URL"`
	TTSAPIKey  string `envconfig:"TTS_API_KEY" secret:"true"`
	TTSModel   string `envconfig:"TTS_MODEL" default:"gpt-4o-mini-tts"`
	TTSVoice   string `envconfig:"TTS_VOICE" default:"alloy"`
	// TTSLocalVoice is espeak-ng's voice for the local default.
	TTSLocalVoice string `envconfig:"TTS_LOCAL_VOICE" default:"en-us"`

	MaxUtterance      time.Duration `envconfig:"VOICE_MAX_UTTERANCE" default:"60s"`
	MaxUtteranceBytes int           `envconfig:"VOICE_MAX_UTTERANCE_BYTES" default:"2097152"`
}

// Check validates the settings (it is not called Validate: see
// quota.Settings).
func (s Config) Check() error {
	for name, v := range map[string]string{"STT_BASE_URL": s.STTBaseURL, "TTS_BASE_URL": s.TTSBaseURL} {
		if v == "" {
			continue
		}
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%s: not an absolute http(s) URL: %q", name, v)
		}
	}
	if s.MaxUtterance < time.Second || s.MaxUtteranceBytes < 1024 {
		return errors.New("VOICE_MAX_UTTERANCE must be at least 1s and VOICE_MAX_UTTERANCE_BYTES at least 1024")
	}
	return nil
}

// Build builds the configured speech services: speech-to-text only
// with STT_BASE_URL; text-to-speech from TTS_BASE_URL, else (outside
// production, when installed) the local espeak-ng. A nil result is a
// provider the studio does not offer.
func (s Config) Build(production bool, logger *slog.Logger) (speech.Transcriber, speech.Synthesizer) {
	var stt speech.Transcriber
	var tts speech.Synthesizer
	if s.STTBaseURL != "" {
		stt = &speech.OpenAI{BaseURL: s.STTBaseURL, APIKey: s.STTAPIKey, Model: s.STTModel, Logger: logger}
	}
	switch {
	case s.TTSBaseURL != "":
		tts = &speech.OpenAI{BaseURL: s.TTSBaseURL, APIKey: s.TTSAPIKey, Model: s.TTSModel, Voice: s.TTSVoice, Logger: logger}
	case production:
	default:
		local := &speech.Espeak{Voice: s.TTSLocalVoice}
		if local.Available() {
			tts = local
		} else {
			logger.Warn("voice: espeak-ng is not installed and TTS_BASE_URL is unset: server speech is off")
		}
	}
	return stt, tts
}
