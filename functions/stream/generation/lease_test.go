package generation

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/functions/stream/hub"
	"github.com/archstudio/studio/functions/stream/model"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/prefs"
	"github.com/archstudio/studio/shared/quota"
	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/testkit"
)

// slowPrefs answers after delay: a reply's setup (its PostgreSQL writes,
// here the preference read among them) as slow as under 2,000 replies.
type slowPrefs struct{ delay time.Duration }

func (p slowPrefs) Get(ctx context.Context, _ string) (prefs.Preferences, error) {
	select {
	case <-time.After(p.delay):
	case <-ctx.Done():
	}
	return prefs.Preferences{}, ctx.Err()
}

// gatedModel emits "a", then waits for its gate, emits "b" and ends.
type gatedModel struct {
	first chan struct{} // closed after "a"
	gate  chan struct{}
}

func (gatedModel) Name(string) string { return "gated" }

func (m gatedModel) Stream(ctx context.Context, _ model.Request, emit func(string)) (model.Usage, error) {
	emit("a")
	close(m.first)
	select {
	case <-m.gate:
	case <-ctx.Done():
		return model.Usage{InputTokens: 1, OutputTokens: 1}, context.Cause(ctx)
	}
	emit("b")
	return model.Usage{InputTokens: 1, OutputTokens: 2}, nil
}

// TestLiveGenerationKeepsItsLease: load must never end a live generation.
// With 2,000 replies, 1,123 ended "the reply was interrupted": their
// lease (the chat's lock) was renewed only once the model was called and
// by each generation on the pool its appends queue on, so a setup slower
// than the lease, or renewals waiting behind the appends, let it lapse.
// Each case stretches one of those past two leases; the reply must still
// complete, whole.
func TestLiveGenerationKeepsItsLease(t *testing.T) {
	const ttl = 1500 * time.Millisecond
	tests := []struct {
		name     string
		setup    time.Duration // how long the setup's preference read takes
		busyPool time.Duration // how long the hub's one connection is taken mid-reply
	}{
		{name: "setup slower than the lease", setup: 2 * ttl},
		{name: "the shared Redis pool busy for longer than the lease", busyPool: 2 * ttl},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pool := testkit.Pool(t)
			url := testkit.RedisURL(t)
			opts, _ := redis.ParseURL(url)
			// One connection, as a pool exhausted by thousands of appends
			// is for whoever comes next; generous pool wait so appends
			// wait rather than fail.
			opts.PoolSize, opts.PoolTimeout = 1, 10*time.Second
			rdb := redis.NewClient(opts)
			defer rdb.Close()
			own, _ := redis.ParseURL(url)
			leaseClient := redis.NewClient(own)
			defer leaseClient.Close()
			h := hub.New(rdb, hub.Options{})
			defer h.Close()
			// The test reads the stream through a hub of its own, not
			// through the busy connection.
			reader := hub.New(leaseClient, hub.Options{})
			defer reader.Close()
			store := chatstore.New(pool)
			mdl := gatedModel{first: make(chan struct{}), gate: make(chan struct{})}
			m := New(Deps{
				Store: store, Hub: h, Model: mdl, Prefs: slowPrefs{tt.setup}, LeaseClient: leaseClient,
				Quota:  quota.New(pool, leaseClient, quota.Options{Defaults: quota.Limits{DailyCalls: 10, DailyTokens: 1000}}),
				Config: Config{LockTTL: ttl},
			})
			userID, _ := testkit.SignIn(t, pool, leaseClient, "alice")
			chat, _ := store.CreateChat(context.Background(), userID, "")
			st, err := m.Start(context.Background(), session.User{ID: userID, Login: "alice"}, chat.ID, "hello")
			if err != nil {
				t.Fatal(err)
			}
			<-mdl.first
			if tt.busyPool > 0 {
				// A blocking read holds the hub's only connection: every
				// append and (before) every renewal waits behind it.
				if err := rdb.BLPop(context.Background(), tt.busyPool, "nothing-"+chat.ID).Err(); err != redis.Nil {
					t.Fatalf("BLPOP: %v", err)
				}
			}
			close(mdl.gate)
			var events []string
			testkit.Eventually(t, 15*time.Second, func() bool {
				events = events[:0]
				for _, e := range entriesOf(t, reader, chat.ID) {
					events = append(events, e.Type+":"+string(e.Data))
				}
				return len(events) > 0 && strings.HasPrefix(events[len(events)-1], "done:")
			}, "the reply ended")
			if got := strings.Join(events, " "); !strings.Contains(got, `delta:{"text":"b"}`) || !strings.HasSuffix(got, `done:{"status":"complete"}`) {
				t.Fatalf("stream: %s", got)
			}
			msg, err := store.GetMessage(context.Background(), userID, chat.ID, st.AssistantMessageID)
			if err != nil || msg.Status != chatstore.StatusComplete || msg.Content != "ab" {
				t.Fatalf("saved %s %q (%v), want complete %q", msg.Status, msg.Content, err, "ab")
			}
		})
	}
}
