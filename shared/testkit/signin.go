package testkit

import (
	"context"
	"net/http"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/shared/session"
)

// SignIn makes login a signed-in user, the way development sign-in does:
// it inserts (or reuses) a users row with no GitHub id and creates a real
// session for it in rdb through session.Store. It returns the user's id
// and the __Host-session cookie to add to requests:
//
//	userID, cookie := testkit.SignIn(t, pool, rdb, "alice")
//	req.AddCookie(cookie)
//
// Any function's session.Store.Middleware on the same Redis accepts it.
func SignIn(tb testing.TB, pool *pgxpool.Pool, rdb *redis.Client, login string) (userID string, cookie *http.Cookie) {
	tb.Helper()
	ctx := context.Background()
	err := pool.QueryRow(ctx, `
		INSERT INTO users (username) VALUES ($1)
		ON CONFLICT (username) WHERE github_id IS NULL DO UPDATE SET updated_at = now()
		RETURNING id::text`, login).Scan(&userID)
	if err != nil {
		tb.Fatalf("testkit: sign in %q: insert user: %v", login, err)
	}
	return userID, NewSession(tb, rdb, session.User{ID: userID, Login: login})
}

// NewSession creates a session for an existing user and returns its
// cookie; use it for a second browser of the same user.
func NewSession(tb testing.TB, rdb *redis.Client, u session.User) *http.Cookie {
	tb.Helper()
	store := session.NewStore(rdb, session.Config{})
	raw, err := store.Create(context.Background(), u, "testkit")
	if err != nil {
		tb.Fatalf("testkit: create session for %q: %v", u.Login, err)
	}
	return session.Cookie(raw, store.Config().AbsoluteTTL)
}
