package fakespeech

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// TestWireFormat checks the fake answers as the OpenAI-compatible API
// does: error bodies with exactly message, type, param and code.
func TestWireFormat(t *testing.T) {
	s := Start(t, Options{Transcript: "Hi."})
	form := func(fields map[string]string, file []byte) (string, io.Reader) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for k, v := range fields {
			_ = mw.WriteField(k, v)
		}
		if file != nil {
			p, _ := mw.CreateFormFile("file", "a.webm")
			_, _ = p.Write(file)
		}
		_ = mw.Close()
		return mw.FormDataContentType(), &b
	}
	webm := []byte{0x1A, 0x45, 0xDF, 0xA3, 1, 2, 3}
	tests := []struct {
		name      string
		path      string
		key       string
		ctype     string
		body      io.Reader
		status    int
		wantBody  string // substring
		wantParam any
		wantCode  any
	}{
		{"transcription json", "/v1/audio/transcriptions", s.APIKey, "", nil, 200, `{"text":"Hi."}`, nil, nil},
		{"no key", "/v1/audio/speech", "", "application/json", strings.NewReader(`{}`), 401, "You didn't provide an API key", nil, nil},
		{"wrong key", "/v1/audio/speech", "x", "application/json", strings.NewReader(`{}`), 401, "Incorrect API key", nil, "invalid_api_key"},
		{"speech without input", "/v1/audio/speech", s.APIKey, "application/json", strings.NewReader(`{"model":"m","voice":"alloy"}`), 400, "Missing required parameter: 'input'", "input", "missing_required_parameter"},
		{"speech bad format", "/v1/audio/speech", s.APIKey, "application/json", strings.NewReader(`{"model":"m","voice":"alloy","input":"x","response_format":"ogg"}`), 400, "Supported values", "response_format", "invalid_value"},
		{"speech not json", "/v1/audio/speech", s.APIKey, "application/json", strings.NewReader(`{`), 400, "could not parse the JSON body", nil, nil},
		{"unknown path", "/v1/audio/other", s.APIKey, "application/json", strings.NewReader(`{}`), 404, "Invalid URL", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctype, body := tt.ctype, tt.body
			if body == nil {
				ctype, body = form(map[string]string{"model": "whisper-1"}, webm)
			}
			req, _ := http.NewRequest(http.MethodPost, s.URL+tt.path, body)
			req.Header.Set("Content-Type", ctype)
			if tt.key != "" {
				req.Header.Set("Authorization", "Bearer "+tt.key)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status || !strings.Contains(string(raw), tt.wantBody) {
				t.Fatalf("%d %s", resp.StatusCode, raw)
			}
			if tt.status == 200 {
				return
			}
			var e map[string]map[string]any
			if err := json.Unmarshal(raw, &e); err != nil || len(e) != 1 || len(e["error"]) != 4 {
				t.Fatalf("error body %s", raw)
			}
			if e["error"]["param"] != tt.wantParam || e["error"]["code"] != tt.wantCode || e["error"]["type"] != "invalid_request_error" {
				t.Errorf("error body %s", raw)
			}
		})
	}
	if n := len(s.Requests()); n != len(tests)-1 { // the unknown path is not an endpoint
		t.Errorf("%d requests logged", n)
	}
}
