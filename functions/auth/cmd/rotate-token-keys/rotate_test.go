package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/tokenvault"
)

// TestRotate runs the command against a database holding tokens under an
// old key: it re-encrypts them under the newest key, is safe to re-run,
// and fails naming a key TOKEN_KEYS no longer holds.
func TestRotate(t *testing.T) {
	ctx := context.Background()
	dbURL := testkit.DatabaseURL(t)
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	oldKey, _ := tokenvault.GenerateKey("old")
	newKey, _ := tokenvault.GenerateKey("new")
	lostKey, _ := tokenvault.GenerateKey("lost")
	save := func(spec, login, token string) string {
		t.Helper()
		ring, err := tokenvault.ParseKeys(spec)
		if err != nil {
			t.Fatal(err)
		}
		var id string
		if err := pool.QueryRow(ctx, `INSERT INTO users (username) VALUES ($1) RETURNING id`, login).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if err := tokenvault.NewRepository(pool, ring).Save(ctx, pool, id, tokenvault.NewSecret(token), []string{"repo"}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	alice := save(oldKey, "alice", "gho_alice")
	bob := save(oldKey, "bob", "gho_bob")
	keyIDs := func() map[string]int {
		rows, err := pool.Query(ctx, `SELECT key_id FROM encrypted_tokens`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := map[string]int{}
		for rows.Next() {
			var id string
			_ = rows.Scan(&id)
			n[id]++
		}
		return n
	}
	run := func(env ...string) error {
		t.Setenv("DATABASE_URL", dbURL)
		for _, kv := range env {
			k, v, _ := strings.Cut(kv, "=")
			t.Setenv(k, v)
		}
		return run(ctx, slog.New(slog.DiscardHandler))
	}
	tests := []struct {
		name    string
		env     []string
		wantErr string
		wantIDs map[string]int
	}{
		{"bad batch size", []string{"TOKEN_KEYS=" + newKey + "," + oldKey, "ROTATE_BATCH_SIZE=0"}, "ROTATE_BATCH_SIZE", map[string]int{"old": 2}},
		{"rotates in batches", []string{"TOKEN_KEYS=" + newKey + "," + oldKey, "ROTATE_BATCH_SIZE=1"}, "", map[string]int{"new": 2}},
		{"re-run changes nothing", []string{"TOKEN_KEYS=" + newKey, "ROTATE_BATCH_SIZE=1"}, "", map[string]int{"new": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(tt.env...)
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("run = %v, want error containing %q", err, tt.wantErr)
			}
			if got := keyIDs(); len(got) != len(tt.wantIDs) || got["old"] != tt.wantIDs["old"] || got["new"] != tt.wantIDs["new"] {
				t.Fatalf("tokens by key %v, want %v", got, tt.wantIDs)
			}
		})
	}
	newOnly, _ := tokenvault.ParseKeys(newKey)
	for id, want := range map[string]string{alice: "gho_alice", bob: "gho_bob"} {
		tok, err := tokenvault.NewRepository(pool, newOnly).Token(ctx, id)
		if err != nil || tok.Secret.Reveal() != want {
			t.Fatalf("token of %s after rotation: %v", id, err)
		}
	}

	// A token under a key that is no longer configured is reported, not lost.
	save(lostKey, "carol", "gho_carol")
	err = run("TOKEN_KEYS="+newKey, "ROTATE_BATCH_SIZE=100")
	if err == nil || !strings.Contains(err.Error(), "1 tokens could not be decrypted (key ids lost)") {
		t.Fatalf("run with a missing key = %v", err)
	}
	if got := keyIDs(); got["lost"] != 1 || got["new"] != 2 {
		t.Fatalf("tokens by key %v", got)
	}
}
