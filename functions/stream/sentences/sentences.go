// Package sentences cuts a reply's streamed prose into sentences worth
// speaking, as the text arrives: each sentence is released the moment it
// is known to be complete, so speech of the first can start while the
// model still writes the rest.
//
// Markdown is read the way a person would say it: emphasis, inline code
// ticks, link targets, heading and quote marks are not spoken; each list
// item and heading is a sentence of its own; code blocks and tables are
// not read but announced once ("There's a code sample on screen.").
// Abbreviations (e.g., i.e., Dr.), decimals (3.14), initials and version
// numbers do not end a sentence.
package sentences

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Announcements of what is shown rather than read.
const (
	CodeAnnouncement  = "There's a code sample on screen."
	TableAnnouncement = "There's a table on screen."
)

// maxSentence is where an unpunctuated run is cut (at a comma or space),
// so a long list without full stops still starts speaking early.
const maxSentence = 300

// Splitter turns streamed text into sentences. The zero value is ready.
// It is not safe for concurrent use.
type Splitter struct {
	line    strings.Builder // the current, unfinished line
	para    strings.Builder // the current paragraph's unspoken prose
	inFence bool
	inTable bool
	// lineChecked: the unfinished line's start has been classified;
	// lineItem: it was a heading or list item, its marker already cut.
	lineChecked bool
	lineItem    bool
}

// Write adds text and returns the sentences it completed.
func (s *Splitter) Write(text string) []string {
	var out []string
	for text != "" {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			s.line.WriteString(text)
			break
		}
		s.line.WriteString(text[:i])
		text = text[i+1:]
		out = append(out, s.takeLine()...)
	}
	return append(out, s.partial()...)
}

// takeLine ends the current line.
func (s *Splitter) takeLine() []string {
	line, item := s.line.String(), s.lineItem
	s.line.Reset()
	s.lineChecked, s.lineItem = false, false
	if item {
		return s.item(line)
	}
	return s.endLine(line)
}

// partial releases the sentences of the unfinished line that are already
// followed by a space, so speech need not wait for the line's end.
func (s *Splitter) partial() []string {
	line := s.line.String()
	if s.inFence || s.inTable || isBlockStart(line) {
		return nil
	}
	var out []string
	if !s.lineChecked {
		// "1. " or "- " alone may still be a marker being written.
		if len(strings.TrimSpace(line)) < 4 {
			return nil
		}
		s.lineChecked = true
		switch {
		case headingRE.MatchString(line):
			out, line, s.lineItem = s.endParagraph(), headingRE.ReplaceAllString(line, ""), true
		case listRE.MatchString(line):
			out, line, s.lineItem = s.endParagraph(), listRE.ReplaceAllString(line, ""), true
		default:
			line = quoteRE.ReplaceAllString(line, "")
		}
		s.line.Reset()
		s.line.WriteString(line)
	}
	pending := s.para.String()
	if pending != "" {
		pending += " "
	}
	done, rest := split(pending+line, false)
	if len(done) > 0 {
		s.para.Reset()
		s.line.Reset()
		s.line.WriteString(rest)
		out = append(out, clean(done)...)
	}
	return out
}

// Flush ends the text so far (the reply ended, or an artifact interrupts
// it) and returns what it still held.
func (s *Splitter) Flush() []string {
	var out []string
	if s.line.Len() > 0 {
		out = s.takeLine()
	}
	out = append(out, s.endParagraph()...)
	s.inFence, s.inTable = false, false
	return out
}

var (
	fenceRE   = regexp.MustCompile("^\\s{0,3}(```|~~~)")
	headingRE = regexp.MustCompile(`^\s{0,3}#{1,6}\s+`)
	listRE    = regexp.MustCompile(`^\s*(?:[-*+]|\d{1,3}[.)])\s+`)
	ruleRE    = regexp.MustCompile(`^\s{0,3}(?:[-*_]\s*){3,}$`)
	quoteRE   = regexp.MustCompile(`^\s{0,3}>\s?`)
	tableRE   = regexp.MustCompile(`^\s*\|`)
)

// isBlockStart reports whether an unfinished line may turn out to be
// something not read as prose (a fence or a table), so it must wait for
// its end.
func isBlockStart(line string) bool {
	t := strings.TrimLeft(line, " ")
	return strings.HasPrefix(t, "`") || strings.HasPrefix(t, "~") || strings.HasPrefix(t, "|")
}

// endLine handles one complete line.
func (s *Splitter) endLine(line string) []string {
	var out []string
	if fenceRE.MatchString(line) {
		if !s.inFence {
			out = append(out, s.endParagraph()...)
			out = append(out, CodeAnnouncement)
		}
		s.inFence = !s.inFence
		return out
	}
	if s.inFence {
		return nil
	}
	if tableRE.MatchString(line) {
		if !s.inTable {
			out = append(out, s.endParagraph()...)
			out = append(out, TableAnnouncement)
			s.inTable = true
		}
		return out
	}
	s.inTable = false
	switch {
	case strings.TrimSpace(line) == "", ruleRE.MatchString(line):
		return s.endParagraph()
	case headingRE.MatchString(line):
		out = s.endParagraph()
		return append(out, s.item(headingRE.ReplaceAllString(line, ""))...)
	case listRE.MatchString(line):
		out = s.endParagraph()
		return append(out, s.item(listRE.ReplaceAllString(line, ""))...)
	}
	line = quoteRE.ReplaceAllString(line, "")
	if s.para.Len() > 0 {
		s.para.WriteByte(' ')
	}
	s.para.WriteString(strings.TrimSpace(line))
	// The line's end is white space: a full stop before it ends a sentence.
	done, rest := split(s.para.String()+" ", false)
	s.para.Reset()
	s.para.WriteString(strings.TrimSpace(rest))
	return clean(done)
}

