package session_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/archstudio/studio/shared/session"
)

func TestRequire(t *testing.T) {
	var got session.User
	f := session.HandlerFunc(func(w http.ResponseWriter, r *http.Request, u session.User) error {
		got = u
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
	passThrough := func(h http.Handler) http.Handler { return h }
	asAda := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.ServeHTTP(w, r.WithContext(session.WithUser(r.Context(), session.User{ID: "u1", Login: "ada"})))
		})
	}
	tests := []struct {
		name         string
		authenticate session.Authenticate
		want         int
		wantUser     session.User
	}{
		// A middleware that forgets to put the user in the context must
		// not let the handler run anonymously.
		{"no user in context", passThrough, http.StatusUnauthorized, session.User{}},
		{"signed in", asAda, http.StatusNoContent, session.User{ID: "u1", Login: "ada"}},
	}
	// NewMux mounts each route through Require, so it must answer alike.
	mounts := map[string]func(session.Authenticate) http.Handler{
		"Require": func(a session.Authenticate) http.Handler { return session.Require(a, f) },
		"NewMux": func(a session.Authenticate) http.Handler {
			return session.NewMux(a, map[string]session.HandlerFunc{"GET /": f})
		},
	}
	for _, tt := range tests {
		for mount, handler := range mounts {
			t.Run(mount+"/"+tt.name, func(t *testing.T) {
				got = session.User{}
				rec := httptest.NewRecorder()
				handler(tt.authenticate).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
				if rec.Code != tt.want || got != tt.wantUser {
					t.Fatalf("status %d user %+v, want %d %+v", rec.Code, got, tt.want, tt.wantUser)
				}
			})
		}
	}
}

func TestRequireWithoutAuthenticatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Require(nil, …) did not panic")
		}
	}()
	session.Require(nil, func(http.ResponseWriter, *http.Request, session.User) error { return nil })
}
