package router

import (
	"bufio"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/archstudio/studio/runtime/accesslog"
	"github.com/archstudio/studio/shared/logging"
	"github.com/archstudio/studio/shared/requestid"
	"github.com/archstudio/studio/shared/secheaders"
)

// front is everything the router does around each request, in one
// handler with one response writer: the request ID (kept when valid, made
// otherwise, echoed), the logger and the access-log entry in the context,
// the security headers, and the access-log line and metrics once the
// response is done. As a chain of middleware (requestid, logging,
// accesslog, secheaders) each request cost three copies of the request
// and a response writer per layer.
type front struct {
	next    http.Handler
	logger  *slog.Logger
	access  *accesslog.Log
	rec     accesslog.Recorder
	headers *secheaders.Headers
}

var requestIDKey = http.CanonicalHeaderKey(requestid.Header)

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := r.Header.Get(requestid.Header)
	if !requestid.Valid(id) {
		id = requestid.New()
		r.Header[requestIDKey] = []string{id}
	}
	// The request's own header slice: no new one per response.
	w.Header()[requestIDKey] = r.Header[requestIDKey][:1:1]
	rw := &response{ResponseWriter: w, headers: f.headers, hsts: f.headers.HSTS(r), entry: accesslog.Entry{Function: "router"}}
	ctx := accesslog.WithEntry(logging.WithLogger(requestid.WithID(r.Context(), id), f.logger), &rw.entry)
	r = r.WithContext(ctx)
	defer f.finish(rw, r, id, start)
	f.next.ServeHTTP(rw, r)
}

// finish logs and counts the request, also when the handler panicked
// (http.ErrAbortHandler, a response cut short).
func (f *front) finish(rw *response, r *http.Request, id string, start time.Time) {
	d := time.Since(start)
	status := rw.status
	if status == 0 {
		// Nothing written: the server sends a 200 with the headers as
		// they are, the security headers among them.
		rw.final()
		status = http.StatusOK
	}
	if f.rec != nil {
		f.rec.Observe(rw.entry.Function, status, d)
	}
	if f.access != nil {
		f.access.Write(accesslog.Line{Method: r.Method, Path: r.URL.Path, Status: status, Bytes: rw.bytes,
			Duration: d, Function: rw.entry.Function, RequestID: id})
	}
}

// response counts what is sent (status, bytes) and adds the security
// headers just before the status line goes out, after the handler (or the
// proxied function) has set its own.
type response struct {
	http.ResponseWriter
	headers *secheaders.Headers
	hsts    bool
	applied bool
	status  int
	bytes   int64
	entry   accesslog.Entry
}

func (w *response) final() {
	if !w.applied {
		w.applied = true
		w.headers.Apply(w.ResponseWriter.Header(), w.hsts)
	}
}

func (w *response) WriteHeader(code int) {
	// 1xx other than 101 are interim; the final status comes later.
	if code >= 200 || code == http.StatusSwitchingProtocols {
		w.final()
		if w.status == 0 {
			w.status = code
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *response) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.final()
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Flush counts as sending a 200 if nothing was sent before.
func (w *response) Flush() { _ = w.FlushError() }

// FlushError is what http.ResponseController calls.
func (w *response) FlushError() error {
	if w.status == 0 {
		w.final()
		w.status = http.StatusOK
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Hijack records a protocol switch (WebSocket): the proxy writes the 101
// on the hijacked connection itself, past WriteHeader, and a handed-over
// connection's answer comes from the function.
func (w *response) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil && w.status == 0 {
		w.status = http.StatusSwitchingProtocols
	}
	return c, rw, err
}

// Unwrap lets http.ResponseController reach the rest.
func (w *response) Unwrap() http.ResponseWriter { return w.ResponseWriter }
