// Command fakeanthropic serves the fake Anthropic Messages API for the
// end-to-end stack: point the stream function's ANTHROPIC_BASE_URL at it.
// Every request gets fakeanthropic.DefaultReply (prose and one artifact),
// or HTMLPageReply when it asks for an "html page", streamed slowly enough
// to press stop.
//
//	FAKE_ANTHROPIC_ADDR     listen address (default 127.0.0.1:8091)
//	FAKE_ANTHROPIC_API_KEY  the x-api-key to require ("" accepts any key)
//	FAKE_ANTHROPIC_DELAY    pause before each text chunk (default 100ms)
package main

import (
	"fmt"
	"log"
	"os"
	"time"

	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
)

func main() {
	if err := run(); err != nil {
		log.Fatalf("fakeanthropic: %v", err)
	}
}

func run() error {
	addr := testkit.EnvOr("FAKE_ANTHROPIC_ADDR", "127.0.0.1:8091")
	script := fakeanthropic.DefaultScript()
	if v := os.Getenv("FAKE_ANTHROPIC_DELAY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("FAKE_ANTHROPIC_DELAY: %w", err)
		}
		script.Delay = d
	}
	fake := fakeanthropic.New(os.Getenv("FAKE_ANTHROPIC_API_KEY"), script)
	return testkit.ServeUntilSignal("fakeanthropic", addr, fake, fake.Release)
}
