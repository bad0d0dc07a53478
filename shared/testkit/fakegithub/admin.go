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
	mux.HandleFunc("POST /_fake/repos", func(w http.ResponseWriter, r *http.Request) {
		var v Repo
		if !decodeAdmin(w, r, &v) {
			return
		}
		if v.Owner == "" || v.Name == "" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "owner and name are required"})
			return
		}
		f.AddRepo(v)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /_fake/issues", func(w http.ResponseWriter, r *http.Request) {
		out := f.Issues(r.URL.Query().Get("repo"))
		if out == nil {
			out = []Issue{}
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("GET /_fake/runs", func(w http.ResponseWriter, r *http.Request) {
		out := f.Runs(r.URL.Query().Get("repo"))
		if out == nil {
			out = []Run{}
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("POST /_fake/runs", func(w http.ResponseWriter, r *http.Request) {
		var v struct {
			Repo       string `json:"repo"`
			ID         int64  `json:"id"`
			Status     string `json:"status"`
			Conclusion string `json:"conclusion"`
		}
		if !decodeAdmin(w, r, &v) {
			return
		}
		if !f.SetRunStatus(v.Repo, v.ID, v.Status, v.Conclusion) {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such run"})
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
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
	mux.HandleFunc("POST /_fake/signed-in", func(w http.ResponseWriter, r *http.Request) {
		var v struct {
			Login string `json:"login"`
		}
		if decodeAdmin(w, r, &v) {
			f.SignInAs(v.Login)
			w.WriteHeader(http.StatusNoContent)
		}
	})
	mux.HandleFunc("POST /_fake/deny", func(w http.ResponseWriter, r *http.Request) {
		var v struct {
			Deny bool `json:"deny"`
		}
		if decodeAdmin(w, r, &v) {
			f.Deny(v.Deny)
			w.WriteHeader(http.StatusNoContent)
		}
	})
	mux.HandleFunc("POST /_fake/tokens", func(w http.ResponseWriter, r *http.Request) {
		var v struct {
			Token  string   `json:"token"`
			Login  string   `json:"login"`
			Scopes []string `json:"scopes"`
		}
		if decodeAdmin(w, r, &v) {
			f.AddToken(v.Token, v.Login, v.Scopes)
			w.WriteHeader(http.StatusNoContent)
		}
	})
	mux.HandleFunc("POST /_fake/apps", func(w http.ResponseWriter, r *http.Request) {
		var v struct {
			ClientID     string `json:"client_id"`
			ClientSecret string `json:"client_secret"`
			CallbackURL  string `json:"callback_url"`
		}
		if decodeAdmin(w, r, &v) {
			f.AddApp(App{ClientID: v.ClientID, ClientSecret: v.ClientSecret, CallbackURL: v.CallbackURL})
			w.WriteHeader(http.StatusNoContent)
		}
	})
}

func decodeAdmin(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return false
	}
	return true
}
