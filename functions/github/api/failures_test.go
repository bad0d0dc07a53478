package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/testkit/fakegithub"
)

// TestFailures checks each failure answers as specified, and that the
// token never shows in an answer.
func TestFailures(t *testing.T) {
	many := strings.Repeat("## Issue: x\nbody\n", 51)
	tests := []struct {
		name    string
		scopes  []string
		setup   func(w *world)
		content string // the artifact; the seed roadmap when ""
		method  string
		path    string
		body    func(artifactID string) string
		status  int
		code    string
		want    []string // substrings of the body
		header  map[string]string
	}{
		{
			name: "revoked token", scopes: publishScopes, setup: func(w *world) { w.gh.Revoke(token) },
			status: 401, code: "github_reauth_required", want: []string{"sign in with GitHub again"},
		},
		{
			name: "missing repository", scopes: publishScopes, body: repoBody("alice/nope"),
			status: 404, code: "not_found", want: []string{"repository alice/nope was not found"},
		},
		{
			name: "another user's private repository", scopes: publishScopes, body: repoBody("bob/private"),
			status: 404, code: "not_found", want: []string{"bob/private"},
		},
		{
			name: "dispatch without push access", scopes: allScopes, method: http.MethodPost,
			path: "/api/github/repos/bob/public/workflows/claude.yml/dispatches", body: func(string) string { return `{"ref":"main"}` },
			status: 403, code: "forbidden", want: []string{"GitHub refused access", "Must have admin rights"},
		},
		{
			name: "primary rate limit", scopes: publishScopes,
			setup:  func(w *world) { w.gh.Fail(fakegithub.Failure{Kind: fakegithub.FailRateLimit}) },
			status: 429, code: "rate_limited", want: []string{`"reset_at":"`, "rate limit is exhausted until"},
		},
		{
			name: "exhausted allowance", scopes: publishScopes, setup: func(w *world) { w.gh.SetRateLimit(0) },
			status: 429, code: "rate_limited", want: []string{`"reset_at":"`},
		},
		{
			name: "secondary rate limit", scopes: publishScopes,
			setup:  func(w *world) { w.gh.Fail(fakegithub.Failure{Kind: fakegithub.FailSecondaryRateLimit}) },
			status: 429, code: "rate_limited", header: map[string]string{"Retry-After": "60"},
		},
		{
			name: "GitHub 5xx", scopes: publishScopes,
			setup:  func(w *world) { w.gh.Fail(fakegithub.Failure{Kind: fakegithub.FailServerError}) },
			status: 502, code: "upstream_error", want: []string{"GitHub failed to answer"},
		},
		{
			name: "GitHub timeout", scopes: publishScopes,
			setup:  func(w *world) { w.gh.Fail(fakegithub.Failure{Kind: fakegithub.FailSlow, Delay: 2 * time.Second}) },
			status: 502, code: "upstream_error", want: []string{"did not answer in time"},
		},
		{
			name: "no issue heading", scopes: publishScopes, content: "# Plan\n\nNothing to do.\n",
			status: 400, code: "invalid_argument", want: []string{`no \"## Issue: \u003ctitle\u003e\" heading`},
		},
		{
			name: "over 50 issues", scopes: publishScopes, content: many,
			status: 400, code: "invalid_argument", want: []string{"51 issues; at most 50"},
		},
		{
			name: "issue body over 65536 characters", scopes: publishScopes, content: "## Issue: big\n" + strings.Repeat("a", 65530) + "\n",
			status: 400, code: "invalid_argument", want: []string{"65539 characters; GitHub allows 65536"},
		},
		{
			name: "sign-in scopes only", scopes: signInScopes,
			status: 403, code: "github_scope_required", want: []string{`"scope":"public_repo"`, `"accepted":["public_repo","repo"]`},
		},
		{
			name: "public_repo on a private repository", scopes: publicScopes, body: repoBody("alice/secret"),
			status: 403, code: "github_scope_required", want: []string{`"scope":"repo"`},
		},
		{
			name: "dispatch without workflow", scopes: publishScopes, method: http.MethodPost,
			path: "/api/github/repos/alice/app/workflows/claude.yml/dispatches", body: func(string) string { return `{"ref":"main"}` },
			status: 403, code: "github_scope_required", want: []string{`"scope":"workflow"`},
		},
		{
			name: "bad repository name", scopes: publishScopes, body: repoBody("../etc"),
			status: 400, code: "invalid_argument", want: []string{`"field":"repo"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, tt.scopes)
			content := tt.content
			if content == "" {
				content = seed(t)
			}
			art := w.artifact(t, content)
			if tt.setup != nil {
				tt.setup(w)
			}
			method, path, body := tt.method, tt.path, publishBody(art.ID, art.Version, "alice/app", false)
			if method == "" {
				method, path = http.MethodPost, "/api/github/publish"
			}
			if tt.body != nil {
				body = tt.body(art.ID)
			}
			resp := w.Do(method, path, w.alice, body)
			noToken(t, resp)
			code, _, _ := resp.Error(t)
			if resp.Status != tt.status || code != tt.code {
				t.Fatalf("got %d %s, want %d %s", resp.Status, resp.Body, tt.status, tt.code)
			}
			for _, s := range tt.want {
				if !strings.Contains(resp.Body, s) {
					t.Errorf("body %s lacks %q", resp.Body, s)
				}
			}
			for k, v := range tt.header {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if tt.status == 429 && resp.Header.Get("Retry-After") == "" {
				t.Errorf("429 without Retry-After")
			}
		})
	}
}

func repoBody(repo string) func(string) string {
	return func(artifactID string) string { return publishBody(artifactID, 0, repo, false) }
}

// TestRevokedTokenIsMarked checks a 401 from GitHub marks the token, so
// later calls answer at once without asking GitHub, until a new sign-in
// saves a new token.
func TestRevokedTokenIsMarked(t *testing.T) {
	w := newWorld(t, publishScopes)
	w.gh.Revoke(token)
	if r := w.Do(http.MethodGet, "/api/github/repos", w.alice, ""); r.Status != 401 {
		t.Fatalf("first call: %d %s", r.Status, r.Body)
	}
	before := len(w.gh.Requests())
	r := w.Do(http.MethodGet, "/api/github/repos", w.alice, "")
	code, _, _ := r.Error(t)
	if r.Status != 401 || code != "github_reauth_required" || len(w.gh.Requests()) != before {
		t.Fatalf("second call: %d %s, GitHub asked %d times", r.Status, r.Body, len(w.gh.Requests())-before)
	}
	if r := w.Do(http.MethodGet, "/api/github/account", w.alice, ""); !strings.Contains(r.Body, `"revoked":true`) {
		t.Fatalf("account: %s", r.Body)
	}
}

// TestNoGitHubToken is the development sign-in: GitHub features say a
// GitHub sign-in is needed, the dry run still works.
func TestNoGitHubToken(t *testing.T) {
	w := newWorld(t, publishScopes)
	dev := w.SignIn("dev-user")
	chat, err := w.chats.CreateChat(t.Context(), dev, "x")
	if err != nil {
		t.Fatal(err)
	}
	art, err := w.chats.SaveArtifact(t.Context(), dev, chat.ID, "", "roadmap", chatstore.TypeMarkdown, "", "R", seed(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"account", http.MethodGet, "/api/github/account", "", 200, `"connected":false`},
		{"repos", http.MethodGet, "/api/github/repos", "", 403, `"code":"github_signin_required"`},
		{"publish", http.MethodPost, "/api/github/publish", publishBody(art.ID, 0, "alice/app", false), 403, `"code":"github_signin_required"`},
		{"dry run", http.MethodPost, "/api/github/publish", publishBody(art.ID, 0, "alice/app", true), 200, `"dry_run":true`},
		{"dry run without a repository", http.MethodPost, "/api/github/publish", publishBody(art.ID, 0, "", true), 200, `"title":"Optimize Frontend Performance"`},
		{"publish without a repository", http.MethodPost, "/api/github/publish", publishBody(art.ID, 0, "", false), 400, `"field":"repo"`},
		{"another user's artifact", http.MethodPost, "/api/github/publish", publishBody(w.artifact(t, seed(t)).ID, 0, "alice/app", true), 404, `"code":"not_found"`},
		{"no session", http.MethodGet, "/api/github/repos", "", 401, `"code":"unauthenticated"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			user := dev
			if tt.name == "no session" {
				user = ""
			}
			r := w.Do(tt.method, tt.path, user, tt.body)
			if r.Status != tt.status || !strings.Contains(r.Body, tt.want) {
				t.Fatalf("got %d %s, want %d with %s", r.Status, r.Body, tt.status, tt.want)
			}
		})
	}
}
