// Package api serves the artifacts of a user's chats: the latest
// version of each, every version of one, one version as JSON, and one
// version's content as a download.
package api

import (
	"net/http"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/ids"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/listing"
	"github.com/archstudio/studio/shared/routing"
	"github.com/archstudio/studio/shared/session"
)

// Deps are what the artifacts handler needs.
type Deps struct {
	Store *chatstore.Store
	// Authenticate admits only signed-in requests ((*session.Store).Middleware).
	Authenticate session.Authenticate
}

// New returns the handler of the artifact routes; each requires a signed-in
// user (d.Authenticate).
func New(d Deps) http.Handler {
	h := &handler{store: d.Store}
	return routing.JSONErrors(session.NewMux(d.Authenticate, map[string]session.HandlerFunc{
		"GET /api/chats/{id}/artifacts":                       listing.ChatItems("artifacts", d.Store.LatestArtifacts),
		"GET /api/chats/{id}/artifacts/{identifier}/versions": h.versions,
		"GET /api/artifacts/{id}":                             h.get,
		"GET /api/artifacts/{id}/raw":                         h.raw,
	}))
}

type handler struct {
	store *chatstore.Store
}

func (h *handler) versions(w http.ResponseWriter, r *http.Request, u session.User) error {
	chatID, err := ids.FromPath(r, "id")
	if err != nil {
		return err
	}
	identifier := r.PathValue("identifier")
	if !chatstore.ValidIdentifier(identifier) {
		return apperr.InvalidField("identifier", "must be 1 to %d printable characters", chatstore.MaxIdentifierLen)
	}
	vers, err := h.store.ArtifactVersions(r.Context(), u.ID, chatID, identifier)
	if err != nil {
		return err
	}
	listing.Write(w, "versions", vers)
	return nil
}

// artifact is the user's artifact the path's {id} names.
func (h *handler) artifact(r *http.Request, userID string) (chatstore.Artifact, error) {
	id, err := ids.FromPath(r, "id")
	if err != nil {
		return chatstore.Artifact{}, err
	}
	return h.store.GetArtifact(r.Context(), userID, id)
}

func (h *handler) get(w http.ResponseWriter, r *http.Request, u session.User) error {
	a, err := h.artifact(r, u.ID)
	if err != nil {
		return err
	}
	jsonio.Write(w, http.StatusOK, a)
	return nil
}

// raw sends the content as a download. The headers keep a browser that
// opens it anyway from running it on our origin: nosniff holds it to the
// declared type, and the CSP sandbox gives HTML and SVG an opaque origin
// with scripts disabled.
func (h *handler) raw(w http.ResponseWriter, r *http.Request, u session.User) error {
	a, err := h.artifact(r, u.ID)
	if err != nil {
		return err
	}
	f := formatOf(a)
	hdr := w.Header()
	hdr.Set("Content-Type", f.contentType)
	hdr.Set("Content-Disposition", `attachment; filename="`+filename(a, f.ext)+`"`)
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", "sandbox")
	hdr.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(a.Content))
	return nil
}
