// Package slug turns titles into file names for Content-Disposition: the
// one place the rule of a download's name is written.
package slug

import "strings"

// Make reduces s to at most maxLen bytes of lower-case ASCII letters and
// digits, plus the runes keep admits (atStart: nothing written yet; keep
// may be nil), with one dash for each run of anything else between them.
// Leading and trailing dots, dashes and underscores are dropped; the
// result may be empty.
func Make(s string, maxLen int, keep func(r rune, atStart bool) bool) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if b.Len() >= maxLen {
			break
		}
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || keep != nil && keep(r, b.Len() == 0):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	return strings.Trim(b.String(), ".-_")
}
