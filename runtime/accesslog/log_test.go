package accesslog

import (
	"bytes"
	"context"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/logging"
	"github.com/archstudio/studio/shared/requestid"
)

// TestLineIsSlogs: a line is byte for byte what the slog logger the
// router used before writes for the same request, scrubbing included,
// whatever the path holds.
func TestLineIsSlogs(t *testing.T) {
	attrs := []slog.Attr{slog.String("component", "router"), slog.String("version", "v1 \"x\"")}
	tests := []struct {
		name string
		line Line
	}{
		{"plain", Line{Method: "GET", Path: "/api/chats", Status: 200, Bytes: 512, Duration: 1234567 * time.Nanosecond, Function: "chats", RequestID: "3f9a0c1d2e4b5a6978c0d1e2"}},
		{"escapes", Line{Method: "POST", Path: "/a\"b\\c\n\r\t\x01\b\f<>&\u2028\u2029é\xff/ok", Status: 502, Duration: time.Second, Function: "stream", RequestID: "rid-7"}},
		{"secret in the path", Line{Method: "GET", Path: "/x/sk-ant-api03-AbCdEf_123", Status: 404, Function: "router", RequestID: "sk-ant-api03-abc"}},
		{"tiny and huge figures", Line{Method: "GET", Path: "/", Status: 200, Duration: time.Microsecond, Function: "spa", RequestID: "r"}},
		{"long duration", Line{Method: "GET", Path: "/api/chats/1/events", Status: 200, Bytes: 1 << 40, Duration: 3 * time.Hour, Function: "stream", RequestID: "r"}},
		{"no request id", Line{Method: "GET", Path: "/", Status: 200, Function: "spa"}},
	}
	stamp := regexp.MustCompile(`^\{"time":"[^"]+",`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs, err := logging.Open(logging.Config{Level: "info"}, &bytes.Buffer{}, "router", attrs...)
			if err != nil {
				t.Fatal(err)
			}
			var want, got bytes.Buffer
			ctx := context.Background()
			if tt.line.RequestID != "" {
				ctx = requestid.WithID(ctx, tt.line.RequestID)
			}
			x := tt.line
			logs.NewLogger(&want).LogAttrs(ctx, slog.LevelInfo, "request",
				slog.String("method", x.Method), slog.String("path", x.Path), slog.Int("status", x.Status),
				slog.Int64("bytes", x.Bytes), slog.Float64("duration_ms", float64(x.Duration.Microseconds())/1000),
				slog.String("function", x.Function))
			New(&got, Options{Attrs: attrs, Scrub: logs.Scrubber.Text}).Write(x)
			if !stamp.Match(got.Bytes()) {
				t.Fatalf("no time first: %s", got.String())
			}
			g, w := stamp.ReplaceAllString(got.String(), "{"), stamp.ReplaceAllString(want.String(), "{")
			if g != w {
				t.Fatalf("got  %s\nwant %s", g, w)
			}
			if strings.Contains(g, "AbCdEf") {
				t.Fatalf("secret logged: %s", g)
			}
		})
	}
}

// TestTimeIsSlogs: the time field has slog's JSON form.
func TestTimeIsSlogs(t *testing.T) {
	for _, ts := range []time.Time{
		time.Date(2026, 11, 29, 6, 24, 19, 0, time.UTC),
		time.Date(2026, 11, 29, 6, 24, 19, 120_999_999, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 999_999_999, time.FixedZone("x", 3600)),
	} {
		var buf bytes.Buffer
		_ = slog.NewJSONHandler(&buf, nil).Handle(context.Background(), slog.NewRecord(ts, slog.LevelInfo, "", 0))
		want := regexp.MustCompile(`"time":"([^"]+)"`).FindStringSubmatch(buf.String())[1]
		if got := string(appendTime(nil, ts)); got != want {
			t.Errorf("%v: got %s, want %s", ts, got, want)
		}
	}
}
