package api

import (
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// secretPatterns match credentials that can end up in a browser's error
// text (a token pasted into a form, a header echoed in a message). Reports
// are logged, and logs must never hold a credential.
var secretPatterns = []*regexp.Regexp{
	regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})`),
	regexp.MustCompile(`\bsk-ant-[A-Za-z0-9_\-]{10,}`),
	regexp.MustCompile(`(?i)\b(bearer|token)\s+[A-Za-z0-9._\-~+/]{12,}=*`),
	regexp.MustCompile(`(?i)__Host-session=[^;\s]+`),
	regexp.MustCompile(`(?i)\b(password|passwd|secret|api[_-]?key)\s*[=:]\s*\S+`),
}

// redact replaces credentials in s with [redacted].
func redact(s string) string {
	for _, re := range secretPatterns {
		s = re.ReplaceAllString(s, "[redacted]")
	}
	return s
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

// pagePath keeps only the path of a page URL: query strings and fragments
// carry OAuth codes and states.
func pagePath(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	return truncate(u.EscapedPath(), 300)
}
