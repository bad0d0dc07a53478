package api_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/testkit/fakegithub"
)

// appFiles is alice/app's main branch: what the studio should select by
// kind, a file only a pick brings in, a vendored manifest and a binary.
func appFiles() map[string]string {
	return map[string]string{
		"README.md":              "# App\n\nAn order service.\n",
		"go.mod":                 "module example.com/app\n\ngo 1.23\n",
		"cmd/app/main.go":        "package main\n\nfunc main() {}\n",
		"docs/architecture.md":   "# Architecture\n\nOrders flow through a queue.\n",
		"Dockerfile":             "FROM scratch\n",
		"internal/orders/svc.go": "package orders\n\n// Service owns orders.\ntype Service struct{}\n",
		"vendor/x/go.mod":        "module x\n",
		"assets/logo.md":         "not a doc: not at the root or under docs/\n",
		"logo.png":               "\x89PNG\r\n\x1a\n\x00\x00",
	}
}

type repoContext struct {
	Repo      string `json:"repo"`
	Ref       string `json:"ref"`
	CommitSHA string `json:"commit_sha"`
	Tokens    int    `json:"tokens"`
	Budget    int    `json:"token_budget"`
	TreeFiles int    `json:"tree_files"`
	Files     []struct {
		Path   string `json:"path"`
		Tokens int    `json:"tokens"`
		Reason string `json:"reason"`
	} `json:"files"`
	Omitted []string `json:"omitted"`
}

func (c repoContext) paths() []string {
	var out []string
	for _, f := range c.Files {
		out = append(out, f.Path+"="+f.Reason)
	}
	return out
}

// gitCalls counts the fake GitHub's requests whose path holds part.
func gitCalls(gh *fakegithub.Server, part string) int {
	n := 0
	for _, r := range gh.Requests() {
		if strings.Contains(r.Path, part) {
			n++
		}
	}
	return n
}

func repoWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t, publicScopes)
	w.gh.AddRepo(fakegithub.Repo{Owner: "alice", Name: "app", Branches: map[string]map[string]string{"main": appFiles()}})
	return w
}

// TestAttachRepository: attaching a repository reads its tree, README and
// the files selected by kind, plus the user's picks, within the budget,
// and stores a context block that names each file.
func TestAttachRepository(t *testing.T) {
	w := repoWorld(t)
	path := "/api/github/chats/" + w.chat + "/repository"
	r := w.Do(http.MethodPut, path, w.alice, `{"repo":"alice/app","paths":["internal/orders/svc.go","nope.go"]}`)
	noToken(t, r)
	if r.Status != 200 {
		t.Fatalf("attach: %d %s", r.Status, r.Body)
	}
	var got repoContext
	r.JSON(t, &got)
	want := []string{"internal/orders/svc.go=picked", "README.md=readme", "go.mod=manifest", "cmd/app/main.go=entry point", "Dockerfile=config", "docs/architecture.md=doc"}
	if !slices.Equal(got.paths(), want) {
		t.Fatalf("files %v, want %v", got.paths(), want)
	}
	if !slices.Equal(got.Omitted, []string{"nope.go"}) || got.TreeFiles != len(appFiles()) || got.Budget != 20000 || len(got.CommitSHA) != 40 {
		t.Fatalf("context %+v", got)
	}
	text, err := w.chats.RepositoryContext(context.Background(), w.alice, w.chat)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`<repository name="alice/app"`, `commit="` + got.CommitSHA + `"`, "<tree>\n", "logo.png\n",
		"<file path=\"go.mod\">\nmodule example.com/app", "<file path=\"internal/orders/svc.go\">", "type Service struct{}"} {
		if !strings.Contains(text, s) {
			t.Errorf("context lacks %q:\n%s", s, text)
		}
	}
	if strings.Contains(text, `<file path="vendor/`) || strings.Contains(text, `<file path="logo.png"`) {
		t.Errorf("context holds vendored or binary files:\n%s", text)
	}
	if g := w.Do(http.MethodGet, path, w.alice, ""); g.Status != 200 || !strings.Contains(g.Body, `"path":"go.mod"`) {
		t.Fatalf("get: %d %s", g.Status, g.Body)
	}
	if d := w.Do(http.MethodDelete, path, w.alice, ""); d.Status != 204 {
		t.Fatalf("detach: %d %s", d.Status, d.Body)
	}
	if g := w.Do(http.MethodGet, path, w.alice, ""); g.Status != 204 || g.Body != "" {
		t.Fatalf("get after detach: %d %s, want 204 (nothing attached)", g.Status, g.Body)
	}
	if text, _ := w.chats.RepositoryContext(context.Background(), w.alice, w.chat); text != "" {
		t.Fatalf("context after detach: %q", text)
	}
}

