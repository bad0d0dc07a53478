// Package roadmap turns a roadmap artifact into the GitHub issues it
// describes: the markdown is split at each "## Issue: <title>" heading,
// every issue keeps its whole body, "**Priority:**" becomes a label and
// "**Dependencies:**" are matched to the roadmap's earlier issues so they
// can be linked once those exist.
package roadmap

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/archstudio/studio/shared/apperr"
)

// Limits of one publish: GitHub's largest issue body (in characters) and
// the most issues one roadmap may create.
const (
	MaxIssues    = 50
	MaxBodyChars = 65536
	MaxTitle     = 256
)

// Issue is one "## Issue:" section of a roadmap.
type Issue struct {
	Title string
	// Body is the section as written, without its heading, surrounding
	// blank lines or the closing "---" separator.
	Body string
	// Priority is the "**Priority:**" value ("High"), or "".
	Priority string
	// Dependencies are the "**Dependencies:**" entries in order.
	Dependencies []Dependency
}

// Dependency is one entry of an issue's dependency list.
type Dependency struct {
	// Text is the entry as written ("Database schema").
	Text string
	// Index is the earlier issue of the roadmap it names, or -1 when none
	// matches (then it stays plain text).
	Index int
}

var (
	issueHeading = regexp.MustCompile(`^##[ \t]+[Ii]ssue:[ \t]*(.*?)[ \t#]*$`)
	otherHeading = regexp.MustCompile(`^#{1,2}[ \t]`)
	fence        = regexp.MustCompile("^[ ]{0,3}(```|~~~)")
	separator    = regexp.MustCompile(`^[ ]{0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$`)
	priorityLine = regexp.MustCompile(`^\*\*Priority:?\*\*:?[ \t]*(.+?)[ \t]*$`)
	depsLine     = regexp.MustCompile(`^\*\*Dependencies:?\*\*:?[ \t]*(.+?)[ \t]*$`)
)

// Split reads markdown's issues in order. It fails with an invalid_argument
// error when there is no "## Issue:" heading, more than MaxIssues of them,
// or one with an empty or overlong title.
func Split(markdown string) ([]Issue, error) {
	lines := strings.Split(strings.ReplaceAll(markdown, "\r\n", "\n"), "\n")
	var (
		issues  []Issue
		current *Issue
		body    []string
		inFence string
	)
	finish := func() {
		if current != nil {
			current.Body = trimBody(body)
			issues = append(issues, *current)
		}
		current, body = nil, nil
	}
	for _, line := range lines {
		if m := fence.FindStringSubmatch(line); m != nil {
			switch {
			case inFence == "":
				inFence = m[1]
			case inFence == m[1]:
				inFence = ""
			}
		} else if inFence == "" {
			if m := issueHeading.FindStringSubmatch(line); m != nil {
				finish()
				current = &Issue{Title: strings.TrimSpace(m[1])}
				continue
			}
			if otherHeading.MatchString(line) {
				finish()
				continue
			}
		}
		if current != nil {
			body = append(body, line)
		}
	}
	finish()
	if len(issues) == 0 {
		return nil, apperr.New(apperr.Invalid, `the roadmap has no "## Issue: <title>" heading, so there is nothing to publish`)
	}
	if len(issues) > MaxIssues {
		return nil, apperr.New(apperr.Invalid, "the roadmap has %d issues; at most %d can be published at once", len(issues), MaxIssues)
	}
	for i := range issues {
		is := &issues[i]
		if is.Title == "" {
			return nil, apperr.New(apperr.Invalid, `issue %d of the roadmap has an empty title after "## Issue:"`, i+1)
		}
		if n := len([]rune(is.Title)); n > MaxTitle {
			return nil, apperr.New(apperr.Invalid, "issue %d's title has %d characters; GitHub allows %d", i+1, n, MaxTitle)
		}
		is.Priority, is.Dependencies = fields(is.Body)
		for d := range is.Dependencies {
			is.Dependencies[d].Index = match(is.Dependencies[d].Text, issues[:i])
		}
	}
	return issues, nil
}

// trimBody drops blank lines around the section and a trailing
// thematic break ("---") that separates it from the next one.
func trimBody(lines []string) string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 {
		last := lines[len(lines)-1]
		if strings.TrimSpace(last) == "" || separator.MatchString(last) {
			lines = lines[:len(lines)-1]
			continue
		}
		break
	}
	return strings.Join(lines, "\n")
}

// fields reads the priority and dependency lines of a body.
func fields(body string) (priority string, deps []Dependency) {
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if m := priorityLine.FindStringSubmatch(line); m != nil && priority == "" {
			priority = m[1]
		}
		if m := depsLine.FindStringSubmatch(line); m != nil && deps == nil {
			deps = parseDeps(m[1])
		}
	}
	return priority, deps
}

func parseDeps(s string) []Dependency {
	deps := []Dependency{}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		part = strings.TrimSpace(part)
		switch strings.ToLower(strings.Trim(part, ".")) {
		case "", "none", "n/a", "-", "—":
			continue
		}
		deps = append(deps, Dependency{Text: part, Index: -1})
	}
	return deps
}

// PriorityLabel is the label an issue's priority becomes ("priority: high").
func PriorityLabel(priority string) string {
	p := strings.ToLower(strings.Join(strings.Fields(priority), " "))
	if p == "" {
		return ""
	}
	label := "priority: " + p
	if r := []rune(label); len(r) > 50 {
		label = string(r[:50])
	}
	return label
}

func (d Dependency) String() string { return fmt.Sprintf("%s→%d", d.Text, d.Index) }
