package fakespeech

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// speechBody is the JSON body of POST /v1/audio/speech.
type speechBody struct {
	Model          string   `json:"model"`
	Input          *string  `json:"input"`
	Voice          string   `json:"voice"`
	ResponseFormat string   `json:"response_format"`
	Speed          *float64 `json:"speed"`
	Instructions   string   `json:"instructions"`
}

// sampleRate of the WAVs the fake makes.
const sampleRate = 16000

// speech answers POST /v1/audio/speech.
func (f *Fake) speech(w http.ResponseWriter, r *http.Request) {
	o := f.options()
	entry := Request{Endpoint: "speech", At: time.Now()}
	if !f.authorized(w, r, o.APIKey) {
		f.finish(f.log(entry), http.StatusUnauthorized)
		return
	}
	var body speechBody
	status, e := 0, (*apiError)(nil)
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	if err := dec.Decode(&body); err != nil {
		status, e = http.StatusBadRequest, &apiError{Type: "invalid_request_error",
			Message: "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON."}
	} else {
		entry.Model, entry.Voice = body.Model, body.Voice
		if body.Input != nil {
			entry.Input = *body.Input
		}
		entry.Speed = 1
		if body.Speed != nil {
			entry.Speed = *body.Speed
		}
		if body.ResponseFormat == "" {
			body.ResponseFormat = "mp3"
		}
		status, e = validateSpeech(body)
	}
	i := f.log(entry)
	wait(r, o.Delay)
	if e != nil {
		writeError(w, status, *e)
		f.finish(i, status)
		return
	}
	perChar := o.SecondsPerChar
	if perChar <= 0 {
		perChar = 0.06
	}
	seconds := perChar * float64(utf8.RuneCountInString(entry.Input)) / entry.Speed
	pcm := tone(seconds)
	if body.ResponseFormat == "pcm" {
		w.Header().Set("Content-Type", "audio/pcm")
		_, _ = w.Write(pcm)
	} else {
		w.Header().Set("Content-Type", "audio/wav")
		_, _ = w.Write(append(wavHeader(len(pcm)), pcm...))
	}
	f.finish(i, http.StatusOK)
}

func validateSpeech(b speechBody) (int, *apiError) {
	switch {
	case b.Model == "":
		return http.StatusBadRequest, &apiError{Type: "invalid_request_error", Param: param("model"), Code: "missing_required_parameter",
			Message: "Missing required parameter: 'model'."}
	case b.Input == nil:
		return http.StatusBadRequest, &apiError{Type: "invalid_request_error", Param: param("input"), Code: "missing_required_parameter",
			Message: "Missing required parameter: 'input'."}
	case strings.TrimSpace(*b.Input) == "":
		return http.StatusBadRequest, &apiError{Type: "invalid_request_error", Param: param("input"), Code: "empty_string",
			Message: "Invalid 'input': empty string. Expected a string with minimum length 1, but got an empty string instead."}
	case utf8.RuneCountInString(*b.Input) > 4096:
		return http.StatusBadRequest, &apiError{Type: "invalid_request_error", Param: param("input"), Code: "string_above_max_length",
			Message: fmt.Sprintf("Invalid 'input': string too long. Expected a string with maximum length 4096, but got a string with length %d instead.", utf8.RuneCountInString(*b.Input))}
	case b.Voice == "":
		return http.StatusBadRequest, &apiError{Type: "invalid_request_error", Param: param("voice"), Code: "missing_required_parameter",
			Message: "Missing required parameter: 'voice'."}
	case b.Speed != nil && (*b.Speed < 0.25 || *b.Speed > 4):
		return http.StatusBadRequest, &apiError{Type: "invalid_request_error", Param: param("speed"), Code: "decimal_above_max_value",
			Message: fmt.Sprintf("Invalid 'speed': expected a value between 0.25 and 4.0, but got %v instead.", *b.Speed)}
	}
	switch b.ResponseFormat {
	case "wav", "pcm":
	case "mp3", "opus", "aac", "flac":
		// Real formats the fake does not encode; the studio asks for wav.
		return http.StatusBadRequest, &apiError{Type: "invalid_request_error", Param: param("response_format"),
			Message: "The fake speech service makes only wav and pcm, not " + b.ResponseFormat + "."}
	default:
		return http.StatusBadRequest, &apiError{Type: "invalid_request_error", Param: param("response_format"), Code: "invalid_value",
			Message: fmt.Sprintf("Invalid value: '%s'. Supported values are: 'mp3', 'opus', 'aac', 'flac', 'wav', and 'pcm'.", b.ResponseFormat)}
	}
	return 0, nil
}

// tone is seconds of a quiet 440 Hz sine as 16-bit mono PCM.
func tone(seconds float64) []byte {
	n := int(seconds * sampleRate)
	out := make([]byte, 2*n)
	for i := range n {
		v := int16(2000 * math.Sin(2*math.Pi*440*float64(i)/sampleRate))
		binary.LittleEndian.PutUint16(out[2*i:], uint16(v)) // #nosec G115 -- test fake: samples are clamped to int16 first
	}
	return out
}

// SilentWAV is seconds of 16 kHz 16-bit mono silence as a WAV file: audio
// for tests to send, whose length the fake's transcription reports.
func SilentWAV(seconds float64) []byte {
	n := int(seconds*sampleRate) * 2
	return append(wavHeader(n), make([]byte, n)...)
}

// wavHeader is the 44-byte RIFF header of dataLen bytes of 16-bit mono PCM.
func wavHeader(dataLen int) []byte {
	h := make([]byte, 44)
	copy(h[0:], "RIFF")
	binary.LittleEndian.PutUint32(h[4:], uint32(36+dataLen)) // #nosec G115 -- test fake: short generated audio
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1) // PCM
	binary.LittleEndian.PutUint16(h[22:], 1) // mono
	binary.LittleEndian.PutUint32(h[24:], sampleRate)
	binary.LittleEndian.PutUint32(h[28:], sampleRate*2)
	binary.LittleEndian.PutUint16(h[32:], 2)
	binary.LittleEndian.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], uint32(dataLen)) // #nosec G115 -- test fake: short generated audio
	return h
}
