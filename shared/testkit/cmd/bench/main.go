// Command bench is `make bench`: it starts the whole studio (the built
// router and functions from bin/, real PostgreSQL and Redis, the fake
// Anthropic API), measures each figure of the performance targets, prints
// one table (figure, measured, target, pass or SHORT) and writes
// bench/results.json with the figures, the machine and the commit.
//
// Every router figure comes from one run that sends the same requests with
// the same client through the router and straight to the function's Unix
// socket, alternating, so the comparison holds on a busy machine. All load
// stays on loopback and stops by itself (bounded count and time).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
	"github.com/archstudio/studio/shared/testkit/stack"
)

// env is the running studio and the signed-in user the figures use.
type env struct {
	s         *stack.Stack
	router    target // one connection: latency and first delta
	replies   target // unbounded connections: concurrent replies
	runDir    string
	fake      *fakeanthropic.Fake
	fakeURL   string
	fakeKey   string
	cookie    *http.Cookie
	origin    string
	chats     []string
	routerPID int
	streamPID int
	// streamPprof and profile: a client of the stream function's profiler
	// and where its profiles under held connections go (-profile; nil and
	// empty without it).
	streamPprof *http.Client
	profile     string
}

func main() {
	var o options
	flag.StringVar(&o.out, "out", "bench/results.json", "where to write the results")
	flag.StringVar(&o.profile, "profile", "", "directory for the router's (and the chats function's) CPU and allocation profiles under load (empty: none)")
	flag.StringVar(&o.only, "only", "", "comma list of figure groups to run (latency,throughput,chats,firstdelta,replies,sse,ws); empty: all")
	flag.StringVar(&o.routerBinary, "router", "", "router binary to measure (default bin/router): compare two builds")
	flag.IntVar(&o.wsConns, "ws-conns", 20000, "idle WebSockets held for the memory figure")
	flag.IntVar(&o.sseStreams, "sse-streams", 2000, "SSE streams held for the memory figure")
	flag.IntVar(&o.replies, "replies", 2000, "concurrent replies")
	flag.IntVar(&o.firstDeltas, "first-deltas", 200, "replies timed for the first-delta figure")
	flag.Parse()
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	stop, err := testkit.EnsureServers(ctx)
	defer stop()
	if err == nil {
		err = bench(ctx, o)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		stop()
		os.Exit(1)
	}
}

type options struct {
	out, profile, only, routerBinary          string
	wsConns, sseStreams, replies, firstDeltas int
}

func (o options) wants(group string) bool {
	if o.only == "" {
		return true
	}
	for _, g := range strings.Split(o.only, ",") {
		if strings.TrimSpace(g) == group {
			return true
		}
	}
	return false
}

