package testkit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	neturl "net/url"
	"os"
	"sort"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/archstudio/studio/migrations"
)

// templateOnce builds, once per test process, a database migrated to the
// latest schema; each test's database is a copy of it, which takes
// milliseconds where migrating takes far longer.
var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// DatabaseURL returns the URL of a new, fully migrated database that is
// dropped when tb ends.
func DatabaseURL(tb testing.TB) string {
	tb.Helper()
	return ownURL(tb, NewDatabase)
}

// ownURL makes a resource with create for tb alone and releases it when tb
// ends.
func ownURL(tb testing.TB, create func(context.Context) (url string, release func(), err error)) string {
	tb.Helper()
	url, release, err := create(context.Background())
	if err != nil {
		tb.Fatalf("testkit: %v", err)
	}
	tb.Cleanup(release)
	return url
}

// NewDatabase creates a fully migrated database on the server named by
// TEST_DATABASE_URL and returns its URL and a function that drops it.
func NewDatabase(ctx context.Context) (url string, drop func(), err error) {
	server := os.Getenv(EnvDatabaseURL)
	if server == "" {
		return "", nil, fmt.Errorf("%s is not set: call testkit.Main from TestMain, or run `make test`", EnvDatabaseURL)
	}
	templateOnce.Do(func() { templateName, templateErr = ensureTemplate(ctx, server) })
	if templateErr != nil {
		return "", nil, fmt.Errorf("template database: %w", templateErr)
	}
	return copyTemplate(ctx, server, templateName)
}

// copyTemplate creates a database on server as a copy of template and
// returns its URL and a function that drops it.
func copyTemplate(ctx context.Context, server, templateName string) (url string, drop func(), err error) {
	name := "t_" + randomHex(8)
	if err := adminExec(ctx, server, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, templateName)); err != nil {
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	drop = func() {
		_ = adminExec(context.Background(), server, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
	}
	u, err := neturl.Parse(server)
	if err != nil {
		drop()
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), drop, nil
}

// EmptyDatabaseURL returns the URL of a new database with no schema, for
// tests of the migrations themselves.
func EmptyDatabaseURL(tb testing.TB) string {
	tb.Helper()
	server := os.Getenv(EnvDatabaseURL)
	if server == "" {
		tb.Fatalf("testkit: %s is not set", EnvDatabaseURL)
	}
	name := "e_" + randomHex(8)
	if err := adminExec(context.Background(), server, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("testkit: create database: %v", err)
	}
	tb.Cleanup(func() {
		_ = adminExec(context.Background(), server, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
	})
	return withDatabase(tb, server, name)
}

// Pool returns a pool on a fresh migrated database, closed when tb ends.
func Pool(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	return OpenPool(tb, DatabaseURL(tb))
}

// OpenPool returns a pool on the database at url, closed when tb ends.
func OpenPool(tb testing.TB, url string) *pgxpool.Pool {
	tb.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		tb.Fatalf("testkit: pool: %v", err)
	}
	tb.Cleanup(pool.Close)
	return pool
}

func withDatabase(tb testing.TB, server, name string) string {
	u, err := neturl.Parse(server)
	if err != nil {
		tb.Fatalf("testkit: %s: %v", EnvDatabaseURL, err)
	}
	u.Path = "/" + name
	return u.String()
}

// ensureTemplate creates the template for the current migrations unless
// another test process already did; an advisory lock keeps processes that
// start together from racing.
func ensureTemplate(ctx context.Context, server string) (string, error) {
	sum, err := migrationsHash()
	if err != nil {
		return "", err
	}
	name := "tmpl_" + sum
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(724001)"); err != nil {
		return "", err
	}
	defer conn.Exec(ctx, "SELECT pg_advisory_unlock(724001)") //nolint:errcheck
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_build"
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+building); err != nil {
		return "", err
	}
	u, _ := neturl.Parse(server)
	u.Path = "/" + building
	if err := migrations.Up(ctx, u.String()); err != nil {
		return "", err
	}
	// Renamed only once complete, so a half-built template is never copied.
	if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s", building, name)); err != nil {
		return "", err
	}
	return name, nil
}

func migrationsHash() (string, error) {
	h := sha256.New()
	fsys := migrations.Files()
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	})
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return "", err
		}
		h.Write([]byte(n))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func adminExec(ctx context.Context, server, sql string) error {
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}
