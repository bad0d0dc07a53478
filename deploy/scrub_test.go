package deploy_test

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/logging"
	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
	"github.com/archstudio/studio/shared/testkit/fakegithub"
)

// TestLogsCarryNoSecrets runs the studio with LOG_DIR and LOG_LEVEL=debug
// and pushes known secrets through every log path: the access log
// (Authorization, cookies, OAuth code and state in the query), the
// functions' error logs, an Anthropic error whose body quotes the API key
// and the user's message, GitHub errors with their bodies after the
// user's token was revoked, and the stderr every process writes. None of
// the secrets, nor the message content, appears in any of them.
// (Recovered panics: shared/bootstrap's TestPanicLogIsScrubbed.)
func TestLogsCarryNoSecrets(t *testing.T) {
	logDir := t.TempDir()
	const (
		metricsToken = "metrics-secret-9f8e7d6c"
		bearer       = "bearer-secret-77aa66bb"
		oauthCode    = "oauthcode5b4a3c2d1e"
		oauthState   = "oauthstate1a2b3c4d5e"
		content      = "my private architecture plan zebra-41"
		apiKey       = "e2e-anthropic-key" // the stack's
	)
	s := startStudio(t, "LOG_DIR="+logDir, "LOG_LEVEL=debug", "METRICS_TOKEN="+metricsToken)
	u := signIn(t, s)
	base, _ := url.Parse(s.URL)
	var session string
	for _, c := range u.client.Jar.Cookies(base) {
		session = c.Value
	}
	ghTokens := s.GitHub.IssuedTokens()
	if session == "" || len(ghTokens) == 0 {
		t.Fatalf("no session (%q) or GitHub token (%v) after sign-in", session, ghTokens)
	}

	// Access log: secrets in headers and the query.
	u.do("GET", "/api/auth/github/callback?code="+oauthCode+"&state="+oauthState, nil)
	u.do("GET", "/api/chats?access_token="+bearer, nil, "Authorization", "Bearer "+bearer)
	u.do("GET", "/metrics", nil, "Authorization", "Bearer "+metricsToken)

	// Anthropic refuses, quoting the key and the prompt in its body.
	chat := u.newChat()
	s.Anthropic.SetScript(fakeanthropic.Script{FailTimes: 1, Fail: fakeanthropic.Failure{
		Status: 401, Type: "authentication_error",
		Message: "invalid x-api-key " + apiKey + " for prompt: " + content}})
	u.do("POST", "/api/chats/"+chat+"/messages", map[string]string{"content": content})

	// GitHub fails with its unicorn body, then refuses the revoked token.
	s.GitHub.Fail(fakegithub.Failure{Kind: fakegithub.FailServerError})
	if code, _ := u.do("GET", "/api/github/repos", nil); code < 500 {
		t.Fatalf("GitHub failure answered %d", code)
	}
	for _, tok := range ghTokens {
		s.GitHub.Revoke(tok)
	}
	u.do("GET", "/api/github/repos", nil)

	secrets := append([]string{metricsToken, bearer, oauthCode, oauthState, content, apiKey, session,
		fakegithub.TestClientSecret}, ghTokens...)
	files := map[string]string{}
	testkit.Eventually(t, 10*time.Second, func() bool {
		entries, _ := os.ReadDir(logDir)
		for _, e := range entries {
			b, _ := os.ReadFile(filepath.Join(logDir, e.Name()))
			files[e.Name()] = string(b)
		}
		return strings.Contains(files["access.log"], "/api/github/repos") &&
			strings.Contains(files["stream.error.log"], "claude request failed")
	}, "the access log and stream's error log to be written")
	s.Close() // flush every process's stderr into the stack log
	files["stderr"] = stackOutput(t)
	for name, text := range files {
		for _, secret := range secrets {
			if strings.Contains(text, secret) {
				t.Errorf("%s shows the secret %q:\n%s", name, secret, text)
			}
		}
	}
	// The paths ran and were scrubbed, not skipped.
	for name, want := range map[string]string{
		"access.log":       `"path":"/api/auth/github/callback"`,
		"stream.error.log": logging.Redacted,
		"router.error.log": "", // opened at start: exists even when empty
	} {
		text, ok := files[name]
		if !ok || !strings.Contains(text, want) {
			t.Errorf("%s (written: %v) lacks %q", name, ok, want)
		}
	}
}