func bench(ctx context.Context, o options) error {
	started := time.Now()
	root, _ := os.Getwd()
	wsConns := o.wsConns
	if limit, err := raiseFileLimit(uint64(2*o.wsConns + 10000)); err != nil { // #nosec G115 -- a connection count, far below 2^63
		// The stream function holds one descriptor per WebSocket besides
		// its own; so does this process.
		if fit := int(limit) - 1500; fit < wsConns { // #nosec G115 -- a file-descriptor limit fits in an int
			wsConns = fit
		}
		fmt.Fprintf(os.Stderr, "bench: %v; holding %d WebSockets, not %d\n", err, wsConns, o.wsConns)
	}
	logPath := filepath.Join(filepath.Dir(o.out), "stack.log")
	if err := os.MkdirAll(filepath.Dir(o.out), 0o755); err != nil { // #nosec G301 -- bench output for people to read
		return err
	}
	logs, err := os.Create(logPath) // #nosec G304 -- bench tool: the log path it was given
	if err != nil {
		return err
	}
	defer logs.Close()
	stackEnv := []string{
		"DAILY_CALL_LIMIT=100000000", "DAILY_TOKEN_LIMIT=100000000000",
		"STREAM_WS_PING_INTERVAL=10m",
		// The production level: the router writes its access log.
		"LOG_LEVEL=info",
	}
	var pprofAddr, fnPprofDir string
	if o.profile != "" {
		port, err := testkit.FreePort()
		if err != nil {
			return err
		}
		pprofAddr = fmt.Sprintf("127.0.0.1:%d", port)
		stackEnv = append(stackEnv, "ROUTER_PPROF_ADDR="+pprofAddr)
		// The functions' profilers listen on Unix sockets; their paths
		// must stay short (108 bytes), so not under the output directory.
		if fnPprofDir, err = os.MkdirTemp("", "bench-pprof-"); err != nil {
			return err
		}
		defer os.RemoveAll(fnPprofDir)
		stackEnv = append(stackEnv, bootstrap.EnvPprofDir+"="+fnPprofDir)
	}
	s, err := stack.Start(ctx, stack.Options{Root: root, Logs: logs, Env: stackEnv, RouterBinary: o.routerBinary})
	if err != nil {
		return fmt.Errorf("start the stack (run make build first; its log is %s): %w", logPath, err)
	}
	defer s.Close()
	e := &env{
		s: s, runDir: s.RunDir, fake: s.Anthropic, fakeURL: s.AnthropicURL, fakeKey: "e2e-anthropic-key",
		origin: s.URL, routerPID: s.RouterPID(), profile: o.profile,
		router:  viaRouter(s.URL, 1),
		replies: viaRouter(s.URL, 0),
	}
	if fnPprofDir != "" {
		e.streamPprof = pprofClient(fnPprofDir, "stream")
	}
	if e.streamPID, err = childPID(e.routerPID, "stream"); err != nil {
		return err
	}
	if err := e.signIn(ctx); err != nil {
		return err
	}
	if e.chats, err = e.newChats(ctx, 20); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "bench: studio on %s; stack log %s\n", s.URL, logPath)

	authMe := request{method: http.MethodGet, path: "/api/auth/me", status: http.StatusUnauthorized}
	sock := func(fn string) string { return filepath.Join(e.runDir, fn+".sock") }
	type group struct {
		name, unit string
		measure    func() ([]figure, error)
	}
	// The memory figures come first, on fresh processes: RSS given back
	// to the system after the load figures would read as negative growth.
	groups := []group{
		{"ws", "KB", func() ([]figure, error) { return idleWebSockets(ctx, e, wsConns) }},
		{"sse", "KB", func() ([]figure, error) { return sseStreams(ctx, e, o.sseStreams) }},
		{"latency", "µs", func() ([]figure, error) {
			return routerLatency(ctx, viaRouter(s.URL, 1), direct(sock("auth"), 1), authMe, 5000, 20*time.Second)
		}},
		{"throughput", "%", func() ([]figure, error) {
			if pprofAddr != "" {
				if err := profileRouter(ctx, pprofAddr, o.profile, "router", viaRouter(s.URL, 16), authMe); err != nil {
					return nil, err
				}
			}
			return routerThroughput(ctx, viaRouter(s.URL, 16), direct(sock("auth"), 16), authMe, 16, e.routerPID)
		}},
		{"chats", "%", func() ([]figure, error) {
			chatsPID, err := childPID(e.routerPID, "chats")
			if err != nil {
				return nil, err
			}
			if pprofAddr != "" {
				if err := profileRouter(ctx, pprofAddr, o.profile, "router-chats", viaRouter(s.URL, 16), chatsList(e.cookie)); err != nil {
					return nil, err
				}
			}
			if fnPprofDir != "" {
				if err := profileFunction(ctx, fnPprofDir, "chats", o.profile, direct(sock("chats"), 16), chatsList(e.cookie)); err != nil {
					return nil, err
				}
			}
			return authenticatedRead(ctx, viaRouter(s.URL, 16), direct(sock("chats"), 16), e.cookie, 16, e.routerPID, chatsPID)
		}},
		{"firstdelta", "ms", func() ([]figure, error) { return firstDelta(ctx, e, o.firstDeltas) }},
		{"replies", "ms", func() ([]figure, error) {
			chats, err := e.newChats(ctx, o.replies)
			if err != nil {
				return nil, err
			}
			if e.streamPprof != nil {
				// The stream function's CPU over the replies' first 8 s.
				if err := os.MkdirAll(o.profile, 0o755); err != nil { // #nosec G301 -- bench output for people to read
					return nil, err
				}
				prof := make(chan error, 1)
				go func() {
					prof <- fetchWith(ctx, e.streamPprof, "http://fn/debug/pprof/profile?seconds=8", filepath.Join(o.profile, "stream-cpu.pprof"))
				}()
				defer func() {
					if err := <-prof; err != nil {
						fmt.Fprintf(os.Stderr, "bench: stream profile: %v\n", err)
					}
				}()
			}
			return activeReplies(ctx, e, chats)
		}},
	}
	var figs []figure
	for _, g := range groups {
		if !o.wants(g.name) {
			continue
		}
		fmt.Fprintf(os.Stderr, "bench: %s…\n", g.name)
		f, err := g.measure()
		if err != nil {
			f = []figure{failed(g.name, g.unit, err)}
		}
		figs = append(figs, f...)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	printTable(os.Stdout, figs)
	commit, dirty := gitCommit(root)
	res := results{Commit: commit, Dirty: dirty, Started: started.UTC(), Duration: time.Since(started).Round(time.Second).String(),
		Machine: describeMachine(), Figures: figs}
	for _, f := range figs {
		if f.Pass {
			res.Passed++
		} else {
			res.Short++
		}
	}
	fmt.Printf("\n%d of %d figures meet their target; results in %s\n", res.Passed, len(figs), o.out)
	return writeResults(o.out, res)
}

