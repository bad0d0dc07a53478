package proxy

import (
	"bufio"
	"context"
	"net"
	"sync"
	"time"
)

// pool keeps the idle connections to one function, most recently used
// first out (the warmest). A connection carries no buffers while idle:
// the forwarder borrows a reader and a writer for each exchange
// (bufferedConn), so an idle connection costs a descriptor and nothing
// more, and a proxied stream holds only the reader it reads with.
type pool struct {
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
	max  int
	// idleFor bounds how long a connection waits unused; shorter than the
	// functions' own idle timeout (HTTP_IDLE_TIMEOUT, 120 s), so it is the
	// router that closes an idle connection, never the function under a
	// request the router is sending.
	idleFor time.Duration

	mu   sync.Mutex
	idle []idleConn
	gen  uint64 // bumped by closeIdle: older connections are not kept
}

type idleConn struct {
	c     *upstream
	since time.Time
}

// upstream is one connection to the function.
type upstream struct {
	net.Conn
	gen    uint64
	reused bool // it served an exchange before this one
}

// get returns an idle connection, or dials a new one.
func (p *pool) get(ctx context.Context) (*upstream, error) {
	now := time.Now()
	p.mu.Lock()
	// The oldest wait at the bottom: drop those idle too long, so that a
	// burst's connections do not stay open for ever.
	drop := 0
	for drop < len(p.idle) && now.Sub(p.idle[drop].since) > p.idleFor {
		drop++
	}
	var stale []idleConn
	if drop > 0 {
		stale = append(stale, p.idle[:drop]...)
		n := copy(p.idle, p.idle[drop:])
		clear(p.idle[n:])
		p.idle = p.idle[:n]
	}
	var c *upstream
	if n := len(p.idle); n > 0 {
		c = p.idle[n-1].c
		p.idle[n-1] = idleConn{}
		p.idle = p.idle[:n-1]
	}
	gen := p.gen
	p.mu.Unlock()
	for _, s := range stale {
		_ = s.c.Close()
	}
	if c != nil {
		c.reused = true
		return c, nil
	}
	conn, err := p.dial(ctx, "unix", "")
	if err != nil {
		return nil, err
	}
	return &upstream{Conn: conn, gen: gen}, nil
}

// put makes c idle again, or closes it when the pool is full or was
// emptied since c was taken (the function's process exited).
func (p *pool) put(c *upstream) {
	p.mu.Lock()
	if c.gen == p.gen && len(p.idle) < p.max {
		p.idle = append(p.idle, idleConn{c: c, since: time.Now()})
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	_ = c.Close()
}

// closeIdle closes every idle connection; those in use are closed when
// they are given back.
func (p *pool) closeIdle() {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.gen++
	p.mu.Unlock()
	for _, c := range idle {
		_ = c.c.Close()
	}
}

// Readers and writers for the exchanges. A reader is held for a stream's
// whole life, so it is 2 KB: a function's answer head fits (a longer line
// is read in parts), and a body is read past it straight into the copy
// buffer. Writers are 4 KB, the size of the server's own.
var (
	readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 2<<10) }}
	writers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 4<<10) }}
)

func getReader(c net.Conn) *bufio.Reader {
	br := readers.Get().(*bufio.Reader)
	br.Reset(c)
	return br
}

func putReader(br *bufio.Reader) {
	br.Reset(nil)
	readers.Put(br)
}

func getWriter(c net.Conn) *bufio.Writer {
	bw := writers.Get().(*bufio.Writer)
	bw.Reset(c)
	return bw
}

func putWriter(bw *bufio.Writer) {
	bw.Reset(nil)
	writers.Put(bw)
}
