package api

import (
	"log/slog"
	"net/http"

	"github.com/archstudio/studio/functions/auth/users"
	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/logging"
)

// devSignIn signs a local user in by name alone. It exists only when no
// GitHub app is configured and APP_ENV is not production.
func (h *handler) devSignIn(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Username string `json:"username"`
	}
	if err := jsonio.Decode(w, r, &req, 4<<10); err != nil {
		return err
	}
	if !validUsername(req.Username) {
		return apperr.InvalidField("username", "must be 1-39 letters, digits or single hyphens, not starting or ending with a hyphen")
	}
	u, err := users.UpsertDev(r.Context(), h.Pool, req.Username)
	if err != nil {
		return unavailable(err)
	}
	if err := h.startSession(r.Context(), w, r, u); err != nil {
		return unavailable(err)
	}
	logging.FromContext(r.Context()).InfoContext(r.Context(), "signed in",
		slog.String("method", "dev"), slog.String("user_id", u.ID), slog.String("login", u.Login))
	body, err := h.userBody(r, u)
	if err != nil {
		return err
	}
	jsonio.Write(w, http.StatusOK, body)
	return nil
}

// validUsername applies GitHub's username rules, so development users
// look like the real ones.
func validUsername(s string) bool {
	if len(s) < 1 || len(s) > 39 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	prevHyphen := false
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			prevHyphen = false
		case c == '-':
			if prevHyphen {
				return false
			}
			prevHyphen = true
		default:
			return false
		}
	}
	return true
}
