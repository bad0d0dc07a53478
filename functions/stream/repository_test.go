package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
)

// TestRepositoryContextReachesClaude: a chat's repository context (as
// the github function stores it) goes to Claude after the system prompt,
// as its own block marked for the prompt cache, on every turn; another
// chat of the same user sends none.
func TestRepositoryContextReachesClaude(t *testing.T) {
	s := newStack(t, fakeanthropic.Script{Text: "Seen."})
	fn := s.start()
	userID, chatID, cookie := s.user("alice")
	block := "<repository name=\"alice/app\" ref=\"main\" commit=\"0123456789abcdef0123456789abcdef01234567\">\n<tree>\ngo.mod\nREADME.md\n</tree>\n" +
		"<file path=\"go.mod\">\nmodule example.com/app\n</file>\n<file path=\"README.md\">\n# App\n</file>\n</repository>\n"
	if _, err := s.store.SetRepository(context.Background(), userID, chatID, chatstore.Repository{
		Owner: "alice", Repo: "app", Ref: "main", TokenBudget: 20000, CommitSHA: "0123456789abcdef0123456789abcdef01234567",
		Context: block, Manifest: json.RawMessage(`{}`),
	}); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"What does it do?", "And then?"} {
		if ev := send(t, fn.Client, chatID, cookie, text).rest(t, 10*time.Second); last(ev).str("status") != "complete" {
			t.Fatalf("%q: events %v", text, types(ev))
		}
		reqs := s.fake.Requests()
		sys := reqs[len(reqs)-1].Body.SystemBlocks()
		if len(sys) != 2 || sys[1].Text != block || !sys[1].Cached {
			t.Fatalf("%q: system blocks %+v, want the prompt then the repository context, cached", text, sys)
		}
		for _, name := range []string{`<file path="go.mod">`, `<file path="README.md">`} {
			if !strings.Contains(sys[1].Text, name) {
				t.Fatalf("context lacks %s", name)
			}
		}
	}
	other := s.chat(userID)
	if ev := send(t, fn.Client, other, cookie, "Hi").rest(t, 10*time.Second); last(ev).str("status") != "complete" {
		t.Fatalf("other chat: events %v", types(ev))
	}
	reqs := s.fake.Requests()
	if sys := reqs[len(reqs)-1].Body.SystemBlocks(); len(sys) != 1 {
		t.Fatalf("a chat without a repository sent %d system blocks", len(sys))
	}
}
