package listing

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/session"
)

func TestChatItems(t *testing.T) {
	const chat = "0190a3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d"
	tests := []struct {
		name     string
		chatID   string
		items    []string
		listErr  error
		wantCode int
		wantBody string
	}{
		{"items", chat, []string{"a", "b"}, nil, http.StatusOK, `{"things":["a","b"]}`},
		{"none is an empty array", chat, nil, nil, http.StatusOK, `{"things":[]}`},
		{"malformed chat id", "nope", nil, nil, http.StatusBadRequest, ""},
		{"store refuses", chat, nil, apperr.New(apperr.NotFound, "chat not found"), http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotUser, gotChat string
			h := ChatItems("things", func(_ context.Context, userID, chatID string) ([]string, error) {
				gotUser, gotChat = userID, chatID
				return tt.items, tt.listErr
			})
			mux := http.NewServeMux()
			mux.Handle("GET /chats/{id}/things", apperr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
				return h(w, r, session.User{ID: "user-1"})
			}))
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/chats/"+tt.chatID+"/things", nil))
			if rec.Code != tt.wantCode {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.wantCode, rec.Body)
			}
			if tt.wantBody == "" {
				var e struct{ Error struct{ Code string } }
				if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" {
					t.Fatalf("body %s is not an error", rec.Body)
				}
				return
			}
			if got := rec.Body.String(); got != tt.wantBody+"\n" {
				t.Fatalf("body %q, want %q", got, tt.wantBody)
			}
			if gotUser != "user-1" || gotChat != chat {
				t.Fatalf("listed for user %q chat %q", gotUser, gotChat)
			}
		})
	}
}
