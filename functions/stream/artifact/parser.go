// Package artifact splits Claude's streamed reply into prose and artifacts.
// Claude is asked to wrap each artifact as
//
//	<antArtifact identifier="…" type="…" title="…" language="…">…</antArtifact>
//
// and the reply arrives in chunks that may cut a tag anywhere, so the
// Parser holds back only the few bytes that could still become a tag and
// passes everything else on at once.
//
// The rules, which the tests pin down:
//   - An opening tag is "<antArtifact" followed by whitespace or ">", then
//     name="value" (or 'value') attributes separated by whitespace, then
//     ">". It must carry a non-empty identifier (at most 200 bytes) and a
//     type, and be at most MaxTagBytes long. Anything else that starts like
//     a tag (a typo, a self-closing tag, a bad attribute, a tag that never
//     ends) is plain text, passed on unchanged.
//   - Inside an artifact, everything up to the first "</antArtifact>" is
//     its content, including text that looks like another opening tag.
//   - At the end of the stream, held-back bytes are flushed: a half-received
//     opening tag becomes prose, and an artifact that never closed is ended
//     with the content it received (End with Raw "" and Unterminated set).
//
// Every byte of input appears exactly once in the events, in order: as
// prose, as an opening tag's Raw, as artifact content or as a closing
// tag's Raw. Feeding the same input in any chunks yields the same events
// once adjacent prose and adjacent content are merged.
package artifact

import (
	"html"
	"strings"
)

// Kind says what an Event carries.
type Kind int

// The kinds of event a Parser emits.
const (
	// Text is prose outside any artifact.
	Text Kind = iota
	// Start opens an artifact; Attrs holds its attributes.
	Start
	// Delta is a piece of the open artifact's content.
	Delta
	// End closes the open artifact.
	End
)

func (k Kind) String() string {
	switch k {
	case Text:
		return "text"
	case Start:
		return "start"
	case Delta:
		return "delta"
	case End:
		return "end"
	}
	return "unknown"
}

// Attrs are an artifact's attributes, HTML entities decoded.
type Attrs struct {
	Identifier string
	Type       string
	Title      string
	Language   string
}

// Event is one piece of parsed output.
type Event struct {
	Kind Kind
	// Text is the prose (Text) or content (Delta).
	Text string
	// Attrs is set on Start and End.
	Attrs Attrs
	// Raw is the tag exactly as received: the opening tag on Start, the
	// closing tag on End ("" when the stream ended inside the artifact).
	Raw string
	// Unterminated marks an End produced by Flush for an artifact whose
	// closing tag never arrived.
	Unterminated bool
}

// MaxTagBytes bounds an opening tag, so a "<antArtifact" that never closes
// cannot make the parser hold back the rest of the reply.
const MaxTagBytes = 4096

// MaxIdentifierBytes is the longest identifier accepted (the database's
// limit).
const MaxIdentifierBytes = 200

const (
	openPrefix = "<antArtifact"
	closeTag   = "</antArtifact>"
)

// Parser is an incremental parser. The zero value is ready to use; it is
// not safe for concurrent use.
type Parser struct {
	pending string // received but not yet emitted
	inside  bool
	attrs   Attrs
}

// Feed parses chunk and returns the events it completes.
func (p *Parser) Feed(chunk string) []Event {
	p.pending += chunk
	var out []Event
	for {
		var progressed bool
		if p.inside {
			out, progressed = p.content(out)
		} else {
			out, progressed = p.prose(out)
		}
		if !progressed {
			return out
		}
	}
}

// Flush ends the stream: it emits whatever is held back and closes an
// unterminated artifact.
func (p *Parser) Flush() []Event {
	var out []Event
	if p.pending != "" {
		kind := Text
		if p.inside {
			kind = Delta
		}
		out = append(out, Event{Kind: kind, Text: p.pending})
		p.pending = ""
	}
	if p.inside {
		out = append(out, Event{Kind: End, Attrs: p.attrs, Unterminated: true})
		p.inside = false
		p.attrs = Attrs{}
	}
	return out
}

// Inside reports whether an artifact is open.
func (p *Parser) Inside() bool { return p.inside }

