package voice

import (
	"context"
	"fmt"
	"mime"
	"slices"
	"strings"
	"time"

	"github.com/archstudio/studio/functions/stream/speech"
	"github.com/archstudio/studio/shared/apperr"
)

// Utterance is one recording being received: audio_start, binary frames,
// then audio_end.
type Utterance struct {
	s       *Service
	user    string
	mime    string
	started time.Time
	buf     []byte
	// failed holds the error that dropped the audio; later frames of the
	// same utterance are ignored, so the client hears of it once.
	failed bool
}

// Start begins an utterance of the given MIME type (what MediaRecorder
// reports, e.g. "audio/webm;codecs=opus"). A refused one comes back
// Dropped with the reason.
func (s *Service) Start(userID, mimeType string) (*Utterance, error) {
	if s.d.STT == nil {
		return Dropped(), apperr.New(apperr.Unavailable, "voice input needs a configured speech service (STT_BASE_URL); use the browser's speech recognition or type")
	}
	base, _, err := mime.ParseMediaType(mimeType)
	if err != nil || !slices.Contains(acceptedFormats, strings.ToLower(base)) {
		return Dropped(), apperr.InvalidField("mime", "must be an audio type the speech service reads: %s", strings.Join(acceptedFormats, ", "))
	}
	return &Utterance{s: s, user: userID, mime: mimeType, started: time.Now()}, nil
}

// Add appends a chunk of audio. Past the length or size limit the audio
// is dropped and the error says so (once).
func (u *Utterance) Add(chunk []byte) error {
	if u.failed {
		return nil
	}
	if err := u.limit(len(u.buf)+len(chunk), time.Since(u.started)); err != nil {
		u.failed, u.buf = true, nil
		return err
	}
	u.buf = append(u.buf, chunk...)
	return nil
}

// limit checks size and (with a grace for the network) recording time.
func (u *Utterance) limit(size int, elapsed time.Duration) error {
	if size > u.s.d.MaxBytes {
		return apperr.New(apperr.TooLarge, "the recording is over %d MB; it was dropped — speak in shorter turns", u.s.d.MaxBytes>>20)
	}
	if elapsed > u.s.d.MaxUtterance+5*time.Second {
		return u.tooLong()
	}
	return nil
}

func (u *Utterance) tooLong() error {
	return apperr.New(apperr.TooLarge, "the recording is over %s; it was dropped — speak in shorter turns", u.s.d.MaxUtterance)
}

// Dropped returns an utterance refused at its start: its audio is
// ignored, since the client has its one error already.
func Dropped() *Utterance { return &Utterance{failed: true} }

// Failed reports whether the audio was dropped.
func (u *Utterance) Failed() bool { return u.failed }

// Finish transcribes the utterance and counts its seconds.
func (u *Utterance) Finish(ctx context.Context) (speech.Transcript, error) {
	if u.failed {
		return speech.Transcript{}, apperr.New(apperr.Invalid, "the recording was dropped")
	}
	if len(u.buf) == 0 {
		return speech.Transcript{}, apperr.InvalidField("audio", "no audio arrived")
	}
	if err := u.limit(len(u.buf), time.Since(u.started)); err != nil {
		return speech.Transcript{}, err
	}
	t, err := u.s.d.STT.Transcribe(ctx, u.buf, u.mime)
	if err != nil {
		return speech.Transcript{}, err
	}
	u.s.count(u.user, t.Seconds, 0)
	// The service measured the audio: a recording uploaded faster than it
	// was spoken is caught here.
	if time.Duration(t.Seconds*float64(time.Second)) > u.s.d.MaxUtterance {
		return speech.Transcript{}, u.tooLong()
	}
	if t.Text == "" {
		return speech.Transcript{}, apperr.InvalidField("audio", "no speech was heard in the recording")
	}
	return t, nil
}

// String describes the utterance for logs.
func (u *Utterance) String() string {
	return fmt.Sprintf("utterance(%s, %d bytes)", u.mime, len(u.buf))
}
