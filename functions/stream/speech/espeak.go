package speech

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	"github.com/archstudio/studio/shared/apperr"
)

// Espeak speaks with Debian's espeak-ng: robotic, but local and free, so
// server speech works with no cloud account.
type Espeak struct {
	// Binary defaults to espeak-ng on PATH.
	Binary string
	// Voice is espeak-ng's voice (-v), e.g. en-us; "" is its default.
	Voice string
}

// espeakWPM is espeak-ng's normal rate in words per minute.
const espeakWPM = 175

// Kind is "local".
func (e *Espeak) Kind() string { return "local" }

// Available reports whether the binary can be found.
func (e *Espeak) Available() bool {
	_, err := exec.LookPath(e.binary())
	return err == nil
}

func (e *Espeak) binary() string {
	if e.Binary != "" {
		return e.Binary
	}
	return "espeak-ng"
}

// Synthesize runs espeak-ng with the text on stdin (never as an argument,
// so a sentence starting with "-" is not an option) and returns its WAV.
func (e *Espeak) Synthesize(ctx context.Context, text string, v Voice) (Audio, error) {
	rate := v.Rate
	if rate <= 0 {
		rate = 1
	}
	args := []string{"--stdout", "--stdin", "-s", strconv.Itoa(int(espeakWPM * rate))}
	voice := e.Voice
	if v.Name != "" && validEspeakVoice(v.Name) {
		voice = v.Name
	}
	if voice != "" {
		args = append(args, "-v", voice)
	}
	cmd := exec.CommandContext(ctx, e.binary(), args...) // #nosec G204 -- the binary is the configured eSpeak path; arguments are passed without a shell
	cmd.Stdin = strings.NewReader(text)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return Audio{}, ctx.Err()
		}
		return Audio{}, apperr.Wrap(fmt.Errorf("espeak-ng: %w: %s", err, strings.TrimSpace(errOut.String())),
			apperr.Unavailable, "local speech failed")
	}
	data := out.Bytes()
	seconds, err := fixWAV(data)
	if err != nil {
		return Audio{}, apperr.Wrap(fmt.Errorf("espeak-ng: %w", err), apperr.Unavailable, "local speech failed")
	}
	return Audio{Data: data, MIME: "audio/wav", Seconds: seconds}, nil
}

// validEspeakVoice accepts espeak-ng voice names (en, en-us, en+f3) and
// nothing a browser voice name might be ("Google US English"), which
// espeak-ng would refuse.
func validEspeakVoice(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '+' || r == '_') {
			return false
		}
	}
	return true
}
