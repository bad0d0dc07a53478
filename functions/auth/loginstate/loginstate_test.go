package loginstate_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/archstudio/studio/functions/auth/loginstate"
	"github.com/archstudio/studio/shared/testkit"
)

func TestConsume(t *testing.T) {
	ctx := context.Background()
	store := loginstate.New(testkit.Redis(t), 0)
	if store.TTL() != loginstate.TTL {
		t.Fatalf("TTL %s, want the default %s", store.TTL(), loginstate.TTL)
	}
	tests := []struct {
		name    string
		consume func(s loginstate.Started) (loginstate.Pending, error)
		wantErr error
	}{
		{"right browser", func(s loginstate.Started) (loginstate.Pending, error) {
			return store.Consume(ctx, s.State, s.Binding)
		}, nil},
		{"another browser", func(s loginstate.Started) (loginstate.Pending, error) {
			return store.Consume(ctx, s.State, "someone-else")
		}, loginstate.ErrMismatch},
		{"no binding cookie", func(s loginstate.Started) (loginstate.Pending, error) {
			return store.Consume(ctx, s.State, "")
		}, loginstate.ErrMismatch},
		{"used twice", func(s loginstate.Started) (loginstate.Pending, error) {
			if _, err := store.Consume(ctx, s.State, s.Binding); err != nil {
				t.Fatal(err)
			}
			return store.Consume(ctx, s.State, s.Binding)
		}, loginstate.ErrUnknown},
		// Someone who saw the victim's state (a leaked callback URL) and
		// presents it first must not void the victim's sign-in.
		{"a mismatch leaves the state to its browser", func(s loginstate.Started) (loginstate.Pending, error) {
			if _, err := store.Consume(ctx, s.State, "someone-else"); !errors.Is(err, loginstate.ErrMismatch) {
				t.Fatalf("wrong binding: %v", err)
			}
			if _, err := store.Consume(ctx, s.State, ""); !errors.Is(err, loginstate.ErrMismatch) {
				t.Fatalf("no binding: %v", err)
			}
			return store.Consume(ctx, s.State, s.Binding)
		}, nil},
		{"the right browser uses it up", func(s loginstate.Started) (loginstate.Pending, error) {
			if _, err := store.Consume(ctx, s.State, s.Binding); err != nil {
				t.Fatal(err)
			}
			return store.Consume(ctx, s.State, "someone-else")
		}, loginstate.ErrUnknown},
		{"never issued", func(s loginstate.Started) (loginstate.Pending, error) {
			return store.Consume(ctx, "made-up", s.Binding)
		}, loginstate.ErrUnknown},
		{"empty state", func(s loginstate.Started) (loginstate.Pending, error) {
			return store.Consume(ctx, "", s.Binding)
		}, loginstate.ErrUnknown},
		{"overlong state", func(s loginstate.Started) (loginstate.Pending, error) {
			return store.Consume(ctx, strings.Repeat("a", 129), s.Binding)
		}, loginstate.ErrUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			started, err := store.Begin(ctx, "/chats/1")
			if err != nil {
				t.Fatal(err)
			}
			p, err := tt.consume(started)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Consume = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && (p.ReturnTo != "/chats/1" || p.Verifier != started.Verifier) {
				t.Fatalf("pending %+v, started %+v", p, started)
			}
		})
	}
}

func TestBeginIsUnguessableAndExpires(t *testing.T) {
	ctx := context.Background()
	rdb := testkit.Redis(t)
	store := loginstate.New(rdb, 50*time.Millisecond)
	a, err := store.Begin(ctx, "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := store.Begin(ctx, "/")
	if a.State == b.State || a.Binding == b.Binding || a.Verifier == b.Verifier || len(a.State) < 43 || len(a.Binding) < 43 {
		t.Fatalf("two sign-ins share or have short secrets: %+v %+v", a, b)
	}
	// Only hashes are stored: the state itself is no Redis key.
	keys, _ := rdb.Keys(ctx, "*").Result()
	for _, k := range keys {
		if strings.Contains(k, a.State) {
			t.Fatalf("key %q holds the state", k)
		}
	}
	testkit.Eventually(t, 5*time.Second, func() bool {
		n, err := rdb.Exists(ctx, keys...).Result()
		return err == nil && n == 0
	}, "Redis expired the pending sign-ins")
	if _, err := store.Consume(ctx, a.State, a.Binding); !errors.Is(err, loginstate.ErrUnknown) {
		t.Fatalf("expired state: %v", err)
	}
}

func TestCookies(t *testing.T) {
	store := loginstate.New(nil, 10*time.Minute)
	c := store.Cookie("secret")
	if c.Name != loginstate.BindingCookie || c.Value != "secret" || c.MaxAge != 600 || !c.Secure || !c.HttpOnly || c.Path != "/" {
		t.Fatalf("binding cookie %+v", c)
	}
	if clear := loginstate.ClearCookie(); clear.Name != loginstate.BindingCookie || clear.MaxAge >= 0 {
		t.Fatalf("clear cookie %+v", clear)
	}
}
