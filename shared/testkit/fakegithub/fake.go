// Package fakegithub is a local stand-in for the parts of GitHub that
// sign-in uses, speaking GitHub's exact wire format: the OAuth web flow
// (/login/oauth/authorize and /login/oauth/access_token, with PKCE, the
// form-encoded answer by default and JSON or XML on request, and GitHub's
// error answers sent with HTTP 200) and the REST API's /user and
// /user/emails (also under /api/v3 as on GitHub Enterprise Server).
// Production code reaches it by changing only GITHUB_WEB_URL and
// GITHUB_API_URL.
//
// A Fake is an http.Handler: tests use NewServer; the end-to-end stack runs
// it standalone (testkit/cmd/fakegithub) and manages it through /_fake/…
// (see admin.go).
package fakegithub

import (
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// App is a registered OAuth app.
type App struct {
	ClientID     string
	ClientSecret string
	// CallbackURL is the app's "Authorization callback URL"; a
	// redirect_uri must be on its host and under its path.
	CallbackURL string
}

// User is a GitHub account.
type User struct {
	ID        int64  `json:"id"`
	Login     string `json:"login"`
	Name      string `json:"name"`
	AvatarURL string `json:"avatar_url"`
	// Email is the public profile email; "" makes /user answer null, as
	// for the many users who keep their email private.
	Email  string  `json:"email"`
	Emails []Email `json:"emails"`
}

// Email is one entry of /user/emails.
type Email struct {
	Email    string `json:"email"`
	Primary  bool   `json:"primary"`
	Verified bool   `json:"verified"`
	// Visibility is "public", "private" or "" (JSON null).
	Visibility string `json:"visibility"`
}

// Request is a request the fake received, for assertions.
type Request struct {
	Method string
	Path   string
	Header http.Header
	// Form holds query and form-body parameters.
	Form map[string][]string
}

type grant struct {
	clientID    string
	login       string
	scopes      []string
	redirectURI string
	challenge   string
	expires     time.Time
}

type tokenInfo struct {
	login  string
	scopes []string
}

// Fake is the fake GitHub. Its zero value is not usable; call New.
type Fake struct {
	mu       sync.Mutex
	apps     map[string]App
	users    map[string]*User
	order    []string
	signedIn string
	deny     bool
	codes    map[string]grant
	tokens   map[string]tokenInfo
	requests []Request
	nextID   int64
	now      func() time.Time
	mux      *http.ServeMux

	repos    map[string]*Repo // by lower-case full name
	used     map[string]int   // rate-limited requests per token this hour
	limit    int
	failures []Failure
	runID    int64
}

// CodeLifetime is how long an authorization code can be exchanged, as on
// GitHub.
const CodeLifetime = 10 * time.Minute

// New returns an empty fake: add an app and users.
func New() *Fake {
	f := &Fake{
		apps:   map[string]App{},
		users:  map[string]*User{},
		codes:  map[string]grant{},
		tokens: map[string]tokenInfo{},
		nextID: 1000,
		now:    time.Now,
		repos:  map[string]*Repo{},
		used:   map[string]int{},
		limit:  5000,
		runID:  9000000,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login/oauth/authorize", f.authorize)
	mux.HandleFunc("POST /login/oauth/access_token", f.accessToken)
	for _, prefix := range []string{"", "/api/v3"} {
		mux.HandleFunc("GET "+prefix+"/user", f.user)
		mux.HandleFunc("GET "+prefix+"/user/emails", f.emails)
		f.registerRepos(mux, prefix)
	}
	f.registerAdmin(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, apiError{Message: "Not Found", DocumentationURL: "https://docs.github.com/rest", Status: "404"})
	})
	f.mux = mux
	return f
}

// Server is a Fake on an httptest server.
type Server struct {
	*Fake
	// URL is both the web and the API base URL.
	URL string
}

// NewServer starts a fake GitHub for tb with one app (ClientID
// "test-client-id", ClientSecret "test-client-secret") whose callback is
// callbackURL, closed when tb ends.
func NewServer(tb testing.TB, callbackURL string) *Server {
	tb.Helper()
	f := New()
	f.AddApp(App{ClientID: TestClientID, ClientSecret: TestClientSecret, CallbackURL: callbackURL})
	srv := httptest.NewServer(f)
	tb.Cleanup(srv.Close)
	return &Server{Fake: f, URL: srv.URL}
}

// Credentials of the app NewServer registers.
const (
	TestClientID     = "test-client-id"
	TestClientSecret = "test-client-secret"
)

// ServeHTTP records the request and answers it as GitHub would.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f.mu.Lock()
	f.requests = append(f.requests, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Form: cloneForm(r.Form)})
	f.mu.Unlock()
	f.mux.ServeHTTP(w, r)
}

func cloneForm(v map[string][]string) map[string][]string {
	out := make(map[string][]string, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// AddApp registers (or replaces) an OAuth app.
func (f *Fake) AddApp(a App) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.apps[a.ClientID] = a
}

// AddUser registers (or replaces, by login) an account and returns it
// with an id assigned when it had none. The first user added is the one
// signed in at github.com until SignInAs says otherwise.
func (f *Fake) AddUser(u User) User {
	f.mu.Lock()
	defer f.mu.Unlock()
	if u.ID == 0 {
		f.nextID++
		u.ID = f.nextID
	}
	if u.AvatarURL == "" {
		u.AvatarURL = "https://avatars.githubusercontent.com/u/" + itoa(u.ID) + "?v=4"
	}
	if _, ok := f.users[u.Login]; !ok {
		f.order = append(f.order, u.Login)
	}
	cp := u
	f.users[u.Login] = &cp
	if f.signedIn == "" {
		f.signedIn = u.Login
	}
	return u
}

// SignInAs makes login the account that approves the next authorizations.
func (f *Fake) SignInAs(login string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signedIn = login
}

// Deny makes the user deny (true) or approve (false) authorizations.
func (f *Fake) Deny(deny bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deny = deny
}

// AddToken makes token a valid access token of login with scopes, as if
// issued earlier.
func (f *Fake) AddToken(token, login string, scopes []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens[token] = tokenInfo{login: login, scopes: scopes}
}

// IssuedTokens returns every access token the fake has issued or been
// given, for tests that search logs and responses for leaks.
func (f *Fake) IssuedTokens() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, 0, len(f.tokens))
	for t := range f.tokens {
		out = append(out, t)
	}
	return out
}

// Requests returns the requests received so far.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// SetClock makes the fake read time from now (code expiry).
func (f *Fake) SetClock(now func() time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = now
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomString returns n random letters and digits, the alphabet of
// GitHub's codes and tokens.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// splitScopes reads a scope list separated by spaces or commas.
func splitScopes(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, sc := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' }) {
		if !seen[sc] {
			seen[sc] = true
			out = append(out, sc)
		}
	}
	return out
}
