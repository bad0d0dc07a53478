package logging

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

// TestScrub runs records through New's scrubbing: secrets go whatever
// their key or shape; what only describes them stays.
func TestScrub(t *testing.T) {
	tests := []struct {
		name   string
		attr   slog.Attr
		gone   string
		stays  string
		debugC bool // LOG_LEVEL=debug with LOG_CONTENT=true
	}{
		{"authorization header", slog.String("authorization", "Bearer abcdefgh12345"), "abcdefgh12345", `"authorization":"[redacted]"`, false},
		{"cookie", slog.String("cookie", "__Host-session=s3ss10nvalue"), "s3ss10nvalue", "", false},
		{"token key suffix", slog.String("github_token", "gho_0123456789abcdefABCDEF"), "gho_0123456789", "", false},
		{"bearer inside an error", slog.Any("error", errors.New("GET /x: Authorization: Bearer tok_9f8e7d6c5b4a")), "tok_9f8e7d6c5b4a", "GET /x", false},
		{"oauth query", slog.String("url", "/api/auth/github/callback?code=c0de123&state=st4te456"), "c0de123", "callback?code=", false},
		{"oauth state query", slog.String("url", "/cb?state=st4te456&x=1"), "st4te456", "x=1", false},
		{"anthropic key", slog.String("detail", "key sk-ant-api03-AbCdEf_123 refused"), "sk-ant-api03", "refused", false},
		{"github token in text", slog.String("detail", "token ghp_AAAAAAAAAAAAAAAAAAAAAAAA leaked"), "ghp_AAAA", "leaked", false},
		{"json body token", slog.String("body_dump", `{"access_token":"gho_secretvalue1234"}`), "gho_secretvalue1234", "", false},
		{"url password", slog.String("dsn_hint", "postgres://app:pa55word@db:5432/x"), "pa55word", "", false},
		{"content", slog.String("content", "my secret plan"), "my secret plan", `"content":"[redacted]"`, false},
		{"content kept when asked", slog.String("content", "my plain plan"), "", "my plain plan", true},
		{"upstream message", slog.Any("error", errors.New(`400 {"type":"error","error":{"type":"invalid_request_error","message":"prompt: my plan"}}`)), "my plan", "invalid_request_error", false},
		{"error code stays", slog.String("code", "quota_exceeded"), "", `"code":"quota_exceeded"`, false},
		{"token counts stay", slog.Int("output_tokens", 42), "", `"output_tokens":42`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			logs, err := Open(Config{Level: "debug", Content: tt.debugC}, &buf, "test")
			if err != nil {
				t.Fatal(err)
			}
			logs.Logger.LogAttrs(t.Context(), slog.LevelWarn, "event", tt.attr)
			out := buf.String()
			if tt.gone != "" && strings.Contains(out, tt.gone) {
				t.Errorf("%q still in %s", tt.gone, out)
			}
			if tt.stays != "" && !strings.Contains(out, tt.stays) {
				t.Errorf("%q missing from %s", tt.stays, out)
			}
		})
	}
}

// TestConfiguredSecrets are redacted in any attribute, the message and
// groups, once registered.
func TestConfiguredSecrets(t *testing.T) {
	var buf bytes.Buffer
	logs, err := Open(Config{}, &buf, "test")
	if err != nil {
		t.Fatal(err)
	}
	logs.Scrubber.AddSecrets("plainsecret42", "abc") // too short to redact: words would go
	logs.Logger.WithGroup("g").Info("saw plainsecret42", slog.String("detail", "x plainsecret42 y"), slog.String("word", "abc"))
	out := buf.String()
	if strings.Contains(out, "plainsecret42") || !strings.Contains(out, `"word":"abc"`) {
		t.Fatalf("got %s", out)
	}
}

// TestPatternPrefilter: text that any secret pattern changes always
// passes the cheap test that lets plain text skip the patterns, and paths
// and request IDs skip them.
func TestPatternPrefilter(t *testing.T) {
	matching := []string{
		"Bearer abcdefgh12345", "basic\tQWxhZGRpbjpvcGVu", "key sk-ant-api03-AbCdEf_123", "sk-abcdefghijklmnopqrstu",
		"ghp_AAAAAAAAAAAAAAAAAAAAAAAA", "github_pat_AAAAAAAAAAAAAAAA", "/cb?state=st4te456", "/x;token=abc",
		`{"access_token":"gho_x"}`, "Cookie: a=b", "authorization=abc", "postgres://app:pa55word@db/x",
		"rediss://u:p@h", `"message":"my plan"`,
	}
	for _, s := range matching {
		changed := false
		for _, p := range secretPatterns {
			changed = changed || p.re.MatchString(s)
		}
		changed = changed || upstreamMessage.MatchString(s)
		if !changed {
			t.Errorf("%q: no pattern matches it; the case tests nothing", s)
		}
		if !mayMatch(s) {
			t.Errorf("%q skips the patterns", s)
		}
	}
	for _, s := range []string{"/api/chats/01J9ZK3Q/messages", "/api/auth/me", "3f9a0c1d2e4b5a6978c0d1e2", "GET", "chats"} {
		if mayMatch(s) {
			t.Errorf("%q does not skip the patterns", s)
		}
	}
}