// TestRepositoryBudget: the files read stop at the token budget, the
// picks first, and what did not fit is listed.
func TestRepositoryBudget(t *testing.T) {
	w := repoWorld(t)
	files := appFiles()
	for i := range 20 {
		files[fmt.Sprintf("docs/part%02d.md", i)] = strings.Repeat("Design notes. ", 60) // ~210 tokens each
	}
	w.gh.SetBranch("alice/app", "main", files)
	r := w.Do(http.MethodPut, "/api/github/chats/"+w.chat+"/repository", w.alice, `{"repo":"alice/app","token_budget":1500}`)
	if r.Status != 200 {
		t.Fatalf("attach: %d %s", r.Status, r.Body)
	}
	var got repoContext
	r.JSON(t, &got)
	if got.Tokens > 1500 || got.Tokens < 1000 {
		t.Fatalf("tokens %d, want within the budget of 1500 and near it", got.Tokens)
	}
	if len(got.Files) == 0 || got.Files[0].Path != "README.md" || len(got.Files) >= 6+20 {
		t.Fatalf("files %v", got.paths())
	}
	if gitCalls(w.gh, "/git/blobs/") != len(got.Files) {
		t.Fatalf("%d blob reads for %d files: files over the budget must not be read", gitCalls(w.gh, "/git/blobs/"), len(got.Files))
	}
}

// TestRepositoryCachedByCommit: refreshing an unchanged branch costs one
// conditional request and no tree or file read; another chat attaching
// the same commit reads nothing either; a new commit is read afresh.
func TestRepositoryCachedByCommit(t *testing.T) {
	w := repoWorld(t)
	path := "/api/github/chats/" + w.chat + "/repository"
	var first repoContext
	if r := w.Do(http.MethodPut, path, w.alice, `{"repo":"alice/app","ref":"main"}`); r.Status != 200 {
		t.Fatalf("attach: %d %s", r.Status, r.Body)
	} else {
		r.JSON(t, &first)
	}
	trees, blobs := gitCalls(w.gh, "/git/trees/"), gitCalls(w.gh, "/git/blobs/")
	if trees != 1 || blobs != len(first.Files) {
		t.Fatalf("first build: %d tree and %d blob reads", trees, blobs)
	}
	used := w.gh.RateUsed(token)
	r := w.Do(http.MethodPost, path+"/refresh", w.alice, "")
	if r.Status != 200 || !strings.Contains(r.Body, first.CommitSHA) {
		t.Fatalf("refresh: %d %s", r.Status, r.Body)
	}
	if gitCalls(w.gh, "/git/trees/") != trees || gitCalls(w.gh, "/git/blobs/") != blobs {
		t.Fatal("refreshing an unchanged commit read the tree or files again")
	}
	last := w.gh.Requests()[len(w.gh.Requests())-1]
	if last.Header.Get("If-None-Match") != `"`+first.CommitSHA+`"` || w.gh.RateUsed(token) != used {
		t.Fatalf("refresh asked %s with If-None-Match %q; rate used %d → %d (a 304 is free)",
			last.Path, last.Header.Get("If-None-Match"), used, w.gh.RateUsed(token))
	}
	other, err := w.chats.CreateChat(context.Background(), w.alice, "other")
	if err != nil {
		t.Fatal(err)
	}
	if r := w.Do(http.MethodPut, "/api/github/chats/"+other.ID+"/repository", w.alice, `{"repo":"alice/app","ref":"main"}`); r.Status != 200 {
		t.Fatalf("attach to another chat: %d %s", r.Status, r.Body)
	}
	if gitCalls(w.gh, "/git/trees/") != trees {
		t.Fatal("the same commit attached to another chat was read again")
	}
	files := appFiles()
	files["go.mod"] = "module example.com/app/v2\n"
	sha := w.gh.SetBranch("alice/app", "main", files)
	r = w.Do(http.MethodPost, path+"/refresh", w.alice, "")
	if r.Status != 200 || !strings.Contains(r.Body, sha) || gitCalls(w.gh, "/git/trees/") != trees+1 {
		t.Fatalf("refresh after a push: %d %s", r.Status, r.Body)
	}
	text, _ := w.chats.RepositoryContext(context.Background(), w.alice, w.chat)
	if !strings.Contains(text, "module example.com/app/v2") {
		t.Fatalf("context not rebuilt:\n%s", text)
	}
}

