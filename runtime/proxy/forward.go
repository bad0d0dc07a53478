package proxy

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httputil"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/archstudio/studio/shared/requestid"
)

// forward sends r to the function and its answer back, all on the
// handler's own goroutine: the request head and body are written to a
// pooled connection through a borrowed bufio.Writer, the answer is read
// with net/http's own http.ReadResponse (which frames bodies: length,
// chunked, to the connection's end, none for HEAD, 204 and 304, trailers)
// and copied to the client.
//
// This replaced httputil.ReverseProxy over an http.Transport, whose
// per-request cost was most of the router's: a clone of the request and
// its headers, and two goroutine hand-offs (the transport's writeLoop and
// readLoop) with their scheduler wake-ups.
func (p *Proxy) forward(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	for attempt := 0; ; attempt++ {
		c, err := p.pool.get(ctx)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		x := exchange{p: p, c: c, w: w, r: r}
		err = x.run(ctx)
		if err == nil {
			return
		}
		_ = c.Close()
		// A pooled connection the function closed meanwhile (it died and
		// the router has not heard yet): the request never reached a
		// process, so it goes once down a fresh connection.
		if attempt == 0 && c.reused && ctx.Err() == nil && x.mayRetry(err) {
			continue
		}
		p.fail(w, r, err)
		return
	}
}

// exchange is one request and its answer on one connection.
type exchange struct {
	p *Proxy
	c *upstream
	w http.ResponseWriter
	r *http.Request

	wrote bool // the request went out whole
	read  bool // a response head was read
}

// run returns an error only while the client can still be told (nothing
// sent to it yet); the connection is then the caller's to close. Past
// that point it ends the client's response itself and returns nil.
func (x *exchange) run(ctx context.Context) (err error) {
	c := x.c
	// The client's going away (its connection closed) cuts the exchange
	// short: blocked reads and writes on the function's connection fail
	// at once, and the function sees its request end.
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(aLongTimeAgo) })
	var br *bufio.Reader
	keep := false
	defer func() {
		// Also on the panic that aborts a response cut mid-body.
		fired := !stop()
		if br != nil {
			keep = keep && br.Buffered() == 0
			putReader(br)
		}
		switch {
		case err != nil: // the caller's
		case keep && !fired:
			x.p.pool.put(c)
		default:
			_ = c.Close()
		}
	}()

	werr := x.writeRequest()
	x.wrote = werr == nil
	if werr != nil && !isPipe(werr) {
		return werr
	}
	// A function may answer before it has read the whole body (and close
	// the connection: broken pipe): its answer is still read and passed on.
	br = getReader(c)
	resp, err := x.readResponse(br)
	if err != nil {
		if werr != nil {
			return werr
		}
		return err
	}
	x.read = true
	keep = x.respond(resp, br) && werr == nil
	return nil
}

// aLongTimeAgo is a deadline that has passed: it fails pending I/O.
var aLongTimeAgo = time.Unix(1, 0)

// mayRetry reports whether a failed exchange on a reused connection can
// be sent again: nothing was read back, the request carries no body (its
// bytes are gone), and either it never went out (the write failed) or it
// is idempotent (the connection was found closed on reading).
func (x *exchange) mayRetry(err error) bool {
	if x.read || x.r.ContentLength != 0 || len(x.r.TransferEncoding) > 0 {
		return false
	}
	if !x.wrote {
		return isPipe(err) || errors.Is(err, syscall.ECONNRESET)
	}
	if !errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET) {
		return false
	}
	switch x.r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return x.r.Header.Get("Idempotency-Key") != ""
}

func isPipe(err error) bool { return errors.Is(err, syscall.EPIPE) }

