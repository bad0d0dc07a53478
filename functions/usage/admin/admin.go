// Package admin is the usage-admin command: it sets a user's own daily
// limits (or returns them to the configured defaults) and shows a user's
// usage over the last 30 days.
//
//	usage-admin set-limits --user <id|login> [--calls N|default] [--tokens N|default]
//	usage-admin set-limits --user <id|login> --default
//	usage-admin show --user <id|login>
package admin

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/archstudio/studio/shared/ids"
	"github.com/archstudio/studio/shared/quota"
)

// ErrUsage is wrapped by errors in the command line itself; the command
// exits 2 for them.
var ErrUsage = errors.New("usage")

// Usage is the command's help text.
const Usage = `usage:
  usage-admin set-limits --user <id|login> [--calls N|default] [--tokens N|default]
  usage-admin set-limits --user <id|login> --default
  usage-admin show --user <id|login>

set-limits gives a user their own daily limits; "default" (or --default for
both) returns a limit to DAILY_CALL_LIMIT / DAILY_TOKEN_LIMIT. A limit not
named is left as it is. show prints the limits and the last 30 UTC days.
`

// Deps are what the command works on.
type Deps struct {
	Pool   *pgxpool.Pool
	Quota  *quota.Quota
	Stdout io.Writer
	// Stderr gets warnings and flag errors.
	Stderr io.Writer
}

// Run runs the command line args (without the program name).
func Run(ctx context.Context, d Deps, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: no command", ErrUsage)
	}
	switch args[0] {
	case "set-limits":
		return setLimits(ctx, d, args[1:])
	case "show":
		return show(ctx, d, args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(d.Stdout, Usage)
		return nil
	}
	return fmt.Errorf("%w: unknown command %q", ErrUsage, args[0])
}

func setLimits(ctx context.Context, d Deps, args []string) error {
	fs := newFlagSet("set-limits", d.Stderr)
	who := fs.String("user", "", "user id or login")
	calls := fs.String("calls", "", `daily API calls, or "default"`)
	tokens := fs.String("tokens", "", `daily tokens, or "default"`)
	reset := fs.Bool("default", false, "return both limits to the configured defaults")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *reset && (*calls != "" || *tokens != "") {
		return fmt.Errorf("%w: --default cannot be combined with --calls or --tokens", ErrUsage)
	}
	if !*reset && *calls == "" && *tokens == "" {
		return fmt.Errorf("%w: set-limits needs --calls, --tokens or --default", ErrUsage)
	}
	u, o, err := userOverrides(ctx, d, *who)
	if err != nil {
		return err
	}
	if *reset {
		o = quota.Overrides{}
	}
	if err := applyLimit(&o.DailyCalls, "calls", *calls); err != nil {
		return err
	}
	if err := applyLimit(&o.DailyTokens, "tokens", *tokens); err != nil {
		return err
	}
	if err := d.Quota.SetOverrides(ctx, u.id, o); err != nil {
		if !errors.Is(err, quota.ErrCacheStale) {
			return err
		}
		fmt.Fprintf(d.Stderr, "warning: %v\n", err)
	}
	fmt.Fprintf(d.Stdout, "%s: %s\n", u, describeLimits(d.Quota.Defaults(), o))
	return nil
}

// applyLimit sets *dst from a --calls or --tokens value: "" leaves it,
// "default" clears it, a number ≥ 0 sets it.
func applyLimit(dst **int64, name, value string) error {
	switch value {
	case "":
		return nil
	case "default":
		*dst = nil
		return nil
	}
	n, err := strconv.ParseInt(value, 10, 64)
	if err != nil || n < 0 {
		return fmt.Errorf(`%w: --%s: want a number ≥ 0 or "default", got %q`, ErrUsage, name, value)
	}
	if name == "calls" && n > 1<<31-1 {
		return fmt.Errorf("%w: --calls: at most %d", ErrUsage, 1<<31-1)
	}
	*dst = &n
	return nil
}

func show(ctx context.Context, d Deps, args []string) error {
	fs := newFlagSet("show", d.Stderr)
	who := fs.String("user", "", "user id or login")
	if err := parse(fs, args); err != nil {
		return err
	}
	u, o, err := userOverrides(ctx, d, *who)
	if err != nil {
		return err
	}
	rep, err := d.Quota.Report(ctx, u.id)
	if err != nil {
		return err
	}
	fmt.Fprintf(d.Stdout, "%s\nlimits: %s\nresets at %s\n\n", u, describeLimits(d.Quota.Defaults(), o), rep.ResetsAt.Format("2006-01-02T15:04:05Z07:00"))
	tw := tabwriter.NewWriter(d.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "DATE\tAPI CALLS\tTOKENS\t")
	for _, day := range rep.History {
		fmt.Fprintf(tw, "%s\t%d\t%d\t\n", day.Date, day.APICalls, day.TokensUsed)
	}
	return tw.Flush()
}

func describeLimits(defaults quota.Limits, o quota.Overrides) string {
	one := func(v *int64, def int64, unit string) string {
		if v == nil {
			return fmt.Sprintf("%d %s/day (default)", def, unit)
		}
		return fmt.Sprintf("%d %s/day (own limit)", *v, unit)
	}
	return one(o.DailyCalls, defaults.DailyCalls, "calls") + ", " + one(o.DailyTokens, defaults.DailyTokens, "tokens")
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, Usage) }
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrUsage, fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: %s: unexpected %q", ErrUsage, fs.Name(), strings.Join(fs.Args(), " "))
	}
	if fs.Lookup("user").Value.String() == "" {
		return fmt.Errorf("%w: %s needs --user <id|login>", ErrUsage, fs.Name())
	}
	return nil
}

// user is a resolved --user.
type user struct{ id, login string }

func (u user) String() string { return u.login + " (" + u.id + ")" }

// userOverrides finds the user named by id or login and reads their own
// limits.
func userOverrides(ctx context.Context, d Deps, idOrLogin string) (user, quota.Overrides, error) {
	u, err := resolveUser(ctx, d.Pool, idOrLogin)
	if err != nil {
		return user{}, quota.Overrides{}, err
	}
	o, err := d.Quota.Overrides(ctx, u.id)
	return u, o, err
}

// resolveUser finds a user by id or by login. Logins are unique among
// development users and among GitHub users but not across both, so a login
// naming two users is refused with their ids.
func resolveUser(ctx context.Context, pool *pgxpool.Pool, idOrLogin string) (user, error) {
	var q string
	if ids.Valid(idOrLogin) {
		q = `SELECT id::text, username FROM users WHERE id = $1`
		idOrLogin = strings.ToLower(idOrLogin)
	} else {
		q = `SELECT id::text, username FROM users WHERE username = $1 ORDER BY created_at`
	}
	rows, err := pool.Query(ctx, q, idOrLogin)
	if err != nil {
		return user{}, fmt.Errorf("find user: %w", err)
	}
	defer rows.Close()
	var found []user
	for rows.Next() {
		var u user
		if err := rows.Scan(&u.id, &u.login); err != nil {
			return user{}, fmt.Errorf("find user: %w", err)
		}
		found = append(found, u)
	}
	if err := rows.Err(); err != nil {
		return user{}, fmt.Errorf("find user: %w", err)
	}
	switch len(found) {
	case 0:
		return user{}, fmt.Errorf("no user %q", idOrLogin)
	case 1:
		return found[0], nil
	}
	names := make([]string, len(found))
	for i, u := range found {
		names[i] = u.id
	}
	return user{}, fmt.Errorf("login %q names %d users (%s); give the id", idOrLogin, len(found), strings.Join(names, ", "))
}
