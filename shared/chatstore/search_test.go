package chatstore

import (
	"context"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/testkit"
)

// marked renders a snippet with [brackets] around matches.
func marked(parts []SnippetPart) string {
	var b strings.Builder
	for _, p := range parts {
		if p.Match {
			b.WriteString("[" + p.Text + "]")
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// TestSearchMessages: full-text search finds a user's messages on every
// branch, stems words, highlights the matches and never shows another
// user's messages.
func TestSearchMessages(t *testing.T) {
	ctx := context.Background()
	pool := testkit.Pool(t)
	s := New(pool)
	alice := newUser(t, pool, "alice")
	bob := newUser(t, pool, "bob")
	chat, _ := s.CreateChat(ctx, alice, "Queues")
	q, _ := s.InsertMessage(ctx, alice, chat.ID, RoleUser, "Should the billing service use Kafka or SQS?", StatusComplete)
	s.InsertMessage(ctx, alice, chat.ID, RoleAssistant,
		"Use SQS for the billing jobs.\n\n<antArtifact identifier=\"cmp\" type=\"text/markdown\" title=\"Comparison\">| Queue | Ordering |\n| Kafka | partitions |</antArtifact>", StatusComplete)
	// An edit on another branch is found too.
	s.InsertMessageAfter(ctx, alice, chat.ID, "", RoleUser, "Compare queues for invoicing", StatusComplete)
	bobChat, _ := s.CreateChat(ctx, bob, "Bob's")
	s.InsertMessage(ctx, bob, bobChat.ID, RoleUser, "Kafka partitions for bob", StatusComplete)

	tests := []struct {
		name  string
		query string
		want  []string // marked snippets, best first
	}{
		{"a word, stemmed", "queue", []string{"Compare [queues] for invoicing", "Use SQS for the billing jobs. | [Queue] | Ordering | | Kafka | partitions |"}},
		{"two words", "billing kafka", []string{"Should the [billing] service use [Kafka] or SQS?", "Use SQS for the [billing] jobs. | Queue | Ordering | | [Kafka] | partitions |"}},
		{"a phrase", `"billing jobs"`, []string{"Use SQS for the [billing] [jobs]. | Queue | Ordering | | Kafka | partitions |"}},
		{"excluded word", "kafka -partitions", []string{"Should the billing service use [Kafka] or SQS?"}},
		{"no match", "postgres", nil},
		{"only stop words", "the", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := s.SearchMessages(ctx, alice, tt.query, 0)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hits {
				if h.ChatID != chat.ID || h.ChatTitle != "Queues" || h.MessageID == "" {
					t.Fatalf("hit %+v", h)
				}
				got = append(got, marked(h.Snippet))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
	if hits, _ := s.SearchMessages(ctx, alice, "billing", 0); len(hits) != 2 || hits[1].MessageID != q.ID && hits[0].MessageID != q.ID {
		t.Fatalf("billing hits %+v", hits)
	}
	for _, bad := range []string{"", "   ", strings.Repeat("x", MaxSearchLen+1), "a\x00b"} {
		_, err := s.SearchMessages(ctx, alice, bad, 0)
		mustInvalid(t, "query "+bad, "q", err)
	}
}
