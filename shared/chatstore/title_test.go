package chatstore

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTitleFrom(t *testing.T) {
	long := strings.Repeat("ab ", 30) // 90 characters
	tests := []struct{ name, content, want string }{
		{"one line", "How do I shard?", "How do I shard?"},
		{"first line only", "Design a queue\nwith retries and a DLQ", "Design a queue"},
		{"blank lines skipped", "\n \t\n  Sketch   the\tpipeline  \nmore", "Sketch the pipeline"},
		{"CRLF", "Title\r\nbody", "Title"},
		{"cut to 60 with an ellipsis", long, strings.TrimSpace(long)[:59] + "…"},
		{"exactly 60 kept", strings.Repeat("x", 60), strings.Repeat("x", 60)},
		{"runes, not bytes", strings.Repeat("é", 70), strings.Repeat("é", 59) + "…"},
		{"nothing but space", " \n\t\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TitleFrom(tt.content)
			if got != tt.want || utf8.RuneCountInString(got) > TitleLen {
				t.Fatalf("TitleFrom(%q) = %q, want %q", tt.content, got, tt.want)
			}
		})
	}
}
