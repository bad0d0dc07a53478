package artifact

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// parseChunks feeds chunks one by one, flushes, and merges adjacent prose
// and adjacent content so results compare independently of chunking.
func parseChunks(chunks ...string) []Event {
	var p Parser
	var raw []Event
	for _, c := range chunks {
		raw = append(raw, p.Feed(c)...)
	}
	raw = append(raw, p.Flush()...)
	return merge(raw)
}

func merge(events []Event) []Event {
	var out []Event
	for _, e := range events {
		if e.Kind == Text || e.Kind == Delta {
			if e.Text == "" {
				continue
			}
			if n := len(out); n > 0 && out[n-1].Kind == e.Kind {
				out[n-1].Text += e.Text
				continue
			}
		}
		out = append(out, e)
	}
	return out
}

// reconstruct concatenates every byte the events account for.
func reconstruct(events []Event) string {
	var b strings.Builder
	for _, e := range events {
		b.WriteString(e.Text)
		b.WriteString(e.Raw)
	}
	return b.String()
}

// checkWellFormed fails when Start and End do not alternate properly.
func checkWellFormed(t *testing.T, events []Event) {
	t.Helper()
	open := false
	var cur Attrs
	for i, e := range events {
		switch e.Kind {
		case Start:
			if open {
				t.Fatalf("event %d: Start inside an artifact: %+v", i, events)
			}
			open, cur = true, e.Attrs
		case End:
			if !open || e.Attrs != cur {
				t.Fatalf("event %d: End %+v without matching Start: %+v", i, e.Attrs, events)
			}
			open = false
		case Delta:
			if !open {
				t.Fatalf("event %d: Delta outside an artifact", i)
			}
		case Text:
			if open {
				t.Fatalf("event %d: Text inside an artifact", i)
			}
		}
	}
	if open {
		t.Fatalf("artifact left open after Flush: %+v", events)
	}
}

const sample = "Here is the design:\n" +
	`<antArtifact identifier="arch-diagram" type="application/vnd.ant.mermaid" title="Service &amp; store" language="">` +
	"graph TD\n  A-->B\n  B-->C</antArtifact>\n" +
	"and the code <b>with</b> a < sign: " +
	`<antArtifact identifier='main' type="application/vnd.ant.code" language="go" title="main.go">` +
	"package main\n// not a tag: </antArtifac\nfunc main() {}\n</antArtifact>" +
	" Done."

func sampleWant() []Event {
	diagram := Attrs{Identifier: "arch-diagram", Type: "application/vnd.ant.mermaid", Title: "Service & store"}
	code := Attrs{Identifier: "main", Type: "application/vnd.ant.code", Title: "main.go", Language: "go"}
	return []Event{
		{Kind: Text, Text: "Here is the design:\n"},
		{Kind: Start, Attrs: diagram, Raw: `<antArtifact identifier="arch-diagram" type="application/vnd.ant.mermaid" title="Service &amp; store" language="">`},
		{Kind: Delta, Text: "graph TD\n  A-->B\n  B-->C"},
		{Kind: End, Attrs: diagram, Raw: closeTag},
		{Kind: Text, Text: "\nand the code <b>with</b> a < sign: "},
		{Kind: Start, Attrs: code, Raw: `<antArtifact identifier='main' type="application/vnd.ant.code" language="go" title="main.go">`},
		{Kind: Delta, Text: "package main\n// not a tag: </antArtifac\nfunc main() {}\n"},
		{Kind: End, Attrs: code, Raw: closeTag},
		{Kind: Text, Text: " Done."},
	}
}

// TestEverySplitPoint cuts the sample at every byte position, in two and
// in three pieces, and expects the same events each time.
func TestEverySplitPoint(t *testing.T) {
	want := sampleWant()
	if got := parseChunks(sample); !reflect.DeepEqual(got, want) {
		t.Fatalf("whole sample:\n got %+v\nwant %+v", got, want)
	}
	for i := 0; i <= len(sample); i++ {
		if got := parseChunks(sample[:i], sample[i:]); !reflect.DeepEqual(got, want) {
			t.Fatalf("split at %d (%q|%q):\n got %+v\nwant %+v", i, sample[:i], sample[i:], got, want)
		}
	}
	for i := 0; i <= len(sample); i += 3 {
		for j := i; j <= len(sample); j += 5 {
			if got := parseChunks(sample[:i], sample[i:j], sample[j:]); !reflect.DeepEqual(got, want) {
				t.Fatalf("split at %d,%d:\n got %+v\nwant %+v", i, j, got, want)
			}
		}
	}
}

