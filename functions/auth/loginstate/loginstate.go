// Package loginstate keeps the pending OAuth sign-ins between the redirect
// to GitHub and the callback: an unguessable single-use state, the PKCE
// verifier, where to return, and a secret binding the state to the
// browser that started it.
package loginstate

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/oauth2"
)

// TTL is how long a sign-in may take between leaving for GitHub and
// coming back.
const TTL = 10 * time.Minute

// BindingCookie carries the browser's binding secret. The callback is a
// top-level navigation from GitHub, which SameSite=Lax lets it ride on.
const BindingCookie = "__Host-oauth-binding"

// Errors of Consume.
var (
	// ErrUnknown is a state never issued, already used, or expired: the
	// three are indistinguishable by design, since using a state deletes it.
	ErrUnknown = errors.New("loginstate: unknown, used or expired state")
	// ErrMismatch is a state presented by a browser that did not start it.
	ErrMismatch = errors.New("loginstate: state belongs to another browser")
)

// Pending is a sign-in in progress.
type Pending struct {
	Verifier string `json:"v"`
	ReturnTo string `json:"r"`
	Binding  string `json:"b"` // SHA-256 (hex) of the browser's binding secret
}

// Store keeps pending sign-ins in Redis under the SHA-256 of their state.
type Store struct {
	rdb *redis.Client
	ttl time.Duration
}

// New returns a store on rdb; ttl 0 means TTL.
func New(rdb *redis.Client, ttl time.Duration) *Store {
	if ttl <= 0 {
		ttl = TTL
	}
	return &Store{rdb: rdb, ttl: ttl}
}

// TTL is the store's pending lifetime.
func (s *Store) TTL() time.Duration { return s.ttl }

// Started is a new sign-in: State goes to GitHub, Binding into the
// browser's cookie, Verifier's challenge to GitHub.
type Started struct {
	State    string
	Binding  string
	Verifier string
}

func key(state string) string {
	sum := sha256.Sum256([]byte(state))
	return "oauth-state:" + hex.EncodeToString(sum[:])
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func random256() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Begin records a new pending sign-in returning to returnTo.
func (s *Store) Begin(ctx context.Context, returnTo string) (Started, error) {
	state, err := random256()
	if err != nil {
		return Started{}, fmt.Errorf("loginstate: %w", err)
	}
	binding, err := random256()
	if err != nil {
		return Started{}, fmt.Errorf("loginstate: %w", err)
	}
	p := Pending{Verifier: oauth2.GenerateVerifier(), ReturnTo: returnTo, Binding: hash(binding)}
	b, _ := json.Marshal(p)
	if err := s.rdb.SetArgs(ctx, key(state), b, redis.SetArgs{Mode: "NX", TTL: s.ttl}).Err(); err != nil {
		return Started{}, fmt.Errorf("loginstate: begin: %w", err)
	}
	return Started{State: state, Binding: binding, Verifier: p.Verifier}, nil
}

// consume deletes the pending sign-in only when the binding matches, in
// one step: a callback carrying a stolen state but the wrong cookie must
// not use the state up (that would let anyone who sees a victim's state
// void their sign-in), and two right callbacks must not both succeed.
// Replies: the pending JSON, 0 for no such state, 1 for a mismatch.
var consume = redis.NewScript(`
local raw = redis.call("GET", KEYS[1])
if not raw then return 0 end
local ok, p = pcall(cjson.decode, raw)
if not ok or type(p) ~= "table" or p.b ~= ARGV[1] then return 1 end
redis.call("DEL", KEYS[1])
return raw
`)

// Consume takes the pending sign-in for state when binding (the
// browser's cookie value) is the one it was started with, deleting it so
// no state works twice. A state presented with another binding is
// ErrMismatch and stays usable by the browser that started it.
func (s *Store) Consume(ctx context.Context, state, binding string) (Pending, error) {
	if state == "" || len(state) > 128 {
		return Pending{}, ErrUnknown
	}
	if binding == "" {
		if n, err := s.rdb.Exists(ctx, key(state)).Result(); err != nil {
			return Pending{}, fmt.Errorf("loginstate: consume: %w", err)
		} else if n == 0 {
			return Pending{}, ErrUnknown
		}
		return Pending{}, ErrMismatch
	}
	res, err := consume.Run(ctx, s.rdb, []string{key(state)}, hash(binding)).Result()
	if err != nil {
		return Pending{}, fmt.Errorf("loginstate: consume: %w", err)
	}
	raw, ok := res.(string)
	if !ok {
		if n, _ := res.(int64); n == 1 {
			return Pending{}, ErrMismatch
		}
		return Pending{}, ErrUnknown
	}
	var p Pending
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return Pending{}, ErrUnknown
	}
	return p, nil
}

// Cookie returns the binding cookie for a sign-in started now.
func (s *Store) Cookie(binding string) *http.Cookie {
	return &http.Cookie{
		Name: BindingCookie, Value: binding, Path: "/",
		MaxAge: int(s.ttl / time.Second), Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode,
	}
}

// ClearCookie drops the binding cookie once the callback ran.
func ClearCookie() *http.Cookie {
	return &http.Cookie{
		Name: BindingCookie, Value: "", Path: "/", MaxAge: -1,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode,
	}
}
