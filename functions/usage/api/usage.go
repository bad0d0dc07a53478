// Package api answers GET /api/usage: the signed-in user's calls and
// tokens today, the daily limits that apply to them, when the day resets
// (00:00 UTC) and the last 30 days, newest first.
package api

import (
	"context"
	"net/http"

	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/quota"
	"github.com/archstudio/studio/shared/routing"
	"github.com/archstudio/studio/shared/session"
)

// Reporter reports a user's usage; *quota.Quota is one.
type Reporter interface {
	Report(ctx context.Context, userID string) (quota.Report, error)
}

// StorageMeter tells how many bytes of attachments a user stores;
// *chatstore.Store is one.
type StorageMeter interface {
	StorageUsed(ctx context.Context, userID string) (int64, error)
}

// Storage is a user's attachment storage against their quota.
type Storage struct {
	UsedBytes  int64 `json:"used_bytes"`
	QuotaBytes int64 `json:"quota_bytes"`
}

type report struct {
	quota.Report
	Storage *Storage `json:"storage,omitempty"`
}

// Deps are what the usage handler needs.
type Deps struct {
	Usage Reporter
	// Storage, when set, adds the user's attachment storage against
	// StorageQuota (ATTACHMENT_QUOTA_BYTES).
	Storage      StorageMeter
	StorageQuota int64
	// Authenticate admits only signed-in requests ((*session.Store).Middleware).
	Authenticate session.Authenticate
}

// New returns the handler for GET /api/usage.
func New(d Deps) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /api/usage", session.Require(d.Authenticate, func(w http.ResponseWriter, r *http.Request, u session.User) error {
		rep, err := d.Usage.Report(r.Context(), u.ID)
		if err != nil {
			return err
		}
		out := report{Report: rep}
		if d.Storage != nil {
			used, err := d.Storage.StorageUsed(r.Context(), u.ID)
			if err != nil {
				return err
			}
			out.Storage = &Storage{UsedBytes: used, QuotaBytes: d.StorageQuota}
		}
		w.Header().Set("Cache-Control", "no-store")
		jsonio.Write(w, http.StatusOK, out)
		return nil
	}))
	return routing.JSONErrors(mux)
}
