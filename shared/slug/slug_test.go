package slug_test

import (
	"testing"

	"github.com/archstudio/studio/shared/slug"
)

func TestMake(t *testing.T) {
	dotsAndUnderscores := func(r rune, atStart bool) bool { return r == '_' || r == '.' && !atStart }
	tests := []struct {
		name string
		in   string
		max  int
		keep func(rune, bool) bool
		want string
	}{
		{"words", "Hello, World!", 60, nil, "hello-world"},
		{"runs of others are one dash", "a  --  b", 60, nil, "a-b"},
		{"no leading or trailing dash", "  ¡Hola!  ", 60, nil, "hola"},
		{"non-ASCII only", "日本語", 60, nil, ""},
		{"cut at maxLen", "abcdef ghij", 4, nil, "abcd"},
		{"keep admits", "My_File.v2.html", 80, dotsAndUnderscores, "my_file.v2.html"},
		{"no dot first", ".env file", 80, dotsAndUnderscores, "env-file"},
		{"trailing dot dropped", "end.", 80, dotsAndUnderscores, "end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := slug.Make(tt.in, tt.max, tt.keep); got != tt.want {
				t.Fatalf("Make(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
		})
	}
}
