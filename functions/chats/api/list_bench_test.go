package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/metrics"
	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/testkit"
)

// BenchmarkList is `make bench`'s authenticated read inside one process:
// GET /api/chats of a user with 20 chats, through the middleware chain
// every function runs (bootstrap.Wrap, the request metrics) and the real
// session middleware, on real PostgreSQL and Redis. Its allocations per
// request are exact where the bench's rates move with the machine.
func BenchmarkList(b *testing.B) {
	pool, rdb := testkit.Pool(b), testkit.Redis(b)
	store := chatstore.New(pool)
	userID, cookie := testkit.SignIn(b, pool, rdb, "bench")
	for range 20 {
		if _, err := store.CreateChat(context.Background(), userID, "A chat about towers"); err != nil {
			b.Fatal(err)
		}
	}
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	h := bootstrap.Wrap(logger, bootstrap.Browser{}, metrics.New().Instrument(
		New(Deps{Store: store, Authenticate: session.NewStore(rdb, session.Config{}).Middleware})))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodGet, "/api/chats", nil)
			req.AddCookie(cookie)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Errorf("status %d: %s", rec.Code, rec.Body)
				return
			}
		}
	})
}
