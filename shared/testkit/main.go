package testkit

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// Environment variables that point tests at running servers. `make test`
// starts one PostgreSQL and one Redis for the whole run and sets them; a
// package run alone with `go test` starts its own in TestMain.
const (
	EnvDatabaseURL = "TEST_DATABASE_URL"
	EnvRedisURL    = "TEST_REDIS_URL"
)

// Main is TestMain for packages that use PostgreSQL or Redis: it starts the
// servers when the environment names none, runs the tests, and stops them.
//
//	func TestMain(m *testing.M) { testkit.Main(m) }
func Main(m *testing.M) {
	stop, err := EnsureServers(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "testkit:", err)
		os.Exit(1)
	}
	code := m.Run()
	stop()
	os.Exit(code)
}

// EnsureServers starts PostgreSQL and Redis for whichever of
// TEST_DATABASE_URL and TEST_REDIS_URL is unset, sets it, and returns a
// function that stops what it started.
func EnsureServers(ctx context.Context) (stop func(), err error) {
	var started []*Server
	stop = func() {
		for _, s := range started {
			s.Stop()
		}
	}
	if os.Getenv(EnvDatabaseURL) == "" {
		pg, err := StartPostgres(ctx)
		if err != nil {
			return stop, err
		}
		started = append(started, pg)
		_ = os.Setenv(EnvDatabaseURL, pg.URL)
	}
	if os.Getenv(EnvRedisURL) == "" {
		rd, err := StartRedis(ctx)
		if err != nil {
			stop()
			return func() {}, err
		}
		started = append(started, rd)
		_ = os.Setenv(EnvRedisURL, rd.URL)
	}
	return stop, nil
}
