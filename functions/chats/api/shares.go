package api

import (
	"net/http"

	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/ids"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/listing"
	"github.com/archstudio/studio/shared/session"
)

// CreatedShare is a new share link; Token is shown once, and only its
// hash is kept.
type CreatedShare struct {
	chatstore.Share
	Token string `json:"token"`
	// Path is where the snapshot opens in the studio (/s/TOKEN).
	Path string `json:"path"`
}

func (h *handler) createShare(w http.ResponseWriter, r *http.Request, u session.User) error {
	chatID, err := ids.FromPath(r, "id")
	if err != nil {
		return err
	}
	share, token, err := h.store.CreateShare(r.Context(), u.ID, chatID)
	if err != nil {
		return err
	}
	jsonio.Write(w, http.StatusCreated, CreatedShare{Share: share, Token: token, Path: "/s/" + token})
	return nil
}

func (h *handler) listShares(w http.ResponseWriter, r *http.Request, u session.User) error {
	shares, err := h.store.ListShares(r.Context(), u.ID)
	if err != nil {
		return err
	}
	listing.Write(w, "shares", shares)
	return nil
}

func (h *handler) revokeShare(w http.ResponseWriter, r *http.Request, u session.User) error {
	id, err := ids.FromPath(r, "id")
	if err != nil {
		return err
	}
	if err := h.store.RevokeShare(r.Context(), u.ID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// shared answers a share link's snapshot to anyone holding its token,
// signed in or not. It carries nothing about the owner, is kept out of
// search engines and caches, and a revoked link is 404 at once (no cache
// may hold it).
func (h *handler) shared(w http.ResponseWriter, r *http.Request) error {
	hdr := w.Header()
	hdr.Set("X-Robots-Tag", "noindex, nofollow")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Referrer-Policy", "no-referrer")
	snap, err := h.store.SharedSnapshot(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	jsonio.Write(w, http.StatusOK, snap)
	return nil
}
