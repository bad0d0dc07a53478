package session

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/archstudio/studio/shared/apperr"
)

type currentKey struct{}

// Current returns the session the request was authenticated with; only
// requests that passed Middleware carry one.
func Current(ctx context.Context) (Session, bool) {
	s, ok := ctx.Value(currentKey{}).(Session)
	return s, ok
}

// Middleware lets through only requests with a live session: it resolves
// the __Host-session cookie (one Redis round trip, or none while the
// session is cached: Config.CacheTTL), puts the user in the
// request context (UserFromContext) and otherwise answers 401
// unauthenticated. When Redis cannot answer it answers 503 unavailable:
// an outage must neither sign people out nor let anyone in.
func (s *Store) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw := RawID(r)
		if raw == "" {
			apperr.Write(w, r, apperr.New(apperr.Unauthenticated, "sign in required"))
			return
		}
		sess, err := s.resolveCached(r.Context(), raw)
		if errors.Is(err, ErrNotFound) {
			// The browser holds a dead cookie; drop it so it stops sending it.
			http.SetCookie(w, ClearCookie())
			apperr.Write(w, r, apperr.New(apperr.Unauthenticated, "your session has ended; sign in again"))
			return
		}
		if err != nil {
			e := apperr.Wrap(err, apperr.Unavailable, "sessions are unavailable; try again shortly")
			e.RetryAfter = time.Second
			apperr.Write(w, r, e)
			return
		}
		ctx := WithUser(r.Context(), sess.User)
		ctx = context.WithValue(ctx, currentKey{}, sess)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
