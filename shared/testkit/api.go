package testkit

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/archstudio/studio/shared/bootstrap"
)

// API serves requests to a function's handler in-process, each as one of
// the users signed in through it, so API tests can be tables of
// {user, method, path, body, status} run against the handler Lambda runs.
type API struct {
	tb      testing.TB
	Pool    *pgxpool.Pool
	Redis   *redis.Client
	Handler http.Handler
	cookies map[string]*http.Cookie // by user id
}

// NewAPI returns an API on h, wrapped the way bootstrap.Serve wraps every
// function (CORS and CSRF checks for StudioOrigin, security headers),
// which must authenticate with the session middleware on rdb: SignIn
// creates users in pool and sessions in rdb.
//
//	pool, rdb := testkit.Pool(t), testkit.Redis(t)
//	h := chats.New(chats.Deps{Store: store, Authenticate: session.NewStore(rdb, session.Config{}).Middleware})
//	api := testkit.NewAPI(t, pool, rdb, h)
func NewAPI(tb testing.TB, pool *pgxpool.Pool, rdb *redis.Client, h http.Handler) *API {
	h = bootstrap.Wrap(slog.New(slog.DiscardHandler), bootstrap.Browser{Origins: []string{StudioOrigin}}, h)
	return &API{tb: tb, Pool: pool, Redis: rdb, Handler: h, cookies: map[string]*http.Cookie{}}
}

// SignIn signs login in (see SignIn) and returns the user's id, to name
// the user in Do and Send.
func (a *API) SignIn(login string) (userID string) {
	a.tb.Helper()
	id, cookie := SignIn(a.tb, a.Pool, a.Redis, login)
	a.cookies[id] = cookie
	return id
}

// Do sends a request as userID ("" for none) with body ("" for none) as
// JSON.
func (a *API) Do(method, path, userID, body string) Response {
	a.tb.Helper()
	contentType := ""
	if body != "" {
		contentType = "application/json"
	}
	return a.Send(NewRequest(method, path, contentType, body), userID)
}

// NewRequest returns a request for Send with body ("" for none) and a
// Content-Type header unless contentType is "" (set even without a body,
// for tests of what a handler makes of that).
func NewRequest(method, path, contentType, body string) *http.Request {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}

// Send serves req as userID ("" for none), for requests Do does not make:
// other content types, a Content-Type without a body. Like the studio's
// pages in a browser it says Sec-Fetch-Site: same-origin unless req names
// an Origin or a Sec-Fetch-Site (an empty one is left out). The exchange
// must keep the API contract (see CheckContract).
func (a *API) Send(req *http.Request, userID string) Response {
	a.tb.Helper()
	browserDefaults(req.Header, false)
	dropEmpty(req.Header)
	if userID != "" {
		cookie, ok := a.cookies[userID]
		if !ok {
			a.tb.Fatalf("testkit: user %q was not signed in through this API", userID)
		}
		req.AddCookie(cookie)
	}
	rec := httptest.NewRecorder()
	ContractHandler(a.tb, a.Handler).ServeHTTP(rec, req)
	return Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.String()}
}

// Response is what the handler answered.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// JSON decodes the body into v, failing tb when it is not JSON.
func (r Response) JSON(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		tb.Fatalf("body %q: %v", r.Body, err)
	}
}

// Error returns the code, field and message of an error body
// ({"error":{"code":…,"field":…,"message":…}}).
func (r Response) Error(tb testing.TB) (code, field, message string) {
	tb.Helper()
	var b struct {
		Error struct{ Code, Field, Message string }
	}
	r.JSON(tb, &b)
	return b.Error.Code, b.Error.Field, b.Error.Message
}
