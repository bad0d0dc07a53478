package tokenvault_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/tokenvault"
)

func key(b byte) string { return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{b}, 32)) }

func TestParseKeys(t *testing.T) {
	short := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 16))
	tests := []struct {
		name    string
		spec    string
		primary string
		ids     int
		wantErr string
	}{
		{"one key", "k1:" + key(1), "k1", 1, ""},
		{"newest first", "k2:" + key(2) + ",k1:" + key(1), "k2", 2, ""},
		{"spaces and url base64", " k2:" + base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{0xfb}, 32)) + " , k1:" + key(1), "k2", 2, ""},
		{"empty", "", "", 0, "no keys"},
		{"no colon", key(1), "", 0, "entry 1 is not id:base64key"},
		{"bad id", "k 1:" + key(1), "", 0, "entry 1: key id"},
		{"empty id", ":" + key(1), "", 0, "entry 1: key id"},
		{"not base64", "k1:" + strings.Repeat("!", 44), "", 0, `key "k1": not valid base64`},
		{"16-byte key", "k1:" + short, "", 0, `key "k1": must be 32 bytes`},
		{"duplicate id", "k1:" + key(1) + ",k1:" + key(2), "", 0, `key id "k1" appears twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ring, err := tokenvault.ParseKeys(tt.spec)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "TOKEN_KEYS") {
					t.Fatalf("err = %v, want one naming TOKEN_KEYS containing %q", err, tt.wantErr)
				}
				// Key material never appears in the message.
				for _, part := range strings.FieldsFunc(tt.spec, func(r rune) bool { return r == ',' || r == ':' }) {
					if len(strings.TrimSpace(part)) >= 16 && strings.Contains(err.Error(), strings.TrimSpace(part)) {
						t.Fatalf("error %q echoes key material", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ring.Primary() != tt.primary || len(ring.IDs()) != tt.ids {
				t.Fatalf("primary %s ids %v", ring.Primary(), ring.IDs())
			}
		})
	}
}

func TestSealOpen(t *testing.T) {
	ring, _ := tokenvault.ParseKeys("k2:" + key(2) + ",k1:" + key(1))
	const user, other = "u-1", "u-2"
	s, err := ring.Seal(user, []byte("gho_secret"))
	if err != nil {
		t.Fatal(err)
	}
	if s.KeyID != "k2" || len(s.Nonce) != 12 || bytes.Contains(s.Ciphertext, []byte("gho_secret")) {
		t.Fatalf("sealed %+v", s)
	}
	if pt, err := ring.Open(user, s); err != nil || string(pt) != "gho_secret" {
		t.Fatalf("open = %q, %v", pt, err)
	}
	s2, _ := ring.Seal(user, []byte("gho_secret"))
	if bytes.Equal(s.Nonce, s2.Nonce) || bytes.Equal(s.Ciphertext, s2.Ciphertext) {
		t.Fatal("nonce reused")
	}

	flip := func(b []byte, i int) []byte {
		c := bytes.Clone(b)
		c[i] ^= 1
		return c
	}
	bad := []struct {
		name   string
		user   string
		sealed tokenvault.Sealed
	}{
		{"tampered ciphertext", user, tokenvault.Sealed{KeyID: "k2", Nonce: s.Nonce, Ciphertext: flip(s.Ciphertext, 0)}},
		{"tampered tag", user, tokenvault.Sealed{KeyID: "k2", Nonce: s.Nonce, Ciphertext: flip(s.Ciphertext, len(s.Ciphertext)-1)}},
		{"tampered nonce", user, tokenvault.Sealed{KeyID: "k2", Nonce: flip(s.Nonce, 3), Ciphertext: s.Ciphertext}},
		{"truncated", user, tokenvault.Sealed{KeyID: "k2", Nonce: s.Nonce, Ciphertext: s.Ciphertext[:len(s.Ciphertext)-1]}},
		{"truncated to nothing", user, tokenvault.Sealed{KeyID: "k2", Nonce: s.Nonce, Ciphertext: nil}},
		{"short nonce", user, tokenvault.Sealed{KeyID: "k2", Nonce: s.Nonce[:8], Ciphertext: s.Ciphertext}},
		{"other user", other, s},
		{"relabelled key id", user, tokenvault.Sealed{KeyID: "k1", Nonce: s.Nonce, Ciphertext: s.Ciphertext}},
		{"unknown key id", user, tokenvault.Sealed{KeyID: "k9", Nonce: s.Nonce, Ciphertext: s.Ciphertext}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if pt, err := ring.Open(tt.user, tt.sealed); !errors.Is(err, tokenvault.ErrDecrypt) || pt != nil {
				t.Fatalf("open = %q, %v; want ErrDecrypt", pt, err)
			}
		})
	}
}

func TestDevelopmentKeysStable(t *testing.T) {
	s, _ := tokenvault.DevelopmentKeys().Seal("u", []byte("x"))
	if pt, err := tokenvault.DevelopmentKeys().Open("u", s); err != nil || string(pt) != "x" {
		t.Fatalf("a restarted development process cannot open its tokens: %v", err)
	}
}

func TestGenerateKey(t *testing.T) {
	spec, err := tokenvault.GenerateKey("k3")
	if err != nil {
		t.Fatal(err)
	}
	if ring, err := tokenvault.ParseKeys(spec); err != nil || ring.Primary() != "k3" {
		t.Fatalf("generated key does not parse: %v", err)
	}
}

func TestSecretNeverPrints(t *testing.T) {
	s := tokenvault.NewSecret("gho_topsecret")
	tok := tokenvault.Token{Secret: s, Scopes: []string{"repo"}}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("x", "secret", s, "token", tok)
	j, _ := json.Marshal(tok)
	for _, out := range []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %x", s, tok, tok, s, s, s), string(j), logs.String(),
	} {
		if strings.Contains(out, "gho_topsecret") || strings.Contains(out, "67686f5f") {
			t.Fatalf("secret leaked: %s", out)
		}
	}
	if s.Reveal() != "gho_topsecret" {
		t.Fatal("Reveal lost the value")
	}
}