// signIn makes a user and a session the way development sign-in does.
func (e *env) signIn(ctx context.Context) error {
	pool, err := pgxpool.New(ctx, e.s.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	var id string
	if err := pool.QueryRow(ctx, `INSERT INTO users (username) VALUES ('bench') RETURNING id::text`).Scan(&id); err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	opts, err := redis.ParseURL(e.s.RedisURL)
	if err != nil {
		return err
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	store := session.NewStore(rdb, session.Config{})
	raw, err := store.Create(ctx, session.User{ID: id, Login: "bench"}, "bench")
	if err != nil {
		return fmt.Errorf("sign in: %w", err)
	}
	e.cookie = session.Cookie(raw, store.Config().AbsoluteTTL)
	return nil
}

// newChats creates n chats through the router.
func (e *env) newChats(ctx context.Context, n int) ([]string, error) {
	ids := make([]string, 0, n)
	for range n {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.s.URL+"/api/chats", strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", e.origin)
		req.AddCookie(e.cookie)
		resp, err := e.replies.c.Do(req)
		if err != nil {
			return nil, err
		}
		var chat struct {
			ID string `json:"id"`
		}
		err = decodeJSON(resp, http.StatusCreated, &chat)
		if err != nil {
			return nil, fmt.Errorf("create chat: %w", err)
		}
		ids = append(ids, chat.ID)
	}
	return ids, nil
}

// stop ends the reply in chat (POST /api/chats/{id}/stop).
func (e *env) stop(ctx context.Context, chat string) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.s.URL+"/api/chats/"+chat+"/stop", nil)
	req.Header.Set("Origin", e.origin)
	req.AddCookie(e.cookie)
	if resp, err := e.replies.c.Do(req); err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
}

// profileRouter records the router's CPU profile during 6 s of load on rq
// and its allocation profile after, into dir as <name>-cpu.pprof and
// <name>-allocs.pprof (see README: make bench).
func profileRouter(ctx context.Context, addr, dir, name string, t target, rq request) error {
	if err := os.MkdirAll(dir, 0o755); err != nil { // #nosec G301 -- bench output for people to read
		return err
	}
	done := make(chan run, 1)
	go func() { done <- load(ctx, t, rq, 16, 7*time.Second, 2_000_000) }()
	cpu := fetch(ctx, "http://"+addr+"/debug/pprof/profile?seconds=5", filepath.Join(dir, name+"-cpu.pprof"))
	<-done
	allocs := fetch(ctx, "http://"+addr+"/debug/pprof/allocs", filepath.Join(dir, name+"-allocs.pprof"))
	return errors.Join(cpu, allocs)
}

func fetch(ctx context.Context, url, path string) error {
	return fetchWith(ctx, http.DefaultClient, url, path)
}

func fetchWith(ctx context.Context, c *http.Client, url, path string) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %d", url, resp.StatusCode)
	}
	f, err := os.Create(path) // #nosec G304 -- bench tool: a file under its own output directory
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, resp.Body)
	return err
}
