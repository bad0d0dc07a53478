package proxy

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"syscall"

	"github.com/archstudio/studio/shared/handoff"
	"github.com/archstudio/studio/shared/logging"
	"golang.org/x/net/http/httpguts"
)

// handOff gives a long-lived request's connection to the function (see
// shared/handoff): a WebSocket upgrade (HandoffWebSocket), a GET that asks
// for an event stream (HandoffEvents). Proxying one held two goroutines, a 32 KB buffer and a second
// socket in the router for the stream's whole life; handed over, it costs
// the router nothing once sent. It reports false when the request stays
// with the router to be proxied: not such a request, or the function not
// taking handovers (not listening, restarting).
//
// Event streams are not handed over by default: once handed over, a
// stream cut by the function's death is a bare cut, with no error event
// from the router, which is still there for a proxied one.
//
// The function then answers the client directly: the router's security
// headers are not added (the function's bootstrap sets its own), and the
// router's access log records the request with status 101, the moment it
// was handed over.
func (p *Proxy) handOff(w http.ResponseWriter, r *http.Request) bool {
	// A TLS connection's descriptor would carry the router's session
	// state: only plain connections (TLS ends in front) are handed over.
	if r.TLS != nil || r.Method != http.MethodGet || r.ContentLength > 0 || len(r.TransferEncoding) > 0 || r.ProtoMajor != 1 {
		return false
	}
	upgrade := httpguts.HeaderValuesContainsToken(r.Header["Connection"], "upgrade") &&
		strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
	switch {
	case upgrade && p.ws:
	case !upgrade && p.events && strings.Contains(r.Header.Get("Accept"), "text/event-stream"):
	default:
		return false
	}
	head := p.head(r, upgrade)
	if len(head) > handoff.MaxRequest/2 {
		return false
	}
	ch, err := p.handoff.Dial()
	if err != nil {
		return false
	}
	defer ch.Close()
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return false
	}
	defer conn.Close() // the router's copy: the function has its own
	if n := brw.Reader.Buffered(); n > 0 {
		// Whatever the client sent after the request head.
		more, _ := brw.Reader.Peek(n)
		head = append(head, more...)
	}
	sc, ok := conn.(syscall.Conn)
	if ok {
		err = handoff.Send(ch, sc, head)
	}
	if !ok || err != nil {
		logging.FromContext(r.Context()).WarnContext(r.Context(), "handover failed",
			slog.String("function", p.name), slog.Any("error", err))
		body := `{"error":{"code":"unavailable","message":"the ` + p.name + ` service is unavailable; try again shortly"}}`
		_, _ = fmt.Fprintf(conn, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"+
			"Retry-After: 1\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	}
	return true
}

// head is the request as the function must read it: the client's, with
// the router's X-Forwarded-* and request ID, and Connection: close so that
// the connection ends with this response (the function must not read a
// next request from it: that one is the router's to route). An upgrade
// keeps its Upgrade token.
func (p *Proxy) head(r *http.Request, upgrade bool) []byte {
	h := r.Header.Clone()
	p.trust.Set(h, r)
	for _, k := range []string{"Connection", "Keep-Alive", "Proxy-Connection", "Te", "Trailer", "Transfer-Encoding"} {
		delete(h, k)
	}
	if upgrade {
		h.Set("Connection", "Upgrade, close")
	} else {
		h.Set("Connection", "close")
	}
	var b bytes.Buffer
	b.Grow(512)
	b.WriteString(r.Method + " " + r.RequestURI + " HTTP/1.1\r\nHost: " + r.Host + "\r\n")
	_ = h.Write(&b)
	b.WriteString("\r\n")
	return b.Bytes()
}
