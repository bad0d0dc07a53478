package api_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/functions/auth/api"
	"github.com/archstudio/studio/functions/auth/github"
	"github.com/archstudio/studio/functions/auth/loginstate"
	"github.com/archstudio/studio/shared/bootstrap"
	"github.com/archstudio/studio/shared/logging"
	"github.com/archstudio/studio/shared/quota"
	"github.com/archstudio/studio/shared/ratelimit"
	"github.com/archstudio/studio/shared/session"
	"github.com/archstudio/studio/shared/testkit"
	"github.com/archstudio/studio/shared/testkit/fakegithub"
	"github.com/archstudio/studio/shared/tokenvault"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const publicURL = "http://app.test"

var defaultLimits = quota.Limits{DailyCalls: 200, DailyTokens: 2000000}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is the auth API on real PostgreSQL and Redis, with a fake GitHub.
type env struct {
	t        *testing.T
	pool     *pgxpool.Pool
	rdb      *redis.Client
	gh       *fakegithub.Server
	clock    *clock
	sessions *session.Store
	keys     *tokenvault.KeyRing
	handler  http.Handler
	logs     *testkit.LockedBuffer
}

type option func(*api.Deps, *env)

func withoutGitHub(dev bool) option {
	return func(d *api.Deps, _ *env) { d.GitHub = nil; d.DevSignIn = dev }
}

func withStateTTL(ttl time.Duration) option {
	return func(d *api.Deps, e *env) { d.States = loginstate.New(e.rdb, ttl) }
}

func withSignInLimit(n uint64) option {
	return func(d *api.Deps, e *env) {
		s, err := ratelimit.NewStore(e.rdb, ratelimit.Config{Tokens: n, Interval: time.Minute})
		if err != nil {
			e.t.Fatal(err)
		}
		d.SignInLimiter = s
	}
}

func withScopes(scopes ...string) option {
	return func(d *api.Deps, e *env) { d.GitHub = e.githubClient(scopes) }
}

func newEnv(t *testing.T, opts ...option) *env {
	t.Helper()
	e := &env{
		t:     t,
		pool:  testkit.Pool(t),
		rdb:   testkit.Redis(t),
		clock: &clock{t: time.Now()},
		logs:  &testkit.LockedBuffer{},
	}
	e.gh = fakegithub.NewServer(t, publicURL+"/api/auth/github/callback")
	e.gh.AddUser(fakegithub.User{Login: "octocat", Name: "The Octocat", Emails: []fakegithub.Email{
		{Email: "octocat@old.example", Verified: true},
		{Email: "octocat@private.example", Primary: true, Verified: true, Visibility: "private"},
	}})
	e.keys, _ = tokenvault.ParseKeys("k1:" + strings.Repeat("A", 43) + "=")
	e.sessions = session.NewStore(e.rdb, session.Config{}, session.WithClock(e.clock.Now))
	limiter, _ := ratelimit.NewStore(e.rdb, ratelimit.Config{Tokens: 1000, Interval: time.Minute})
	d := api.Deps{
		Pool:          e.pool,
		Sessions:      e.sessions,
		States:        loginstate.New(e.rdb, 0),
		Tokens:        tokenvault.NewRepository(e.pool, e.keys),
		GitHub:        e.githubClient([]string{"repo", "workflow", "read:user", "user:email"}),
		SignInLimiter: limiter,
		PublicURL:     publicURL,
		DefaultLimits: defaultLimits,
	}
	for _, o := range opts {
		o(&d, e)
	}
	logger := logging.New(e.logs, "debug")
	e.handler = testkit.ContractHandler(t, bootstrap.Wrap(logger, bootstrap.Browser{Origins: []string{publicURL}}, api.New(d)))
	return e
}

func (e *env) githubClient(scopes []string) *github.Client {
	return github.New(github.Config{
		ClientID: fakegithub.TestClientID, ClientSecret: fakegithub.TestClientSecret,
		WebURL: e.gh.URL, APIURL: e.gh.URL, Scopes: scopes,
		CallbackURL: publicURL + "/api/auth/github/callback",
	})
}

// browser keeps cookies like a browser and records every response.
type browser struct {
	e       *env
	ip      string
	ua      string
	cookies map[string]*http.Cookie
	seen    []string // every response header block and body
	// lastBinding is the last binding cookie set, kept after it is
	// cleared, for replay tests.
	lastBinding *http.Cookie
}

func (e *env) browser() *browser {
	return &browser{e: e, ip: "198.51.100.10", ua: "TestBrowser/1.0", cookies: map[string]*http.Cookie{}}
}

func (b *browser) do(method, target string, body string) *httptest.ResponseRecorder {
	b.e.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	req.RemoteAddr = b.ip + ":40000"
	req.Header.Set("User-Agent", b.ua)
	// The studio's own pages (a browser says so on every fetch).
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, c := range b.cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	rec := httptest.NewRecorder()
	b.e.handler.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == loginstate.BindingCookie && c.MaxAge >= 0 {
			b.lastBinding = c
		}
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	var hdr strings.Builder
	rec.Header().Write(&hdr)
	b.seen = append(b.seen, hdr.String(), rec.Body.String())
	return rec
}

func (b *browser) setCookie(name, value string) {
	b.cookies[name] = &http.Cookie{Name: name, Value: value}
}

func (b *browser) sessionCookie() string {
	if c := b.cookies[session.CookieName]; c != nil {
		return c.Value
	}
	return ""
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// start asks to sign in with GitHub and returns GitHub's authorize URL.
func (b *browser) start(returnTo string) *url.URL {
	b.e.t.Helper()
	target := "/api/auth/github"
	if returnTo != "" {
		target += "?return_to=" + url.QueryEscape(returnTo)
	}
	rec := b.do(http.MethodGet, target, "")
	if rec.Code != http.StatusFound {
		b.e.t.Fatalf("start: status %d, body %s", rec.Code, rec.Body)
	}
	u, err := url.Parse(rec.Header().Get("Location"))
	if err != nil {
		b.e.t.Fatal(err)
	}
	return u
}

// approve plays the user at GitHub: it follows the authorize URL and
// returns the callback path GitHub redirects to.
func (e *env) approve(authorize *url.URL) string {
	e.t.Helper()
	resp, err := noRedirect.Get(authorize.String())
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc.String(), publicURL+"/api/auth/github/callback") {
		e.t.Fatalf("GitHub answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.RequestURI()
}

// signIn runs the whole GitHub sign-in and returns the callback response.
func (b *browser) signIn(returnTo string) *httptest.ResponseRecorder {
	b.e.t.Helper()
	return b.do(http.MethodGet, b.e.approve(b.start(returnTo)), "")
}

// sessionKeys counts the sessions stored in Redis.
func (e *env) sessionKeys() int {
	keys, err := e.rdb.Keys(e.t.Context(), "session:*").Result()
	if err != nil {
		e.t.Fatal(err)
	}
	return len(keys)
}

// preflight sends a CORS preflight from origin.
func preflight(e *env, origin string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodOptions, "/api/auth/me", nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", "GET")
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return rec
}
