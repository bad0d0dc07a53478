package speech

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"time"

	"github.com/archstudio/studio/shared/apperr"
)

// OpenAI is a client of the OpenAI-compatible audio endpoints,
// POST {BaseURL}/audio/transcriptions and POST {BaseURL}/audio/speech.
type OpenAI struct {
	// BaseURL includes the version, as OpenAI SDKs take it:
	// https://api.openai.com/v1, https://api.groq.com/openai/v1.
	BaseURL string
	APIKey  string
	// Model is whisper-1, gpt-4o-mini-tts, … as the service names them.
	Model string
	// Voice is the default voice (alloy, …) when the user chose none.
	Voice  string
	Client *http.Client
	Logger *slog.Logger
}

func (o *OpenAI) client() *http.Client {
	if o.Client != nil {
		return o.Client
	}
	return &http.Client{Timeout: 60 * time.Second}
}

func (o *OpenAI) log() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Kind is "service".
func (o *OpenAI) Kind() string { return "service" }

// extension names the upload so services that infer the format from the
// file name (Whisper servers do) see the right one.
func extension(mimeType string) string {
	base, _, _ := mime.ParseMediaType(mimeType)
	switch base {
	case "audio/ogg":
		return "ogg"
	case "audio/wav", "audio/x-wav", "audio/wave":
		return "wav"
	case "audio/mpeg":
		return "mp3"
	case "audio/mp4":
		return "m4a"
	case "audio/flac":
		return "flac"
	}
	return "webm"
}

// Transcribe posts audio as multipart form data and asks for verbose_json,
// which carries the audio's duration.
func (o *OpenAI) Transcribe(ctx context.Context, audio []byte, mimeType string) (Transcript, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, err := mw.CreatePart(map[string][]string{
		"Content-Disposition": {`form-data; name="file"; filename="speech.` + extension(mimeType) + `"`},
		"Content-Type":        {mimeType},
	})
	if err != nil {
		return Transcript{}, err
	}
	_, _ = part.Write(audio)
	_ = mw.WriteField("model", o.Model)
	_ = mw.WriteField("response_format", "verbose_json")
	if err := mw.Close(); err != nil {
		return Transcript{}, err
	}
	resp, err := o.post(ctx, "/audio/transcriptions", mw.FormDataContentType(), &body)
	if err != nil {
		return Transcript{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Transcript{}, o.failure("transcription", resp, "the speech service could not transcribe this audio")
	}
	var out struct {
		Text     string  `json:"text"`
		Duration float64 `json:"duration"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&out); err != nil {
		return Transcript{}, apperr.Wrap(err, apperr.Upstream, "the speech service sent an answer the studio cannot read")
	}
	return Transcript{Text: strings.TrimSpace(out.Text), Seconds: out.Duration}, nil
}

// Synthesize asks for WAV, which every browser decodes and whose length
// can be counted.
func (o *OpenAI) Synthesize(ctx context.Context, text string, v Voice) (Audio, error) {
	voice := v.Name
	if voice == "" {
		voice = o.Voice
	}
	rate := v.Rate
	if rate <= 0 {
		rate = 1
	}
	payload, _ := json.Marshal(map[string]any{
		"model": o.Model, "input": text, "voice": voice, "response_format": "wav", "speed": rate,
	})
	resp, err := o.post(ctx, "/audio/speech", "application/json", bytes.NewReader(payload))
	if err != nil {
		return Audio{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Audio{}, o.failure("speech", resp, "the speech service could not speak this sentence")
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return Audio{}, apperr.Wrap(err, apperr.Unavailable, "the speech service stopped answering")
	}
	seconds, err := fixWAV(data)
	if err != nil {
		return Audio{}, apperr.Wrap(err, apperr.Upstream, "the speech service sent audio the studio cannot play")
	}
	return Audio{Data: data, MIME: "audio/wav", Seconds: seconds}, nil
}

func (o *OpenAI) post(ctx context.Context, path, contentType string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(o.BaseURL, "/")+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	if o.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+o.APIKey)
	}
	resp, err := o.client().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		o.log().Warn("speech: request failed", slog.String("path", path), slog.Any("error", err))
		return nil, apperr.Wrap(err, apperr.Unavailable, "the speech service is unavailable; try again shortly")
	}
	return resp, nil
}

// failure turns an error answer into an apperr: the service's own message
// about the request (a 400 about the audio) is the user's to read; the
// rest (keys, outages) is only logged.
func (o *OpenAI) failure(what string, resp *http.Response, userMsg string) error {
	var body struct {
		Error struct {
			Message string `json:"message"`
			Type    string `json:"type"`
			Param   string `json:"param"`
			Code    any    `json:"code"`
		} `json:"error"`
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	_ = json.Unmarshal(raw, &body)
	cause := fmt.Errorf("%s: status %d: %s", what, resp.StatusCode, strings.TrimSpace(string(raw)))
	switch {
	case resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusRequestEntityTooLarge || resp.StatusCode == http.StatusUnprocessableEntity:
		msg := userMsg
		if m := firstLine(body.Error.Message); m != "" {
			msg += ": " + m
		}
		e := apperr.Wrap(cause, apperr.Invalid, msg)
		e.Field = "audio"
		return e
	case resp.StatusCode == http.StatusTooManyRequests:
		o.log().Warn("speech: rate limited", slog.Any("error", cause))
		return apperr.Wrap(cause, apperr.Unavailable, "the speech service is busy; try again shortly")
	default:
		o.log().Error("speech: service error", slog.Any("error", cause))
		return apperr.Wrap(cause, apperr.Upstream, "the speech service failed; try again shortly")
	}
}

// firstLine bounds an upstream message to one short line.
func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
