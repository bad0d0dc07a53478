package logging

import (
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
)

// Redacted replaces whatever a log record must not carry.
const Redacted = "[redacted]"

// Scrubber removes secrets and message content from log records. It runs
// on every record of every logger New builds (as slog's ReplaceAttr), so
// no path — access log, error log, a recovered panic, an upstream error
// quoting its body — can write a token out.
type Scrubber struct {
	// content keeps users' message content in the log (LOG_LEVEL=debug and
	// LOG_CONTENT=true); otherwise it is redacted.
	content bool

	mu     sync.RWMutex
	values []string // configured secrets, redacted wherever they appear
}

// NewScrubber returns a scrubber; content keeps message content.
func NewScrubber(content bool) *Scrubber { return &Scrubber{content: content} }

// minSecret is the shortest configured value treated as a secret: shorter
// ones would redact ordinary words.
const minSecret = 6

// AddSecrets registers values (API keys, client secrets, token keys) to be
// redacted wherever they appear in a record, whatever their shape.
func (s *Scrubber) AddSecrets(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		if len(v) >= minSecret {
			s.values = append(s.values, v)
		}
	}
}

// secretKeys are attribute keys whose values are always secret; matched
// on the lower-cased key, as whole key or suffix ("github_token").
// OAuth's code and state are secret as oauth_code/oauth_state; a bare
// "code" is an error code (apperr) and stays.
var secretKeys = []string{"token", "secret", "password", "authorization", "cookie", "set-cookie",
	"api_key", "apikey", "x-api-key", "oauth_code", "oauth_state", "credentials", "dsn"}

// contentKeys carry what users wrote or Claude answered.
var contentKeys = []string{"content", "prompt", "text", "transcript", "reply", "body", "message_text", "messages"}

// secretPatterns find secrets inside free text (error strings that quote
// a URL, a header or an upstream body); repl keeps what labels them.
var secretPatterns = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}`), "${1} " + Redacted},
	{regexp.MustCompile(`\bsk-ant-[A-Za-z0-9_-]+`), Redacted},
	{regexp.MustCompile(`\bsk-[A-Za-z0-9_-]{16,}`), Redacted},
	{regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,})`), Redacted},
	{regexp.MustCompile(`(?i)([?&;](?:code|state|access_token|refresh_token|id_token|client_secret|token|api_key|key)=)[^&\s"';]+`), "${1}" + Redacted},
	{regexp.MustCompile(`(?i)("(?:access_token|refresh_token|id_token|client_secret|api_key|token|password|secret)"\s*:\s*)"[^"]*"`), `${1}"` + Redacted + `"`},
	{regexp.MustCompile(`(?i)\b((?:cookie|set-cookie|authorization|x-api-key)\s*[:=]\s*)[^\r\n,;]+`), "${1}" + Redacted},
	{regexp.MustCompile(`(?i)\b((?:postgres(?:ql)?|rediss?)://[^:/\s@]*:)[^@\s]+@`), "${1}" + Redacted + "@"},
}

// upstreamMessage is the free-text "message" of an error body quoted in
// an error (Anthropic's and GitHub's both use it), which may echo the
// user's prompt; its type, status and request id stay in the line.
var upstreamMessage = regexp.MustCompile(`("message"\s*:\s*)"(?:[^"\\]|\\.)*"`)

// ReplaceAttr is the slog.HandlerOptions hook.
func (s *Scrubber) ReplaceAttr(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && (a.Key == slog.MessageKey || a.Key == slog.TimeKey || a.Key == slog.LevelKey) {
		if a.Key == slog.MessageKey {
			a.Value = slog.StringValue(s.Text(a.Value.String()))
		}
		return a
	}
	key := strings.ToLower(a.Key)
	if isKey(key, secretKeys) && a.Value.Kind() != slog.KindBool && !harmless(key) {
		return slog.String(a.Key, Redacted)
	}
	if !s.content && isKey(key, contentKeys) {
		return slog.String(a.Key, Redacted)
	}
	switch a.Value.Kind() {
	case slog.KindString:
		a.Value = slog.StringValue(s.Text(a.Value.String()))
	case slog.KindAny:
		switch v := a.Value.Any().(type) {
		case error:
			a.Value = slog.StringValue(s.Text(v.Error()))
		case fmt.Stringer:
			a.Value = slog.StringValue(s.Text(v.String()))
		case []byte:
			a.Value = slog.StringValue(s.Text(string(v)))
		case string:
			a.Value = slog.StringValue(s.Text(v))
		}
	}
	return a
}

// harmless are keys that end like a secret key but only describe one.
func harmless(key string) bool {
	switch key {
	case "token_count", "tokens", "input_tokens", "output_tokens", "tokens_used":
		return true
	}
	return strings.HasSuffix(key, "_set") || strings.HasPrefix(key, "status")
}

func isKey(key string, names []string) bool {
	for _, n := range names {
		if key == n || strings.HasSuffix(key, "_"+n) || strings.HasSuffix(key, "-"+n) {
			return true
		}
	}
	return false
}

// Text returns t with configured secrets and secret-shaped substrings
// redacted.
func (s *Scrubber) Text(t string) string {
	s.mu.RLock()
	for _, v := range s.values {
		if strings.Contains(t, v) {
			t = strings.ReplaceAll(t, v, Redacted)
		}
	}
	s.mu.RUnlock()
	if !mayMatch(t) {
		return t
	}
	for _, p := range secretPatterns {
		if p.re.MatchString(t) {
			t = p.re.ReplaceAllString(t, p.repl)
		}
	}
	if !s.content && upstreamMessage.MatchString(t) {
		t = upstreamMessage.ReplaceAllString(t, `${1}"`+Redacted+`"`)
	}
	return t
}

// patternBytes holds the bytes of which every secret pattern (and
// upstreamMessage) needs at least one, or the "sk-" of a key: a space or
// other \s, '_', '=', ':' or '"'. Text without any of them cannot match,
// and skips the regular expressions, which were most of the cost of an
// access-log line (paths and request IDs hold none of them).
var patternBytes = func() (set [256]bool) {
	for _, c := range []byte(" \t\n\f\r_=:\"") {
		set[c] = true
	}
	return set
}()

// mayMatch reports whether t could match a secret pattern.
func mayMatch(t string) bool {
	for i := 0; i < len(t); i++ {
		if patternBytes[t[i]] {
			return true
		}
	}
	return strings.Contains(t, "sk-")
}
