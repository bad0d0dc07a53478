package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
)

// post sends a message request body and returns the open event stream.
func post(t *testing.T, c *http.Client, chatID string, cookie *http.Cookie, body map[string]string) *sseStream {
	t.Helper()
	b, _ := json.Marshal(body)
	resp := do(t, c, http.MethodPost, "/api/chats/"+chatID+"/messages", cookie, string(b))
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("post %v: %d %s", body, resp.StatusCode, msg)
	}
	s := openSSE(resp)
	t.Cleanup(s.close)
	return s
}

// lastTurns is what the model was last sent, as "role:text".
func lastTurns(fake *fakeanthropic.Server) []string {
	reqs := fake.Requests()
	var out []string
	for _, m := range reqs[len(reqs)-1].Body.Messages {
		out = append(out, m.Role+":"+m.Text)
	}
	return out
}

// TestEditAndRegenerateMakeSiblings: regenerating an answer and editing a
// message keep what was there as a sibling; the model sees only the branch
// it continues.
func TestEditAndRegenerateMakeSiblings(t *testing.T) {
	s := newStack(t, fakeanthropic.Script{Text: "answer"})
	fn := s.start()
	userID, chatID, cookie := s.user("alice")
	ctx := context.Background()
	send(t, fn.Client, chatID, cookie, "q1").rest(t, 10*time.Second)
	send(t, fn.Client, chatID, cookie, "q2").rest(t, 10*time.Second)
	msgs := s.messages(userID, chatID)
	q2, a2 := msgs[2], msgs[3]

	// Regenerate the answer to q2: no new user message, the same context.
	events := post(t, fn.Client, chatID, cookie, map[string]string{"regenerate_of": a2.ID}).rest(t, 10*time.Second)
	if events[0].str("user_message_id") != q2.ID || last(events).str("status") != "complete" {
		t.Fatalf("regenerate: %v … %v", events[0].Data, last(events).Data)
	}
	if got := lastTurns(s.fake); !slices.Equal(got, []string{"user:q1", "assistant:answer", "user:q2"}) {
		t.Fatalf("regenerate sent %q", got)
	}
	page, _ := s.store.ListMessages(ctx, userID, chatID, chatstore.MessageQuery{})
	if n := len(page.Messages); n != 4 || len(page.Messages[3].SiblingIDs) != 2 || page.Messages[3].SiblingIDs[0] != a2.ID {
		t.Fatalf("after regenerate: %+v", page.Messages)
	}

	// Edit q2: a sibling of q2 answered with only q1's exchange as context.
	events = post(t, fn.Client, chatID, cookie, map[string]string{"content": "q2 edited", "edit_of": q2.ID}).rest(t, 10*time.Second)
	if last(events).str("status") != "complete" {
		t.Fatalf("edit ended %v", last(events).Data)
	}
	if got := lastTurns(s.fake); !slices.Equal(got, []string{"user:q1", "assistant:answer", "user:q2 edited"}) {
		t.Fatalf("edit sent %q", got)
	}
	page, _ = s.store.ListMessages(ctx, userID, chatID, chatstore.MessageQuery{})
	if len(page.Messages) != 4 || page.Messages[2].Content != "q2 edited" || len(page.Messages[2].SiblingIDs) != 2 {
		t.Fatalf("after edit: %+v", page.Messages)
	}
	// Edit the first message: a new root, with no context before it.
	post(t, fn.Client, chatID, cookie, map[string]string{"content": "q1 edited", "edit_of": msgs[0].ID}).rest(t, 10*time.Second)
	if got := lastTurns(s.fake); !slices.Equal(got, []string{"user:q1 edited"}) {
		t.Fatalf("root edit sent %q", got)
	}
	all, _ := s.store.AllMessages(ctx, userID, chatID)
	if len(all) != 9 {
		t.Fatalf("%d messages stored; nothing may be lost", len(all))
	}

	other := s.chat(userID)
	tests := []struct {
		name   string
		body   string
		status int
		field  string
	}{
		{"regenerate a user message", `{"regenerate_of":"` + q2.ID + `"}`, 400, "regenerate_of"},
		{"edit an answer", `{"content":"x","edit_of":"` + a2.ID + `"}`, 400, "edit_of"},
		{"regenerate with content", `{"content":"x","regenerate_of":"` + a2.ID + `"}`, 400, "content"},
		{"both", `{"content":"x","edit_of":"` + q2.ID + `","regenerate_of":"` + a2.ID + `"}`, 400, "regenerate_of"},
		{"malformed id", `{"content":"x","edit_of":"nope"}`, 400, "edit_of"},
		{"edit without content", `{"edit_of":"` + q2.ID + `"}`, 400, "content"},
		{"message of another chat", `{"regenerate_of":"` + a2.ID + `"}`, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chat := chatID
			if tt.status == 404 {
				chat = other
			}
			resp := do(t, fn.Client, http.MethodPost, "/api/chats/"+chat+"/messages", cookie, tt.body)
			e := errorBody(t, resp)
			if resp.StatusCode != tt.status || tt.field != "" && e["field"] != tt.field {
				t.Fatalf("%d %v", resp.StatusCode, e)
			}
		})
	}
	if all, _ := s.store.AllMessages(ctx, userID, chatID); len(all) != 9 {
		t.Fatalf("a refused request stored messages: %d", len(all))
	}
}

