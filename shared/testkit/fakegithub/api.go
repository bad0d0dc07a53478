package fakegithub

import (
	"net/http"
	"slices"
	"strings"
)

// apiError is the REST API's error body.
type apiError struct {
	Message          string `json:"message"`
	DocumentationURL string `json:"documentation_url"`
	Status           string `json:"status"`
}

// authenticate finds the token's owner, or answers 401 as GitHub does.
func (f *Fake) authenticate(w http.ResponseWriter, r *http.Request, docs string) (*User, tokenInfo, bool) {
	auth := r.Header.Get("Authorization")
	scheme, token, _ := strings.Cut(auth, " ")
	if auth == "" {
		writeJSON(w, http.StatusUnauthorized, apiError{Message: "Requires authentication", DocumentationURL: docs, Status: "401"})
		return nil, tokenInfo{}, false
	}
	f.mu.Lock()
	info, ok := f.tokens[strings.TrimSpace(token)]
	var u *User
	if ok {
		u = f.users[info.login]
	}
	f.mu.Unlock()
	if (!strings.EqualFold(scheme, "token") && !strings.EqualFold(scheme, "bearer")) || !ok || u == nil {
		writeJSON(w, http.StatusUnauthorized, apiError{Message: "Bad credentials", DocumentationURL: "https://docs.github.com/rest", Status: "401"})
		return nil, tokenInfo{}, false
	}
	h := w.Header()
	h.Set("X-OAuth-Scopes", strings.Join(info.scopes, ", "))
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	h.Set("X-GitHub-Api-Version-Selected", "2022-11-28")
	if !f.spend(w, r, strings.TrimSpace(token)) {
		return nil, tokenInfo{}, false
	}
	if f.inject(w, r) {
		return nil, tokenInfo{}, false
	}
	return u, info, true
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// user answers GET /user with the authenticated user's full profile.
func (f *Fake) user(w http.ResponseWriter, r *http.Request) {
	u, _, ok := f.authenticate(w, r, "https://docs.github.com/rest/users/users#get-the-authenticated-user")
	if !ok {
		return
	}
	w.Header().Set("X-Accepted-OAuth-Scopes", "")
	api := "https://api.github.com/users/" + u.Login
	writeJSON(w, http.StatusOK, map[string]any{
		"login":                     u.Login,
		"id":                        u.ID,
		"node_id":                   "U_kgDO" + itoa(u.ID),
		"avatar_url":                u.AvatarURL,
		"gravatar_id":               "",
		"url":                       api,
		"html_url":                  "https://github.com/" + u.Login,
		"followers_url":             api + "/followers",
		"following_url":             api + "/following{/other_user}",
		"gists_url":                 api + "/gists{/gist_id}",
		"starred_url":               api + "/starred{/owner}{/repo}",
		"subscriptions_url":         api + "/subscriptions",
		"organizations_url":         api + "/orgs",
		"repos_url":                 api + "/repos",
		"events_url":                api + "/events{/privacy}",
		"received_events_url":       api + "/received_events",
		"type":                      "User",
		"user_view_type":            "private",
		"site_admin":                false,
		"name":                      nullable(u.Name),
		"company":                   nil,
		"blog":                      "",
		"location":                  nil,
		"email":                     nullable(u.Email),
		"hireable":                  nil,
		"bio":                       nil,
		"twitter_username":          nil,
		"notification_email":        nullable(u.Email),
		"public_repos":              3,
		"public_gists":              0,
		"followers":                 1,
		"following":                 0,
		"created_at":                "2015-06-01T12:00:00Z",
		"updated_at":                "2026-01-10T08:30:00Z",
		"private_gists":             0,
		"total_private_repos":       1,
		"owned_private_repos":       1,
		"disk_usage":                1024,
		"collaborators":             0,
		"two_factor_authentication": true,
		"plan": map[string]any{
			"name": "free", "space": 976562499, "collaborators": 0, "private_repos": 10000,
		},
	})
}

// emails answers GET /user/emails, which needs the user:email (or user)
// scope; without it GitHub answers 404.
func (f *Fake) emails(w http.ResponseWriter, r *http.Request) {
	const docs = "https://docs.github.com/rest/users/emails#list-email-addresses-for-the-authenticated-user"
	u, info, ok := f.authenticate(w, r, docs)
	if !ok {
		return
	}
	w.Header().Set("X-Accepted-OAuth-Scopes", "user, read:user, user:email")
	if !slices.Contains(info.scopes, "user:email") && !slices.Contains(info.scopes, "user") {
		writeJSON(w, http.StatusNotFound, apiError{Message: "Not Found", DocumentationURL: docs, Status: "404"})
		return
	}
	out := make([]map[string]any, 0, len(u.Emails))
	for _, e := range u.Emails {
		out = append(out, map[string]any{
			"email": e.Email, "primary": e.Primary, "verified": e.Verified, "visibility": nullable(e.Visibility),
		})
	}
	writeJSON(w, http.StatusOK, out)
}