// item is a heading or list item: its own sentence (or several).
func (s *Splitter) item(text string) []string {
	done, rest := split(strings.TrimSpace(text), true)
	if rest != "" {
		done = append(done, rest)
	}
	return clean(done)
}

func (s *Splitter) endParagraph() []string {
	text := strings.TrimSpace(s.para.String())
	s.para.Reset()
	if text == "" {
		return nil
	}
	done, rest := split(text, true)
	if rest != "" {
		done = append(done, rest)
	}
	return clean(done)
}

// abbreviations never end a sentence; lower-cased, without the final dot.
var abbreviations = map[string]bool{
	"e.g": true, "i.e": true, "dr": true, "mr": true, "mrs": true, "ms": true, "prof": true,
	"sr": true, "jr": true, "st": true, "vs": true, "approx": true, "fig": true, "no": true,
	"cf": true, "al": true, "incl": true, "esp": true, "resp": true, "ca": true, "viz": true,
}

// split returns the complete sentences at the start of text and the rest.
// A sentence ends at . ! ? or … (with closing quotes or brackets) followed
// by white space — or by the end of text when final.
func split(text string, final bool) (done []string, rest string) {
	start := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		next := i + size
		if r == '.' || r == '!' || r == '?' || r == '…' {
			// Swallow repeated marks and closing quotes/brackets.
			for next < len(text) && strings.ContainsRune(".!?…\"')]’”*_`", rune(text[next])) {
				next++
			}
			atEnd := next >= len(text)
			if (atEnd && final) || (!atEnd && unicode.IsSpace(rune(text[next]))) {
				ends, known := true, true
				if r == '.' {
					ends, known = endsSentence(text[start:i], text[next:], final)
				}
				if !known {
					// Wait for the next word before deciding.
					return done, strings.TrimLeft(text[start:], " \t")
				}
				if ends {
					done = append(done, text[start:next])
					start = next
				}
			}
		} else if i-start > maxSentence && (r == ',' || r == ';' || r == ':') && next < len(text) && text[next] == ' ' {
			done = append(done, text[start:next])
			start = next
		}
		i = next
	}
	return done, strings.TrimLeft(text[start:], " \t")
}

// endsSentence reports whether a full stop after before (the sentence so
// far) and followed by after ends the sentence; known is false when that
// depends on a next word that has not arrived yet.
func endsSentence(before, after string, final bool) (ends, known bool) {
	word := before
	if i := strings.LastIndexAny(before, " \t(\"'“‘"); i >= 0 {
		word = before[i+1:]
	}
	lw := strings.ToLower(strings.Trim(word, "*_`"))
	nextWord := strings.TrimLeft(after, " \t")
	if abbreviations[lw] {
		return false, true
	}
	if lw == "etc" {
		// "etc." ends a sentence only when a new one visibly begins.
		if nextWord == "" {
			return true, final
		}
		r, _ := utf8.DecodeRuneInString(nextWord)
		return unicode.IsUpper(r), true
	}
	// An initial ("J. Smith") or a dotted abbreviation ("U.S.").
	if utf8.RuneCountInString(lw) == 1 && unicode.IsLetter([]rune(lw)[0]) && unicode.IsUpper([]rune(word)[0]) {
		return false, true
	}
	if strings.Contains(lw, ".") && len(lw) <= 6 && strings.IndexFunc(lw, func(r rune) bool { return r != '.' && !unicode.IsLetter(r) }) < 0 {
		return false, true
	}
	return true, true
}

var (
	imageRE      = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	linkRE       = regexp.MustCompile(`\[([^\]]+)\]\([^)]*\)`)
	emphasisRE   = regexp.MustCompile(`(\*\*|__|\*|_|~~)([^\s*_~](?:[^*_~]*[^\s*_~])?)(\*\*|__|\*|_|~~)`)
	inlineCodeRE = regexp.MustCompile("`+([^`]*)`+")
	htmlTagRE    = regexp.MustCompile(`</?[a-zA-Z][^>]*>`)
	spacesRE     = regexp.MustCompile(`\s+`)
)

// clean removes markdown syntax and drops what has nothing to say.
func clean(in []string) []string {
	var out []string
	for _, s := range in {
		s = imageRE.ReplaceAllString(s, "$1")
		s = linkRE.ReplaceAllString(s, "$1")
		s = inlineCodeRE.ReplaceAllString(s, "$1")
		for range 3 { // nested emphasis: ***a***, **_a_**
			s = emphasisRE.ReplaceAllString(s, "$2")
		}
		s = htmlTagRE.ReplaceAllString(s, "")
		s = strings.NewReplacer("**", "", "__", "", "~~", "", "`", "").Replace(s)
		s = strings.TrimSpace(spacesRE.ReplaceAllString(s, " "))
		if strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
			continue
		}
		out = append(out, s)
	}
	return out
}

// Announcement is what is said when the reply puts an artifact of type
// typ (application/vnd.ant.mermaid, …) in the panel.
func Announcement(typ string) string {
	switch typ {
	case "application/vnd.ant.mermaid":
		return "I've put a diagram in the panel."
	case "application/vnd.ant.code":
		return "I've put the code in the panel."
	case "text/markdown":
		return "I've put a document in the panel."
	case "text/html":
		return "I've put a page in the panel."
	case "image/svg+xml":
		return "I've put an image in the panel."
	case "application/vnd.ant.react":
		return "I've put a component in the panel."
	}
	return "I've put something in the panel."
}
