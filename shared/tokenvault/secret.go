package tokenvault

import (
	"fmt"
	"log/slog"
)

// Secret holds a decrypted token. Printing, logging or JSON-encoding it
// shows only "[redacted]"; Reveal is the one way to the value, for the
// Authorization header of a request to GitHub.
type Secret struct{ value string }

// NewSecret wraps a token.
func NewSecret(v string) Secret { return Secret{value: v} }

// Reveal returns the token itself.
func (s Secret) Reveal() string { return s.value }

// Empty reports whether there is no token.
func (s Secret) Empty() bool { return s.value == "" }

const redacted = "[redacted]"

func (s Secret) String() string                { return redacted }
func (s Secret) GoString() string              { return redacted }
func (s Secret) LogValue() slog.Value          { return slog.StringValue(redacted) }
func (s Secret) MarshalJSON() ([]byte, error)  { return []byte(`"` + redacted + `"`), nil }
func (s Secret) MarshalText() ([]byte, error)  { return []byte(redacted), nil }
func (s Secret) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(redacted)) }
