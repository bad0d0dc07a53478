// Package api is the backup function's one route, POST
// /internal/backup/run, which the router's scheduler calls daily (the
// path is private: the router answers 404 to it from outside).
package api

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/archstudio/studio/functions/backup/dump"
	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/jsonio"
	"github.com/archstudio/studio/shared/logging"
	"github.com/archstudio/studio/shared/routing"
)

// RunPath is the scheduled route.
const RunPath = "/internal/backup/run"

// Runner makes one backup.
type Runner interface {
	Run(ctx context.Context) (dump.Manifest, error)
}

// New returns the handler; token, when set, is the bearer token the route
// requires (for deployments where the function is reachable by others).
func New(r Runner, token string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST "+RunPath, apperr.HandlerFunc(func(w http.ResponseWriter, req *http.Request) error {
		if token != "" {
			got, _ := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
			if subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
				return apperr.New(apperr.Unauthenticated, "a valid bearer token is required")
			}
		}
		m, err := r.Run(req.Context())
		if errors.Is(err, dump.ErrBusy) {
			return apperr.Wrap(err, apperr.Conflict, "a backup is already running")
		}
		if err != nil {
			logging.FromContext(req.Context()).ErrorContext(req.Context(), "backup failed", "error", err)
			return apperr.Wrap(err, apperr.Internal, "the backup failed")
		}
		logging.FromContext(req.Context()).InfoContext(req.Context(), "backup verified",
			"file", m.File, "size_bytes", m.SizeBytes)
		jsonio.Write(w, http.StatusOK, m)
		return nil
	}))
	// Unknown paths and methods answer in the JSON error shape too.
	return routing.JSONErrors(mux)
}
