package generation

import (
	"context"
	"sync"

	"github.com/archstudio/studio/functions/stream/model"
)

// call is a model call started before the reply's messages are stored, so
// the upstream's first text and the reply's PostgreSQL writes overlap
// (issue 16: the time the studio adds to the first delta). What it emits
// waits here until the run attaches, once message_start is in the stream:
// no delta is appended for a message that was not stored. A write that
// fails cancels ctx, which ends the call; what it emitted is dropped.
type call struct {
	mu      sync.Mutex
	pending []string
	sink    func(string) // the run's emit, once attached

	done  chan struct{}
	usage model.Usage
	err   error
}

// startCall calls m with req on a goroutine of its own until ctx ends.
func startCall(ctx context.Context, m model.Model, req model.Request) *call {
	c := &call{done: make(chan struct{})}
	go func() {
		defer close(c.done)
		c.usage, c.err = m.Stream(ctx, req, c.emit)
	}()
	return c
}

func (c *call) emit(text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sink == nil {
		c.pending = append(c.pending, text)
		return
	}
	c.sink(text)
}

// wait hands what the call emitted so far, then each later piece, to sink
// in order, and returns how the call ended. sink is called under the
// call's lock, one piece at a time.
func (c *call) wait(sink func(string)) (model.Usage, error) {
	c.mu.Lock()
	for _, text := range c.pending {
		sink(text)
	}
	c.pending, c.sink = nil, sink
	c.mu.Unlock()
	<-c.done
	return c.usage, c.err
}
