package generation

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/archstudio/studio/shared/chatstore"
)

// checkpointer saves the partial replies of every generation of this
// instance, as many as are due in one statement, on a goroutine of its
// own. A checkpoint written by each generation inline stopped its reply
// for as long as PostgreSQL took: with 2,000 replies, every second each
// waited seconds for a connection, and its tokens with it. A generation
// now only hands over its text; the writes follow one another, each
// taking all that came in while the one before ran.
type checkpointer struct {
	m *Manager

	mu      sync.Mutex
	due     map[*run]string // latest text to save, by generation
	running bool
}

// checkpointBatch bounds the messages one statement saves.
const checkpointBatch = 500

// offer queues r's text to be saved, replacing what r queued before.
func (c *checkpointer) offer(r *run, content string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.due == nil {
		c.due = map[*run]string{}
	}
	c.due[r] = content
	if !c.running {
		c.running = true
		go c.loop()
	}
}

// forget drops what r queued: its final save follows.
func (c *checkpointer) forget(r *run) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.due, r)
}

func (c *checkpointer) loop() {
	for {
		c.mu.Lock()
		if len(c.due) == 0 {
			c.running = false
			c.mu.Unlock()
			return
		}
		runs := make([]*run, 0, min(len(c.due), checkpointBatch))
		cps := make([]chatstore.Checkpoint, 0, cap(runs))
		for r, content := range c.due {
			if len(runs) == checkpointBatch {
				break
			}
			runs = append(runs, r)
			cps = append(cps, chatstore.Checkpoint{UserID: r.user.ID, MessageID: r.messageID, Content: content})
			delete(c.due, r)
		}
		c.mu.Unlock()
		c.save(runs, cps)
	}
}

func (c *checkpointer) save(runs []*run, cps []chatstore.Checkpoint) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	saved, err := c.m.d.Store.CheckpointMessages(ctx, cps)
	if err != nil {
		// The next checkpoint of each carries all its text anyway.
		c.m.log.Warn("stream: checkpoint", slog.Int("replies", len(cps)), slog.Any("error", err))
		return
	}
	for _, r := range runs {
		if !saved[r.messageID] {
			// A sweep took this generation for dead (its lease expired
			// while Redis was out) and ended the message: stop.
			r.cancel(errLeaseLost)
		}
	}
}
