package accesslog

import (
	"io"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/archstudio/studio/shared/jsonio"
)

// Log writes access-log lines: the JSON object slog's JSON handler would
// write for
//
//	logger.LogAttrs(ctx, slog.LevelInfo, "request", method, path, status, bytes, duration_ms, function)
//
// (time, level, msg, the logger's own attributes, the fields, request_id),
// but built by hand into a pooled buffer: through slog, with the
// scrubber's hook on every attribute, a line cost a quarter of the
// router's CPU under load (make bench's profile).
type Log struct {
	w      io.Writer
	static []byte // ,"component":"router",… : the logger's own attributes
	scrub  func(string) string
}

// Options configure a Log.
type Options struct {
	// Attrs are written in every line after msg (component, version).
	Attrs []slog.Attr
	// Scrub redacts secrets from the path and request ID (the logs'
	// logging.Scrubber.Text); nil writes them as they are.
	Scrub func(string) string
}

// New returns a Log writing one line per Write call to w (whole lines, as
// Buffer wants).
func New(w io.Writer, o Options) *Log {
	l := &Log{w: w, scrub: o.Scrub}
	for _, a := range o.Attrs {
		l.static = append(l.static, ',')
		l.static = jsonio.AppendSlogString(l.static, a.Key)
		l.static = append(l.static, ':')
		l.static = jsonio.AppendSlogString(l.static, a.Value.String())
	}
	return l
}

// Line is one request's figures.
type Line struct {
	Method, Path string
	Status       int
	Bytes        int64
	Duration     time.Duration
	Function     string
	RequestID    string
}

var lines = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// Write writes one line, timed now.
func (l *Log) Write(x Line) {
	bp := lines.Get().(*[]byte)
	b := (*bp)[:0]
	b = append(b, `{"time":"`...)
	b = appendTime(b, time.Now())
	b = append(b, `","level":"INFO","msg":"request"`...)
	b = append(b, l.static...)
	b = append(b, `,"method":`...)
	b = jsonio.AppendSlogString(b, x.Method)
	b = append(b, `,"path":`...)
	b = jsonio.AppendSlogString(b, l.clean(x.Path))
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(x.Status), 10)
	b = append(b, `,"bytes":`...)
	b = strconv.AppendInt(b, x.Bytes, 10)
	b = append(b, `,"duration_ms":`...)
	b = appendFloat(b, float64(x.Duration.Microseconds())/1000)
	b = append(b, `,"function":`...)
	b = jsonio.AppendSlogString(b, x.Function)
	if x.RequestID != "" {
		b = append(b, `,"request_id":`...)
		b = jsonio.AppendSlogString(b, l.clean(x.RequestID))
	}
	b = append(b, "}\n"...)
	_, _ = l.w.Write(b)
	*bp = b
	lines.Put(bp)
}

func (l *Log) clean(s string) string {
	if l.scrub == nil {
		return s
	}
	return l.scrub(s)
}

// appendFloat writes f as encoding/json does (slog's JSON handler marshals
// floats with it): plain digits unless very small or large.
func appendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 → e-9, as encoding/json writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// appendTime writes t as slog's JSON handler does (RFC 3339, to the
// nanosecond, trailing zeros dropped).
func appendTime(b []byte, t time.Time) []byte { return t.AppendFormat(b, time.RFC3339Nano) }
