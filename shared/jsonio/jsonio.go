// Package jsonio reads JSON request bodies strictly and writes JSON
// responses, turning every decoding failure into an apperr naming the field.
package jsonio

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/archstudio/studio/shared/apperr"
)

// DefaultMaxBody is the body limit when a handler names none: 1 MiB.
const DefaultMaxBody = 1 << 20

// Write sends v as JSON with status. It always writes a status, so a
// Lambda adapter never answers 504 for a handler that forgot one.
//
// The body is encoded whole first and sent with its Content-Length in one
// write: a body of unknown length over 2 KB would go out chunked, in
// several writes, and the router would flush it write by write.
func Write(w http.ResponseWriter, status int, v any) {
	var body []byte
	var err error
	if a, ok := v.(Appender); ok {
		body = a.AppendJSON(make([]byte, 0, 4096))
	} else {
		body, err = json.Marshal(v)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	if err == nil {
		// The newline json.Encoder wrote before: clients may rely on it.
		body = append(body, '\n')
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(status)
	if err == nil {
		_, _ = w.Write(body)
	}
}

// Decode reads one JSON value from r's body into v, rejecting unknown
// fields, trailing data and bodies over maxBytes (DefaultMaxBody when 0).
// It returns *apperr.Error: Invalid naming the field, TooLarge, or
// UnsupportedMediaType for a body declared as something else.
func Decode(w http.ResponseWriter, r *http.Request, v any, maxBytes int64) error {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBody
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return apperr.New(apperr.UnsupportedMediaType, "Content-Type must be application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err, maxBytes)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return apperr.New(apperr.Invalid, "request body must hold a single JSON value")
	}
	return nil
}

func decodeError(err error, maxBytes int64) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		tooBig *http.MaxBytesError
	)
	switch {
	case errors.Is(err, io.EOF):
		return apperr.New(apperr.Invalid, "request body is empty")
	case errors.As(err, &tooBig):
		return apperr.New(apperr.TooLarge, "request body is larger than %d bytes", maxBytes)
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.New(apperr.Invalid, "request body is not valid JSON")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return apperr.InvalidField(field, "must be %s", describeType(typ.Type.Kind().String()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apperr.InvalidField(field, "unknown field")
	}
	return apperr.Wrap(err, apperr.Invalid, "request body could not be read")
}

func describeType(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "struct", "map":
		return "an object"
	case "slice", "array":
		return "an array"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "a number"
	}
	return "of type " + kind
}
