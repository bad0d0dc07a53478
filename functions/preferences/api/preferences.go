// Package api serves a user's preferences at /api/preferences:
// GET the stored document merged over the defaults, PUT a whole document,
// PATCH with a JSON Merge Patch (RFC 7396).
package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/prefs"
	"github.com/archstudio/studio/shared/routing"
	"github.com/archstudio/studio/shared/session"
)

// Deps are what the preferences handler needs.
type Deps struct {
	Store *prefs.Store
	// Authenticate admits only signed-in requests ((*session.Store).Middleware).
	Authenticate session.Authenticate
}

// maxBody bounds a preferences body; a full document is a few hundred bytes.
const maxBody = 64 << 10

// MergePatchType is the media type of RFC 7396 merge patches.
const MergePatchType = "application/merge-patch+json"

// New returns the handler of the preferences routes; each requires a signed-in
// user (d.Authenticate).
func New(d Deps) http.Handler {
	h := &handler{store: d.Store}
	return routing.JSONErrors(session.NewMux(d.Authenticate, map[string]session.HandlerFunc{
		"GET /api/preferences":        h.get,
		"PUT /api/preferences":        h.put,
		"PATCH /api/preferences":      h.patch,
		"GET /api/preferences/models": h.models,
	}))
}

type handler struct {
	store *prefs.Store
}

func (h *handler) get(w http.ResponseWriter, r *http.Request, u session.User) error {
	p, err := h.store.Get(r.Context(), u.ID)
	if err != nil {
		return err
	}
	jsonio.Write(w, http.StatusOK, p)
	return nil
}

func (h *handler) models(w http.ResponseWriter, _ *http.Request, _ session.User) error {
	jsonio.Write(w, http.StatusOK, h.store.ModelChoices())
	return nil
}

func (h *handler) put(w http.ResponseWriter, r *http.Request, u session.User) error {
	doc, err := decode(w, r, "application/json")
	if err != nil {
		return err
	}
	p, err := h.store.Replace(r.Context(), u.ID, doc)
	if err != nil {
		return err
	}
	jsonio.Write(w, http.StatusOK, p)
	return nil
}

func (h *handler) patch(w http.ResponseWriter, r *http.Request, u session.User) error {
	patch, err := decode(w, r, MergePatchType, "application/json")
	if err != nil {
		return err
	}
	p, err := h.store.Patch(r.Context(), u.ID, patch)
	if err != nil {
		return err
	}
	jsonio.Write(w, http.StatusOK, p)
	return nil
}

// decode reads one JSON value of one of the accepted media types, keeping
// numbers exact. (The shared CSRF check has already refused a body with
// no JSON Content-Type.)
func decode(w http.ResponseWriter, r *http.Request, accepted ...string) (any, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		ok := false
		for _, a := range accepted {
			ok = ok || err == nil && mt == a
		}
		if !ok {
			e := apperr.InvalidField("Content-Type", "must be %s", joinOr(accepted))
			e.Code = apperr.UnsupportedMediaType
			return nil, e
		}
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, apperr.New(apperr.TooLarge, "request body is larger than %d bytes", maxBody)
	}
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid, "request body could not be read")
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, apperr.New(apperr.Invalid, "request body is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, apperr.New(apperr.Invalid, "request body is not valid JSON")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, apperr.New(apperr.Invalid, "request body must hold a single JSON value")
	}
	return v, nil
}

func joinOr(s []string) string {
	out := s[0]
	for _, x := range s[1:] {
		out += " or " + x
	}
	return out
}
