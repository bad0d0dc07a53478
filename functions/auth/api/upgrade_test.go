package api_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestScopeUpgrade: sign-in asks only for read:user user:email; the
// upgrade re-runs GitHub's authorize with the extra scopes, stores what
// GitHub granted (X-OAuth-Scopes) beside the token, and returns to the
// studio page it started from.
func TestScopeUpgrade(t *testing.T) {
	e := newEnv(t, withScopes("read:user", "user:email"))
	b := e.browser()
	authorize := b.start("/chats/abc")
	if got := authorize.Query().Get("scope"); got != "read:user user:email" {
		t.Fatalf("sign-in asks for %q", got)
	}
	if rec := b.do(http.MethodGet, e.approve(authorize), ""); rec.Code != http.StatusFound {
		t.Fatalf("sign-in: %d", rec.Code)
	}
	if u := decode[meBody](t, b.do(http.MethodGet, "/api/auth/me", "").Body.Bytes()); !slices.Equal(u.Scopes, []string{"read:user", "user:email"}) {
		t.Fatalf("scopes after sign-in %v", u.Scopes)
	}

	rec := b.do(http.MethodGet, "/api/auth/github?scope=public_repo&scope=workflow&return_to="+url.QueryEscape("/chats/abc?publish=1"), "")
	if rec.Code != http.StatusFound {
		t.Fatalf("upgrade: %d %s", rec.Code, rec.Body)
	}
	up, _ := url.Parse(rec.Header().Get("Location"))
	if got := up.Query().Get("scope"); got != "read:user user:email public_repo workflow" {
		t.Fatalf("upgrade asks for %q", got)
	}
	rec = b.do(http.MethodGet, e.approve(up), "")
	if rec.Code != http.StatusFound || rec.Header().Get("Location") != publicURL+"/chats/abc?publish=1" {
		t.Fatalf("upgrade callback: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	u := decode[meBody](t, b.do(http.MethodGet, "/api/auth/me", "").Body.Bytes())
	if !slices.Equal(u.Scopes, []string{"read:user", "user:email", "public_repo", "workflow"}) {
		t.Fatalf("scopes after the upgrade %v", u.Scopes)
	}

	for _, bad := range []string{"admin:org", "repo,delete_repo"} {
		rec := b.do(http.MethodGet, "/api/auth/github?scope="+url.QueryEscape(bad), "")
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"scope"`) {
			t.Errorf("scope %q: %d %s", bad, rec.Code, rec.Body)
		}
	}
}