// writeRequest writes the request as the function must read it: the
// client's head less its hop-by-hop headers, with the router's
// X-Forwarded-*, then the body framed by length or chunked.
func (x *exchange) writeRequest() error {
	r := x.r
	bw := getWriter(x.c)
	defer putWriter(bw)
	b := bw.AvailableBuffer()
	b = append(b, r.Method...)
	b = append(b, ' ')
	b = append(b, r.URL.EscapedPath()...)
	if r.URL.RawQuery != "" || r.URL.ForceQuery {
		b = append(b, '?')
		b = append(b, r.URL.RawQuery...)
	}
	b = append(b, " HTTP/1.1\r\nHost: "...)
	if r.Host != "" {
		b = appendValue(b, r.Host)
	} else {
		b = append(b, x.p.host...)
	}
	b = append(b, "\r\n"...)
	listed := connectionTokens(r.Header)
	for k, vv := range r.Header {
		if !forwardRequestHeader(k, listed) {
			continue
		}
		for _, v := range vv {
			if k == "Te" && !strings.EqualFold(strings.TrimSpace(v), "trailers") {
				continue // only "TE: trailers" survives a hop
			}
			b = append(b, k...)
			b = append(b, ": "...)
			b = appendValue(b, v)
			b = append(b, "\r\n"...)
		}
	}
	b = x.p.trust.AppendHeaders(b, r)
	chunked := false
	switch {
	case r.ContentLength > 0:
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, r.ContentLength, 10)
		b = append(b, "\r\n"...)
	case r.ContentLength < 0 || len(r.TransferEncoding) > 0:
		chunked = true
		b = append(b, "Transfer-Encoding: chunked\r\n"...)
	case r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch:
		b = append(b, "Content-Length: 0\r\n"...)
	}
	b = append(b, "\r\n"...)
	if _, err := bw.Write(b); err != nil {
		return err
	}
	if r.Body != nil && r.Body != http.NoBody && (r.ContentLength > 0 || chunked) {
		if err := writeBody(bw, r, chunked); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// writeBody copies the client's body (and a chunked body's trailers).
func writeBody(bw *bufio.Writer, r *http.Request, chunked bool) error {
	var dst io.Writer = bw
	var cw io.WriteCloser
	if chunked {
		cw = httputil.NewChunkedWriter(bw)
		dst = cw
	}
	buf := buffers.Get().(*[]byte)
	defer buffers.Put(buf)
	for {
		n, err := r.Body.Read(*buf)
		if n > 0 {
			if _, werr := dst.Write((*buf)[:n]); werr != nil {
				return werr
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return clientBodyError{err}
		}
	}
	if !chunked {
		return nil
	}
	if err := cw.Close(); err != nil { // the last chunk: "0\r\n"
		return err
	}
	b := bw.AvailableBuffer()
	for k, vv := range r.Trailer {
		for _, v := range vv {
			b = append(b, http.CanonicalHeaderKey(k)...)
			b = append(b, ": "...)
			b = appendValue(b, v)
			b = append(b, "\r\n"...)
		}
	}
	b = append(b, "\r\n"...)
	_, err := bw.Write(b)
	return err
}

// clientBodyError is the client's body failing to arrive (it went away,
// or sent a malformed chunk): not the function's fault.
type clientBodyError struct{ err error }

func (e clientBodyError) Error() string { return "reading the request body: " + e.err.Error() }
func (e clientBodyError) Unwrap() error { return e.err }

// readResponse reads the final response head, passing interim ones (103
// Early Hints) on to the client; 100 Continue is dropped, as the router
// does not send Expect (the client's 100 comes from the router's server
// when the body is first read).
func (x *exchange) readResponse(br *bufio.Reader) (*http.Response, error) {
	timeout := x.p.headerTimeout
	if timeout > 0 {
		_ = x.c.SetReadDeadline(time.Now().Add(timeout))
	}
	for {
		resp, err := http.ReadResponse(br, x.r)
		if err != nil {
			return nil, err
		}
		code := resp.StatusCode
		if code >= 200 {
			if timeout > 0 {
				// Cleared before the body: a stream may take its time.
				// A client gone in between is seen by the deadline the
				// AfterFunc sets, or by run's check that follows.
				_ = x.c.SetReadDeadline(time.Time{})
			}
			return resp, nil
		}
		if code == http.StatusSwitchingProtocols {
			return nil, errUnaskedUpgrade
		}
		if code != http.StatusContinue {
			x.interim(resp)
		}
	}
}

var errUnaskedUpgrade = errors.New("the function switched protocols on a request that did not ask to")

// interim sends a 1xx response's head to the client, its headers only for
// that response.
func (x *exchange) interim(resp *http.Response) {
	h := x.w.Header()
	var added []string
	for k, vv := range resp.Header {
		if _, set := h[k]; !set {
			h[k] = vv
			added = append(added, k)
		}
	}
	x.w.WriteHeader(resp.StatusCode)
	for _, k := range added {
		delete(h, k)
	}
}

// respond sends resp on to the client and reports whether the connection
// to the function can serve another exchange (the body was read to its
// end).
func (x *exchange) respond(resp *http.Response, br *bufio.Reader) bool {
	h := x.w.Header()
	listed := connectionTokens(resp.Header)
	for k, vv := range resp.Header {
		if forwardResponseHeader(k, listed) {
			h[k] = vv
		}
	}
	if len(resp.Trailer) > 0 {
		keys := make([]string, 0, len(resp.Trailer))
		for k := range resp.Trailer {
			keys = append(keys, k)
		}
		h["Trailer"] = []string{strings.Join(keys, ", ")}
	}
	stream := isEventStream(resp.Header["Content-Type"])
	// A stream's events go out as they come; a body of unknown length at
	// the latest before the router would wait for more of it; a body of
	// known length in as few writes as the server likes.
	flush := stream || resp.ContentLength < 0
	var body io.Reader = resp.Body
	var events *eventStream
	if stream {
		events = &eventStream{body: resp.Body, ctx: x.r.Context().Done()}
		body = events
	}
	x.w.WriteHeader(resp.StatusCode)
	if resp.Body == http.NoBody {
		return !resp.Close
	}
	flusher, _ := x.w.(http.Flusher)
	if flush && flusher != nil {
		// The head at once: an event stream's client waits for it.
		flusher.Flush()
	}
	// An event stream holds its copy buffer for its whole life: a small
	// one (events are a few hundred bytes; a longer one takes more reads).
	pool := &buffers
	if stream {
		pool = &eventBuffers
	}
	buf := pool.Get().(*[]byte)
	defer pool.Put(buf)
	for {
		n, err := body.Read(*buf)
		if n > 0 {
			if _, werr := x.w.Write((*buf)[:n]); werr != nil {
				return false // the client went away
			}
			if flush && flusher != nil && (stream || mayWait(br)) {
				flusher.Flush()
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if x.r.Context().Err() != nil {
				return false // the client went away: nobody to tell
			}
			// The function's connection broke mid-body: the client must
			// not take what it got for the whole answer (an event stream
			// was ended cleanly with an error event above this).
			panic(http.ErrAbortHandler)
		}
	}
	for k, vv := range resp.Trailer {
		h[http.TrailerPrefix+k] = vv
	}
	return !resp.Close && (events == nil || !events.lost)
}

// mayWait reports whether the next read of a body of unknown length may
// wait on the function: fewer bytes are buffered than a chunk's end and
// the next chunk's smallest whole form ("\r\n" + "1\r\nx\r\n", or the
// last chunk "0\r\n\r\n"). When more wait, the next read returns at
// once, and flushing now would only cost a write: a response the function
// chunked only for its size goes out in one write, not one per read.
func mayWait(br *bufio.Reader) bool { return br.Buffered() < 8 }

// isEventStream reports whether a Content-Type is text/event-stream,
// without mime.ParseMediaType's allocations.
func isEventStream(ct []string) bool {
	if len(ct) == 0 {
		return false
	}
	v := strings.TrimSpace(ct[0])
	const mt = "text/event-stream"
	if len(v) < len(mt) || !strings.EqualFold(v[:len(mt)], mt) {
		return false
	}
	rest := strings.TrimLeft(v[len(mt):], " \t")
	return rest == "" || rest[0] == ';'
}

// connectionTokens lists the headers a Connection header names (hop-by-hop
// for this message only); nil, and no allocation, when there is none or it
// names only keep-alive or close.
func connectionTokens(h http.Header) []string {
	var out []string
	for _, v := range h["Connection"] {
		for tok := range strings.SplitSeq(v, ",") {
			tok = strings.TrimSpace(tok)
			if tok == "" || strings.EqualFold(tok, "close") || strings.EqualFold(tok, "keep-alive") {
				continue
			}
			out = append(out, http.CanonicalHeaderKey(tok))
		}
	}
	return out
}

// forwardRequestHeader reports whether the client's header k goes on to
// the function. Hop-by-hop headers end at the router (RFC 9110 7.6.1);
// X-Forwarded-* are the router's own (forwarded.Trust); the body's framing
// and Expect are the router's to write.
func forwardRequestHeader(k string, listed []string) bool {
	switch k {
	case "Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
		"Trailer", "Transfer-Encoding", "Upgrade", "Content-Length", "Expect", "Host",
		"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host":
		return false
	}
	for _, l := range listed {
		if k == l {
			return false
		}
	}
	return true
}

var requestIDKey = http.CanonicalHeaderKey(requestid.Header)

// forwardResponseHeader reports whether the function's header k goes on to
// the client: not hop-by-hop, and not X-Request-ID, which the router set
// already (same value; a second copy would make it a list).
func forwardResponseHeader(k string, listed []string) bool {
	switch k {
	case "Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
		"Te", "Trailer", "Transfer-Encoding", "Upgrade", requestIDKey:
		return false
	}
	for _, l := range listed {
		if k == l {
			return false
		}
	}
	return true
}

// appendValue appends a header value with line breaks made spaces, as
// http.Header.Write does: a value must not start a header of its own.
func appendValue(b []byte, v string) []byte {
	if !strings.ContainsAny(v, "\r\n") {
		return append(b, v...)
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		b = append(b, c)
	}
	return b
}
