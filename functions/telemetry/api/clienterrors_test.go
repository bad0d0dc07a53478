package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sethvargo/go-limiter/memorystore"

	"github.com/archstudio/studio/functions/telemetry/api"
	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/logging"
	"github.com/archstudio/studio/shared/testkit"
)

const secret = "gho_abcdefghijklmnopqrstuvwxyz0123456789"

func TestClientErrors(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantCode   string
		wantLog    []string
		notInLog   []string
	}{
		{
			name:       "report is logged sanitized",
			body:       `{"message":"TypeError: x is undefined token ` + secret + `","stack":"at f (app.js:1)","url":"http://localhost:8080/chats/1?code=abc&state=def","component_stack":"in Chat"}`,
			wantStatus: http.StatusNoContent,
			wantLog:    []string{"client error", "TypeError: x is undefined", `"page":"/chats/1"`, "[redacted]", "in Chat"},
			notInLog:   []string{secret, "code=abc", "state=def"},
		},
		{"message required", `{"stack":"x"}`, http.StatusBadRequest, "invalid_argument", nil, nil},
		{"unknown field", `{"message":"m","cookie":"x"}`, http.StatusBadRequest, "invalid_argument", nil, nil},
		{"not JSON", `message`, http.StatusBadRequest, "invalid_argument", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			h := newHandler(t, &logs, 100)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, post(tt.body))
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d: %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if tt.wantCode != "" {
				if got := errorCode(t, rec); got != tt.wantCode {
					t.Errorf("code = %q, want %q", got, tt.wantCode)
				}
			}
			for _, s := range tt.wantLog {
				if !strings.Contains(logs.String(), s) {
					t.Errorf("log lacks %q:\n%s", s, logs.String())
				}
			}
			for _, s := range tt.notInLog {
				if strings.Contains(logs.String(), s) {
					t.Errorf("log holds %q:\n%s", s, logs.String())
				}
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	h := newHandler(t, &bytes.Buffer{}, 2)
	for i, want := range []int{http.StatusNoContent, http.StatusNoContent, http.StatusTooManyRequests} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, post(`{"message":"boom"}`))
		if rec.Code != want {
			t.Fatalf("request %d: status = %d, want %d", i+1, rec.Code, want)
		}
		if want == http.StatusTooManyRequests {
			if rec.Header().Get("Retry-After") == "" || errorCode(t, rec) != "rate_limited" {
				t.Fatalf("429 without Retry-After or code: %v %s", rec.Header(), rec.Body)
			}
		}
	}
}

func newHandler(t *testing.T, logs *bytes.Buffer, perMinute uint64) http.Handler {
	t.Helper()
	store, err := memorystore.New(&memorystore.Config{Tokens: perMinute, Interval: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close(context.Background()) })
	return testkit.ContractHandler(t, bootstrap.Wrap(logging.New(logs, "info"), bootstrap.Browser{Origins: []string{testkit.StudioOrigin}}, api.New(api.Deps{Limiter: store})))
}

func post(body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/api/client-errors", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	return r
}

func errorCode(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var body struct {
		Error struct{ Code string } `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("error body %q: %v", rec.Body, err)
	}
	return body.Error.Code
}
