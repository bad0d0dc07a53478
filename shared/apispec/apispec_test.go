package apispec

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		method, path string
		want         bool
	}{
		{"GET", "/api/chats", true},
		{"POST", "/api/chats/7d8b6e1c-1f7a-4c1e-9a57-3c1f0d2b9a10/messages", true},
		{"GET", "/api/chats/7d8b6e1c-1f7a-4c1e-9a57-3c1f0d2b9a10/artifacts/app/versions", true},
		{"PUT", "/api/chats", false},
		{"GET", "/api/nope", false},
	} {
		if got := c.HasOperation(httptest.NewRequest(tt.method, tt.path, nil)); got != tt.want {
			t.Errorf("HasOperation(%s %s) = %v, want %v", tt.method, tt.path, got, tt.want)
		}
	}
}

func response(status int, contentType, body string) *http.Response {
	rec := httptest.NewRecorder()
	if contentType != "" {
		rec.Header().Set("Content-Type", contentType)
	}
	rec.WriteHeader(status)
	rec.WriteString(body)
	return rec.Result()
}

// TestValidateResponse shows the contract failing responses that break
// it: an unknown field, a wrong type, a missing nullable, an undeclared
// status, a non-error body on an error status.
func TestValidateResponse(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	const chat = `{"id":"7d8b6e1c-1f7a-4c1e-9a57-3c1f0d2b9a10","title":"t","created_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z"`
	const user = `{"id":"7d8b6e1c-1f7a-4c1e-9a57-3c1f0d2b9a10","login":"octo","avatar_url":"","scopes":[],"limits":{"daily_calls":1,"daily_tokens":2}`
	tests := []struct {
		name, method, path string
		status             int
		body               string
		wantErr            string // "" when valid
	}{
		{"chat", "GET", "/api/chats/7d8b6e1c-1f7a-4c1e-9a57-3c1f0d2b9a10", 200, chat + `}`, ""},
		{"extra field", "GET", "/api/chats/7d8b6e1c-1f7a-4c1e-9a57-3c1f0d2b9a10", 200, chat + `,"secret":1}`, "secret"},
		{"wrong type", "GET", "/api/chats/7d8b6e1c-1f7a-4c1e-9a57-3c1f0d2b9a10", 200, strings.Replace(chat, `"t"`, `7`, 1) + `}`, "title"},
		{"email null", "GET", "/api/auth/me", 200, user + `,"email":null}`, ""},
		{"email string", "GET", "/api/auth/me", 200, user + `,"email":"a@b.c"}`, ""},
		{"email missing", "GET", "/api/auth/me", 200, user + `}`, "email"},
		{"undeclared status", "GET", "/api/chats/7d8b6e1c-1f7a-4c1e-9a57-3c1f0d2b9a10", 418, `{"error":{"code":"internal","message":"x"}}`, "418"},
		{"error", "GET", "/api/chats/7d8b6e1c-1f7a-4c1e-9a57-3c1f0d2b9a10", 404, `{"error":{"code":"not_found","message":"chat not found","request_id":"r"}}`, ""},
		{"error not wrapped", "GET", "/api/chats/7d8b6e1c-1f7a-4c1e-9a57-3c1f0d2b9a10", 404, `{"code":"not_found","message":"chat not found"}`, "error"},
		{"unknown code", "GET", "/api/chats/7d8b6e1c-1f7a-4c1e-9a57-3c1f0d2b9a10", 404, `{"error":{"code":"gone","message":"x"}}`, "code"},
		{"quota", "POST", "/api/chats/7d8b6e1c-1f7a-4c1e-9a57-3c1f0d2b9a10/messages", 429, `{"error":{"code":"quota_exceeded","message":"m","resource":"tokens","limit":5,"used":5,"resets_at":"2026-01-03T00:00:00Z"}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, nil)
			err := c.ValidateResponse(req, response(tt.status, "application/json", tt.body))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("valid response refused: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("response accepted, want an error about %s", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("error %v does not mention %s", err, tt.wantErr)
			}
		})
	}
}

func TestValidateStreamPayloads(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	const chat = `"chat_id":"7d8b6e1c-1f7a-4c1e-9a57-3c1f0d2b9a10"`
	tests := []struct {
		name, typ, payload string
		valid              bool
	}{
		{"delta", "delta", `{"text":"hi"}`, true},
		{"delta extra", "delta", `{"text":"hi","x":1}`, false},
		{"done", "done", `{"status":"stopped"}`, true},
		{"done bad status", "done", `{"status":"streaming"}`, false},
		{"unknown type", "ping", `{}`, false},
		{"ws event", "", `{"type":"delta",` + chat + `,"event_id":"1-0","data":{"text":"hi"}}`, true},
		{"ws artifact_start", "", `{"type":"artifact_start",` + chat + `,"event_id":"1-0","data":{"identifier":"a","type":"text/html","title":"","language":"","version":1}}`, true},
		{"ws event wrong data", "", `{"type":"usage",` + chat + `,"event_id":"1-0","data":{"text":"hi"}}`, false},
		{"ws error", "", `{"type":"error",` + chat + `,"code":"invalid_argument","message":"m","field":"content"}`, true},
		{"ws error extra", "", `{"type":"error","code":"conflict","message":"m","stack":"x"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.typ != "" {
				err = c.ValidateStreamEvent(tt.typ, []byte(tt.payload))
			} else {
				err = c.ValidateWSFrame([]byte(tt.payload))
			}
			if (err == nil) != tt.valid {
				t.Fatalf("valid=%v, err=%v", tt.valid, err)
			}
		})
	}
}
