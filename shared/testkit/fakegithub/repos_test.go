package fakegithub_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/testkit/fakegithub"
)

func call(t *testing.T, method, url, token, etag, body string) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, url, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func bodyOf(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestRepoWire checks the wire behaviour the github function relies on:
// Link pagination, ETag/304 that costs no rate limit, X-OAuth-Scopes and
// X-RateLimit-* headers, scope and access failures, primary and secondary
// rate limits, server errors and validation errors with GitHub's bodies.
func TestRepoWire(t *testing.T) {
	srv := fakegithub.NewServer(t, "http://app.test/cb")
	srv.AddUser(fakegithub.User{Login: "alice"})
	srv.AddToken("full", "alice", []string{"repo", "workflow"})
	srv.AddToken("none", "alice", []string{"read:user"})
	srv.AddRepo(fakegithub.Repo{Owner: "alice", Name: "app"})
	srv.AddRepo(fakegithub.Repo{Owner: "alice", Name: "secret", Private: true})
	for _, n := range []string{"a", "b", "c"} {
		srv.AddRepo(fakegithub.Repo{Owner: "alice", Name: "x" + n})
	}
	api := srv.URL + "/api/v3"

	t.Run("pagination", func(t *testing.T) {
		resp := call(t, "GET", api+"/user/repos?per_page=2&page=2", "full", "", "")
		link := resp.Header.Get("Link")
		if resp.StatusCode != 200 || !strings.Contains(link, `page=3&per_page=2>; rel="next"`) ||
			!strings.Contains(link, `rel="last"`) || !strings.Contains(link, `page=1&per_page=2>; rel="prev"`) {
			t.Fatalf("%d Link %q", resp.StatusCode, link)
		}
		if resp.Header.Get("X-OAuth-Scopes") != "repo, workflow" || resp.Header.Get("X-RateLimit-Limit") != "5000" {
			t.Fatalf("headers %v", resp.Header)
		}
	})
	t.Run("etag and 304", func(t *testing.T) {
		first := call(t, "GET", api+"/repos/alice/app/actions/runs", "full", "", "")
		etag := first.Header.Get("ETag")
		used := srv.RateUsed("full")
		again := call(t, "GET", api+"/repos/alice/app/actions/runs", "full", etag, "")
		if first.StatusCode != 200 || etag == "" || again.StatusCode != 304 || srv.RateUsed("full") != used {
			t.Fatalf("first %d %q, again %d, used %d→%d", first.StatusCode, etag, again.StatusCode, used, srv.RateUsed("full"))
		}
		srv.StartRun("alice/app", fakegithub.Run{})
		if changed := call(t, "GET", api+"/repos/alice/app/actions/runs", "full", etag, ""); changed.StatusCode != 200 || changed.Header.Get("ETag") == etag {
			t.Fatalf("after a new run: %d", changed.StatusCode)
		}
	})
	tests := []struct {
		name, method, path, token, body string
		setup                           func()
		status                          int
		want                            string
		header                          [2]string
	}{
		{name: "bad credentials", method: "GET", path: "/user/repos", token: "nope", status: 401, want: `"message":"Bad credentials"`},
		{name: "private repo without repo scope", method: "GET", path: "/repos/alice/secret", token: "none", status: 404, header: [2]string{"X-Accepted-OAuth-Scopes", "repo"}},
		{name: "issue without public_repo", method: "POST", path: "/repos/alice/app/issues", token: "none", body: `{"title":"x"}`, status: 404, header: [2]string{"X-Accepted-OAuth-Scopes", "public_repo, repo"}},
		{name: "missing title", method: "POST", path: "/repos/alice/app/issues", token: "full", body: `{"body":"x"}`, status: 422, want: `"code":"missing_field","field":"title"`},
		{name: "body too long", method: "POST", path: "/repos/alice/app/issues", token: "full", body: `{"title":"x","body":"` + strings.Repeat("a", 65537) + `"}`, status: 422, want: "body is too long (maximum is 65536 characters)"},
		{name: "primary rate limit", method: "GET", path: "/user/repos", token: "full", setup: func() { srv.Fail(fakegithub.Failure{Kind: fakegithub.FailRateLimit}) }, status: 403, want: "API rate limit exceeded", header: [2]string{"X-RateLimit-Remaining", "0"}},
		{name: "secondary rate limit", method: "GET", path: "/user/repos", token: "full", setup: func() { srv.Fail(fakegithub.Failure{Kind: fakegithub.FailSecondaryRateLimit}) }, status: 403, want: "secondary rate limit", header: [2]string{"Retry-After", "60"}},
		{name: "server error", method: "GET", path: "/user/repos", token: "full", setup: func() { srv.Fail(fakegithub.Failure{Kind: fakegithub.FailServerError}) }, status: 502, want: "Unicorn"},
		{name: "created", method: "POST", path: "/repos/alice/app/issues", token: "full", body: `{"title":"Hello","body":"@claude","labels":["priority: high"]}`, status: 201, want: `"number":1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			resp := call(t, tt.method, api+tt.path, tt.token, "", tt.body)
			b := bodyOf(t, resp)
			if resp.StatusCode != tt.status || !strings.Contains(b, tt.want) {
				t.Fatalf("%d %.300s", resp.StatusCode, b)
			}
			if tt.header[0] != "" && resp.Header.Get(tt.header[0]) != tt.header[1] {
				t.Fatalf("%s = %q", tt.header[0], resp.Header.Get(tt.header[0]))
			}
			if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != 404 {
				var e struct{ Message, DocumentationURL string }
				if json.Unmarshal([]byte(b), &e) != nil || e.Message == "" {
					t.Fatalf("not GitHub's error body: %s", b)
				}
			}
		})
	}
	if is := srv.Issues("alice/app"); len(is) != 1 || is[0].Labels[0] != "priority: high" {
		t.Fatalf("issues %+v", is)
	}
	srv.SetRateLimit(1)
	call(t, "GET", api+"/user/repos", "full", "", "")
	if resp := call(t, "GET", api+"/user/repos", "full", "", ""); resp.StatusCode != 403 || resp.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("over the limit: %d", resp.StatusCode)
	}
}
