// Package ids checks the UUID strings ArchStudio uses as resource ids, so a
// malformed id is rejected as bad input before it reaches PostgreSQL.
package ids

import (
	"net/http"

	"github.com/archstudio/studio/shared/apperr"
)

// Valid reports whether s is a UUID in its canonical textual form
// (8-4-4-4-12 hexadecimal digits, either case).
func Valid(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// FromPath returns the path wildcard name of r (a Go 1.22 ServeMux pattern
// such as "/api/chats/{id}") when it is a UUID, and otherwise an Invalid
// error naming the wildcard.
func FromPath(r *http.Request, name string) (string, error) {
	v := r.PathValue(name)
	if !Valid(v) {
		return "", apperr.InvalidField(name, "must be a UUID")
	}
	return v, nil
}
