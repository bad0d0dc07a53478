package dump

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"net/url"
	"path/filepath"
	"slices"

	"github.com/jackc/pgx/v5"
)

// Verify restores m's dump into a scratch database on the source's server
// (created and dropped here) and compares its figures with m's.
func Verify(ctx context.Context, cfg Config, m Manifest) error {
	scratch := "archstudio_verify_" + randomHex(6)
	admin, err := pgx.Connect(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("verify: connect: %w", err)
	}
	defer admin.Close(context.WithoutCancel(ctx))
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+scratch); err != nil {
		return fmt.Errorf("verify: create scratch database (the role needs CREATEDB): %w", err)
	}
	defer admin.Exec(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+scratch+" WITH (FORCE)") //nolint:errcheck
	scratchURL, err := withDatabase(cfg.DatabaseURL, scratch)
	if err != nil {
		return err
	}
	if err := Restore(ctx, cfg.PGBin, filepath.Join(cfg.Dir, m.File), scratchURL); err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	return Compare(ctx, scratchURL, m)
}

// Restore loads a dump into the (empty) database at dbURL.
func Restore(ctx context.Context, pgBinDir, file, dbURL string) error {
	bin, err := pgBin(pgBinDir)
	if err != nil {
		return err
	}
	if err := pgTool(ctx, filepath.Join(bin, "pg_restore"), dbURL,
		"--no-owner", "--no-privileges", "--exit-on-error", file); err != nil {
		return fmt.Errorf("pg_restore: %w", err)
	}
	return nil
}

// Compare checks the database at dbURL against m's row counts and tokens
// checksum.
func Compare(ctx context.Context, dbURL string, m Manifest) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("verify: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	rows, sum, err := figures(ctx, conn)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	for _, t := range slices.Sorted(maps.Keys(m.Rows)) {
		if rows[t] != m.Rows[t] {
			return fmt.Errorf("verify: table %s has %d rows restored, %d in the source", t, rows[t], m.Rows[t])
		}
	}
	if len(rows) != len(m.Rows) {
		return fmt.Errorf("verify: %d tables restored, %d in the source", len(rows), len(m.Rows))
	}
	if sum != m.TokensChecksum {
		return fmt.Errorf("verify: %s checksum %s restored, %s in the source", TokensTable, sum, m.TokensChecksum)
	}
	return nil
}

func withDatabase(dbURL, name string) (string, error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "", fmt.Errorf("database URL: %w", err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
