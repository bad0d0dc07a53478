package api

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
)

// wsBufferSize is each WebSocket's read and write buffer. net/http hands a
// hijacked connection over with 4 KB of each, held for the connection's
// life, most of an idle WebSocket's memory; a command or an event frame
// fits in far less, and a larger frame is read or written past the buffer
// directly.
const wsBufferSize = 512

// smallBuffers gives the WebSocket library the hijacked connection with
// wsBufferSize buffers instead of the server's.
type smallBuffers struct{ http.ResponseWriter }

func (w smallBuffers) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	if err := brw.Writer.Flush(); err != nil {
		_ = conn.Close()
		return nil, nil, err
	}
	br := bufio.NewReaderSize(conn, wsBufferSize)
	if n := brw.Reader.Buffered(); n > 0 {
		// Bytes the client sent right after the handshake go into the new
		// buffer itself: the library keeps what is buffered and reads the
		// connection after it, not the reader it was given.
		early, _ := brw.Reader.Peek(n)
		br = bufio.NewReaderSize(io.MultiReader(bytes.NewReader(bytes.Clone(early)), conn), max(n, wsBufferSize))
		if _, err := br.Peek(n); err != nil {
			_ = conn.Close()
			return nil, nil, err
		}
	}
	return conn, bufio.NewReadWriter(br, bufio.NewWriterSize(conn, wsBufferSize)), nil
}

// Unwrap lets http.ResponseController reach the server's writer.
func (w smallBuffers) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// hijacker is w's http.Hijacker, found through the middleware's wrappers
// (Unwrap), or nil where the connection cannot be taken over (Lambda).
func hijacker(w http.ResponseWriter) http.Hijacker {
	for {
		switch t := w.(type) {
		case http.Hijacker:
			return t
		case interface{ Unwrap() http.ResponseWriter }:
			w = t.Unwrap()
		default:
			return nil
		}
	}
}
