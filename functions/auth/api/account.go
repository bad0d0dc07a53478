package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/archstudio/studio/functions/auth/users"
	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/quota"
	"github.com/archstudio/studio/shared/session"
)

// userBody is the User of the API contract.
type userBody struct {
	ID        string       `json:"id"`
	Login     string       `json:"login"`
	AvatarURL string       `json:"avatar_url"`
	Email     *string      `json:"email"`
	Scopes    []string     `json:"scopes"`
	Limits    quota.Limits `json:"limits"`
}

func (h *handler) userBody(r *http.Request, u users.User) (userBody, error) {
	scopes, err := h.Tokens.Scopes(r.Context(), u.ID)
	if err != nil {
		return userBody{}, err
	}
	return userBody{
		ID: u.ID, Login: u.Login, AvatarURL: u.AvatarURL, Email: u.Email,
		Scopes: scopes, Limits: u.Limits(h.DefaultLimits),
	}, nil
}

func (h *handler) providers(w http.ResponseWriter, r *http.Request) error {
	jsonio.Write(w, http.StatusOK, map[string]bool{"github": h.GitHub != nil, "dev": h.DevSignIn})
	return nil
}

func (h *handler) me(w http.ResponseWriter, r *http.Request, su session.User) error {
	u, err := users.Get(r.Context(), h.Pool, su.ID)
	if errors.Is(err, users.ErrNotFound) {
		// The account was deleted while this session lived on.
		if cur, ok := session.Current(r.Context()); ok {
			_ = h.Sessions.DeleteByID(r.Context(), su.ID, cur.ID)
		}
		http.SetCookie(w, session.ClearCookie())
		return apperr.New(apperr.Unauthenticated, "sign in required")
	}
	if err != nil {
		return err
	}
	body, err := h.userBody(r, u)
	if err != nil {
		return err
	}
	jsonio.Write(w, http.StatusOK, body)
	return nil
}

// currentSession answers who is signed in, or {"user": null}, with 200
// either way: a signed-out visitor is the expected case on start-up, not
// an error (a 401 is logged as one by every browser console).
func (h *handler) currentSession(w http.ResponseWriter, r *http.Request) error {
	none := map[string]any{"user": nil}
	raw := session.RawID(r)
	if raw == "" {
		jsonio.Write(w, http.StatusOK, none)
		return nil
	}
	sess, err := h.Sessions.Resolve(r.Context(), raw)
	if errors.Is(err, session.ErrNotFound) {
		http.SetCookie(w, session.ClearCookie())
		jsonio.Write(w, http.StatusOK, none)
		return nil
	}
	if err != nil {
		return unavailable(err)
	}
	u, err := users.Get(r.Context(), h.Pool, sess.User.ID)
	if errors.Is(err, users.ErrNotFound) {
		_ = h.Sessions.DeleteByID(r.Context(), sess.User.ID, sess.ID)
		http.SetCookie(w, session.ClearCookie())
		jsonio.Write(w, http.StatusOK, none)
		return nil
	}
	if err != nil {
		return err
	}
	body, err := h.userBody(r, u)
	if err != nil {
		return err
	}
	jsonio.Write(w, http.StatusOK, map[string]any{"user": body})
	return nil
}

// logout ends the request's session if it has one; it needs no valid
// session, so a stale tab can always sign out cleanly.
func (h *handler) logout(w http.ResponseWriter, r *http.Request) error {
	if raw := session.RawID(r); raw != "" {
		if err := h.Sessions.Delete(r.Context(), raw); err != nil {
			return unavailable(err)
		}
	}
	http.SetCookie(w, session.ClearCookie())
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *handler) logoutAll(w http.ResponseWriter, r *http.Request, su session.User) error {
	if _, err := h.Sessions.DeleteAll(r.Context(), su.ID); err != nil {
		return unavailable(err)
	}
	http.SetCookie(w, session.ClearCookie())
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type sessionBody struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	UserAgent  string    `json:"user_agent"`
	Current    bool      `json:"current"`
}

func (h *handler) listSessions(w http.ResponseWriter, r *http.Request, su session.User) error {
	cur, _ := session.Current(r.Context())
	list, err := h.Sessions.List(r.Context(), su.ID)
	if err != nil {
		return unavailable(err)
	}
	out := make([]sessionBody, 0, len(list))
	for _, s := range list {
		out = append(out, sessionBody{
			ID: s.ID, CreatedAt: s.CreatedAt.UTC(), LastSeenAt: s.LastSeenAt.UTC(),
			UserAgent: s.UserAgent, Current: s.ID == cur.ID,
		})
	}
	jsonio.Write(w, http.StatusOK, map[string]any{"sessions": out})
	return nil
}

func (h *handler) deleteSession(w http.ResponseWriter, r *http.Request, su session.User) error {
	cur, _ := session.Current(r.Context())
	id := r.PathValue("id")
	err := h.Sessions.DeleteByID(r.Context(), su.ID, id)
	if errors.Is(err, session.ErrNotFound) {
		return apperr.New(apperr.NotFound, "no such session")
	}
	if err != nil {
		return unavailable(err)
	}
	if id == cur.ID {
		http.SetCookie(w, session.ClearCookie())
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
