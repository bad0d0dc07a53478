package api

import (
	"context"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/chatstore"
)

// TestBranches: the list shows the chosen branch with each message's
// siblings; the choice is made over the API and kept; the exports keep
// every branch.
func TestBranches(t *testing.T) {
	e := newEnv(t)
	alice := e.SignIn("alice")
	f := e.fixture(alice, "Branches")
	ctx := context.Background()
	// A regenerated answer to the last question, and an edit of it.
	regen, err := e.store.InsertMessageAfter(ctx, alice, f.chat.ID, f.messages[2].ID, chatstore.RoleAssistant, "Per continent.", chatstore.StatusComplete)
	if err != nil {
		t.Fatal(err)
	}
	edit, _ := e.store.InsertMessageAfter(ctx, alice, f.chat.ID, f.messages[1].ID, chatstore.RoleUser, "And the queue?", chatstore.StatusComplete)
	base := "/api/chats/" + f.chat.ID

	type page struct{ Messages []chatstore.Message }
	list := func() (contents []string, sibs [][]string) {
		var p page
		e.Do("GET", base+"/messages", alice, "").JSON(t, &p)
		for _, m := range p.Messages {
			contents = append(contents, m.Content)
			sibs = append(sibs, m.SiblingIDs)
		}
		return
	}
	steps := []struct {
		name      string
		pick      string // "" keeps the current choice
		want      string
		wantSibs2 int // siblings of the third message
	}{
		{"the newest message is shown", "", "How should we shard?|By tenant.|And the queue?", 2},
		{"the first question again, with its newest answer", f.messages[2].ID, "How should we shard?|By tenant.|And the cache?|Per continent.", 2},
		{"the first answer", f.messages[3].ID, "How should we shard?|By tenant.|And the cache?|Per region.", 2},
		{"the edit", edit.ID, "How should we shard?|By tenant.|And the queue?", 2},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.pick != "" {
				if resp := e.Do("PUT", base+"/branch", alice, `{"message_id":"`+st.pick+`"}`); resp.Status != 204 {
					t.Fatalf("select: %d %s", resp.Status, resp.Body)
				}
			}
			got, sibs := list()
			if strings.Join(got, "|") != st.want || len(sibs[2]) != st.wantSibs2 || len(sibs[0]) != 1 {
				t.Fatalf("shown %q, siblings %v", got, sibs)
			}
		})
	}

	if resp := e.Do("PUT", base+"/branch", alice, `{"message_id":"`+regen.ID+`"}`); resp.Status != 204 {
		t.Fatal(resp.Body)
	}
	md := e.Do("GET", base+"/export?format=md", alice, "").Body
	for _, want := range []string{"And the cache?", "Per continent.", "version 2 of 2"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "Per region.") || strings.Contains(md, "And the queue?") {
		t.Errorf("markdown shows a hidden branch:\n%s", md)
	}
	var doc jsonExport
	e.Do("GET", base+"/export?format=json", alice, "").JSON(t, &doc)
	if len(doc.Messages) != 6 || doc.ActiveLeaf == nil || *doc.ActiveLeaf != regen.ID || doc.Format != "archstudio.chat.v2" {
		t.Fatalf("json export: %d messages, leaf %v", len(doc.Messages), doc.ActiveLeaf)
	}
	for _, m := range doc.Messages {
		if m.ID == edit.ID && (m.ParentID == nil || *m.ParentID != f.messages[1].ID) {
			t.Fatalf("edit's parent %v", m.ParentID)
		}
	}

	// Deleting the shown answer deletes only it; the other one is shown.
	if resp := e.Do("DELETE", base+"/messages/"+regen.ID, alice, ""); resp.Status != 204 {
		t.Fatal(resp.Body)
	}
	if got, _ := list(); strings.Join(got, "|") != "How should we shard?|By tenant.|And the cache?|Per region." {
		t.Fatalf("after delete %q", got)
	}
}

// TestSearch: message content is searched with highlighted matches.
func TestSearch(t *testing.T) {
	e := newEnv(t)
	alice := e.SignIn("alice")
	f := e.fixture(alice, "Sharding plan")
	var res struct{ Results []chatstore.SearchHit }
	e.Do("GET", "/api/chats/search?q=sharding", alice, "").JSON(t, &res)
	if len(res.Results) != 1 {
		t.Fatalf("results %+v", res.Results)
	}
	h := res.Results[0]
	if h.ChatID != f.chat.ID || h.ChatTitle != "Sharding plan" || h.MessageID != f.messages[0].ID || h.Role != "user" {
		t.Fatalf("hit %+v", h)
	}
	var marked []string
	for _, p := range h.Snippet {
		if p.Match {
			marked = append(marked, p.Text)
		}
	}
	if strings.Join(marked, ",") != "shard" {
		t.Fatalf("snippet %+v", h.Snippet)
	}
	e.Do("GET", "/api/chats/search?q=nothing+like+it", alice, "").JSON(t, &res)
	if len(res.Results) != 0 {
		t.Fatalf("no-match results %+v", res.Results)
	}
}

// TestBranchChoiceSurvivesSwitching: over the API, an older answer chosen
// inside the first question's branch is shown again after switching to the
// edited question and back, and on a fresh read of the chat (a reload).
func TestBranchChoiceSurvivesSwitching(t *testing.T) {
	e := newEnv(t)
	alice := e.SignIn("alice")
	f := e.fixture(alice, "Branch choice")
	ctx := context.Background()
	// f: "How should we shard?" ─ "By tenant." ─ "And the cache?" ─ "Per region.";
	// a regenerated answer to "And the cache?", and an edit of it.
	if _, err := e.store.InsertMessageAfter(ctx, alice, f.chat.ID, f.messages[2].ID, chatstore.RoleAssistant, "Per continent.", chatstore.StatusComplete); err != nil {
		t.Fatal(err)
	}
	edit, err := e.store.InsertMessageAfter(ctx, alice, f.chat.ID, f.messages[1].ID, chatstore.RoleUser, "And the queue?", chatstore.StatusComplete)
	if err != nil {
		t.Fatal(err)
	}
	base := "/api/chats/" + f.chat.ID
	shown := func() string {
		var p struct{ Messages []chatstore.Message }
		e.Do("GET", base+"/messages", alice, "").JSON(t, &p)
		var out []string
		for _, m := range p.Messages {
			out = append(out, m.Content)
		}
		return strings.Join(out, "|")
	}
	steps := []struct{ name, pick, want string }{
		{"the cache question, with its newest answer", f.messages[2].ID, "How should we shard?|By tenant.|And the cache?|Per continent."},
		{"its older answer", f.messages[3].ID, "How should we shard?|By tenant.|And the cache?|Per region."},
		{"away to the edit", edit.ID, "How should we shard?|By tenant.|And the queue?"},
		{"back to the cache question: the older answer again", f.messages[2].ID, "How should we shard?|By tenant.|And the cache?|Per region."},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if resp := e.Do("PUT", base+"/branch", alice, `{"message_id":"`+st.pick+`"}`); resp.Status != 204 {
				t.Fatalf("select: %d %s", resp.Status, resp.Body)
			}
			if got := shown(); got != st.want {
				t.Fatalf("shown %q, want %q", got, st.want)
			}
		})
	}
}
