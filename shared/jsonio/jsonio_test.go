package jsonio_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/jsonio"
)

type target struct {
	Title   *string        `json:"title"`
	Count   int            `json:"count"`
	Pinned  bool           `json:"pinned"`
	Tags    []string       `json:"tags"`
	Options map[string]any `json:"options"`
	Inner   struct {
		Name string `json:"name"`
	} `json:"inner"`
}

// TestDecode pins the error each malformed body gets: the code, the field
// and the exact message, since clients show them. The cases that depend
// on encoding/json's own error wording (unknown field, type errors) break
// here first if a Go release changes it.
func TestDecode(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		max         int64
		wantCode    apperr.Code
		wantField   string
		wantMessage string
	}{
		{name: "valid", body: `{"title":"a","count":2,"tags":["x"],"inner":{"name":"n"}}`},
		{name: "valid with charset", contentType: "application/json; charset=utf-8", body: `{"count":1}`},
		{name: "no content type", contentType: "-", body: `{"count":1}`},
		{name: "wrong content type", contentType: "text/plain", body: `{"count":1}`,
			wantCode: apperr.UnsupportedMediaType, wantMessage: "Content-Type must be application/json"},
		{name: "empty body", body: ``,
			wantCode: apperr.Invalid, wantMessage: "request body is empty"},
		{name: "syntax error", body: `{"count":}`,
			wantCode: apperr.Invalid, wantMessage: "request body is not valid JSON"},
		{name: "truncated", body: `{"count":1`,
			wantCode: apperr.Invalid, wantMessage: "request body is not valid JSON"},
		{name: "trailing data", body: `{"count":1} {"count":2}`,
			wantCode: apperr.Invalid, wantMessage: "request body must hold a single JSON value"},
		{name: "trailing garbage", body: `{"count":1}x`,
			wantCode: apperr.Invalid, wantMessage: "request body must hold a single JSON value"},
		{name: "unknown field", body: `{"colour":"red"}`,
			wantCode: apperr.Invalid, wantField: "colour", wantMessage: "colour: unknown field"},
		{name: "string for number", body: `{"count":"2"}`,
			wantCode: apperr.Invalid, wantField: "count", wantMessage: "count: must be a number"},
		{name: "number for string", body: `{"title":2}`,
			wantCode: apperr.Invalid, wantField: "title", wantMessage: "title: must be a string"},
		{name: "string for bool", body: `{"pinned":"yes"}`,
			wantCode: apperr.Invalid, wantField: "pinned", wantMessage: "pinned: must be a boolean"},
		{name: "object for array", body: `{"tags":{}}`,
			wantCode: apperr.Invalid, wantField: "tags", wantMessage: "tags: must be an array"},
		{name: "array for object", body: `{"options":[]}`,
			wantCode: apperr.Invalid, wantField: "options", wantMessage: "options: must be an object"},
		{name: "nested field", body: `{"inner":{"name":1}}`,
			wantCode: apperr.Invalid, wantField: "inner.name", wantMessage: "inner.name: must be a string"},
		{name: "array for the whole body", body: `[]`,
			wantCode: apperr.Invalid, wantField: "body", wantMessage: "body: must be an object"},
		{name: "too large", body: `{"title":"` + strings.Repeat("x", 100) + `"}`, max: 50,
			wantCode: apperr.TooLarge, wantMessage: "request body is larger than 50 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			switch tt.contentType {
			case "":
				r.Header.Set("Content-Type", "application/json")
			case "-":
			default:
				r.Header.Set("Content-Type", tt.contentType)
			}
			var v target
			err := jsonio.Decode(httptest.NewRecorder(), r, &v, tt.max)
			if tt.wantCode == "" {
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				return
			}
			e, ok := err.(*apperr.Error)
			if !ok {
				t.Fatalf("Decode = %T %v, want *apperr.Error", err, err)
			}
			if e.Code != tt.wantCode || e.Field != tt.wantField || e.Message != tt.wantMessage {
				t.Fatalf("Decode = {%s %q %q}, want {%s %q %q}", e.Code, e.Field, e.Message, tt.wantCode, tt.wantField, tt.wantMessage)
			}
		})
	}
}

func TestWrite(t *testing.T) {
	rec := httptest.NewRecorder()
	jsonio.Write(rec, http.StatusCreated, map[string]int{"n": 1})
	if rec.Code != http.StatusCreated || rec.Header().Get("Content-Type") != "application/json" ||
		rec.Header().Get("Cache-Control") != "no-store" || rec.Body.String() != "{\"n\":1}\n" {
		t.Fatalf("%d %v %q", rec.Code, rec.Header(), rec.Body)
	}
}
