package dump_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/archstudio/studio/functions/backup/dump"
	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// TestRoundTrip backs up a database with users, tokens and chats on real
// PostgreSQL, restores the dump into a fresh, empty database and finds
// every table's rows and the tokens identical; the metrics report the
// dump.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := testkit.Pool(t)
	seed(t, src, 3)
	dir := t.TempDir()
	cfg := dump.Config{DatabaseURL: srcURL(src), Dir: dir}
	m, err := dump.New(cfg).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m.Rows["users"] != 3 || m.Rows["encrypted_tokens"] != 3 || m.Rows["chat_sessions"] != 3 || m.SizeBytes == 0 {
		t.Fatalf("manifest %+v", m)
	}
	if !strings.HasSuffix(m.File, ".dump") {
		t.Fatalf("file %q", m.File)
	}

	// A later write to the source is not in the dump: the manifest is the
	// snapshot's.
	seed(t, src, 1)

	fresh := testkit.EmptyDatabaseURL(t)
	if err := dump.Restore(ctx, "", filepath.Join(dir, m.File), fresh); err != nil {
		t.Fatal(err)
	}
	if err := dump.Compare(ctx, fresh, m); err != nil {
		t.Fatal(err)
	}
	// The comparison sees a difference: the source has moved on.
	if err := dump.Compare(ctx, srcURL(src), m); err == nil || !strings.Contains(err.Error(), "rows") {
		t.Fatalf("compare with the changed source: %v, want a row count difference", err)
	}
	// And a changed token, with the same counts, fails the checksum.
	pool, err := pgxpool.New(ctx, fresh)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, `UPDATE encrypted_tokens SET key_id = 'other' WHERE user_id = (SELECT min(user_id::text)::uuid FROM encrypted_tokens)`); err != nil {
		t.Fatal(err)
	}
	if err := dump.Compare(ctx, fresh, m); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("compare with a changed token: %v, want a checksum difference", err)
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(dump.NewCollector(dir))
	want := float64(m.Finished.UnixNano()) / 1e9
	if got := gauge(t, reg, "archstudio_backup_last_success_timestamp_seconds"); got != want {
		t.Fatalf("last success %v, want %v", got, want)
	}
	if got := gauge(t, reg, "archstudio_backup_last_size_bytes"); got != float64(m.SizeBytes) {
		t.Fatalf("size %v, want %d", got, m.SizeBytes)
	}
}

// TestPrune keeps a week of dumps and always the newest verified one.
func TestPrune(t *testing.T) {
	now := time.Date(2026, 11, 29, 3, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		files []string
		keep  []string
	}{
		{"a week kept", []string{"archstudio-20261128T030000Z.dump", "archstudio-20261128T030000Z.json",
			"archstudio-20261120T030000Z.dump", "archstudio-20261120T030000Z.json", "archstudio-20261101T030000Z.dump.partial", "notes.txt"},
			[]string{"archstudio-20261128T030000Z.dump", "archstudio-20261128T030000Z.json", "notes.txt"}},
		{"newest kept when old", []string{"archstudio-20261001T030000Z.dump", "archstudio-20261001T030000Z.json",
			"archstudio-20260901T030000Z.dump", "archstudio-20260901T030000Z.json"},
			[]string{"archstudio-20261001T030000Z.dump", "archstudio-20261001T030000Z.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tt.files {
				body := "x"
				if strings.HasSuffix(f, ".json") {
					body = `{"file":"` + strings.TrimSuffix(f, ".json") + `.dump"}`
				}
				if err := os.WriteFile(filepath.Join(dir, f), []byte(body), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := dump.Prune(dir, 7*24*time.Hour, now); err != nil {
				t.Fatal(err)
			}
			entries, _ := os.ReadDir(dir)
			var got []string
			for _, e := range entries {
				got = append(got, e.Name())
			}
			if strings.Join(got, ",") != strings.Join(tt.keep, ",") {
				t.Fatalf("left %v, want %v", got, tt.keep)
			}
		})
	}
}

func seed(t *testing.T, pool *pgxpool.Pool, n int) {
	t.Helper()
	ctx := context.Background()
	for range n {
		var id string
		if err := pool.QueryRow(ctx, `INSERT INTO users (username) VALUES ('u' || gen_random_uuid()) RETURNING id::text`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO encrypted_tokens (user_id, key_id, encrypted_token, nonce)
			VALUES ($1, 'k1', decode(md5(random()::text), 'hex'), substring(decode(md5(random()::text), 'hex') from 1 for 12))`, id); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO chat_sessions (user_id) VALUES ($1)`, id); err != nil {
			t.Fatal(err)
		}
	}
}

func srcURL(pool *pgxpool.Pool) string { return pool.Config().ConnString() }

func gauge(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if f.GetName() == name {
			return f.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("no %s", name)
	return 0
}
