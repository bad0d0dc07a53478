package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/testkit/fakegithub"
)

// TestRepos lists the repositories alice can push to, passing GitHub's
// pagination through and filtering by query.
func TestRepos(t *testing.T) {
	w := newWorld(t, publishScopes)
	for i := range 120 {
		w.gh.AddRepo(fakegithub.Repo{Owner: "alice", Name: fmt.Sprintf("svc-%03d", i)})
	}
	w.gh.AddRepo(fakegithub.Repo{Owner: "bob", Name: "shared", Collaborators: []string{"alice"}})
	w.gh.AddRepo(fakegithub.Repo{Owner: "bob", Name: "readonly", Readers: []string{"alice"}})
	type page struct {
		Repos []struct {
			FullName string `json:"full_name"`
			Private  bool
		}
		NextPage int `json:"next_page"`
		PrevPage int `json:"prev_page"`
		LastPage int `json:"last_page"`
	}
	tests := []struct {
		name, query  string
		count        int
		next, prev   int
		contains     string
		notContained string
	}{
		{name: "first page", query: "?page=1", count: 100, next: 2, contains: "alice/app", notContained: "bob/readonly"},
		{name: "second page", query: "?page=2", count: 23, prev: 1, contains: "bob/shared", notContained: "bob/readonly"},
		{name: "query", query: "?query=SECRET", count: 1, next: 2, contains: "alice/secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := w.Do(http.MethodGet, "/api/github/repos"+tt.query, w.alice, "")
			var p page
			r.JSON(t, &p)
			if r.Status != 200 || len(p.Repos) != tt.count || p.NextPage != tt.next || p.PrevPage != tt.prev {
				t.Fatalf("%d: %d repos, next %d prev %d: %.300s", r.Status, len(p.Repos), p.NextPage, p.PrevPage, r.Body)
			}
			if !strings.Contains(r.Body, `"full_name":"`+tt.contains+`"`) || (tt.notContained != "" && strings.Contains(r.Body, tt.notContained)) {
				t.Fatalf("body %.500s", r.Body)
			}
		})
	}
	if r := w.Do(http.MethodGet, "/api/github/repos?page=0", w.alice, ""); r.Status != 400 {
		t.Fatalf("page 0: %d", r.Status)
	}
}

// TestRunsAndDispatch: publishing with Claude's workflow starts runs that
// the runs route lists with their issue; a dispatch starts another.
func TestRunsAndDispatch(t *testing.T) {
	w := newWorld(t, allScopes)
	art := w.artifact(t, "## Issue: Build it\nNow.\n")
	if r := w.Do(http.MethodPost, "/api/github/publish", w.alice, publishBody(art.ID, 0, "alice/app", false)); r.Status != 201 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	r := w.Do(http.MethodGet, "/api/github/repos/alice/app/runs", w.alice, "")
	if r.Status != 200 || !strings.Contains(r.Body, `"issue":"Build it"`) || !strings.Contains(r.Body, `"status":"queued"`) ||
		!strings.Contains(r.Body, `"url":"https://github.com/alice/app/actions/runs/`) {
		t.Fatalf("runs: %d %s", r.Status, r.Body)
	}
	r = w.Do(http.MethodPost, "/api/github/repos/alice/app/workflows/claude.yml/dispatches", w.alice, `{"ref":"main","inputs":{"prompt":"go"}}`)
	if r.Status != 202 {
		t.Fatalf("dispatch: %d %s", r.Status, r.Body)
	}
	runs := w.gh.Runs("alice/app")
	if len(runs) != 2 || runs[1].Event != "workflow_dispatch" || runs[1].Branch != "main" {
		t.Fatalf("runs on GitHub %+v", runs)
	}
	for _, tt := range []struct{ path, body, want string }{
		{"/api/github/repos/alice/app/workflows/claude.yml/dispatches", `{"inputs":{}}`, `"field":"ref"`},
		{"/api/github/repos/alice/app/workflows/999/dispatches", `{"ref":"main"}`, `"code":"not_found"`},
	} {
		if r := w.Do(http.MethodPost, tt.path, w.alice, tt.body); !strings.Contains(r.Body, tt.want) {
			t.Errorf("%s %s: %d %s", tt.path, tt.body, r.Status, r.Body)
		}
	}
}
