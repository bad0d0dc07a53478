// Package migrations holds ArchStudio's SQL schema as goose migrations,
// embedded so every binary and test applies the same files.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
)

//go:embed *.sql
var files embed.FS

// Provider returns a goose provider over the embedded migrations.
func Provider(db *sql.DB) (*goose.Provider, error) {
	return goose.NewProvider(goose.DialectPostgres, db, files)
}

// Open opens url as a database/sql handle for goose.
func Open(url string) (*sql.DB, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("migrations: open: %w", err)
	}
	return db, nil
}

// Up applies every pending migration to the database at url.
func Up(ctx context.Context, url string) error {
	return withProvider(url, func(p *goose.Provider) error {
		_, err := p.Up(ctx)
		return err
	})
}

// DownAll rolls every applied migration back.
func DownAll(ctx context.Context, url string) error {
	return withProvider(url, func(p *goose.Provider) error {
		_, err := p.DownTo(ctx, 0)
		return err
	})
}

func withProvider(url string, f func(*goose.Provider) error) error {
	db, err := Open(url)
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := Provider(db)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if err := f(p); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	return nil
}

var _ = stdlib.GetDefaultDriver // registers the "pgx" database/sql driver

// Files returns the embedded migration files.
func Files() embed.FS { return files }
