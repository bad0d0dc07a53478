package main

import (
	"net/http"
	"testing"

	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const pkg = "github.com/archstudio/studio/functions/attachments"

// Well-formed server URLs, so the checks after them are reached.
const (
	backendURL = "DATABASE_URL=postgres://x@127.0.0.1:1/x"
	redisURL   = "REDIS_URL=redis://127.0.0.1:1/0"
)

// TestBadConfigStopsStartup checks missing or contradictory settings stop
// the binary with a message naming them.
func TestBadConfigStopsStartup(t *testing.T) {
	testkit.FunctionRefusesToStart(t, pkg, []testkit.BadConfig{
		{Env: []string{"DATABASE_URL=postgres://x@127.0.0.1:1/x", "REDIS_URL="}, Want: "REDIS_URL"},
		{Env: []string{backendURL, redisURL, "BLOB_PRESIGNED_UPLOADS=true"}, Want: "BLOB_PRESIGNED_UPLOADS"},
		{Env: []string{backendURL, redisURL, "BLOB_STORE_URL=http://not-s3"}, Want: "s3://BUCKET"},
		{Env: []string{backendURL, redisURL, "ATTACHMENT_QUOTA_BYTES=10"}, Want: "ATTACHMENT_QUOTA_BYTES"},
	})
}

// TestLambda runs the built binary under a local Lambda Runtime API,
// signed in with a real session against the real PostgreSQL and Redis:
// the limits answer, another user's (or no) attachment is 404, and the
// CSRF, CORS and security-header table every function passes.
func TestLambda(t *testing.T) {
	fn := testkit.StartSignedInLambda(t, pkg)
	missing := "/api/attachments/00000000-0000-4000-8000-000000000001"
	fn.RunCases(t, []testkit.LambdaCase{
		{Name: "limits", Method: http.MethodGet, Path: "/api/attachments/limits", Headers: fn.Headers(), Status: 200},
		{Name: "no session", Method: http.MethodGet, Path: "/api/attachments/limits", Status: 401, Want: `"unauthenticated"`},
		{Name: "unknown attachment", Method: http.MethodGet, Path: missing, Headers: fn.Headers(), Status: 404, Want: `"not_found"`},
	})
	fn.CheckBrowserPolicy(t, testkit.StateChange{Method: http.MethodDelete, Path: missing, Headers: fn.Headers(), Want: 404})
}
