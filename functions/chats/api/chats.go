// Package api serves a user's chats and their messages under /api/chats:
// create, list (cursor pages, title search), read, rename, delete, page
// through the shown branch of messages, choose a branch, delete a branch,
// search message content, and export; and share links: read-only snapshots
// of a chat (/api/shares, and the public /api/shared/{token}).
package api

import (
	"net/http"
	"strconv"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/ids"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/routing"
	"github.com/archstudio/studio/shared/session"
)

// Deps are what the chats handler needs.
type Deps struct {
	Store *chatstore.Store
	// Authenticate admits only signed-in requests ((*session.Store).Middleware).
	Authenticate session.Authenticate
}

// New returns the handler of the chats routes; each requires a signed-in
// user (d.Authenticate).
func New(d Deps) http.Handler {
	h := &handler{store: d.Store}
	mux := session.NewMux(d.Authenticate, map[string]session.HandlerFunc{
		"POST /api/chats":                       h.create,
		"GET /api/chats":                        h.list,
		"GET /api/chats/{id}":                   h.get,
		"PATCH /api/chats/{id}":                 h.rename,
		"DELETE /api/chats/{id}":                h.delete,
		"GET /api/chats/{id}/messages":          h.messages,
		"DELETE /api/chats/{id}/messages/{mid}": h.deleteBranch,
		"PUT /api/chats/{id}/branch":            h.selectBranch,
		"GET /api/chats/search":                 h.search,
		"GET /api/chats/{id}/export":            h.export,
		"POST /api/chats/{id}/shares":           h.createShare,
		"GET /api/shares":                       h.listShares,
		"DELETE /api/shares/{id}":               h.revokeShare,
	})
	// A share link opens without signing in: the token is the credential.
	mux.Handle("GET /api/shared/{token}", apperr.HandlerFunc(h.shared))
	return routing.JSONErrors(mux)
}

type handler struct {
	store *chatstore.Store
}

// maxSearchLen bounds the title search: no title is longer.
const maxSearchLen = chatstore.MaxTitleLen

type createRequest struct {
	Title *string `json:"title"`
}

func (h *handler) create(w http.ResponseWriter, r *http.Request, u session.User) error {
	var req createRequest
	// An empty body creates an untitled chat.
	if r.ContentLength != 0 {
		if err := jsonio.Decode(w, r, &req, 0); err != nil {
			return err
		}
	}
	title := ""
	if req.Title != nil {
		title = *req.Title
	}
	title, err := chatstore.ValidateTitle(title)
	if err != nil {
		return err
	}
	c, err := h.store.CreateChat(r.Context(), u.ID, title)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/chats/"+c.ID)
	jsonio.Write(w, http.StatusCreated, c)
	return nil
}

type chatList struct {
	Chats      []chatstore.Chat `json:"chats"`
	NextCursor *string          `json:"next_cursor"`
}

// AppendJSON writes l as encoding/json does (TestChatListJSON): the list
// is the most requested read, and reflection with time.Time.MarshalJSON
// was a sixth of the function's CPU and a quarter of its allocations.
func (l chatList) AppendJSON(b []byte) []byte {
	b = append(b, `{"chats":[`...)
	for i, c := range l.Chats {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = jsonio.AppendString(b, c.ID)
		b = append(b, `,"title":`...)
		b = jsonio.AppendString(b, c.Title)
		b = append(b, `,"created_at":`...)
		b = jsonio.AppendTime(b, c.CreatedAt)
		b = append(b, `,"updated_at":`...)
		b = jsonio.AppendTime(b, c.UpdatedAt)
		b = append(b, '}')
	}
	b = append(b, `],"next_cursor":`...)
	if l.NextCursor == nil {
		b = append(b, "null"...)
	} else {
		b = jsonio.AppendString(b, *l.NextCursor)
	}
	return append(b, '}')
}

func (h *handler) list(w http.ResponseWriter, r *http.Request, u session.User) error {
	q := r.URL.Query()
	limit, err := parseLimit(q.Get("limit"))
	if err != nil {
		return err
	}
	search := q.Get("q")
	if len([]rune(search)) > maxSearchLen {
		return apperr.InvalidField("q", "must be at most %d characters", maxSearchLen)
	}
	page, err := h.store.ListChats(r.Context(), u.ID, chatstore.ChatQuery{Limit: limit, Cursor: q.Get("cursor"), Search: search})
	if err != nil {
		return err
	}
	jsonio.Write(w, http.StatusOK, chatList{Chats: nonNil(page.Chats), NextCursor: cursorOrNull(page.NextCursor)})
	return nil
}

func (h *handler) get(w http.ResponseWriter, r *http.Request, u session.User) error {
	id, err := ids.FromPath(r, "id")
	if err != nil {
		return err
	}
	c, err := h.store.GetChat(r.Context(), u.ID, id)
	if err != nil {
		return err
	}
	jsonio.Write(w, http.StatusOK, c)
	return nil
}

type renameRequest struct {
	Title *string `json:"title"`
}

func (h *handler) rename(w http.ResponseWriter, r *http.Request, u session.User) error {
	id, err := ids.FromPath(r, "id")
	if err != nil {
		return err
	}
	var req renameRequest
	if err := jsonio.Decode(w, r, &req, 0); err != nil {
		return err
	}
	if req.Title == nil {
		// Nothing to change; still 404 for a chat that isn't the user's.
		c, err := h.store.GetChat(r.Context(), u.ID, id)
		if err != nil {
			return err
		}
		jsonio.Write(w, http.StatusOK, c)
		return nil
	}
	title, err := chatstore.ValidateTitle(*req.Title)
	if err != nil {
		return err
	}
	c, err := h.store.RenameChat(r.Context(), u.ID, id, title)
	if err != nil {
		return err
	}
	jsonio.Write(w, http.StatusOK, c)
	return nil
}

func (h *handler) delete(w http.ResponseWriter, r *http.Request, u session.User) error {
	id, err := ids.FromPath(r, "id")
	if err != nil {
		return err
	}
	if err := h.store.DeleteChat(r.Context(), u.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type messageList struct {
	Messages   []chatstore.Message `json:"messages"`
	NextCursor *string             `json:"next_cursor"`
}

func (h *handler) messages(w http.ResponseWriter, r *http.Request, u session.User) error {
	id, err := ids.FromPath(r, "id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit, err := parseLimit(q.Get("limit"))
	if err != nil {
		return err
	}
	page, err := h.store.ListMessages(r.Context(), u.ID, id, chatstore.MessageQuery{Limit: limit, Cursor: q.Get("cursor")})
	if err != nil {
		return err
	}
	jsonio.Write(w, http.StatusOK, messageList{Messages: nonNil(page.Messages), NextCursor: cursorOrNull(page.NextCursor)})
	return nil
}

func (h *handler) deleteBranch(w http.ResponseWriter, r *http.Request, u session.User) error {
	id, err := ids.FromPath(r, "id")
	if err != nil {
		return err
	}
	mid, err := ids.FromPath(r, "mid")
	if err != nil {
		return err
	}
	if _, err := h.store.DeleteBranch(r.Context(), u.ID, id, mid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// parseLimit reads the limit query parameter: absent means the default,
// else an integer in 1..MaxPageSize.
func parseLimit(s string) (int, error) {
	if s == "" {
		return chatstore.DefaultPageSize, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > chatstore.MaxPageSize {
		return 0, apperr.InvalidField("limit", "must be an integer from 1 to %d", chatstore.MaxPageSize)
	}
	return n, nil
}

func cursorOrNull(c string) *string {
	if c == "" {
		return nil
	}
	return &c
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
