package testkit

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// S3 is an S3-compatible server on a loopback port: gofakes3, which speaks
// the S3 wire protocol (MinIO cannot be built from the module proxy).
type S3 struct {
	// URL is a BLOB_STORE_URL for its bucket "attachments" (created).
	URL string
	// Endpoint is the server's base URL.
	Endpoint string
	Backend  *s3mem.Backend
}

// StartS3 serves an empty S3 with the bucket "attachments" until tb ends.
func StartS3(tb testing.TB) *S3 {
	tb.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("attachments"); err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	tb.Cleanup(srv.Close)
	u := fmt.Sprintf("s3://test-key:test-secret@attachments?region=us-east-1&path_style=true&endpoint=%s", url.QueryEscape(srv.URL))
	return &S3{URL: u, Endpoint: srv.URL, Backend: backend}
}

// Objects returns the keys in the bucket.
func (s *S3) Objects(tb testing.TB) []string {
	tb.Helper()
	list, err := s.Backend.ListBucket("attachments", nil, gofakes3.ListBucketPage{})
	if err != nil {
		tb.Fatal(err)
	}
	var keys []string
	for _, c := range list.Contents {
		keys = append(keys, c.Key)
	}
	return keys
}