// TestByteAtATime feeds one byte per chunk and checks no more than a tag's
// worth of text is ever held back.
func TestByteAtATime(t *testing.T) {
	longestTag := 0
	for _, e := range sampleWant() {
		longestTag = max(longestTag, len(e.Raw))
	}
	var p Parser
	var events []Event
	emitted := 0
	for i := 0; i < len(sample); i++ {
		for _, e := range p.Feed(sample[i : i+1]) {
			emitted += len(e.Text) + len(e.Raw)
			events = append(events, e)
		}
		if held := i + 1 - emitted; held > longestTag {
			t.Fatalf("after byte %d, %d bytes held back", i, held)
		}
	}
	events = append(events, p.Flush()...)
	if got := merge(events); !reflect.DeepEqual(got, sampleWant()) {
		t.Fatalf("got %+v", got)
	}
}

func TestCases(t *testing.T) {
	a := Attrs{Identifier: "x", Type: "text/markdown"}
	tests := []struct {
		name string
		in   string
		want []Event
	}{
		{"prose only", "hello <world> & more", []Event{{Kind: Text, Text: "hello <world> & more"}}},
		{"empty", "", nil},
		{"lone angle at end", "a <", []Event{{Kind: Text, Text: "a <"}}},
		{"prefix at end becomes prose", "a <antArt", []Event{{Kind: Text, Text: "a <antArt"}}},
		{"full prefix at end becomes prose", "a <antArtifact", []Event{{Kind: Text, Text: "a <antArtifact"}}},
		{"half tag at end becomes prose", `a <antArtifact identifier="x" ty`, []Event{{Kind: Text, Text: `a <antArtifact identifier="x" ty`}}},
		{"other tag name", `<antArtifacts identifier="x" type="t">y`, []Event{{Kind: Text, Text: `<antArtifacts identifier="x" type="t">y`}}},
		{"missing identifier", `<antArtifact type="t">y</antArtifact>`, []Event{{Kind: Text, Text: `<antArtifact type="t">y</antArtifact>`}}},
		{"missing type", `<antArtifact identifier="x">y</antArtifact>`, []Event{{Kind: Text, Text: `<antArtifact identifier="x">y</antArtifact>`}}},
		{"empty identifier", `<antArtifact identifier="" type="t">y`, []Event{{Kind: Text, Text: `<antArtifact identifier="" type="t">y`}}},
		{"unquoted value", `<antArtifact identifier=x type="t">y`, []Event{{Kind: Text, Text: `<antArtifact identifier=x type="t">y`}}},
		{"attributes run together", `<antArtifact identifier="x"type="t">y`, []Event{{Kind: Text, Text: `<antArtifact identifier="x"type="t">y`}}},
		{"self closing", `<antArtifact identifier="x" type="t"/>y`, []Event{{Kind: Text, Text: `<antArtifact identifier="x" type="t"/>y`}}},
		{"space before equals", `<antArtifact identifier ="x" type="t">y`, []Event{{Kind: Text, Text: `<antArtifact identifier ="x" type="t">y`}}},
		{"bad tag then good tag", `<antArtifact oops <antArtifact identifier="x" type="text/markdown">c</antArtifact>`, []Event{
			{Kind: Text, Text: "<antArtifact oops "},
			{Kind: Start, Attrs: a, Raw: `<antArtifact identifier="x" type="text/markdown">`},
			{Kind: Delta, Text: "c"},
			{Kind: End, Attrs: a, Raw: closeTag},
		}},
		{"gt inside quoted value", `<antArtifact identifier="x" type="text/markdown" title="a > b">c</antArtifact>`, []Event{
			{Kind: Start, Attrs: Attrs{Identifier: "x", Type: "text/markdown", Title: "a > b"}, Raw: `<antArtifact identifier="x" type="text/markdown" title="a > b">`},
			{Kind: Delta, Text: "c"},
			{Kind: End, Attrs: Attrs{Identifier: "x", Type: "text/markdown", Title: "a > b"}, Raw: closeTag},
		}},
		{"newlines between attributes, unknown and duplicate attributes", "<antArtifact\n identifier=\"x\"\n type=\"text/markdown\" data-k='v' identifier=\"y\">c</antArtifact>", []Event{
			{Kind: Start, Attrs: a, Raw: "<antArtifact\n identifier=\"x\"\n type=\"text/markdown\" data-k='v' identifier=\"y\">"},
			{Kind: Delta, Text: "c"},
			{Kind: End, Attrs: a, Raw: closeTag},
		}},
		{"empty artifact", `<antArtifact identifier="x" type="text/markdown"></antArtifact>`, []Event{
			{Kind: Start, Attrs: a, Raw: `<antArtifact identifier="x" type="text/markdown">`},
			{Kind: End, Attrs: a, Raw: closeTag},
		}},
		{"nested opening tag is content", `<antArtifact identifier="x" type="text/markdown"><antArtifact identifier="y" type="t">in</antArtifact>out`, []Event{
			{Kind: Start, Attrs: a, Raw: `<antArtifact identifier="x" type="text/markdown">`},
			{Kind: Delta, Text: `<antArtifact identifier="y" type="t">in`},
			{Kind: End, Attrs: a, Raw: closeTag},
			{Kind: Text, Text: "out"},
		}},
		{"unterminated artifact is ended at flush", `p <antArtifact identifier="x" type="text/markdown">partial </antArt`, []Event{
			{Kind: Text, Text: "p "},
			{Kind: Start, Attrs: a, Raw: `<antArtifact identifier="x" type="text/markdown">`},
			{Kind: Delta, Text: "partial </antArt"},
			{Kind: End, Attrs: a, Unterminated: true},
		}},
		{"stray closing tag is prose", "a </antArtifact> b", []Event{{Kind: Text, Text: "a </antArtifact> b"}}},
		{"identifier too long", `<antArtifact identifier="` + strings.Repeat("i", MaxIdentifierBytes+1) + `" type="t">`, []Event{
			{Kind: Text, Text: `<antArtifact identifier="` + strings.Repeat("i", MaxIdentifierBytes+1) + `" type="t">`},
		}},
		{"tag too long", `<antArtifact identifier="x" type="t" title="` + strings.Repeat("t", MaxTagBytes) + `">c`, []Event{
			{Kind: Text, Text: `<antArtifact identifier="x" type="t" title="` + strings.Repeat("t", MaxTagBytes) + `">c`},
		}},
		{"padding past the limit", "<antArtifact identifier=\"x\" type=\"t\"" + strings.Repeat(" ", MaxTagBytes) + ">c", []Event{
			{Kind: Text, Text: "<antArtifact identifier=\"x\" type=\"t\"" + strings.Repeat(" ", MaxTagBytes) + ">c"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseChunks(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("\n got %+v\nwant %+v", got, tt.want)
			}
			if r := reconstruct(got); r != tt.in {
				t.Fatalf("reconstructed %q", r)
			}
			for i := 0; i <= len(tt.in); i++ {
				if got := parseChunks(tt.in[:i], tt.in[i:]); !reflect.DeepEqual(got, tt.want) {
					t.Fatalf("split at %d:\n got %+v\nwant %+v", i, got, tt.want)
				}
			}
		})
	}
}

// TestUTF8Preserved checks multi-byte characters around tags come through
// intact when chunks end mid-rune, as the byte-level parser never splits
// text anywhere but at '<'.
func TestUTF8Preserved(t *testing.T) {
	in := `héllo → <antArtifact identifier="ü" type="text/markdown" title="日本">世界</antArtifact> ✓`
	for i := 0; i <= len(in); i++ {
		got := parseChunks(in[:i], in[i:])
		for _, e := range got {
			if !utf8.ValidString(e.Text) {
				t.Fatalf("split at %d produced invalid UTF-8 %q", i, e.Text)
			}
		}
		if got[1].Attrs.Title != "日本" || got[2].Text != "世界" {
			t.Fatalf("split at %d: %+v", i, got)
		}
	}
}

// FuzzParser feeds any input in any chunking: the parser must not panic,
// must account for every byte (prose + tags + content == input), must keep
// Start/End balanced, and must give the same events as parsing in one go.
func FuzzParser(f *testing.F) {
	f.Add(sample, uint16(7), uint16(13))
	f.Add(`<antArtifact identifier="a" type="b">x</antArtifact>`, uint16(1), uint16(2))
	f.Add(`<antArtifact identifier="a" type="b">x</antArtifa`, uint16(3), uint16(40))
	f.Add(`<<antArtifact  identifier='a' type='b' >></antArtifact></antArtifact>`, uint16(0), uint16(5))
	f.Add("<antArtifact\tidentifier=\"&lt;\" type=\"&\">", uint16(12), uint16(13))
	f.Fuzz(func(t *testing.T, in string, a, b uint16) {
		i := int(a) % (len(in) + 1)
		j := int(b) % (len(in) + 1)
		if i > j {
			i, j = j, i
		}
		whole := parseChunks(in)
		checkWellFormed(t, whole)
		if r := reconstruct(whole); r != in {
			t.Fatalf("round trip lost text:\n in %q\nout %q", in, r)
		}
		if got := parseChunks(in[:i], in[i:j], in[j:]); !reflect.DeepEqual(got, whole) {
			t.Fatalf("chunks %d,%d differ:\n got %+v\nwant %+v", i, j, got, whole)
		}
		// One byte at a time: the hardest chunking.
		bytes := make([]string, len(in))
		for k := 0; k < len(in); k++ {
			bytes[k] = in[k : k+1]
		}
		if got := parseChunks(bytes...); !reflect.DeepEqual(got, whole) {
			t.Fatalf("byte chunks differ:\n got %+v\nwant %+v", got, whole)
		}
	})
}

func BenchmarkParser(b *testing.B) {
	chunks := make([]string, 0, len(sample)/4+1)
	for i := 0; i < len(sample); i += 4 {
		chunks = append(chunks, sample[i:min(i+4, len(sample))])
	}
	b.SetBytes(int64(len(sample)))
	b.ReportAllocs()
	for b.Loop() {
		var p Parser
		for _, c := range chunks {
			p.Feed(c)
		}
		p.Flush()
	}
}
