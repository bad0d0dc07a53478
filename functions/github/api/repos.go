package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/google/go-github/v93/github"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/session"
)

type repo struct {
	FullName      string `json:"full_name"`
	Private       bool   `json:"private"`
	HTMLURL       string `json:"html_url"`
	DefaultBranch string `json:"default_branch"`
	Description   string `json:"description"`
}

// page is GitHub's pagination, passed through: 0 means no such page.
type page struct {
	Next int `json:"next_page"`
	Prev int `json:"prev_page"`
	Last int `json:"last_page"`
}

// repos lists a page of the repositories the user can push to, newest
// push first; query keeps those whose owner/name contains it (the
// pagination is GitHub's, so a page may hold fewer matches).
func (h *handler) repos(w http.ResponseWriter, r *http.Request, u session.User) error {
	q := r.URL.Query()
	pageNo := 1
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			return apperr.InvalidField("page", "must be a page number from 1")
		}
		pageNo = n
	}
	query := strings.ToLower(strings.TrimSpace(q.Get("query")))
	if len(query) > 100 {
		return apperr.InvalidField("query", "must be at most 100 characters")
	}
	gh, err := h.github(r.Context(), u.ID)
	if err != nil {
		return err
	}
	list, resp, err := gh.client.Repositories.ListByAuthenticatedUser(r.Context(), &github.RepositoryListByAuthenticatedUserOptions{
		Sort: "pushed", ListOptions: github.ListOptions{Page: pageNo, PerPage: 100},
	})
	if err := gh.done(r.Context(), resp, err, "your repositories"); err != nil {
		return err
	}
	out := struct {
		Repos []repo `json:"repos"`
		page
	}{Repos: []repo{}, page: page{Next: resp.NextPage, Prev: resp.PrevPage, Last: resp.LastPage}}
	for _, rp := range list {
		if !rp.GetPermissions().GetPush() || (query != "" && !strings.Contains(strings.ToLower(rp.GetFullName()), query)) {
			continue
		}
		out.Repos = append(out.Repos, repo{
			FullName: rp.GetFullName(), Private: rp.GetPrivate(), HTMLURL: rp.GetHTMLURL(),
			DefaultBranch: rp.GetDefaultBranch(), Description: rp.GetDescription(),
		})
	}
	jsonio.Write(w, http.StatusOK, out)
	return nil
}
