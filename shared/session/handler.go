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

// Authenticate admits only signed-in requests and puts their user in the
// context: (*Store).Middleware in production.
type Authenticate func(http.Handler) http.Handler

// Require returns f behind authenticate: the one way every function mounts
// a route that needs a signed-in user. It panics when authenticate is nil,
// so a function built without authentication fails at start-up instead of
// serving anyone.
func Require(authenticate Authenticate, f HandlerFunc) http.Handler {
	if authenticate == nil {
		panic("session: Require without an Authenticate middleware")
	}
	return authenticate(f)
}

// NewMux returns a ServeMux serving each of routes (ServeMux patterns such
// as "GET /api/chats/{id}") with its handler behind authenticate, through
// Require: how a function mounts its signed-in routes.
func NewMux(authenticate Authenticate, routes map[string]HandlerFunc) *http.ServeMux {
	mux := http.NewServeMux()
	for pattern, f := range routes {
		mux.Handle(pattern, Require(authenticate, f))
	}
	return mux
}
