// Command usage-admin sets users' daily limits and shows their usage; see
// package admin for the commands. It reads DATABASE_URL, REDIS_URL (to drop
// a user's cached limits so a change applies at once) and the default
// limits DAILY_CALL_LIMIT and DAILY_TOKEN_LIMIT.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/archstudio/studio/functions/usage/admin"
	"github.com/archstudio/studio/shared/backend"
	"github.com/archstudio/studio/shared/config"
	"github.com/archstudio/studio/shared/quota"
)

type settings struct {
	config.Postgres
	config.Redis
	quota.LimitSettings
}

// Validate refuses negative default limits.
func (s settings) Validate() error {
	_, err := s.LimitSettings.Limits()
	return err
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	err := run(ctx, os.Args[1:])
	stop()
	switch {
	case err == nil:
	case errors.Is(err, admin.ErrUsage):
		fmt.Fprintf(os.Stderr, "usage-admin: %v\n\n%s", err, admin.Usage)
		os.Exit(2)
	default:
		fmt.Fprintf(os.Stderr, "usage-admin: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
		fmt.Print(admin.Usage)
		return nil
	}
	var cfg settings
	if err := config.Load(&cfg); err != nil {
		return err
	}
	defaults, err := cfg.LimitSettings.Limits()
	if err != nil {
		return err
	}
	pool, rdb, closeBackend, err := backend.Open(ctx, cfg.Postgres, cfg.Redis)
	if err != nil {
		return err
	}
	defer closeBackend()
	return admin.Run(ctx, admin.Deps{
		Pool:   pool,
		Quota:  quota.New(pool, rdb, quota.Options{Defaults: defaults}),
		Stdout: os.Stdout,
		Stderr: os.Stderr,
	}, args)
}
