package api

import (
	"net/http"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/ids"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/session"
)

type selectBranchRequest struct {
	MessageID *string `json:"message_id"`
}

// selectBranch stores which branch of the chat is shown.
func (h *handler) selectBranch(w http.ResponseWriter, r *http.Request, u session.User) error {
	id, err := ids.FromPath(r, "id")
	if err != nil {
		return err
	}
	var req selectBranchRequest
	if err := jsonio.Decode(w, r, &req, 0); err != nil {
		return err
	}
	if req.MessageID == nil || !ids.Valid(*req.MessageID) {
		return apperr.InvalidField("message_id", "must be a message id")
	}
	if err := h.store.SelectBranch(r.Context(), u.ID, id, *req.MessageID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type searchResults struct {
	Results []chatstore.SearchHit `json:"results"`
}

// search finds messages by their content.
func (h *handler) search(w http.ResponseWriter, r *http.Request, u session.User) error {
	q := r.URL.Query()
	limit, err := parseLimit(q.Get("limit"))
	if err != nil {
		return err
	}
	hits, err := h.store.SearchMessages(r.Context(), u.ID, q.Get("q"), limit)
	if err != nil {
		return err
	}
	jsonio.Write(w, http.StatusOK, searchResults{Results: nonNil(hits)})
	return nil
}
