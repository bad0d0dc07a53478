package session

import (
	"net/http"

	"github.com/archstudio/studio/shared/apperr"
)

// HandlerFunc is a handler that needs the signed-in user and returns its
// error for apperr to write.
type HandlerFunc func(w http.ResponseWriter, r *http.Request, user User) error

// ServeHTTP calls f with the user the session middleware put in the
// context, or answers 401 unauthenticated when there is none, so a route
// mounted without the middleware fails closed.
func (f HandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u, ok := UserFromContext(r.Context())
	if !ok {
		apperr.Write(w, r, apperr.New(apperr.Unauthenticated, "sign in first"))
		return
	}
	if err := f(w, r, u); err != nil {
		apperr.Write(w, r, err)
	}
}

// UserIDFunc is a HandlerFunc that needs only the user's id, as handlers
// whose queries are all scoped by user id do.
type UserIDFunc func(w http.ResponseWriter, r *http.Request, userID string) error

// ServeHTTP serves f as a HandlerFunc.
func (f UserIDFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	HandlerFunc(func(w http.ResponseWriter, r *http.Request, u User) error {
		return f(w, r, u.ID)
	}).ServeHTTP(w, r)
}
