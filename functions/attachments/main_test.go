package main

import (
	"testing"

	"github.com/archstudio/studio/shared/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

const pkg = "github.com/archstudio/studio/functions/attachments"

// Well-formed server URLs, so the checks after them are reached.
const (
	backend = "DATABASE_URL=postgres://x@127.0.0.1:1/x"
	redis   = "REDIS_URL=redis://127.0.0.1:1/0"
)

// TestBadConfigStopsStartup checks missing or contradictory settings stop
// the binary with a message naming them.
func TestBadConfigStopsStartup(t *testing.T) {
	testkit.FunctionRefusesToStart(t, pkg, []testkit.BadConfig{
		{Env: []string{"DATABASE_URL=postgres://x@127.0.0.1:1/x", "REDIS_URL="}, Want: "REDIS_URL"},
		{Env: []string{backend, redis, "BLOB_PRESIGNED_UPLOADS=true"}, Want: "BLOB_PRESIGNED_UPLOADS"},
		{Env: []string{backend, redis, "BLOB_STORE_URL=http://not-s3"}, Want: "s3://BUCKET"},
		{Env: []string{backend, redis, "ATTACHMENT_QUOTA_BYTES=10"}, Want: "ATTACHMENT_QUOTA_BYTES"},
	})
}
