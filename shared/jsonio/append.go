package jsonio

import (
	"time"
	"unicode/utf8"
)

// Appender is a response that encodes itself: Write sends what AppendJSON
// appends instead of calling encoding/json. For the few hot responses
// whose reflection-driven encoding showed in the profile (the chat list);
// the output must be byte for byte what encoding/json makes of the same
// value, which their tests check.
type Appender interface {
	AppendJSON(b []byte) []byte
}

const hex = "0123456789abcdef"

// AppendString appends s as a JSON string exactly as encoding/json writes
// it: HTML-safe (<, >, & escaped), U+2028 and U+2029 escaped, invalid
// UTF-8 as U+FFFD.
func AppendString(b []byte, s string) []byte { return appendString(b, s, true) }

// AppendSlogString appends s as a JSON string exactly as log/slog's JSON
// handler writes it: like AppendString but not HTML-safe, and \b and \f as
// \u escapes. The router's access log writes its lines by hand with it,
// byte for byte what slog would have written.
func AppendSlogString(b []byte, s string) []byte { return appendString(b, s, false) }

func appendString(b []byte, s string, encodingJSON bool) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && (!encodingJSON || c != '<' && c != '>' && c != '&') {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\b' && encodingJSON:
				b = append(b, '\\', 'b')
			case c == '\f' && encodingJSON:
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// AppendTime appends t as encoding/json writes a time.Time: RFC 3339 with
// nanoseconds, quoted. (encoding/json refuses years outside 0–9999; no
// stored time is one.)
func AppendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}
