// Package runs relays a repository's GitHub Actions workflow runs to the
// studio's clients (server-sent events here, the WebSocket through
// Subscribe). One poller per repository is
// shared by every subscriber on every instance: the instance holding the
// repository's Redis lease polls GitHub with conditional requests (ETag /
// If-None-Match, so an unchanged poll costs no rate limit), stores the
// latest runs in Redis and publishes changes on a Redis channel that every
// instance with subscribers listens to. The poll interval follows GitHub's
// X-Poll-Interval and its rate-limit headers.
package runs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/shared/githubapi"
	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/tokenvault"
)

// Config tunes the relay.
type Config struct {
	// MinInterval is the shortest time between two polls of a repository;
	// GitHub's X-Poll-Interval and a low rate limit only lengthen it.
	// Default 5s.
	MinInterval time.Duration
	// Heartbeat is the interval of SSE comment pings; default 15s.
	Heartbeat time.Duration
	// MinLease is the shortest time a poller's lease outlives its last
	// renewal (it is at least three poll intervals): a holder that stalls
	// longer loses the repository to another instance.
	MinLease time.Duration
}

func (c Config) withDefaults() Config {
	if c.MinInterval <= 0 {
		c.MinInterval = 5 * time.Second
	}
	if c.Heartbeat <= 0 {
		c.Heartbeat = 15 * time.Second
	}
	return c
}

// Deps are the relay's dependencies.
type Deps struct {
	Redis  *redis.Client
	Tokens *tokenvault.Repository
	GitHub githubapi.Config
	Logger *slog.Logger
	Config Config
	// Authenticate admits only signed-in requests ((*session.Store).Middleware).
	Authenticate session.Authenticate
}

// Relay runs the pollers and fans their news out to local subscribers.
type Relay struct {
	d        Deps
	cfg      Config
	instance string
	mu       sync.Mutex
	watchers map[string]*watcher
}

// New returns a relay; pollers start with the first subscriber of a
// repository and stop with the last.
func New(d Deps) *Relay {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &Relay{d: d, cfg: d.Config.withDefaults(), instance: hex.EncodeToString(b), watchers: map[string]*watcher{}}
}

// Snapshot is what subscribers receive: the repository's recent runs.
type Snapshot struct {
	Repo string          `json:"repo"`
	Runs []githubapi.Run `json:"runs"`
}

func keyOf(owner, name string) string { return strings.ToLower(owner + "/" + name) }

func leaseKey(repo string) string  { return "ghruns:{" + repo + "}:lease" }
func stateKey(repo string) string  { return "ghruns:{" + repo + "}:state" }
func channelOf(repo string) string { return "ghruns:{" + repo + "}:changes" }
func snapshotTTL() time.Duration   { return time.Hour }

// subscriber is one client's queue of snapshots: only the newest matters,
// so a slow client skips to it.
type subscriber struct {
	userID string
	ch     chan []byte
}

func (s *subscriber) offer(msg []byte) {
	for {
		select {
		case s.ch <- msg:
			return
		default:
		}
		select {
		case <-s.ch:
		default:
		}
	}
}

type watcher struct {
	repo, owner, name string
	subs              map[*subscriber]struct{}
	cancel            context.CancelFunc
	done              chan struct{}
}

// subscribe adds userID as a subscriber of owner/name, starting the
// repository's watcher on this instance when it is the first.
func (r *Relay) subscribe(owner, name, userID string) (*subscriber, func()) {
	repo := keyOf(owner, name)
	s := &subscriber{userID: userID, ch: make(chan []byte, 1)}
	r.mu.Lock()
	w := r.watchers[repo]
	if w == nil {
		ctx, cancel := context.WithCancel(context.Background())
		w = &watcher{repo: repo, owner: owner, name: name, subs: map[*subscriber]struct{}{}, cancel: cancel, done: make(chan struct{})}
		r.watchers[repo] = w
		go r.watch(ctx, w)
	}
	w.subs[s] = struct{}{}
	r.mu.Unlock()
	return s, func() {
		r.mu.Lock()
		delete(w.subs, s)
		last := len(w.subs) == 0
		if last && r.watchers[repo] == w {
			delete(r.watchers, repo)
		}
		r.mu.Unlock()
		if last {
			w.cancel()
			<-w.done
		}
	}
}

func (r *Relay) broadcast(w *watcher, msg []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for s := range w.subs {
		s.offer(msg)
	}
}

// pollerUser is a local subscriber whose token the poll uses.
func (r *Relay) pollerUser(w *watcher) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for s := range w.subs {
		return s.userID
	}
	return ""
}

