// Package blobstore keeps attachment bytes in an S3-compatible object store
// through aws-sdk-go-v2's S3 client, for deployments that set
// BLOB_STORE_URL; without it attachments live in PostgreSQL. It also
// presigns PUT URLs, so that on AWS a browser uploads straight to S3 and a
// file never passes through Lambda's 6 MB payload limit.
package blobstore

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// ErrNotFound is an object that does not exist.
var ErrNotFound = errors.New("blobstore: no such object")

// errTooLarge is an object larger than a Get's limit.
var errTooLarge = errors.New("blobstore: object larger than the limit")

// IsTooLarge reports whether err is Get finding an object over its limit.
func IsTooLarge(err error) bool { return errors.Is(err, errTooLarge) }

// Store is one bucket.
type Store struct {
	client  *s3.Client
	presign *s3.PresignClient
	bucket  string
	prefix  string
}

// Open parses rawURL and returns its bucket's store:
//
//	s3://[ACCESS_KEY:SECRET@]BUCKET[/PREFIX]?region=R&endpoint=URL&path_style=true
//
// Without credentials in the URL the SDK's default chain is used (the
// environment, the Lambda role); endpoint points at a non-AWS server
// (MinIO, R2, a test server), which usually wants path_style. Open makes
// no request.
func Open(ctx context.Context, rawURL string, httpClient *http.Client) (*Store, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return nil, fmt.Errorf("blobstore: %q is not s3://BUCKET[/PREFIX]?region=…", redact(rawURL))
	}
	q := u.Query()
	opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(cmp.Or(q.Get("region"), "us-east-1"))}
	if u.User != nil {
		secret, _ := u.User.Password()
		opts = append(opts, awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(u.User.Username(), secret, "")))
	}
	if httpClient != nil {
		opts = append(opts, awsconfig.WithHTTPClient(httpClient))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("blobstore: %w", err)
	}
	pathStyle, _ := strconv.ParseBool(q.Get("path_style"))
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if ep := q.Get("endpoint"); ep != "" {
			o.BaseEndpoint = aws.String(ep)
		}
		o.UsePathStyle = pathStyle
		// S3-compatible servers often send no checksum; that is no news.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	prefix := ""
	if p := strings.Trim(u.Path, "/"); p != "" {
		prefix = p + "/"
	}
	return &Store{client: client, presign: s3.NewPresignClient(client), bucket: u.Host, prefix: prefix}, nil
}

// Put stores data under key.
func (s *Store) Put(ctx context.Context, key, contentType string, data []byte) error {
	_, err := s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: &s.bucket, Key: aws.String(s.prefix + key), Body: bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))), ContentType: aws.String(contentType),
	})
	if err != nil {
		return fmt.Errorf("blobstore: put %s: %w", key, err)
	}
	return nil
}

// Get reads the object under key, at most limit bytes (more is an error).
func (s *Store) Get(ctx context.Context, key string, limit int64) ([]byte, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: aws.String(s.prefix + key)})
	if err != nil {
		var nk *types.NoSuchKey
		if errors.As(err, &nk) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("blobstore: get %s: %w", key, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(io.LimitReader(out.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("blobstore: read %s: %w", key, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: %s over %d bytes", errTooLarge, key, limit)
	}
	return data, nil
}

// Delete removes the object under key; a missing one is no error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if _, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: aws.String(s.prefix + key)}); err != nil {
		return fmt.Errorf("blobstore: delete %s: %w", key, err)
	}
	return nil
}

// Upload is a presigned request a client makes to put an object.
type Upload struct {
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	ExpiresAt time.Time         `json:"expires_at"`
}

// PresignPut returns a PUT of exactly size bytes of contentType under key,
// valid for ttl. The length is signed, so S3 refuses any other size.
func (s *Store) PresignPut(ctx context.Context, key, contentType string, size int64, ttl time.Duration) (Upload, error) {
	req, err := s.presign.PresignPutObject(ctx, &s3.PutObjectInput{
		Bucket: &s.bucket, Key: aws.String(s.prefix + key),
		ContentLength: aws.Int64(size), ContentType: aws.String(contentType),
	}, s3.WithPresignExpires(ttl))
	if err != nil {
		return Upload{}, fmt.Errorf("blobstore: presign %s: %w", key, err)
	}
	headers := map[string]string{}
	for k, v := range req.SignedHeader {
		// The browser sets Host and Content-Length itself.
		if k == "Host" || k == "Content-Length" || len(v) == 0 {
			continue
		}
		headers[k] = v[0]
	}
	return Upload{Method: req.Method, URL: req.URL, Headers: headers, ExpiresAt: time.Now().Add(ttl)}, nil
}

// CreateBucket makes the store's bucket, for tests and first runs against
// a fresh local server; an existing bucket is no error.
func (s *Store) CreateBucket(ctx context.Context) error {
	_, err := s.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &s.bucket})
	var owned *types.BucketAlreadyOwnedByYou
	var exists *types.BucketAlreadyExists
	if err != nil && !errors.As(err, &owned) && !errors.As(err, &exists) {
		return fmt.Errorf("blobstore: create bucket %s: %w", s.bucket, err)
	}
	return nil
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable)"
	}
	return u.Redacted()
}
