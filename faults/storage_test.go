//go:build faults

package faults

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/archstudio/studio/shared/testkit"
)

// TestPostgresDown stops PostgreSQL: API routes that need it answer 503
// unavailable with Retry-After (they answered 500 internal), and answer
// again once it is back.
func TestPostgresDown(t *testing.T) {
	u := signIn(t, "pg-down")
	chat := u.newChat(t)
	routes := []struct{ method, path, body string }{
		{http.MethodGet, "/api/chats", ""},
		{http.MethodGet, "/api/chats/" + chat + "/messages", ""},
		{http.MethodPost, "/api/chats", "{}"},
		{http.MethodGet, "/api/usage", ""},
		{http.MethodGet, "/api/chats/" + chat + "/artifacts", ""},
		{http.MethodGet, "/api/preferences", ""},
	}
	studio.pg.Shutdown()
	stopped := time.Now()
	restarted := false
	defer func() {
		if !restarted {
			_ = studio.pg.Start(context.Background())
		}
	}()
	for _, r := range routes {
		o := u.call(r.method, r.path, r.body)
		t.Logf("PostgreSQL down: %s %s → %s (Retry-After %q)", r.method, r.path, o.kind(), o.retryAfter)
		if o.status != http.StatusServiceUnavailable || o.code != "unavailable" || o.retryAfter == "" {
			t.Errorf("%s %s with PostgreSQL down: %s, Retry-After %q; want 503 unavailable with Retry-After", r.method, r.path, o.kind(), o.retryAfter)
		}
	}
	if err := studio.pg.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	restarted = true
	started := time.Now()
	testkit.Eventually(t, 10*time.Second, func() bool { return u.call(http.MethodGet, "/api/chats", "").ok() }, "chats answer again")
	t.Logf("PostgreSQL down for %v; routes answered again %v after it was back", started.Sub(stopped).Round(time.Millisecond), time.Since(started).Round(time.Millisecond))
}

// TestRestartUnderLoad restarts PostgreSQL, then Redis, while users send
// messages and read the replies: requests in flight may fail, the studio
// recovers fully, no stored message is lost, and every reply that was
// answered is counted in the user's usage.
func TestRestartUnderLoad(t *testing.T) {
	tests := []struct {
		name   string
		server *testkit.Server
	}{
		{"postgres", studio.pg},
		{"redis", studio.redis},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := signIn(t, "restart-"+tt.name)
			const workers = 4
			chats := make([]string, workers)
			for i := range chats {
				chats[i] = u.newChat(t)
			}
			before := counts(t, u)
			var mu sync.Mutex
			accepted, complete := 0, 0
			l := startLoad(workers, func(w int) outcome {
				o, status := u.reply(chats[w])
				mu.Lock()
				defer mu.Unlock()
				if o.status == http.StatusOK {
					accepted++
				}
				if status == "complete" {
					complete++
				}
				if o.status == http.StatusOK && status == "" {
					o.code = "no done" // the stream broke
				}
				return o
			})
			testkit.Eventually(t, 20*time.Second, func() bool { return l.okSince(time.Time{}) >= 8 }, "replies flowing")
			fault := time.Now()
			if err := tt.server.Restart(context.Background()); err != nil {
				t.Fatal(err)
			}
			back := time.Now()
			testkit.Eventually(t, 20*time.Second, func() bool { return l.okSince(back.Add(time.Second)) >= 8 }, "replies flowing again")
			s := summarize(l.finish(), fault)
			after := counts(t, u)
			mu.Lock()
			defer mu.Unlock()
			t.Logf("%s restart under load (down %v): %s; replies accepted %d, complete %d", tt.name, back.Sub(fault).Round(time.Millisecond), s, accepted, complete)
			t.Logf("rows before: %d messages, %d calls counted; after: %d messages, %d calls counted", before.messages, before.calls, after.messages, after.calls)
			if after.messages-before.messages < 2*complete {
				t.Errorf("%d messages stored for %d complete replies", after.messages-before.messages, complete)
			}
			// Every reply served is counted. A call admitted just as the
			// server went down may stay counted though its request failed
			// (its release could not be written): at most one per worker.
			calls := after.calls - before.calls
			if calls < complete || calls > accepted+workers {
				t.Errorf("%d calls counted; %d replies were accepted, %d complete", calls, accepted, complete)
			}
		})
	}
}

type rowCounts struct{ messages, calls int }

// counts reads u's stored messages and today's counted calls.
func counts(t *testing.T, u user) rowCounts {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, studio.stack.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var c rowCounts
	err = conn.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM messages m JOIN chat_sessions s ON s.id = m.session_id WHERE s.user_id = $1),
		       COALESCE((SELECT sum(api_calls) FROM usage_daily WHERE user_id = $1), 0)`, u.id).Scan(&c.messages, &c.calls)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
