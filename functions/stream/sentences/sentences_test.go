package sentences

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitter(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain", "Hello there. How are you? Fine!", []string{"Hello there.", "How are you?", "Fine!"}},
		{"abbreviations", "Use a cache, e.g. Redis. Dr. Smith agrees, i.e. it works.", []string{"Use a cache, e.g. Redis.", "Dr. Smith agrees, i.e. it works."}},
		{"decimals and versions", "Latency fell 3.5 times to 0.25 ms on Go 1.25. Good.", []string{"Latency fell 3.5 times to 0.25 ms on Go 1.25.", "Good."}},
		{"etc", "Queues, caches, etc. are fine. Use them etc. and more.", []string{"Queues, caches, etc. are fine.", "Use them etc. and more."}},
		{"initials", "As J. R. Smith wrote. Next.", []string{"As J. R. Smith wrote.", "Next."}},
		{"quotes and brackets", `He said "stop." Then (quietly.) left.`, []string{`He said "stop."`, "Then (quietly.)", "left."}},
		{"no final stop", "First. Then the rest", []string{"First.", "Then the rest"}},
		{"soft line break", "This sentence\nwraps lines. Done.", []string{"This sentence wraps lines.", "Done."}},
		{"paragraphs", "One para\n\nTwo para", []string{"One para", "Two para"}},
		{"list items", "Options:\n- Postgres for data\n- Redis, e.g. for queues\n1. First step\n2) Second step.", []string{"Options:", "Postgres for data", "Redis, e.g. for queues", "First step", "Second step."}},
		{"headings", "## The plan\nWe start small.", []string{"The plan", "We start small."}},
		{"emphasis and code", "Use **bold** and *italic*, `inline code` and __strong__ and ~~gone~~.", []string{"Use bold and italic, inline code and strong and gone."}},
		{"links and images", "See [the docs](https://x.io/a.b) and ![a chart](c.png).", []string{"See the docs and a chart."}},
		{"code block announced once", "Here:\n```go\nfunc main() { fmt.Println(\"x. y.\") }\n```\nThat is it.", []string{"Here:", CodeAnnouncement, "That is it."}},
		{"table announced", "Compare:\n| a | b |\n|---|---|\n| 1 | 2 |\nDone.", []string{"Compare:", TableAnnouncement, "Done."}},
		{"quote and rule", "> Quoted words. More\n\n---\nAfter.", []string{"Quoted words.", "More", "After."}},
		{"nothing to say", "---\n***\n- \n", nil},
		{"ellipsis and repeated marks", "Wait… What?! Okay.", []string{"Wait…", "What?!", "Okay."}},
		{"long run cut at comma", strings.Repeat("word ", 70) + "then, more words", []string{strings.Repeat("word ", 70) + "then,", "more words"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Whole, and one byte at a time: streaming must not change the cut.
			for _, chunk := range []int{len(tt.in) + 1, 1, 7} {
				var s Splitter
				var got []string
				for i := 0; i < len(tt.in); i += chunk {
					got = append(got, s.Write(tt.in[i:min(i+chunk, len(tt.in))])...)
				}
				got = append(got, s.Flush()...)
				for i := range got {
					got[i] = strings.TrimSpace(got[i])
				}
				want := tt.want
				for i := range want {
					want[i] = strings.TrimSpace(want[i])
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("chunks of %d:\n got %q\nwant %q", chunk, got, want)
				}
			}
		})
	}
}

// TestReleasesEarly checks a sentence comes out as soon as the next one
// begins, before the line or reply ends.
func TestReleasesEarly(t *testing.T) {
	var s Splitter
	if got := s.Write("The first sentence is here."); len(got) != 0 {
		t.Fatalf("released before a space followed: %q", got)
	}
	if got := s.Write(" The"); !reflect.DeepEqual(got, []string{"The first sentence is here."}) {
		t.Fatalf("got %q", got)
	}
	if got := s.Write(" price is 3."); len(got) != 0 {
		t.Fatalf("a decimal may follow: %q", got)
	}
	if got := s.Write("50 today.\n"); !reflect.DeepEqual(got, []string{"The price is 3.50 today."}) {
		t.Fatalf("got %q", got)
	}
}

func TestAnnouncement(t *testing.T) {
	for typ, want := range map[string]string{
		"application/vnd.ant.mermaid": "I've put a diagram in the panel.",
		"application/vnd.ant.code":    "I've put the code in the panel.",
		"text/x-unknown":              "I've put something in the panel.",
	} {
		if got := Announcement(typ); got != want {
			t.Errorf("Announcement(%q) = %q, want %q", typ, got, want)
		}
	}
}
