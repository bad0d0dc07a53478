package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/ids"
	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/slug"
)

// exportFormat names the JSON export's shape, so an importer can tell
// versions apart. v2: messages of every branch, linked by parent_id.
const exportFormat = "archstudio.chat.v2"

type jsonExport struct {
	Format     string               `json:"format"`
	ExportedAt time.Time            `json:"exported_at"`
	Chat       chatstore.Chat       `json:"chat"`
	ActiveLeaf *string              `json:"active_leaf_id"`
	Messages   []chatstore.Message  `json:"messages"`
	Artifacts  []chatstore.Artifact `json:"artifacts"`
}

func (h *handler) export(w http.ResponseWriter, r *http.Request, u session.User) error {
	id, err := ids.FromPath(r, "id")
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "md"
	}
	if format != "md" && format != "json" {
		return apperr.InvalidField("format", "must be md or json")
	}
	ctx := r.Context()
	chat, err := h.store.GetChat(ctx, u.ID, id)
	if err != nil {
		return err
	}
	// Markdown reads as the conversation shown; JSON keeps every branch.
	msgs, err := h.store.History(ctx, u.ID, id, 0)
	if err != nil {
		return err
	}
	arts, err := h.store.LatestArtifacts(ctx, u.ID, id)
	if err != nil {
		return err
	}
	all, err := h.store.AllMessages(ctx, u.ID, id)
	if err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Second)

	var body []byte
	switch format {
	case "json":
		var leaf *string
		if len(msgs) > 0 {
			leaf = &msgs[len(msgs)-1].ID
		}
		body, err = json.MarshalIndent(jsonExport{Format: exportFormat, ExportedAt: now, Chat: chat,
			ActiveLeaf: leaf, Messages: nonNil(all), Artifacts: nonNil(arts)}, "", "  ")
		if err != nil {
			return apperr.Wrap(err, apperr.Internal, "internal error")
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	default:
		body = []byte(markdown(chat, msgs, versionsOf(all), arts, now))
		w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, exportName(chat), format))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return nil
}

// version is a message's place among its siblings, from 1.
type version struct{ n, of int }

// versionsOf numbers each message among its siblings, oldest first.
func versionsOf(all []chatstore.Message) map[string]version {
	byParent := map[string][]string{}
	for _, m := range all {
		p := ""
		if m.ParentID != nil {
			p = *m.ParentID
		}
		byParent[p] = append(byParent[p], m.ID)
	}
	out := make(map[string]version, len(all))
	for _, sibs := range byParent {
		for i, id := range sibs {
			out[id] = version{n: i + 1, of: len(sibs)}
		}
	}
	return out
}

func markdown(chat chatstore.Chat, msgs []chatstore.Message, versions map[string]version, arts []chatstore.Artifact, now time.Time) string {
	var b strings.Builder
	title := chat.Title
	if title == "" {
		title = "Untitled chat"
	}
	fmt.Fprintf(&b, "# %s\n\n", title)
	fmt.Fprintf(&b, "_Exported from ArchStudio on %s. Chat created %s, last active %s._\n",
		now.Format(time.RFC3339), chat.CreatedAt.Format(time.RFC3339), chat.UpdatedAt.Format(time.RFC3339))
	for _, m := range msgs {
		who := "You"
		if m.Role == chatstore.RoleAssistant {
			who = "Claude"
			if m.Model != "" {
				who += " (" + m.Model + ")"
			}
		}
		fmt.Fprintf(&b, "\n---\n\n**%s** · %s", who, m.CreatedAt.Format(time.RFC3339))
		if m.Status != chatstore.StatusComplete {
			fmt.Fprintf(&b, " · _%s_", m.Status)
		}
		if v := versions[m.ID]; v.of > 1 {
			fmt.Fprintf(&b, " · version %d of %d", v.n, v.of)
		}
		fmt.Fprintf(&b, "\n\n%s\n", strings.TrimRight(m.Content, "\n"))
	}
	if len(arts) > 0 {
		b.WriteString("\n---\n\n## Artifacts\n")
		for _, a := range arts {
			name := a.Title
			if name == "" {
				name = a.Identifier
			}
			fmt.Fprintf(&b, "\n### %s\n\n`%s` · version %d · %s\n\n", name, a.Identifier, a.Version, a.Type)
			fence := fenceFor(a.Content)
			fmt.Fprintf(&b, "%s%s\n%s\n%s\n", fence, fenceLanguage(a), strings.TrimRight(a.Content, "\n"), fence)
		}
	}
	return b.String()
}

// fenceFor returns a backtick fence longer than any backtick run in s, so
// the content cannot close its own code block.
func fenceFor(s string) string {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

func fenceLanguage(a chatstore.Artifact) string {
	switch a.Type {
	case chatstore.TypeCode:
		return a.Language
	case chatstore.TypeMarkdown:
		return "markdown"
	case chatstore.TypeHTML:
		return "html"
	case chatstore.TypeSVG:
		return "svg"
	case chatstore.TypeMermaid:
		return "mermaid"
	case chatstore.TypeReact:
		return "jsx"
	}
	return ""
}

// exportName is a file name for the chat: its title reduced to lower-case
// ASCII letters, digits and dashes, or "chat-" and the start of its id.
func exportName(c chatstore.Chat) string {
	if name := slug.Make(c.Title, 60, nil); name != "" {
		return name
	}
	return "chat-" + c.ID[:8]
}
