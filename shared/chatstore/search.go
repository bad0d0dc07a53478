package chatstore

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/ids"
)

// MaxSearchLen bounds a message search query, in characters.
const MaxSearchLen = 200

// Marks that ts_headline puts around each match. Private-use characters
// never meet in architecture prose, so the snippet can be cut into plain
// pieces here and no client has to render markup from the database.
const (
	matchStart = "\ue000"
	matchStop  = "\ue001"
)

// SearchHit is one message that matches a search.
type SearchHit struct {
	ChatID    string    `json:"chat_id"`
	ChatTitle string    `json:"chat_title"`
	MessageID string    `json:"message_id"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	// Snippet is the matching passage, in pieces; Match marks the words
	// that matched.
	Snippet []SnippetPart `json:"snippet"`
}

// SnippetPart is a piece of a snippet.
type SnippetPart struct {
	Text  string `json:"text"`
	Match bool   `json:"match"`
}

// SearchMessages finds userID's messages, on every branch of every chat,
// whose content matches query (web-search syntax: words, "a phrase",
// -excluded, or), best matches first, at most limit (1..MaxPageSize).
func (s *Store) SearchMessages(ctx context.Context, userID, query string, limit int) ([]SearchHit, error) {
	if err := checkText("q", query); err != nil {
		return nil, err
	}
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, apperr.InvalidField("q", "must not be empty")
	}
	if utf8.RuneCountInString(query) > MaxSearchLen {
		return nil, apperr.InvalidField("q", "must be at most %d characters", MaxSearchLen)
	}
	limit = clampLimit(limit)
	if !ids.Valid(userID) {
		return []SearchHit{}, nil
	}
	// The headline is made only for the rows kept; artifact tags are
	// dropped from it (their content stays searchable).
	rows, err := s.db.Query(ctx, `
		SELECT hit.session_id::text, hit.title, hit.id::text, hit.role, hit.created_at,
		       ts_headline('english', regexp_replace(hit.content, '</?antArtifact[^>]*>', ' ', 'g'), hit.q, $4)
		  FROM (
			SELECT m.id, m.session_id, c.title, m.role, m.created_at, m.content, q.q,
			       ts_rank(m.search, q.q) AS rank, m.seq
			  FROM websearch_to_tsquery('english', $2) AS q (q),
			       messages m JOIN chat_sessions c ON c.id = m.session_id
			 WHERE c.user_id = $1 AND m.search @@ q.q
			 ORDER BY rank DESC, m.seq DESC
			 LIMIT $3
		  ) hit
		 ORDER BY hit.rank DESC, hit.seq DESC`,
		userID, query, limit,
		`StartSel=`+matchStart+`, StopSel=`+matchStop+`, MaxWords=30, MinWords=15, ShortWord=2`)
	if err != nil {
		return nil, internal(err)
	}
	hits, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (SearchHit, error) {
		var h SearchHit
		var headline string
		err := r.Scan(&h.ChatID, &h.ChatTitle, &h.MessageID, &h.Role, &h.CreatedAt, &headline)
		h.CreatedAt = h.CreatedAt.UTC()
		h.Snippet = snippet(headline)
		return h, err
	})
	if err != nil {
		return nil, internal(err)
	}
	return hits, nil
}

// snippet cuts a headline at its match marks, collapsing whitespace.
func snippet(headline string) []SnippetPart {
	parts := []SnippetPart{}
	match := false
	for len(headline) > 0 {
		mark := matchStart
		if match {
			mark = matchStop
		}
		i := strings.Index(headline, mark)
		piece := headline
		if i >= 0 {
			piece, headline = headline[:i], headline[i+len(mark):]
		} else {
			headline = ""
		}
		piece = strings.NewReplacer(matchStart, "", matchStop, "").Replace(piece)
		if text := collapse(piece); text != "" {
			parts = append(parts, SnippetPart{Text: text, Match: match})
		}
		match = !match
	}
	if n := len(parts); n > 0 {
		parts[0].Text = strings.TrimLeft(parts[0].Text, " ")
		parts[n-1].Text = strings.TrimRight(parts[n-1].Text, " ")
	}
	return parts
}

// collapse joins runs of whitespace into one space, keeping a space at
// either end so pieces still read apart.
func collapse(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		if s != "" {
			return " "
		}
		return ""
	}
	out := strings.Join(f, " ")
	if strings.TrimLeft(s, " \t\r\n") != s {
		out = " " + out
	}
	if strings.TrimRight(s, " \t\r\n") != s {
		out += " "
	}
	return out
}
