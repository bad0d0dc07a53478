// Command fakespeech serves the fake OpenAI-compatible speech service
// (POST /v1/audio/transcriptions and /v1/audio/speech): point the stream
// function's STT_BASE_URL and TTS_BASE_URL at it. GET /_fake/requests
// lists the requests received.
//
//	FAKE_SPEECH_ADDR        listen address (default 127.0.0.1:8092)
//	FAKE_SPEECH_API_KEY     the bearer key to require ("" accepts any key)
//	FAKE_SPEECH_DELAY       wait before each answer (default 0)
//	FAKE_SPEECH_TRANSCRIPT  what every transcription says
package main

import (
	"fmt"
	"log"
	"os"
	"time"

	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakespeech"
)

func main() {
	if err := run(); err != nil {
		log.Fatalf("fakespeech: %v", err)
	}
}

func run() error {
	opts := fakespeech.Options{APIKey: os.Getenv("FAKE_SPEECH_API_KEY"), Transcript: os.Getenv("FAKE_SPEECH_TRANSCRIPT")}
	if v := os.Getenv("FAKE_SPEECH_DELAY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("FAKE_SPEECH_DELAY: %w", err)
		}
		opts.Delay = d
	}
	return testkit.ServeUntilSignal("fakespeech", testkit.EnvOr("FAKE_SPEECH_ADDR", "127.0.0.1:8092"), fakespeech.New(opts), nil)
}
