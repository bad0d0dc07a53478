package testkit

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// recordingTB keeps what a contract check reports instead of failing.
type recordingTB struct {
	testing.TB
	errs []string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

const chatID = "7d8b6e1c-1f7a-4c1e-9a57-3c1f0d2b9a10"

const chatJSON = `{"id":"` + chatID + `","title":"t","created_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z"}`

func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// TestContractCatchesBreakingExchanges shows the check every API test
// runs through failing a handler that breaks the contract, and passing
// one that keeps it.
func TestContractCatchesBreakingExchanges(t *testing.T) {
	tests := []struct {
		name         string
		handler      http.HandlerFunc
		method, path string
		body         string
		wantErr      string // "" when the exchange keeps the contract
	}{
		{"keeps it", answer(200, chatJSON), "GET", "/api/chats/" + chatID, "", ""},
		{"extra field", answer(200, strings.Replace(chatJSON, `"t"`, `"t","owner":"x"`, 1)), "GET", "/api/chats/" + chatID, "", "owner"},
		{"missing field", answer(200, `{"id":"`+chatID+`"}`), "GET", "/api/chats/" + chatID, "", "title"},
		{"undeclared status", answer(202, chatJSON), "GET", "/api/chats/" + chatID, "", "202"},
		{"error body not the error shape", answer(404, `{"message":"gone"}`), "GET", "/api/chats/" + chatID, "", "error"},
		{"route not in the contract", answer(200, `{}`), "GET", "/api/secret", "", "not a route"},
		{"unknown route answered 404", answer(404, `{"error":{"code":"not_found","message":"no such route"}}`), "GET", "/api/secret", "", ""},
		{"bad request accepted", answer(201, chatJSON), "POST", "/api/chats", `{"title":7}`, "title"},
		{"bad request refused", answer(400, `{"error":{"code":"invalid_argument","message":"title: must be a string","field":"title"}}`), "POST", "/api/chats", `{"title":7}`, ""},
		{"no content", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }, "DELETE", "/api/chats/" + chatID, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, via := range []string{"handler", "transport"} {
				rec := &recordingTB{TB: t}
				req := NewRequest(tt.method, tt.path, "application/json", tt.body)
				switch via {
				case "handler":
					ContractHandler(rec, tt.handler).ServeHTTP(httptest.NewRecorder(), req)
				case "transport":
					srv := httptest.NewServer(tt.handler)
					defer srv.Close()
					out, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
					out.Header.Set("Content-Type", "application/json")
					resp, err := (&http.Client{Transport: ContractTransport(rec, nil)}).Do(out)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
				}
				got := strings.Join(rec.errs, "\n")
				switch {
				case tt.wantErr == "" && got != "":
					t.Errorf("%s: exchange refused: %s", via, got)
				case tt.wantErr != "" && got == "":
					t.Errorf("%s: exchange passed, want a failure about %q", via, tt.wantErr)
				case tt.wantErr != "" && !strings.Contains(got, tt.wantErr):
					t.Errorf("%s: failure %s does not mention %q", via, got, tt.wantErr)
				}
			}
		})
	}
}

func TestStreamPayloadChecks(t *testing.T) {
	rec := &recordingTB{TB: t}
	StreamEvent(rec, "delta", []byte(`{"text":"hi"}`))
	WSFrame(rec, []byte(`{"type":"done","chat_id":"`+chatID+`","event_id":"1-0","data":{"status":"complete"}}`))
	if len(rec.errs) != 0 {
		t.Fatalf("valid payloads refused: %v", rec.errs)
	}
	StreamEvent(rec, "delta", []byte(`{"text":"hi","debug":true}`))
	WSFrame(rec, []byte(`{"type":"done","chat_id":"`+chatID+`","status":"complete"}`))
	if len(rec.errs) != 2 {
		t.Fatalf("want 2 failures, got %v", rec.errs)
	}
}
