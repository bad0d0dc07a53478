package api

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/chatstore"
)

// TestChatListJSON checks the list's own encoder writes what encoding/json
// writes for the same value, so the hand-written path cannot drift from
// the struct tags (a field added to chatstore.Chat fails here).
func TestChatListJSON(t *testing.T) {
	at := time.Date(2026, 11, 29, 6, 15, 1, 120000000, time.UTC)
	next := "MjAyNi0xMS0yOVQwNjoxNTowMS4xMloK"
	full := chatstore.Chat{ID: "0b7a3b1e-6c2f-4d7e-9a55-3c1f0e2d4b6a", Title: `<Tower> "B" & \ café`, CreatedAt: at, UpdatedAt: at.Add(time.Hour)}
	// Every field set, so a field the encoder forgets differs.
	var probe map[string]any
	raw, _ := json.Marshal(full)
	if err := json.Unmarshal(raw, &probe); err != nil || len(probe) != 4 {
		t.Fatalf("chatstore.Chat has %d JSON fields (%s); teach chatList.AppendJSON the new ones", len(probe), raw)
	}
	for _, tt := range []struct {
		name string
		list chatList
	}{
		{"empty, last page", chatList{Chats: []chatstore.Chat{}}},
		{"one, more to come", chatList{Chats: []chatstore.Chat{full}, NextCursor: &next}},
		{"several", chatList{Chats: []chatstore.Chat{full, {ID: "x", Title: "", CreatedAt: at, UpdatedAt: at}, full}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want, err := json.Marshal(tt.list)
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.list.AppendJSON(nil); string(got) != string(want) {
				t.Fatalf("AppendJSON:\n%s\nencoding/json:\n%s", got, want)
			}
		})
	}
}