// renewLease takes or extends the repository's lease for this instance.
var renewLease = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
  redis.call("PEXPIRE", KEYS[1], ARGV[2])
  return 1
end
if redis.call("SET", KEYS[1], ARGV[1], "NX", "PX", ARGV[2]) then return 1 end
return 0`)

// leaseTTL is the lease's lifetime in milliseconds while polling every
// interval.
func (r *Relay) leaseTTL(interval time.Duration) int64 {
	return max(3*interval, r.cfg.MinLease).Milliseconds()
}

// releaseLease gives the lease up if this instance holds it.
var releaseLease = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0`)

// watch listens for the repository's changes and, while this instance
// holds the lease, polls GitHub.
func (r *Relay) watch(ctx context.Context, w *watcher) {
	defer close(w.done)
	log := r.d.Logger.With(slog.String("repo", w.repo))
	ps := r.d.Redis.Subscribe(ctx, channelOf(w.repo))
	defer ps.Close()
	go func() {
		for msg := range ps.Channel() {
			r.broadcast(w, []byte(msg.Payload))
		}
	}()
	interval := r.cfg.MinInterval
	defer func() {
		_ = releaseLease.Run(context.WithoutCancel(ctx), r.d.Redis, []string{leaseKey(w.repo)}, r.instance).Err()
	}()
	for {
		held, err := renewLease.Run(ctx, r.d.Redis, []string{leaseKey(w.repo)}, r.instance, r.leaseTTL(interval)).Int()
		switch {
		case err != nil && ctx.Err() == nil:
			log.WarnContext(ctx, "runs: lease unavailable", slog.Any("error", err))
			interval = r.cfg.MinInterval
		case held == 1:
			interval = r.poll(ctx, w, log)
		default:
			interval = r.cfg.MinInterval
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// poll asks GitHub once and publishes a change; it returns the time
// until the next poll.
func (r *Relay) poll(ctx context.Context, w *watcher, log *slog.Logger) time.Duration {
	userID := r.pollerUser(w)
	if userID == "" {
		return r.cfg.MinInterval
	}
	page, err := r.fetch(ctx, w.owner, w.name, userID)
	if err != nil {
		if ctx.Err() == nil {
			log.InfoContext(ctx, "runs: poll failed", slog.Any("error", err))
		}
		return 2 * r.cfg.MinInterval
	}
	return NextInterval(r.cfg.MinInterval, page, time.Now())
}

// fetch makes one conditional request as userID and, when the runs
// changed, stores and publishes them.
func (r *Relay) fetch(ctx context.Context, owner, name, userID string) (githubapi.RunsPage, error) {
	repo := keyOf(owner, name)
	tok, err := r.d.Tokens.Token(ctx, userID)
	if err != nil {
		return githubapi.RunsPage{}, err
	}
	client, err := githubapi.NewClient(r.d.GitHub, tok.Secret)
	if err != nil {
		return githubapi.RunsPage{}, err
	}
	etag, _ := r.d.Redis.HGet(ctx, stateKey(repo), "etag").Result()
	page, _, err := githubapi.ListRuns(ctx, client, owner, name, etag)
	if err != nil {
		out := githubapi.Classify(err, "repository "+owner+"/"+name)
		if errors.Is(out, githubapi.ErrRevoked) {
			_ = r.d.Tokens.MarkInvalid(context.WithoutCancel(ctx), userID)
		}
		return githubapi.RunsPage{}, out
	}
	if page.NotModified {
		return page, nil
	}
	snap, _ := json.Marshal(Snapshot{Repo: owner + "/" + name, Runs: page.Runs})
	pipe := r.d.Redis.TxPipeline()
	pipe.HSet(ctx, stateKey(repo), "etag", page.ETag, "snapshot", snap)
	pipe.Expire(ctx, stateKey(repo), snapshotTTL())
	pipe.Publish(ctx, channelOf(repo), snap)
	if _, err := pipe.Exec(ctx); err != nil {
		return page, err
	}
	return page, nil
}

// NextInterval is GitHub's X-Poll-Interval when longer than min, spread
// further when few requests remain before the rate limit resets.
func NextInterval(min time.Duration, page githubapi.RunsPage, now time.Time) time.Duration {
	d := min
	if page.PollInterval > d {
		d = page.PollInterval
	}
	rate := page.Rate
	if rate.Limit > 0 && rate.Remaining < rate.Limit/10 {
		until := rate.Reset.Sub(now)
		if spread := until / time.Duration(max(rate.Remaining, 1)); spread > d {
			d = spread
		}
	}
	return d
}
