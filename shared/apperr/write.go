package apperr

import (
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"

	"github.com/archstudio/studio/shared/logging"
	"github.com/archstudio/studio/shared/requestid"
)

// Body is the wire form of every error response:
// {"error":{"code":…,"message":…,"request_id":…}}.
type Body struct {
	Error map[string]any `json:"error"`
}

// Write sends err as the JSON error body with the status its code maps to.
// Errors that are not *Error become a generic 500; their text is logged, not
// sent. 5xx errors are logged at error level with the cause.
func Write(w http.ResponseWriter, r *http.Request, err error) {
	e, obj := Object(err)
	status := Status(e.Code)
	if status >= 500 {
		logging.FromContext(r.Context()).ErrorContext(r.Context(), "request failed",
			slog.String("code", string(e.Code)), slog.Any("error", err))
	}
	if id := requestid.FromContext(r.Context()); id != "" {
		obj["request_id"] = id
	}
	if s := e.RetryAfterSeconds(); s > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(s))
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(Body{Error: obj})
}

// Object returns err as *Error (a generic internal error when it is not
// one, its text kept for the log only; unavailable when an outage caused
// it, see Outage) and the members of its JSON error object: its details,
// code, message and field. Write sends it over HTTP; the stream function
// sends it as a WebSocket error frame.
func Object(err error) (*Error, map[string]any) {
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Code: Internal, Message: "internal error", Err: err}
	}
	if e.Code == Internal && Outage(err) {
		e = outage(err)
	}
	if e.Code == Unavailable && e.RetryAfter <= 0 {
		// Every 503 says when to try again.
		c := *e
		c.RetryAfter = OutageRetryAfter
		e = &c
	}
	obj := make(map[string]any, len(e.Details)+5)
	for k, v := range e.Details {
		obj[k] = v
	}
	obj["code"] = e.Code
	obj["message"] = e.Message
	if e.Field != "" {
		obj["field"] = e.Field
	}
	return e, obj
}

// RetryAfterSeconds is RetryAfter in whole seconds, rounded up, 0 when
// unset: the Retry-After header and a WebSocket error frame's retry_after.
func (e *Error) RetryAfterSeconds() int {
	if e.RetryAfter <= 0 {
		return 0
	}
	return int(math.Ceil(e.RetryAfter.Seconds()))
}

// Recover turns a panic in next into a 500 that leaks nothing, and logs the
// panic value. http.ErrAbortHandler is re-panicked: it is how a handler
// asks net/http to drop the connection.
func Recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				logging.FromContext(r.Context()).ErrorContext(r.Context(), "panic", slog.Any("panic", v))
				Write(w, r, &Error{Code: Internal, Message: "internal error"})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// HandlerFunc is a handler that returns its error instead of writing it.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// ServeHTTP writes the returned error, if any, with Write.
func (f HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := f(w, r); err != nil {
		Write(w, r, err)
	}
}