// TestWebSocketEditAndRegenerate: the WebSocket's send takes edit_of and
// regenerate_of as the HTTP send does, with the same refusals (as error
// frames naming the field).
func TestWebSocketEditAndRegenerate(t *testing.T) {
	s := newStack(t, fakeanthropic.Script{Text: "answer"})
	fn := s.start()
	userID, chatID, cookie := s.user("alice")
	ctx := context.Background()
	send(t, fn.Client, chatID, cookie, "q1").rest(t, 10*time.Second)
	msgs := s.messages(userID, chatID)
	q1, a1 := msgs[0], msgs[1]
	w := connect(t, fn, cookie)

	w.command(t, map[string]any{"type": "send", "chat_id": chatID, "regenerate_of": a1.ID})
	frames := w.untilDone(t)
	if dataOf(frames[0])["user_message_id"] != q1.ID || dataOf(frames[len(frames)-1])["status"] != "complete" {
		t.Fatalf("regenerate: %v … %v", frames[0], frames[len(frames)-1])
	}
	if got := lastTurns(s.fake); !slices.Equal(got, []string{"user:q1"}) {
		t.Fatalf("regenerate sent %q", got)
	}
	w.command(t, map[string]any{"type": "send", "chat_id": chatID, "content": "q1 edited", "edit_of": q1.ID})
	if f := w.untilDone(t); dataOf(f[len(f)-1])["status"] != "complete" {
		t.Fatalf("edit ended %v", f[len(f)-1])
	}
	page, _ := s.store.ListMessages(ctx, userID, chatID, chatstore.MessageQuery{})
	if len(page.Messages) != 2 || page.Messages[0].Content != "q1 edited" || len(page.Messages[0].SiblingIDs) != 2 {
		t.Fatalf("after edit: %+v", page.Messages)
	}

	tests := []struct {
		name  string
		cmd   map[string]any
		code  string
		field string
	}{
		{"regenerate a user message", map[string]any{"regenerate_of": q1.ID}, "invalid_argument", "regenerate_of"},
		{"regenerate with content", map[string]any{"content": "x", "regenerate_of": a1.ID}, "invalid_argument", "content"},
		{"both", map[string]any{"content": "x", "edit_of": q1.ID, "regenerate_of": a1.ID}, "invalid_argument", "regenerate_of"},
		{"malformed id", map[string]any{"content": "x", "edit_of": "nope"}, "invalid_argument", "edit_of"},
		{"edit without content", map[string]any{"edit_of": q1.ID}, "invalid_argument", "content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cmd["type"], tt.cmd["chat_id"] = "send", chatID
			w.command(t, tt.cmd)
			f := w.next(t)
			if f["type"] != "error" || f["code"] != tt.code || f["field"] != tt.field || f["chat_id"] != chatID {
				t.Fatalf("frame %v", f)
			}
		})
	}
	if all, _ := s.store.AllMessages(ctx, userID, chatID); len(all) != 5 {
		t.Fatalf("%d messages stored, want 5: a refused send stored some, or one was lost", len(all))
	}
}
