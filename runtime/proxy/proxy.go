// Package proxy forwards requests to one function without buffering: SSE
// is flushed event by event and WebSocket upgrades pass through (or are
// handed over). A function that is down gets an immediate 503, never a
// hang. Ordinary requests go through forward.go's synchronous forwarder;
// upgrades through httputil.ReverseProxy.
package proxy

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"sync"
	"syscall"
	"time"

	"github.com/archstudio/studio/runtime/forwarded"
	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/handoff"
	"github.com/archstudio/studio/shared/logging"
	"github.com/archstudio/studio/shared/requestid"
	"golang.org/x/net/http/httpguts"
)

// Target is where a function listens.
type Target interface {
	// Available reports whether requests should be attempted at all.
	Available() bool
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
}

// Options configure one function's proxy.
type Options struct {
	Name   string
	Target Target
	// Scheme and Host form the outbound URL; for a Unix-socket target Host
	// is only a label ("http://<name>").
	Scheme, Host string
	// ResponseHeaderTimeout bounds the wait for a response's headers; 0
	// waits as long as the client does (long-lived functions).
	ResponseHeaderTimeout time.Duration
	Trust                 forwarded.Trust
	// Handoff, when set, is where the function takes over the connections
	// of WebSockets (HandoffWebSocket) and event streams (HandoffEvents):
	// handoff.go.
	Handoff          *handoff.Sender
	HandoffWebSocket bool
	HandoffEvents    bool
}

// Proxy is an http.Handler for one function.
type Proxy struct {
	name      string
	target    Target
	pool      pool
	transport *http.Transport // upgrades, and the scheduler's and metrics' requests
	rp        *httputil.ReverseProxy
	// headerTimeout bounds the wait for a response head (0: none).
	headerTimeout time.Duration
	scheme        string
	host          string
	trust         forwarded.Trust
	handoff       *handoff.Sender
	ws            bool
	events        bool
}

// New builds the proxy for one function.
func New(o Options) *Proxy {
	if o.Scheme == "" {
		o.Scheme = "http"
	}
	if o.Host == "" {
		o.Host = o.Name
	}
	p := &Proxy{name: o.Name, target: o.Target, scheme: o.Scheme, host: o.Host, trust: o.Trust, handoff: o.Handoff,
		ws: o.HandoffWebSocket, events: o.HandoffEvents, headerTimeout: o.ResponseHeaderTimeout}
	p.pool = pool{dial: o.Target.DialContext, max: maxIdle, idleFor: idleFor}
	p.transport = &http.Transport{
		DialContext:           o.Target.DialContext,
		MaxIdleConns:          maxIdle,
		MaxIdleConnsPerHost:   maxIdle,
		IdleConnTimeout:       idleFor,
		ResponseHeaderTimeout: o.ResponseHeaderTimeout,
		ExpectContinueTimeout: time.Second,
		// The client's Accept-Encoding goes through untouched; the
		// transport must not add its own and decompress (that buffers).
		DisableCompression: true,
	}
	// Only upgrades (WebSockets not handed over) still take this path:
	// ReverseProxy copies an upgraded connection both ways.
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme = o.Scheme
			pr.Out.URL.Host = o.Host
			pr.Out.Host = pr.In.Host
			o.Trust.Set(pr.Out.Header, pr.In)
		},
		Transport:  p.transport,
		BufferPool: bufferPool{},
		ModifyResponse: func(resp *http.Response) error {
			// The router already set it (same value); a second copy would
			// make the header a list.
			resp.Header.Del(requestid.Header)
			return nil
		},
		ErrorHandler: p.fail,
	}
	return p
}

// ServeHTTP forwards r, or answers 503 at once while the function is down.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !p.target.Available() {
		Unavailable(w, r, p.name)
		return
	}
	if p.handoff != nil && p.handOff(w, r) {
		return
	}
	if httpguts.HeaderValuesContainsToken(r.Header["Connection"], "upgrade") {
		p.rp.ServeHTTP(w, r)
		return
	}
	p.forward(w, r)
}

// The idle connections kept per function, and for how long.
const (
	maxIdle = 512
	idleFor = 90 * time.Second
)

// Unavailable writes the 503 a client gets for a function that is down.
func Unavailable(w http.ResponseWriter, r *http.Request, name string) {
	e := apperr.New(apperr.Unavailable, "the %s service is unavailable; try again shortly", name)
	e.RetryAfter = time.Second
	apperr.Write(w, r, e)
}

// RoundTripper sends requests straight to the function, for the scheduler.
func (p *Proxy) RoundTripper() http.RoundTripper { return p.transport }

// URL is the absolute URL of path on this function, for RoundTripper.
func (p *Proxy) URL(path string) string { return p.scheme + "://" + p.host + path }

// CloseIdle drops pooled connections, called when the function's process
// exits so no request is sent down a connection to a dead process.
func (p *Proxy) CloseIdle() {
	p.pool.closeIdle()
	p.transport.CloseIdleConnections()
}

func (p *Proxy) fail(w http.ResponseWriter, r *http.Request, err error) {
	log := logging.FromContext(r.Context())
	if r.Context().Err() != nil {
		// The client went away; nobody reads this status but the log.
		w.WriteHeader(StatusClientClosed)
		return
	}
	if errors.As(err, new(clientBodyError)) {
		apperr.Write(w, r, apperr.New(apperr.Invalid, "the request body could not be read"))
		return
	}
	if gone(err) {
		log.WarnContext(r.Context(), "function unreachable", slog.String("function", p.name), slog.Any("error", err))
		Unavailable(w, r, p.name)
		return
	}
	apperr.Write(w, r, apperr.Wrap(err, apperr.Upstream, "the "+p.name+" service failed to answer"))
}

// gone reports errors that mean the function's process is not there (not
// yet, or no longer): nothing listens, or the connection was cut before
// any response, as when it dies between accepting and answering. Those
// are the 503 of a restarting function, not a bad answer.
func gone(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	for _, target := range []error{syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.EPIPE, syscall.ENOENT, io.EOF, io.ErrUnexpectedEOF} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// StatusClientClosed is logged when the client disconnected before the
// function answered (nginx's convention).
const StatusClientClosed = 499

// bufferPool lends ReverseProxy its copy buffers. A proxied stream holds
// one for its whole life, so they are small: 4 KB, the size of the
// buffered reader in front of the function's connection and of the
// server's buffered writer to the client, between which it copies (32 KB
// bought nothing but 28 KB more per open stream).
type bufferPool struct{}

var buffers = sync.Pool{New: func() any { b := make([]byte, 4*1024); return &b }}

// eventBuffers are the copy buffers of forwarded event streams (forward.go).
var eventBuffers = sync.Pool{New: func() any { b := make([]byte, 1024); return &b }}

func (bufferPool) Get() []byte  { return *(buffers.Get().(*[]byte)) }
func (bufferPool) Put(b []byte) { buffers.Put(&b) }
