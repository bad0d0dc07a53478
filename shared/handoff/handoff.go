// Package handoff moves a client's connection from the router to a
// long-lived function: the router sends the connection's file descriptor
// (SCM_RIGHTS) with the request it has read, over a Unix SOCK_SEQPACKET
// socket in its private run directory, and closes its own copy. The
// function serves the request on the connection as if the client had
// dialled it, and the router is out of the data path for the rest of the
// stream: no copy goroutines, no buffers, no second socket per WebSocket
// or SSE stream.
package handoff

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Env names the variable through which the router tells a long-lived
// function where to listen for handed-over connections.
const Env = "HANDOFF_SOCKET"

// MaxRequest bounds the request sent with a connection (one packet); a
// request with longer headers is proxied instead.
const MaxRequest = 64 << 10

// ErrTooLarge is Send's answer to a request over MaxRequest.
var ErrTooLarge = errors.New("handoff: request too large to hand over")

// Sender hands connections to the function listening at Path.
type Sender struct {
	Path string
}

// Available reports whether the function listens for handed-over
// connections (its socket exists).
func (s Sender) Available() bool {
	_, err := os.Stat(s.Path)
	return err == nil
}

// Dial opens the channel for one handover; the caller then hijacks the
// client's connection and calls Send. Dialling first means a function that
// cannot take the connection leaves it with the router, to be proxied.
func (s Sender) Dial() (*net.UnixConn, error) {
	return net.DialUnix("unixpacket", nil, &net.UnixAddr{Name: s.Path, Net: "unixpacket"})
}

// Send passes conn's descriptor and request (what the function must read
// first: the request head the router has already consumed, and any bytes
// buffered after it) over ch. The caller still closes conn: the function
// holds its own descriptor once Send returns.
func Send(ch *net.UnixConn, conn syscall.Conn, request []byte) error {
	if len(request) > MaxRequest {
		return ErrTooLarge
	}
	raw, err := conn.SyscallConn()
	if err != nil {
		return err
	}
	var sendErr error
	err = raw.Control(func(fd uintptr) {
		_ = ch.SetWriteDeadline(time.Now().Add(5 * time.Second))
		_, _, sendErr = ch.WriteMsgUnix(request, syscall.UnixRights(int(fd)), nil)
	})
	return errors.Join(err, sendErr)
}

// Listener is a net.Listener of handed-over connections, for the
// function's http.Server. Each connection reads its request first, then
// whatever the client sends.
type Listener struct {
	ln   *net.UnixListener
	once sync.Once
	mu   sync.Mutex
	buf  []byte // one handover at a time: Accept is called in a loop
}

// Listen removes a stale socket at path and listens there. The socket is
// made owner-only: only the router (the same user) may hand over.
func Listen(path string) (*Listener, error) {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("handoff: %w", err)
	}
	ln, err := net.ListenUnix("unixpacket", &net.UnixAddr{Name: path, Net: "unixpacket"})
	if err != nil {
		return nil, fmt.Errorf("handoff: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("handoff: %w", err)
	}
	return &Listener{ln: ln}, nil
}

// Accept returns the next handed-over connection. A handover that fails
// (the router died mid-send, a packet without a descriptor) is skipped.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		ch, err := l.ln.AcceptUnix()
		if err != nil {
			return nil, err
		}
		l.mu.Lock()
		if l.buf == nil {
			l.buf = make([]byte, MaxRequest+1)
		}
		c, err := receive(ch, l.buf)
		l.mu.Unlock()
		_ = ch.Close()
		if err == nil {
			return c, nil
		}
	}
}

// Close stops accepting; connections already handed over stay open.
func (l *Listener) Close() error {
	var err error
	l.once.Do(func() { err = l.ln.Close() })
	return err
}

// Addr is the socket's address.
func (l *Listener) Addr() net.Addr { return l.ln.Addr() }

func receive(ch *net.UnixConn, buf []byte) (net.Conn, error) {
	_ = ch.SetReadDeadline(time.Now().Add(5 * time.Second))
	oob := make([]byte, syscall.CmsgSpace(4))
	n, oobn, flags, _, err := ch.ReadMsgUnix(buf, oob)
	if err != nil {
		return nil, err
	}
	fds, err := descriptors(oob[:oobn])
	if err != nil {
		return nil, err
	}
	if flags&(syscall.MSG_TRUNC|syscall.MSG_CTRUNC) != 0 || len(fds) != 1 || n > MaxRequest {
		for _, fd := range fds {
			_ = syscall.Close(fd)
		}
		return nil, errors.New("handoff: malformed handover")
	}
	f := os.NewFile(uintptr(fds[0]), "handoff")
	c, err := net.FileConn(f) // a descriptor of its own, in the poller
	_ = f.Close()
	if err != nil {
		return nil, err
	}
	return &Conn{Conn: c, head: strings.NewReader(string(buf[:n]))}, nil
}

func descriptors(oob []byte) ([]int, error) {
	msgs, err := syscall.ParseSocketControlMessage(oob)
	if err != nil {
		return nil, err
	}
	var fds []int
	for _, m := range msgs {
		rights, err := syscall.ParseUnixRights(&m)
		if err != nil {
			continue
		}
		fds = append(fds, rights...)
	}
	return fds, nil
}

// Conn is a handed-over connection: reads return the request the router
// read first, then the client's bytes.
type Conn struct {
	net.Conn
	// head is the request not yet read; dropped once read, as a
	// WebSocket lives on for hours after it.
	head *strings.Reader
}

func (c *Conn) Read(p []byte) (int, error) {
	if c.head != nil {
		n, _ := c.head.Read(p)
		if c.head.Len() == 0 {
			c.head = nil
		}
		if n > 0 || len(p) == 0 {
			return n, nil
		}
	}
	return c.Conn.Read(p)
}

// CloseWrite lets a server half-close like a *net.TCPConn.
func (c *Conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

var _ io.Reader = (*Conn)(nil)
