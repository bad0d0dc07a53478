// Package dump makes the studio's backups: a pg_dump in custom format
// (compressed, timestamped) into a directory, verified by restoring it
// into a scratch database and comparing per-table row counts and a
// checksum of the tokens table with the source, as they were at the
// dump's snapshot; dumps older than the retention are removed.
package dump

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Config says what to back up and where.
type Config struct {
	// DatabaseURL is the source (postgres://…); its role needs CREATEDB
	// for the scratch database of the verify step.
	DatabaseURL string
	// Dir receives the dumps and their manifests.
	Dir string
	// Keep is how long dumps are kept (the newest verified one always is).
	Keep time.Duration
	// PGBin is the directory of pg_dump and pg_restore; empty finds them
	// (see FindPGBin).
	PGBin string
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// Manifest is written beside each verified dump: what the source held at
// the dump's snapshot, which the restored copy matched.
type Manifest struct {
	File           string           `json:"file"`
	Started        time.Time        `json:"started"`
	Finished       time.Time        `json:"finished"`
	SizeBytes      int64            `json:"size_bytes"`
	Rows           map[string]int64 `json:"rows"`
	TokensChecksum string           `json:"tokens_checksum"`
}

// TokensTable is the table whose contents are checksummed: the users'
// encrypted GitHub tokens, what a broken restore must never lose.
const TokensTable = "encrypted_tokens"

// Backups runs backups one at a time.
type Backups struct {
	cfg Config
	mu  sync.Mutex
}

// New returns Backups for cfg.
func New(cfg Config) *Backups {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Keep <= 0 {
		cfg.Keep = 7 * 24 * time.Hour
	}
	return &Backups{cfg: cfg}
}

// ErrBusy is returned while another backup runs in this process.
var ErrBusy = errors.New("backup: another backup is running")

// Run dumps, verifies and prunes; the manifest describes the new dump.
// A dump that fails verification is removed and Run fails.
func (b *Backups) Run(ctx context.Context) (Manifest, error) {
	if !b.mu.TryLock() {
		return Manifest{}, ErrBusy
	}
	defer b.mu.Unlock()
	m, err := b.dump(ctx)
	if err != nil {
		return Manifest{}, err
	}
	if err := Verify(ctx, b.cfg, m); err != nil {
		_ = os.Remove(filepath.Join(b.cfg.Dir, m.File))
		return Manifest{}, err
	}
	m.Finished = b.cfg.Now().UTC()
	if err := writeManifest(b.cfg.Dir, m); err != nil {
		return Manifest{}, err
	}
	if err := Prune(b.cfg.Dir, b.cfg.Keep, b.cfg.Now()); err != nil {
		return m, fmt.Errorf("backup: prune: %w", err)
	}
	return m, nil
}

// dump runs pg_dump on a snapshot it exports from a repeatable-read
// transaction, and counts the source inside that same transaction, so the
// figures are exactly what the dump holds however busy the studio is.
func (b *Backups) dump(ctx context.Context) (Manifest, error) {
	if err := os.MkdirAll(b.cfg.Dir, 0o700); err != nil {
		return Manifest{}, fmt.Errorf("backup: %w", err)
	}
	started := b.cfg.Now().UTC()
	m := Manifest{File: "archstudio-" + started.Format("20060102T150405Z") + ".dump", Started: started}
	conn, err := pgx.Connect(ctx, b.cfg.DatabaseURL)
	if err != nil {
		return m, fmt.Errorf("backup: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read-only
	var snapshot string
	if err := tx.QueryRow(ctx, "SELECT pg_export_snapshot()").Scan(&snapshot); err != nil {
		return m, fmt.Errorf("backup: export snapshot: %w", err)
	}
	if m.Rows, m.TokensChecksum, err = figures(ctx, tx); err != nil {
		return m, err
	}
	bin, err := pgBin(b.cfg.PGBin)
	if err != nil {
		return m, err
	}
	partial := filepath.Join(b.cfg.Dir, m.File+".partial")
	if err := pgTool(ctx, filepath.Join(bin, "pg_dump"), b.cfg.DatabaseURL,
		"--format=custom", "--compress=6", "--no-owner", "--no-privileges",
		"--snapshot="+snapshot, "--file="+partial); err != nil {
		_ = os.Remove(partial)
		return m, fmt.Errorf("backup: pg_dump: %w", err)
	}
	if err := os.Rename(partial, filepath.Join(b.cfg.Dir, m.File)); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	info, err := os.Stat(filepath.Join(b.cfg.Dir, m.File))
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	m.SizeBytes = info.Size()
	return m, nil
}

// querier is a transaction or a connection.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// figures counts every table of the public schema and checksums the
// tokens table (md5 of its rows as text, in order).
func figures(ctx context.Context, q querier) (map[string]int64, string, error) {
	rows, err := q.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)
	if err != nil {
		return nil, "", fmt.Errorf("backup: list tables: %w", err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, "", fmt.Errorf("backup: list tables: %w", err)
	}
	counts := make(map[string]int64, len(tables))
	for _, t := range tables {
		var n int64
		if err := q.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{"public", t}.Sanitize()).Scan(&n); err != nil {
			return nil, "", fmt.Errorf("backup: count %s: %w", t, err)
		}
		counts[t] = n
	}
	var sum string
	if err := q.QueryRow(ctx, `SELECT md5(coalesce(string_agg(t::text, E'\n' ORDER BY t::text), '')) FROM `+
		pgx.Identifier{"public", TokensTable}.Sanitize()+` t`).Scan(&sum); err != nil {
		return nil, "", fmt.Errorf("backup: checksum %s: %w", TokensTable, err)
	}
	return counts, sum, nil
}

// pgTool runs a PostgreSQL client with the database URL's password in
// PGPASSWORD rather than on the command line, where ps would show it.
func pgTool(ctx context.Context, bin, dbURL string, args ...string) error {
	u, err := url.Parse(dbURL)
	if err != nil {
		return fmt.Errorf("database URL: %w", err)
	}
	env := os.Environ()
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	cmd := exec.CommandContext(ctx, bin, append(args, "--dbname="+u.String())...) // #nosec G204 -- the configured pg_dump binary, arguments without a shell
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

func writeManifest(dir string, m Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, strings.TrimSuffix(m.File, ".dump")+".json")
	if err := os.WriteFile(path+".partial", b, 0o600); err != nil {
		return fmt.Errorf("backup: manifest: %w", err)
	}
	return os.Rename(path+".partial", path)
}
