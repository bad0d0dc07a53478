// Package tokenvault keeps users' GitHub access tokens encrypted at rest
// with AES-256-GCM under a ring of keys from TOKEN_KEYS, and hands a
// user's decrypted token only to code that asks for it by user id.
package tokenvault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// EnvKeys is the variable the key ring is read from.
const EnvKeys = "TOKEN_KEYS"

// DevelopmentKeyID names the key used when TOKEN_KEYS is unset outside
// production.
const DevelopmentKeyID = "dev"

// ErrDecrypt is returned for a ciphertext that fails authentication:
// tampered, truncated, stored under another user or key id, or sealed
// with a key not in the ring. It never says more.
var ErrDecrypt = errors.New("tokenvault: token cannot be decrypted")

// KeyRing holds the encryption keys: the first seals, every key opens.
type KeyRing struct {
	ids   []string
	aeads map[string]cipher.AEAD
}

// ParseKeys reads a ring from "id:base64key,id:base64key,…" (newest
// first). Each key must decode to 32 bytes and ids must be unique. Errors
// name TOKEN_KEYS and the entry, never the key material.
func ParseKeys(spec string) (*KeyRing, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, fmt.Errorf("%s: no keys (want id:base64key[,id:base64key…])", EnvKeys)
	}
	ring := &KeyRing{aeads: map[string]cipher.AEAD{}}
	for i, entry := range strings.Split(spec, ",") {
		n := i + 1
		id, b64, ok := strings.Cut(strings.TrimSpace(entry), ":")
		if !ok {
			return nil, fmt.Errorf("%s: entry %d is not id:base64key", EnvKeys, n)
		}
		if !validID(id) {
			return nil, fmt.Errorf("%s: entry %d: key id must be 1-32 letters, digits, '-' or '_'", EnvKeys, n)
		}
		if _, dup := ring.aeads[id]; dup {
			return nil, fmt.Errorf("%s: key id %q appears twice", EnvKeys, id)
		}
		key, err := decodeKey(b64)
		if err != nil {
			return nil, fmt.Errorf("%s: key %q: not valid base64", EnvKeys, id)
		}
		if len(key) != 32 {
			return nil, fmt.Errorf("%s: key %q: must be 32 bytes (AES-256), got %d", EnvKeys, id, len(key))
		}
		if err := ring.add(id, key); err != nil {
			return nil, fmt.Errorf("%s: key %q: %w", EnvKeys, id, err)
		}
	}
	return ring, nil
}

// DevelopmentKeys returns a ring of one fixed key derived from a public
// label, for running locally without TOKEN_KEYS. It protects nothing and
// production refuses it; it is fixed so tokens stored in development
// survive restarts.
func DevelopmentKeys() *KeyRing {
	key := sha256.Sum256([]byte("archstudio development token key; never use in production"))
	ring := &KeyRing{aeads: map[string]cipher.AEAD{}}
	if err := ring.add(DevelopmentKeyID, key[:]); err != nil {
		panic(err) // a 32-byte key always makes an AES-256 cipher
	}
	return ring
}

// GenerateKey returns a fresh key in the form TOKEN_KEYS takes, for
// operators creating or rotating keys.
func GenerateKey(id string) (string, error) {
	if !validID(id) {
		return "", fmt.Errorf("key id must be 1-32 letters, digits, '-' or '_'")
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return "", err
	}
	return id + ":" + base64.StdEncoding.EncodeToString(key), nil
}

func (k *KeyRing) add(id string, key []byte) error {
	block, err := aes.NewCipher(key)
	if err != nil {
		return err
	}
	aead, err := cipher.NewGCM(block) // 96-bit nonce, 128-bit tag
	if err != nil {
		return err
	}
	k.ids = append(k.ids, id)
	k.aeads[id] = aead
	return nil
}

func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not base64")
}

func validID(id string) bool {
	if len(id) == 0 || len(id) > 32 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Primary is the id of the key that seals.
func (k *KeyRing) Primary() string { return k.ids[0] }

// IDs lists the key ids, primary first.
func (k *KeyRing) IDs() []string { return append([]string(nil), k.ids...) }

// Has reports whether the ring can open ciphertexts under id.
func (k *KeyRing) Has(id string) bool { _, ok := k.aeads[id]; return ok }

// Sealed is an encrypted token as stored: the key that sealed it, the
// nonce and the ciphertext (with its GCM tag).
type Sealed struct {
	KeyID      string
	Nonce      []byte
	Ciphertext []byte
}

// aad binds a ciphertext to its owner and key id: copied into another
// user's row, or relabelled with another key id, it no longer opens.
func aad(userID, keyID string) []byte {
	return []byte("archstudio/token/v1\x00" + userID + "\x00" + keyID)
}

// Seal encrypts plaintext for userID under the primary key with a fresh
// random nonce.
func (k *KeyRing) Seal(userID string, plaintext []byte) (Sealed, error) {
	id := k.Primary()
	aead := k.aeads[id]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return Sealed{}, fmt.Errorf("tokenvault: nonce: %w", err)
	}
	return Sealed{KeyID: id, Nonce: nonce, Ciphertext: aead.Seal(nil, nonce, plaintext, aad(userID, id))}, nil
}

// Open decrypts s for userID, or returns ErrDecrypt.
func (k *KeyRing) Open(userID string, s Sealed) ([]byte, error) {
	aead, ok := k.aeads[s.KeyID]
	if !ok || len(s.Nonce) != aead.NonceSize() || len(s.Ciphertext) < aead.Overhead() {
		return nil, ErrDecrypt
	}
	pt, err := aead.Open(nil, s.Nonce, s.Ciphertext, aad(userID, s.KeyID))
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}

// KeysFor reads a TOKEN_KEYS value the way every function does: unset in
// development means the public development key (dev reports it, so the
// caller can warn); unset anywhere else (test, production) is an error, so
// no shared deployment encrypts tokens with a key everyone knows.
func KeysFor(spec string, development bool) (ring *KeyRing, dev bool, err error) {
	if strings.TrimSpace(spec) == "" {
		if !development {
			return nil, false, errors.New("TOKEN_KEYS is required outside development (APP_ENV=development)")
		}
		return DevelopmentKeys(), true, nil
	}
	ring, err = ParseKeys(spec)
	if err != nil {
		return nil, false, fmt.Errorf("TOKEN_KEYS: %w", err)
	}
	return ring, false, nil
}
