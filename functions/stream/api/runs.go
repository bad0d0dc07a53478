package api

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/archstudio/studio/functions/stream/generation"
	"github.com/archstudio/studio/shared/apperr"
)

// Workflow-run frames over the WebSocket (package runs does the work,
// through the same subscription as the SSE route):
//
//	client: {"type":"watch_runs","repo":"owner/name"} follows a
//	        repository (again: restarts with a fresh snapshot);
//	        {"type":"unwatch_runs","repo":"owner/name"} stops following it
//	server: {"type":"runs","repo","data":<RunsSnapshot>} now and at every
//	        change, or {"type":"error","repo","code","message"} when the
//	        watch is refused or broke off
const typeRuns = "runs"

// watchedRepo is a repository a connection follows.
type watchedRepo struct {
	stop context.CancelFunc
	done chan struct{}
}

// runsCommand runs watch_runs and unwatch_runs; false for any other
// command.
func (c *wsConn) runsCommand(cmd command) bool {
	switch cmd.Type {
	case "watch_runs":
		c.unwatchRuns(cmd.Repo)
		c.watchRuns(cmd.Repo)
	case "unwatch_runs":
		c.unwatchRuns(cmd.Repo)
	default:
		return false
	}
	return true
}

func repoKey(repo string) string { return strings.ToLower(repo) }

// watchRuns queues repo's snapshots until unwatched or closed.
func (c *wsConn) watchRuns(repo string) {
	if c.h.d.Runs == nil {
		c.repoErrorFrame(repo, apperr.New(apperr.Unavailable, "workflow runs are not offered here"))
		return
	}
	key := repoKey(repo)
	c.mu.Lock()
	if len(c.repos) >= c.h.cfg.WSMaxRepos {
		c.mu.Unlock()
		c.repoErrorFrame(repo, apperr.New(apperr.TooLarge, "this connection watches too many repositories; unwatch one first"))
		return
	}
	ctx, stop := context.WithCancel(c.ctx)
	w := &watchedRepo{stop: stop, done: make(chan struct{})}
	c.repos[key] = w
	c.wg.Add(1)
	c.mu.Unlock()

	// Subscribing asks GitHub: commands keep flowing meanwhile.
	go func() {
		defer c.wg.Done()
		defer close(w.done)
		// release frees the slot; before an error frame, so a client that
		// has its answer may watch another repository at once.
		release := func() {
			c.mu.Lock()
			stop()
			if c.repos[key] == w {
				delete(c.repos, key)
			}
			c.mu.Unlock()
		}
		defer release()
		owner, name, _ := strings.Cut(repo, "/")
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		sub, err := c.h.d.Runs.Subscribe(sctx, c.user.ID, owner, name)
		cancel()
		if err != nil {
			unwatched := ctx.Err() != nil
			release()
			if !unwatched {
				c.repoErrorFrame(repo, err)
			}
			return
		}
		defer sub.Close()
		c.enqueue(runsFrame(repo, sub.Snapshot))
		for {
			select {
			case <-ctx.Done():
				return
			case msg := <-sub.Changes():
				c.enqueue(runsFrame(repo, msg))
			}
		}
	}()
}

// unwatchRuns stops following repo and waits until its last frame is
// queued, so no runs frame of it follows a later frame (the client's
// next command's answer). Not following repo is no error.
func (c *wsConn) unwatchRuns(repo string) {
	c.mu.Lock()
	w := c.repos[repoKey(repo)]
	delete(c.repos, repoKey(repo))
	c.mu.Unlock()
	if w != nil {
		w.stop()
		<-w.done
	}
}

// repoErrorFrame is an error frame about repo's runs.
func (c *wsConn) repoErrorFrame(repo string, err error) {
	c.scopedErrorFrame(generation.TypeError, "repo", repo, err)
}

// runsFrame is {"type":"runs","repo","data"}, data a RunsSnapshot.
func runsFrame(repo string, snapshot []byte) []byte {
	b, _ := json.Marshal(struct {
		Type string          `json:"type"`
		Repo string          `json:"repo"`
		Data json.RawMessage `json:"data"`
	}{typeRuns, repo, snapshot})
	return b
}
