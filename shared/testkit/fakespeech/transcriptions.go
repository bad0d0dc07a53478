package fakespeech

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// maxUpload is the real API's 25 MB file limit.
const maxUpload = 25 << 20

// transcribe answers POST /v1/audio/transcriptions.
func (f *Fake) transcribe(w http.ResponseWriter, r *http.Request) {
	o := f.options()
	entry := Request{Endpoint: "transcriptions", At: time.Now()}
	if !f.authorized(w, r, o.APIKey) {
		f.finish(f.log(entry), http.StatusUnauthorized)
		return
	}
	status, e := f.parseTranscription(r, &entry)
	i := f.log(entry)
	wait(r, o.Delay)
	if e != nil {
		writeError(w, status, *e)
		f.finish(i, status)
		return
	}
	text := o.Transcript
	if text == "" {
		text = DefaultTranscript
	}
	switch entry.ResponseFormat {
	case "text":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, text)
	case "verbose_json":
		w.Header().Set("Content-Type", "application/json")
		dur := entry.duration
		_ = json.NewEncoder(w).Encode(map[string]any{
			"task": "transcribe", "language": "english", "duration": dur, "text": text,
			"segments": []map[string]any{{"id": 0, "seek": 0, "start": 0.0, "end": dur, "text": " " + text,
				"tokens": []int{}, "temperature": 0.0, "avg_logprob": -0.2, "compression_ratio": 1.0, "no_speech_prob": 0.01}},
		})
	default:
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"text": text})
	}
	f.finish(i, http.StatusOK)
}

// parseTranscription validates the multipart form as the real API does.
func (f *Fake) parseTranscription(r *http.Request, entry *Request) (int, *apiError) {
	r.Body = http.MaxBytesReader(nil, r.Body, maxUpload+1<<20)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return http.StatusBadRequest, &apiError{Type: "invalid_request_error",
			Message: "Invalid Content-Type header (" + r.Header.Get("Content-Type") + "), expected multipart/form-data. (HINT: If you're using curl, you can pass -H 'Content-Type: multipart/form-data')"}
	}
	if err := r.ParseMultipartForm(maxUpload); err != nil { // #nosec G120 -- the body is already limited by MaxBytesReader above
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return http.StatusRequestEntityTooLarge, &apiError{Type: "invalid_request_error", Param: param("file"),
				Message: "Maximum content size limit (26214400) exceeded."}
		}
		return http.StatusBadRequest, &apiError{Type: "invalid_request_error", Message: "Could not parse multipart form"}
	}
	entry.Model = r.FormValue("model")
	entry.ResponseFormat = r.FormValue("response_format")
	if entry.ResponseFormat == "" {
		entry.ResponseFormat = "json"
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return http.StatusBadRequest, &apiError{Type: "invalid_request_error", Param: param("file"),
			Message: "1 validation error for Request\nbody -> file\n  field required (type=value_error.missing)"}
	}
	defer file.Close()
	data, _ := io.ReadAll(file)
	entry.Filename, entry.AudioBytes = hdr.Filename, len(data)
	if entry.Model == "" {
		return http.StatusBadRequest, &apiError{Type: "invalid_request_error", Param: param("model"),
			Message: "you must provide a model parameter"}
	}
	switch entry.ResponseFormat {
	case "json", "text", "verbose_json":
	default:
		// srt and vtt exist on the real API; the studio never asks for them.
		return http.StatusBadRequest, &apiError{Type: "invalid_request_error", Param: param("response_format"),
			Message: fmt.Sprintf("Invalid response_format %q: the fake serves json, text and verbose_json", entry.ResponseFormat)}
	}
	kind := sniff(data)
	if kind == "" {
		return http.StatusBadRequest, &apiError{Type: "invalid_request_error", Param: param("file"), Code: "invalid_value",
			Message: "Invalid file format. Supported formats: ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm']"}
	}
	entry.duration = estimateSeconds(kind, data)
	return 0, nil
}

// sniff names the container of data by its magic bytes, "" when it is not
// audio the real API takes.
func sniff(data []byte) string {
	switch {
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WAVE":
		return "wav"
	case bytes.HasPrefix(data, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		return "webm"
	case bytes.HasPrefix(data, []byte("OggS")):
		return "ogg"
	case bytes.HasPrefix(data, []byte("fLaC")):
		return "flac"
	case bytes.HasPrefix(data, []byte("ID3")), len(data) > 2 && data[0] == 0xFF && data[1]&0xE0 == 0xE0:
		return "mp3"
	case len(data) >= 8 && string(data[4:8]) == "ftyp":
		return "mp4"
	}
	return ""
}

// estimateSeconds is a WAV's true length, or for compressed audio a guess
// at Opus voice bitrate (32 kbit/s), which is all a fake needs to report.
func estimateSeconds(kind string, data []byte) float64 {
	if kind == "wav" && len(data) >= 44 {
		byteRate := binary.LittleEndian.Uint32(data[28:32])
		if byteRate > 0 {
			return float64(len(data)-44) / float64(byteRate)
		}
	}
	return float64(len(data)) / 4000
}
