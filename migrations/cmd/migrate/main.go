// Command migrate applies ArchStudio's schema: `migrate up` (the default),
// `migrate down` (one step), `migrate reset` (all down) or `migrate status`,
// against DATABASE_URL. Under AWS Lambda it is the handler of the
// template's Custom::Migrations resource (see lambda.go).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/archstudio/studio/migrations"
)

func main() {
	if os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		startLambda()
		return
	}
	if err := run(context.Background(), os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "migrate:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		return fmt.Errorf("DATABASE_URL is not set")
	}
	cmd := "up"
	if len(args) > 0 {
		cmd = args[0]
	}
	db, err := migrations.Open(url)
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := migrations.Provider(db)
	if err != nil {
		return err
	}
	switch cmd {
	case "up":
		res, err := p.Up(ctx)
		for _, r := range res {
			fmt.Println(r)
		}
		return err
	case "down":
		r, err := p.Down(ctx)
		if r != nil {
			fmt.Println(r)
		}
		return err
	case "reset":
		res, err := p.DownTo(ctx, 0)
		for _, r := range res {
			fmt.Println(r)
		}
		return err
	case "status":
		st, err := p.Status(ctx)
		for _, s := range st {
			fmt.Printf("%-8s %s\n", s.State, s.Source.Path)
		}
		return err
	}
	return fmt.Errorf("unknown command %q (up, down, reset, status)", cmd)
}