// prose consumes pending text outside an artifact. It reports whether it
// made progress that may let the other state continue.
func (p *Parser) prose(out []Event) ([]Event, bool) {
	var text strings.Builder
	emitText := func() {
		if text.Len() > 0 {
			out = append(out, Event{Kind: Text, Text: text.String()})
			text.Reset()
		}
	}
	for {
		i := strings.IndexByte(p.pending, '<')
		if i < 0 {
			text.WriteString(p.pending)
			p.pending = ""
			emitText()
			return out, false
		}
		text.WriteString(p.pending[:i])
		p.pending = p.pending[i:]
		attrs, n, st := parseOpenTag(p.pending)
		switch st {
		case needMore:
			emitText()
			return out, false
		case invalid:
			text.WriteByte('<')
			p.pending = p.pending[1:]
		case complete:
			emitText()
			out = append(out, Event{Kind: Start, Attrs: attrs, Raw: p.pending[:n]})
			p.pending = p.pending[n:]
			p.inside = true
			p.attrs = attrs
			return out, true
		}
	}
}

// content consumes pending text inside an artifact.
func (p *Parser) content(out []Event) ([]Event, bool) {
	if i := strings.Index(p.pending, closeTag); i >= 0 {
		if i > 0 {
			out = append(out, Event{Kind: Delta, Text: p.pending[:i]})
		}
		out = append(out, Event{Kind: End, Attrs: p.attrs, Raw: closeTag})
		p.pending = p.pending[i+len(closeTag):]
		p.inside = false
		p.attrs = Attrs{}
		return out, true
	}
	keep := partialSuffix(p.pending, closeTag)
	if n := len(p.pending) - keep; n > 0 {
		out = append(out, Event{Kind: Delta, Text: p.pending[:n]})
		p.pending = p.pending[n:]
	}
	return out, false
}

// partialSuffix returns the length of the longest suffix of s that is a
// proper prefix of tag: the bytes that may yet become tag.
func partialSuffix(s, tag string) int {
	n := min(len(s), len(tag)-1)
	for ; n > 0; n-- {
		if strings.HasPrefix(tag, s[len(s)-n:]) {
			return n
		}
	}
	return 0
}

type tagState int

const (
	needMore tagState = iota
	invalid
	complete
)

// parseOpenTag examines s, which starts with '<', for an opening tag. It
// returns the tag's attributes and length when complete.
func parseOpenTag(s string) (Attrs, int, tagState) {
	if len(s) <= len(openPrefix) {
		if strings.HasPrefix(openPrefix, s) {
			return Attrs{}, 0, needMore
		}
		return Attrs{}, 0, invalid
	}
	if !strings.HasPrefix(s, openPrefix) {
		return Attrs{}, 0, invalid
	}
	i := len(openPrefix)
	if c := s[i]; c != '>' && !isSpace(c) {
		return Attrs{}, 0, invalid
	}
	var (
		attrs Attrs
		seen  uint8 // bit per known attribute, so the first of duplicates wins
	)
	for {
		if i >= MaxTagBytes {
			return Attrs{}, 0, invalid
		}
		// Whitespace before each attribute or the '>'; between attributes
		// it is required.
		start := i
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			return needMoreWithin(i)
		}
		if s[i] == '>' {
			if i+1 > MaxTagBytes || attrs.Identifier == "" || attrs.Type == "" || len(attrs.Identifier) > MaxIdentifierBytes {
				return Attrs{}, 0, invalid
			}
			return attrs, i + 1, complete
		}
		if i == start && i != len(openPrefix) {
			return Attrs{}, 0, invalid // attributes run together
		}
		nameStart := i
		for i < len(s) && isNameByte(s[i]) {
			i++
		}
		if i >= len(s) {
			return needMoreWithin(i)
		}
		if i == nameStart || s[i] != '=' {
			return Attrs{}, 0, invalid
		}
		name := s[nameStart:i]
		i++
		if i >= len(s) {
			return needMoreWithin(i)
		}
		quote := s[i]
		if quote != '"' && quote != '\'' {
			return Attrs{}, 0, invalid
		}
		i++
		end := strings.IndexByte(s[i:], quote)
		if end < 0 {
			return needMoreWithin(len(s))
		}
		value := html.UnescapeString(s[i : i+end])
		i += end + 1
		var field *string
		var bit uint8
		switch name {
		case "identifier":
			field, bit = &attrs.Identifier, 1
		case "type":
			field, bit = &attrs.Type, 2
		case "title":
			field, bit = &attrs.Title, 4
		case "language":
			field, bit = &attrs.Language, 8
		}
		if field != nil && seen&bit == 0 {
			seen |= bit
			*field = value
		}
	}
}

// needMoreWithin asks for more input unless the tag has already grown past
// MaxTagBytes.
func needMoreWithin(n int) (Attrs, int, tagState) {
	if n >= MaxTagBytes {
		return Attrs{}, 0, invalid
	}
	return Attrs{}, 0, needMore
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == ':'
}
