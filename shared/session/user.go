// Package session keeps server-side sessions in Redis and resolves the
// signed-in user for every function's requests.
package session

import "context"

// User is the signed-in user as every function sees it.
type User struct {
	ID    string // users.id (UUID)
	Login string
}

type userKey struct{}

// WithUser returns ctx carrying u. The session middleware calls it; tests
// of handlers may call it directly.
func WithUser(ctx context.Context, u User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFromContext returns the signed-in user, if any.
func UserFromContext(ctx context.Context) (User, bool) {
	u, ok := ctx.Value(userKey{}).(User)
	return u, ok
}
