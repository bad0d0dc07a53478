package runs

import (
	"fmt"
	"net/http"
	"time"

	"github.com/archstudio/studio/shared/routing"
	"github.com/archstudio/studio/shared/session"
)

// Handler serves GET /api/github/repos/{owner}/{repo}/runs/events: the
// repository's runs now, then again whenever they change, as SSE events
// named "runs". It requires a signed-in user (Deps.Authenticate).
func (r *Relay) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /api/github/repos/{owner}/{repo}/runs/events", session.Require(r.d.Authenticate, r.events))
	return routing.JSONErrors(mux)
}

func (r *Relay) events(w http.ResponseWriter, req *http.Request, u session.User) error {
	ctx := req.Context()
	sub, err := r.Subscribe(ctx, u.ID, req.PathValue("owner"), req.PathValue("repo"))
	if err != nil {
		return err
	}
	defer sub.Close()

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	send := func(payload []byte) error {
		if _, err := fmt.Fprintf(w, "event: runs\ndata: %s\n\n", payload); err != nil { // #nosec G705 -- JSON marshalled by us on a text/event-stream, never rendered as HTML
			return err
		}
		return rc.Flush()
	}
	if err := send(sub.Snapshot); err != nil {
		return nil
	}
	beat := time.NewTicker(r.cfg.Heartbeat)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case msg := <-sub.Changes():
			if err := send(msg); err != nil {
				return nil
			}
		case <-beat.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil || rc.Flush() != nil {
				return nil
			}
		}
	}
}
