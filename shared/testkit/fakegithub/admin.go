package fakegithub

import (
	"encoding/json"
	"net/http"
)

// The /_fake/… routes manage a standalone fake over HTTP, for the
// end-to-end stack (they do not exist on GitHub):
//
//	POST /_fake/users      User JSON            add or replace an account
//	POST /_fake/signed-in  {"login":…}          who approves authorizations
//	POST /_fake/deny       {"deny":true|false}  deny or approve them
//	POST /_fake/tokens     {"token","login","scopes":[…]}  register a token
//	POST /_fake/apps       {"client_id","client_secret","callback_url"}
//	POST /_fake/repos      Repo JSON            add or replace a repository
//	GET  /_fake/issues?repo=owner/name          the issues created there
//	GET  /_fake/runs?repo=owner/name            its workflow runs
//	POST /_fake/runs       {"repo","id","status","conclusion"}  move a run
func (f *Fake) registerAdmin(mux *http.ServeMux) {
	mux.HandleFunc("POST /_fake/repos", adminCommand(func(v Repo) error {
		if v.Owner == "" || v.Name == "" {
			return adminError{http.StatusBadRequest, "owner and name are required"}
		}
		f.AddRepo(v)
		return nil
	}))
	mux.HandleFunc("GET /_fake/issues", adminList(f.Issues))
	mux.HandleFunc("GET /_fake/runs", adminList(f.Runs))
	mux.HandleFunc("POST /_fake/runs", adminCommand(func(v struct {
		Repo       string `json:"repo"`
		ID         int64  `json:"id"`
		Status     string `json:"status"`
		Conclusion string `json:"conclusion"`
	}) error {
		if !f.SetRunStatus(v.Repo, v.ID, v.Status, v.Conclusion) {
			return adminError{http.StatusNotFound, "no such run"}
		}
		return nil
	}))
	mux.HandleFunc("POST /_fake/users", func(w http.ResponseWriter, r *http.Request) {
		var u User
		if !decodeAdmin(w, r, &u) {
			return
		}
		if u.Login == "" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "login is required"})
			return
		}
		writeJSON(w, http.StatusOK, f.AddUser(u))
	})
	mux.HandleFunc("POST /_fake/signed-in", adminCommand(func(v struct {
		Login string `json:"login"`
	}) error {
		f.SignInAs(v.Login)
		return nil
	}))
	mux.HandleFunc("POST /_fake/deny", adminCommand(func(v struct {
		Deny bool `json:"deny"`
	}) error {
		f.Deny(v.Deny)
		return nil
	}))
	mux.HandleFunc("POST /_fake/tokens", adminCommand(func(v struct {
		Token  string   `json:"token"`
		Login  string   `json:"login"`
		Scopes []string `json:"scopes"`
	}) error {
		f.AddToken(v.Token, v.Login, v.Scopes)
		return nil
	}))
	mux.HandleFunc("POST /_fake/apps", adminCommand(func(v struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
		CallbackURL  string `json:"callback_url"`
	}) error {
		f.AddApp(App{ClientID: v.ClientID, ClientSecret: v.ClientSecret, CallbackURL: v.CallbackURL})
		return nil
	}))
}

// adminError is an /_fake/… route's refusal: its status and message.
type adminError struct {
	status  int
	message string
}

func (e adminError) Error() string { return e.message }

// adminCommand is a POST /_fake/… route: it decodes a T and applies it,
// answering 204, 400 on a bad body, or the adminError apply returns.
func adminCommand[T any](apply func(T) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var v T
		if !decodeAdmin(w, r, &v) {
			return
		}
		if err := apply(v); err != nil {
			status := http.StatusBadRequest
			if e, ok := err.(adminError); ok {
				status = e.status
			}
			writeJSON(w, status, map[string]string{"error": err.Error()})
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// adminList is a GET /_fake/…?repo=owner/name route answering what list
// returns for the repository, [] for none.
func adminList[T any](list func(fullName string) []T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		out := list(r.URL.Query().Get("repo"))
		if out == nil {
			out = []T{}
		}
		writeJSON(w, http.StatusOK, out)
	}
}

func decodeAdmin(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return false
	}
	return true
}
