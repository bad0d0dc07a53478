package accesslog

import (
	"io"
	"sync"
	"time"
)

// Buffer batches the access log's lines into few writes: one write call
// per request was a fifth of the router's CPU under load (make bench's
// profile). Lines reach w at most every interval, or as soon as size bytes
// are waiting, and always on Flush and Close. Each Write must be whole
// lines (slog's JSON handler writes one record per call), so what reaches
// w never splits a line and never interleaves with other writers of w
// (the functions share the router's stderr).
//
// A crash loses at most interval's lines; the request metrics are not
// buffered.
type Buffer struct {
	mu   sync.Mutex
	w    io.Writer
	buf  []byte
	size int
	err  error

	stop chan struct{}
	done chan struct{}
}

// NewBuffer starts a Buffer in front of w; Close it to write the rest.
func NewBuffer(w io.Writer, interval time.Duration, size int) *Buffer {
	b := &Buffer{w: w, buf: make([]byte, 0, size), size: size, stop: make(chan struct{}), done: make(chan struct{})}
	go b.flushEvery(interval)
	return b
}

func (b *Buffer) flushEvery(interval time.Duration) {
	defer close(b.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			_ = b.Flush()
		case <-b.stop:
			return
		}
	}
}

// Write queues p (whole lines), writing what waits first when p would not
// fit. A line longer than the buffer goes out on its own.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.buf)+len(p) > b.size {
		b.flushLocked()
		if len(p) > b.size {
			if _, err := b.w.Write(p); err != nil {
				return 0, err
			}
			return len(p), nil
		}
	}
	b.buf = append(b.buf, p...)
	return len(p), nil
}

// Flush writes what waits.
func (b *Buffer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
	err := b.err
	b.err = nil
	return err
}

func (b *Buffer) flushLocked() {
	if len(b.buf) == 0 {
		return
	}
	if _, err := b.w.Write(b.buf); err != nil && b.err == nil {
		b.err = err
	}
	b.buf = b.buf[:0]
}

// Close stops the periodic flush and writes what waits.
func (b *Buffer) Close() error {
	select {
	case <-b.stop:
	default:
		close(b.stop)
	}
	<-b.done
	return b.Flush()
}
