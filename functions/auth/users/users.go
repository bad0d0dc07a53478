// Package users reads and writes the users table for sign-in: accounts
// from GitHub keyed by their GitHub id, and development accounts keyed by
// username.
package users

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/archstudio/studio/shared/quota"
)

// ErrNotFound is returned for a user id with no row.
var ErrNotFound = errors.New("users: not found")

// Querier is a *pgxpool.Pool or a pgx.Tx.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// User is a users row.
type User struct {
	ID        string
	GitHubID  *int64
	Login     string
	Email     *string
	AvatarURL string
	// Per-user overrides of the daily limits; nil = the configured default.
	DailyCallLimit  *int64
	DailyTokenLimit *int64
}

// Limits returns u's limits: its overrides, else defaults.
func (u User) Limits(defaults quota.Limits) quota.Limits {
	l := defaults
	if u.DailyCallLimit != nil {
		l.DailyCalls = *u.DailyCallLimit
	}
	if u.DailyTokenLimit != nil {
		l.DailyTokens = *u.DailyTokenLimit
	}
	return l
}

// GitHubAccount is what sign-in learned from GitHub.
type GitHubAccount struct {
	ID        int64
	Login     string
	Email     string // "" when unknown
	AvatarURL string
}

const columns = `id::text, github_id, username, email, avatar_url, daily_call_limit::bigint, daily_token_limit`

func scan(row pgx.Row) (User, error) {
	var u User
	err := row.Scan(&u.ID, &u.GitHubID, &u.Login, &u.Email, &u.AvatarURL, &u.DailyCallLimit, &u.DailyTokenLimit)
	return u, err
}

func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// UpsertGitHub creates the user for a GitHub account or refreshes its
// login, email and avatar (people rename accounts; the id never changes).
func UpsertGitHub(ctx context.Context, q Querier, a GitHubAccount) (User, error) {
	u, err := scan(q.QueryRow(ctx, `
		INSERT INTO users (github_id, username, email, avatar_url) VALUES ($1, $2, $3, $4)
		ON CONFLICT (github_id) DO UPDATE
		   SET username = EXCLUDED.username, email = EXCLUDED.email,
		       avatar_url = EXCLUDED.avatar_url, updated_at = now()
		RETURNING `+columns, a.ID, a.Login, nullIfEmpty(a.Email), a.AvatarURL))
	if err != nil {
		return User{}, fmt.Errorf("users: upsert github user: %w", err)
	}
	return u, nil
}

// UpsertDev returns the development user named login, creating it.
func UpsertDev(ctx context.Context, q Querier, login string) (User, error) {
	u, err := scan(q.QueryRow(ctx, `
		INSERT INTO users (username) VALUES ($1)
		ON CONFLICT (username) WHERE github_id IS NULL DO UPDATE SET updated_at = now()
		RETURNING `+columns, login))
	if err != nil {
		return User{}, fmt.Errorf("users: upsert development user: %w", err)
	}
	return u, nil
}

// Get returns the user with id, or ErrNotFound.
func Get(ctx context.Context, q Querier, id string) (User, error) {
	u, err := scan(q.QueryRow(ctx, `SELECT `+columns+` FROM users WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("users: get: %w", err)
	}
	return u, nil
}