// TestRepositoryFailures: GitHub's refusals and bad input answer as
// specified and store nothing.
func TestRepositoryFailures(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(w *world)
		body   string
		status int
		code   string
		want   string
	}{
		{name: "missing repository", body: `{"repo":"alice/nope"}`, status: 404, code: "not_found", want: "alice/nope"},
		{name: "another user's private repository", body: `{"repo":"bob/private"}`, status: 404, code: "not_found", want: "bob/private"},
		{name: "private repository without the repo scope", body: `{"repo":"alice/secret"}`, status: 403, code: "github_scope_required", want: `"scope":"repo"`},
		{name: "unknown branch", body: `{"repo":"alice/app","ref":"nope"}`, status: 400, code: "invalid_argument", want: `"field":"ref"`},
		{name: "rate limit while reading the tree", setup: func(w *world) { w.gh.Fail(fakegithub.Failure{Kind: fakegithub.FailRateLimit, After: 1}) },
			body: `{"repo":"alice/app"}`, status: 429, code: "rate_limited", want: `"reset_at":"`},
		{name: "GitHub 5xx", setup: func(w *world) { w.gh.Fail(fakegithub.Failure{Kind: fakegithub.FailServerError}) },
			body: `{"repo":"alice/app"}`, status: 502, code: "upstream_error", want: "GitHub failed to answer"},
		{name: "bad repository", body: `{"repo":"../etc"}`, status: 400, code: "invalid_argument", want: `"field":"repo"`},
		{name: "budget too small", body: `{"repo":"alice/app","token_budget":10}`, status: 400, code: "invalid_argument", want: `"field":"token_budget"`},
		{name: "path outside the repository", body: `{"repo":"alice/app","paths":["../x"]}`, status: 400, code: "invalid_argument", want: `"field":"paths"`},
		{name: "bad ref", body: `{"repo":"alice/app","ref":"a..b"}`, status: 400, code: "invalid_argument", want: `"field":"ref"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := repoWorld(t)
			if tt.setup != nil {
				tt.setup(w)
			}
			r := w.Do(http.MethodPut, "/api/github/chats/"+w.chat+"/repository", w.alice, tt.body)
			noToken(t, r)
			code, _, _ := r.Error(t)
			if r.Status != tt.status || code != tt.code || !strings.Contains(r.Body, tt.want) {
				t.Fatalf("got %d %s, want %d %s with %q", r.Status, r.Body, tt.status, tt.code, tt.want)
			}
			if g := w.Do(http.MethodGet, "/api/github/chats/"+w.chat+"/repository", w.alice, ""); g.Status != 204 {
				t.Fatalf("a refused attach stored a repository: %d %s", g.Status, g.Body)
			}
		})
	}
}

// TestRepositoryCrossTenant: another user's chat is 404 on every route,
// and nothing is asked of GitHub for it.
func TestRepositoryCrossTenant(t *testing.T) {
	w := repoWorld(t)
	path := "/api/github/chats/" + w.chat + "/repository"
	if r := w.Do(http.MethodPut, path, w.alice, `{"repo":"alice/app"}`); r.Status != 200 {
		t.Fatalf("attach: %d %s", r.Status, r.Body)
	}
	bare, err := w.chats.CreateChat(context.Background(), w.alice, "no repository")
	if err != nil {
		t.Fatal(err)
	}
	mallory := w.SignIn("mallory")
	before := len(w.gh.Requests())
	for _, c := range []struct{ method, path, body string }{
		{http.MethodGet, path, ""},
		// Alice's chat without a repository is 204 to her, 404 to anyone else.
		{http.MethodGet, "/api/github/chats/" + bare.ID + "/repository", ""},
		{http.MethodPut, path, `{"repo":"alice/app"}`},
		{http.MethodPost, path + "/refresh", ""},
		{http.MethodDelete, path, ""},
		{http.MethodGet, "/api/github/chats/not-a-uuid/repository", ""},
	} {
		if r := w.Do(c.method, c.path, mallory, c.body); r.Status != 404 {
			t.Errorf("%s %s as another user: %d %s", c.method, c.path, r.Status, r.Body)
		}
	}
	if n := len(w.gh.Requests()); n != before {
		t.Fatalf("probes of another user's chat made %d GitHub requests", n-before)
	}
	if g := w.Do(http.MethodGet, path, w.alice, ""); g.Status != 200 {
		t.Fatalf("alice's repository after the probes: %d %s", g.Status, g.Body)
	}
}
