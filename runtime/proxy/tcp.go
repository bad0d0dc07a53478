package proxy

import (
	"context"
	"net"
	"time"
)

// TCP is a function the router does not run, reached at host:port (each
// function its own service, as in compose). It is always attempted; a
// refused connection becomes a 503.
type TCP struct {
	Addr   string
	dialer net.Dialer
}

// NewTCP returns a target for host:port.
func NewTCP(addr string) *TCP {
	return &TCP{Addr: addr, dialer: net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}}
}

// Available is always true: the router cannot know better than a dial.
func (t *TCP) Available() bool { return true }

// DialContext connects to Addr whatever the request's URL says.
func (t *TCP) DialContext(ctx context.Context, network, _ string) (net.Conn, error) {
	return t.dialer.DialContext(ctx, "tcp", t.Addr)
}
