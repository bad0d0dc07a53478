package jsonio_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/jsonio"
)

// TestAppendMatchesEncodingJSON checks the appenders write what
// encoding/json writes, byte for byte.
func TestAppendMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{
		"", "plain title", `quote " and backslash \`, "<script>&amp;</script>",
		"line\nbreak\r\ttab\b\f\x00\x1f\x7f", "café ☕ 𝄞", "sep\u2028and\u2029",
		"bad \xff utf-8 \xe2\x82", "\xed\xa0\x80 surrogate",
	} {
		want, _ := json.Marshal(s)
		if got := jsonio.AppendString(nil, s); string(got) != string(want) {
			t.Errorf("AppendString(%q) = %s, want %s", s, got, want)
		}
	}
	for _, tm := range []time.Time{
		time.Date(2026, 11, 29, 6, 15, 0, 0, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 1, time.FixedZone("", 5*3600+1800)),
	} {
		want, _ := json.Marshal(tm)
		if got := jsonio.AppendTime(nil, tm); string(got) != string(want) {
			t.Errorf("AppendTime(%v) = %s, want %s", tm, got, want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("<a href=\"x\">\u2028</a>\xff")
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := jsonio.AppendString(nil, s); string(got) != string(want) {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
		}
	})
}
