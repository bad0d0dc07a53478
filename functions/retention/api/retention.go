// Package api deletes chats whose owners' retention has passed, and
// repository contexts cached longer than their bound. The
// job runs on a schedule: the router's scheduler calls POST
// /internal/retention/run, and on AWS an EventBridge rule invokes the
// Lambda with a scheduled event.
package api

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/blobstore"
	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/logging"
	"github.com/archstudio/studio/shared/prefs"
	"github.com/archstudio/studio/shared/routing"
)

// Deps are what the retention job needs.
type Deps struct {
	Store *chatstore.Store
	// DefaultDays is the retention of users who set none (at most
	// prefs.MaxRetentionDays).
	DefaultDays int
	// BatchSize bounds the chats one statement deletes.
	BatchSize int
	// MaxDuration bounds one run; what is left waits for the next run.
	MaxDuration time.Duration
	// Token, when set, must come as "Authorization: Bearer <token>" on the
	// HTTP route.
	Token string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Blobs, when attachments live in an object store, is where the
	// objects of deleted attachments are removed.
	Blobs *blobstore.Store
	// ContextCacheMaxAge bounds how long a built repository context is
	// kept (default DefaultContextCacheMaxAge).
	ContextCacheMaxAge time.Duration
}

// DefaultContextCacheMaxAge is how long a built repository context is kept
// when Deps names no bound: a week of reads of an unchanged commit.
const DefaultContextCacheMaxAge = 7 * 24 * time.Hour

// PendingUploadTTL is how long a presigned upload may stay unfinished
// before its reservation is dropped.
const PendingUploadTTL = 24 * time.Hour

// Result is what a run reports.
type Result struct {
	Deleted int64 `json:"deleted"`
	// Complete is false when the run stopped at MaxDuration with chats left.
	Complete bool `json:"complete"`
}

// Job runs retention once.
type Job struct{ d Deps }

// NewJob returns the retention job.
func NewJob(d Deps) *Job {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.DefaultDays <= 0 {
		d.DefaultDays = prefs.DefaultRetentionDays
	}
	if d.MaxDuration <= 0 {
		d.MaxDuration = 25 * time.Second
	}
	if d.ContextCacheMaxAge <= 0 {
		d.ContextCacheMaxAge = DefaultContextCacheMaxAge
	}
	return &Job{d: d}
}

// Run deletes expired chats and reports how many.
func (j *Job) Run(ctx context.Context) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, j.d.MaxDuration)
	defer cancel()
	start := time.Now()
	n, err := j.d.Store.ExpireChats(ctx, chatstore.Expiry{
		Now:         j.d.Now(),
		DefaultDays: j.d.DefaultDays,
		MaxDays:     prefs.MaxRetentionDays,
		BatchSize:   j.d.BatchSize,
	})
	res := Result{Deleted: n, Complete: err == nil}
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return res, err
	}
	var contexts int64
	if err == nil {
		err = j.attachments(ctx)
		if err == nil {
			contexts, err = j.d.Store.ExpireRepositoryContexts(ctx, j.d.Now().Add(-j.d.ContextCacheMaxAge), j.d.BatchSize)
		}
		if err != nil {
			res.Complete = false
			if !errors.Is(err, context.DeadlineExceeded) {
				return res, err
			}
		}
	}
	logging.FromContext(ctx).InfoContext(ctx, "retention run",
		slog.Int64("deleted", n), slog.Int64("contexts_deleted", contexts),
		slog.Bool("complete", res.Complete), slog.Duration("took", time.Since(start)))
	return res, nil
}

// attachments drops presigned uploads never finished, then deletes the
// objects whose attachments are gone (with their chats, or removed).
func (j *Job) attachments(ctx context.Context) error {
	if _, err := j.d.Store.ExpirePendingAttachments(ctx, j.d.Now().Add(-PendingUploadTTL)); err != nil {
		return err
	}
	if j.d.Blobs == nil {
		return nil
	}
	for {
		keys, err := j.d.Store.BlobGarbage(ctx, max(j.d.BatchSize, 1))
		if err != nil || len(keys) == 0 {
			return err
		}
		for _, k := range keys {
			if err := j.d.Blobs.Delete(ctx, k); err != nil {
				return err
			}
		}
		if err := j.d.Store.ForgetBlobGarbage(ctx, keys); err != nil {
			return err
		}
	}
}

// Scheduled adapts Run to bootstrap.ScheduledJob.
func (j *Job) Scheduled(ctx context.Context) (any, error) { return j.Run(ctx) }

// New returns the HTTP handler: POST /internal/retention/run.
func New(j *Job) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /internal/retention/run", apperr.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if !j.authorized(r) {
			return apperr.New(apperr.Unauthenticated, "a retention token is required")
		}
		res, err := j.Run(r.Context())
		if err != nil {
			return err
		}
		jsonio.Write(w, http.StatusOK, res)
		return nil
	}))
	return routing.JSONErrors(mux)
}

func (j *Job) authorized(r *http.Request) bool {
	if j.d.Token == "" {
		return true
	}
	return subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+j.d.Token)) == 1
}
