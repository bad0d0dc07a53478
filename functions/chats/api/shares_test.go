package api

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/chatstore"
)

// TestShareLinks: a share link opens signed out with the snapshot and
// nothing about its owner, is not indexed, keeps showing the chat as it
// was, is listed for its owner only, and is 404 at once after revoking.
func TestShareLinks(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.SignIn("alice"), e.SignIn("bob")
	f := e.fixture(alice, "Sharding plan")

	resp := e.Do(http.MethodPost, "/api/chats/"+f.chat.ID+"/shares", alice, "")
	if resp.Status != 201 {
		t.Fatalf("share: %d %s", resp.Status, resp.Body)
	}
	var created CreatedShare
	resp.JSON(t, &created)
	if len(created.Token) < 43 || created.Path != "/s/"+created.Token || created.ChatID != f.chat.ID {
		t.Fatalf("created %+v", created)
	}
	// Later messages are not part of the snapshot.
	if _, err := e.store.InsertMessage(context.Background(), alice, f.chat.ID, chatstore.RoleUser, "added after sharing", chatstore.StatusComplete); err != nil {
		t.Fatal(err)
	}

	open := e.Do(http.MethodGet, "/api/shared/"+created.Token, "", "")
	if open.Status != 200 || !strings.Contains(open.Header.Get("X-Robots-Tag"), "noindex") || open.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("signed out: %d %v %s", open.Status, open.Header, open.Body)
	}
	var snap chatstore.Snapshot
	open.JSON(t, &snap)
	if snap.Title != "Sharding plan" || len(snap.Messages) != len(f.messages) || len(snap.Artifacts) != 1 ||
		snap.Artifacts[0].Content != f.artifact.Content {
		t.Fatalf("snapshot %+v", snap)
	}
	for _, leak := range []string{alice, "alice", f.chat.ID, "added after sharing"} {
		if strings.Contains(open.Body, leak) {
			t.Fatalf("the snapshot shows %q", leak)
		}
	}

	tests := []struct {
		name, method, path, user string
		status                   int
	}{
		{"bob cannot share alice's chat", http.MethodPost, "/api/chats/" + f.chat.ID + "/shares", bob, 404},
		{"bob cannot revoke alice's share", http.MethodDelete, "/api/shares/" + created.ID, bob, 404},
		{"anonymous cannot list", http.MethodGet, "/api/shares", "", 401},
		{"anonymous cannot share", http.MethodPost, "/api/chats/" + f.chat.ID + "/shares", "", 401},
		{"a guessed token", http.MethodGet, "/api/shared/" + strings.Repeat("A", 43), "", 404},
		{"a malformed token", http.MethodGet, "/api/shared/x", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if resp := e.Do(tt.method, tt.path, tt.user, ""); resp.Status != tt.status {
				t.Fatalf("%d, want %d: %s", resp.Status, tt.status, resp.Body)
			}
		})
	}

	var list struct {
		Shares []chatstore.Share `json:"shares"`
	}
	e.Do(http.MethodGet, "/api/shares", alice, "").JSON(t, &list)
	if len(list.Shares) != 1 || list.Shares[0].ID != created.ID || strings.Contains(e.Do(http.MethodGet, "/api/shares", alice, "").Body, created.Token) {
		t.Fatalf("alice's shares %+v", list)
	}
	e.Do(http.MethodGet, "/api/shares", bob, "").JSON(t, &list)
	if len(list.Shares) != 0 {
		t.Fatalf("bob sees %+v", list)
	}

	if resp := e.Do(http.MethodDelete, "/api/shares/"+created.ID, alice, ""); resp.Status != 204 {
		t.Fatalf("revoke: %d %s", resp.Status, resp.Body)
	}
	if resp := e.Do(http.MethodGet, "/api/shared/"+created.Token, "", ""); resp.Status != 404 {
		t.Fatalf("after revoke: %d %s", resp.Status, resp.Body)
	}

	// Deleting the chat takes its links with it.
	again := e.Do(http.MethodPost, "/api/chats/"+f.chat.ID+"/shares", alice, "")
	again.JSON(t, &created)
	if err := e.store.DeleteChat(context.Background(), alice, f.chat.ID); err != nil {
		t.Fatal(err)
	}
	if resp := e.Do(http.MethodGet, "/api/shared/"+created.Token, "", ""); resp.Status != 404 {
		t.Fatalf("after deleting the chat: %d", resp.Status)
	}
}
