package tokenvault_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/tokenvault"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func newUser(t *testing.T, pool *pgxpool.Pool, name string, githubID int64) string {
	t.Helper()
	var id string
	if err := pool.QueryRow(context.Background(),
		`INSERT INTO users (github_id, username) VALUES ($1, $2) RETURNING id::text`, githubID, name).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestRepository(t *testing.T) {
	ctx := context.Background()
	pool := testkit.Pool(t)
	ring, _ := tokenvault.ParseKeys("k1:" + key(1))
	repo := tokenvault.NewRepository(pool, ring)
	alice := newUser(t, pool, "alice", 1)
	bob := newUser(t, pool, "bob", 2)

	if _, err := repo.Token(ctx, alice); !errors.Is(err, tokenvault.ErrNoToken) {
		t.Fatalf("err = %v, want ErrNoToken", err)
	}
	if err := repo.Save(ctx, pool, alice, tokenvault.NewSecret("gho_alice"), []string{"repo", "read:user"}); err != nil {
		t.Fatal(err)
	}
	if err := repo.Save(ctx, pool, bob, tokenvault.NewSecret("gho_bob"), nil); err != nil {
		t.Fatal(err)
	}
	tok, err := repo.Token(ctx, alice)
	if err != nil || tok.Secret.Reveal() != "gho_alice" || !slices.Equal(tok.Scopes, []string{"repo", "read:user"}) {
		t.Fatalf("token = %v %v, %v", tok.Secret.Reveal(), tok.Scopes, err)
	}
	if sc, _ := repo.Scopes(ctx, alice); !slices.Equal(sc, []string{"repo", "read:user"}) {
		t.Fatalf("scopes %v", sc)
	}
	// Replacing keeps one row.
	if err := repo.Save(ctx, pool, alice, tokenvault.NewSecret("gho_alice2"), []string{"repo"}); err != nil {
		t.Fatal(err)
	}
	if tok, _ := repo.Token(ctx, alice); tok.Secret.Reveal() != "gho_alice2" {
		t.Fatal("token not replaced")
	}
	var stored []byte
	pool.QueryRow(ctx, `SELECT encrypted_token FROM encrypted_tokens WHERE user_id = $1`, alice).Scan(&stored)
	if string(stored) == "gho_alice2" || len(stored) == 0 {
		t.Fatal("token stored in clear")
	}

	// Bad rows, made by editing the table directly.
	tests := []struct {
		name string
		sql  string
	}{
		{"tampered ciphertext", `UPDATE encrypted_tokens SET encrypted_token = set_byte(encrypted_token, 0, get_byte(encrypted_token, 0) # 1) WHERE user_id = $1`},
		{"truncated ciphertext", `UPDATE encrypted_tokens SET encrypted_token = substring(encrypted_token from 1 for length(encrypted_token) - 2) WHERE user_id = $1`},
		{"tampered nonce", `UPDATE encrypted_tokens SET nonce = set_byte(nonce, 5, get_byte(nonce, 5) # 128) WHERE user_id = $1`},
		{"cross-user swap", `UPDATE encrypted_tokens AS t SET key_id = o.key_id, nonce = o.nonce, encrypted_token = o.encrypted_token
		                     FROM encrypted_tokens o WHERE t.user_id = $1 AND o.user_id <> $1`},
		{"relabelled key", `UPDATE encrypted_tokens SET key_id = 'k0' WHERE user_id = $1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := repo.Save(ctx, pool, alice, tokenvault.NewSecret("gho_alice"), nil); err != nil {
				t.Fatal(err)
			}
			if _, err := pool.Exec(ctx, tt.sql, alice); err != nil {
				t.Fatal(err)
			}
			tok, err := repo.Token(ctx, alice)
			if !errors.Is(err, tokenvault.ErrDecrypt) || !tok.Secret.Empty() {
				t.Fatalf("err = %v, want ErrDecrypt", err)
			}
		})
	}
	if tok, err := repo.Token(ctx, bob); err != nil || tok.Secret.Reveal() != "gho_bob" {
		t.Fatalf("bob's token: %v", err)
	}
}

func TestRotate(t *testing.T) {
	ctx := context.Background()
	pool := testkit.Pool(t)
	old, _ := tokenvault.ParseKeys("k1:" + key(1))
	oldRepo := tokenvault.NewRepository(pool, old)
	var users []string
	for i := range 7 {
		u := newUser(t, pool, "user"+string(rune('a'+i)), int64(100+i))
		users = append(users, u)
		if err := oldRepo.Save(ctx, pool, u, tokenvault.NewSecret("gho_"+u), []string{"repo"}); err != nil {
			t.Fatal(err)
		}
	}

	both, _ := tokenvault.ParseKeys("k2:" + key(2) + ",k1:" + key(1))
	repo := tokenvault.NewRepository(pool, both)
	// Old key still decrypts while it is in the ring.
	for _, u := range users {
		if tok, err := repo.Token(ctx, u); err != nil || tok.Secret.Reveal() != "gho_"+u {
			t.Fatalf("before rotation: %v", err)
		}
	}
	// A new sign-in seals under the new key already.
	if err := repo.Save(ctx, pool, users[0], tokenvault.NewSecret("gho_"+users[0]), nil); err != nil {
		t.Fatal(err)
	}

	res, err := repo.Rotate(ctx, 2) // several batches
	if err != nil {
		t.Fatal(err)
	}
	if res.Reencrypted != 6 || res.Failed != 0 {
		t.Fatalf("rotate = %+v, want 6 re-encrypted", res)
	}
	var notNew int
	pool.QueryRow(ctx, `SELECT count(*) FROM encrypted_tokens WHERE key_id <> 'k2'`).Scan(&notNew)
	if notNew != 0 {
		t.Fatalf("%d rows still under an old key", notNew)
	}
	again, err := repo.Rotate(ctx, 2)
	if err != nil || again.Reencrypted != 0 {
		t.Fatalf("re-run = %+v, %v", again, err)
	}

	// k1 removed: everything still opens.
	onlyNew, _ := tokenvault.ParseKeys("k2:" + key(2))
	newRepo := tokenvault.NewRepository(pool, onlyNew)
	for _, u := range users {
		if tok, err := newRepo.Token(ctx, u); err != nil || tok.Secret.Reveal() != "gho_"+u {
			t.Fatalf("after rotation with k1 removed: %v", err)
		}
	}

	// A row under a key no longer in the ring fails to open and is
	// reported by rotation, not lost.
	oldRepo.Save(ctx, pool, users[3], tokenvault.NewSecret("gho_x"), nil)
	if _, err := newRepo.Token(ctx, users[3]); !errors.Is(err, tokenvault.ErrDecrypt) {
		t.Fatalf("k1 row opened without k1: %v", err)
	}
	res, err = newRepo.Rotate(ctx, 10)
	if err != nil || res.Failed != 1 || res.Reencrypted != 0 || !slices.Equal(res.FailedKeyIDs, []string{"k1"}) {
		t.Fatalf("rotate with missing key = %+v, %v", res, err)
	}
}
