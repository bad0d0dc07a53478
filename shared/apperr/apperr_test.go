package apperr_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/requestid"
)

func TestStatus(t *testing.T) {
	want := map[apperr.Code]int{
		apperr.Invalid: 400, apperr.Unauthenticated: 401, apperr.Forbidden: 403, apperr.NotFound: 404,
		apperr.MethodNotAllowed: 405, apperr.Conflict: 409, apperr.TooLarge: 413, apperr.RateLimited: 429,
		apperr.QuotaExceeded: 429, apperr.Upstream: 502, apperr.Unavailable: 503, apperr.Internal: 500,
		apperr.CSRFRefused: 403, apperr.UnsupportedMediaType: 415, apperr.Code("no_such_code"): 500,
	}
	for code, status := range want {
		if got := apperr.Status(code); got != status {
			t.Errorf("Status(%q) = %d, want %d", code, got, status)
		}
	}
}

func TestWrite(t *testing.T) {
	tests := []struct {
		name           string
		err            error
		requestID      string
		wantStatus     int
		wantRetryAfter string
		wantBody       map[string]any
	}{
		{
			name: "client error with request id", err: apperr.New(apperr.NotFound, "no such chat"), requestID: "rid-1",
			wantStatus: 404,
			wantBody:   map[string]any{"code": "not_found", "message": "no such chat", "request_id": "rid-1"},
		},
		{
			name: "field and details", err: &apperr.Error{Code: apperr.QuotaExceeded, Message: "daily limit reached", Details: map[string]any{"limit": 3}},
			wantStatus: 429,
			wantBody:   map[string]any{"code": "quota_exceeded", "message": "daily limit reached", "limit": float64(3)},
		},
		{
			name: "invalid field", err: apperr.InvalidField("title", "must be at most %d characters", 200),
			wantStatus: 400,
			wantBody:   map[string]any{"code": "invalid_argument", "message": "title: must be at most 200 characters", "field": "title"},
		},
		{
			name: "Retry-After rounds up to whole seconds", err: &apperr.Error{Code: apperr.Unavailable, Message: "try again", RetryAfter: 1500 * time.Millisecond},
			wantStatus: 503, wantRetryAfter: "2",
			wantBody: map[string]any{"code": "unavailable", "message": "try again"},
		},
		{
			name: "Retry-After below a second is one second", err: &apperr.Error{Code: apperr.RateLimited, Message: "slow down", RetryAfter: time.Millisecond},
			wantStatus: 429, wantRetryAfter: "1",
			wantBody: map[string]any{"code": "rate_limited", "message": "slow down"},
		},
		{
			// The cause of a wrapped error is for the log only.
			name: "wrapped cause not sent; a 503 always has Retry-After", err: apperr.Wrap(errors.New("pq: password authentication failed"), apperr.Unavailable, "database unavailable"),
			wantStatus: 503, wantRetryAfter: "1",
			wantBody: map[string]any{"code": "unavailable", "message": "database unavailable"},
		},
		{
			name: "plain error is a generic 500", err: errors.New("secret internal detail"),
			wantStatus: 500,
			wantBody:   map[string]any{"code": "internal", "message": "internal error"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if tt.requestID != "" {
				r = r.WithContext(requestid.WithID(r.Context(), tt.requestID))
			}
			rec := httptest.NewRecorder()
			apperr.Write(rec, r, tt.err)
			if rec.Code != tt.wantStatus {
				t.Errorf("status %d, want %d", rec.Code, tt.wantStatus)
			}
			if got := rec.Header().Get("Retry-After"); got != tt.wantRetryAfter {
				t.Errorf("Retry-After %q, want %q", got, tt.wantRetryAfter)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			var body struct {
				Error map[string]any `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q: %v", rec.Body, err)
			}
			if !reflect.DeepEqual(body.Error, tt.wantBody) {
				t.Errorf("error object %v, want %v", body.Error, tt.wantBody)
			}
		})
	}
}

func TestHandlerFuncAndRecover(t *testing.T) {
	tests := []struct {
		name string
		h    http.Handler
		want int
	}{
		{"nil error writes nothing more", apperr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			w.WriteHeader(http.StatusNoContent)
			return nil
		}), 204},
		{"returned error is written", apperr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			return apperr.New(apperr.Conflict, "taken")
		}), 409},
		{"panic is a 500", apperr.Recover(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			panic("boom")
		})), 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			tt.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
		})
	}
}

func TestCodeOfAndIs(t *testing.T) {
	wrapped := errors.Join(errors.New("context"), apperr.New(apperr.Forbidden, "no"))
	if apperr.CodeOf(wrapped) != apperr.Forbidden || !apperr.Is(wrapped, apperr.Forbidden) {
		t.Fatalf("CodeOf(%v) = %q", wrapped, apperr.CodeOf(wrapped))
	}
	if apperr.CodeOf(errors.New("x")) != apperr.Internal || apperr.Is(errors.New("x"), apperr.Internal) {
		t.Fatal("a plain error is Internal by CodeOf and carries no code")
	}
}
