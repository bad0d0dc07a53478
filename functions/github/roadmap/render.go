package roadmap

import (
	"strconv"
	"strings"

	"github.com/archstudio/studio/shared/apperr"
)

// Mention is what Claude's GitHub Action listens for.
const Mention = "@claude"

// Options are the publisher's choices.
type Options struct {
	// MentionClaude appends "@claude" to bodies not already ending with it.
	MentionClaude bool
	// Labels go on every issue, after its priority label.
	Labels []string
}

// Draft is an issue exactly as it is sent to GitHub.
type Draft struct {
	Title  string   `json:"title"`
	Body   string   `json:"body"`
	Labels []string `json:"labels"`
	// DependsOn are the positions of the roadmap's issues this one
	// links to.
	DependsOn []int `json:"depends_on"`
}

// Numbers tells the issue number created for a roadmap position, when
// there is one yet.
type Numbers func(position int) (number int, ok bool)

// Render returns issue i of issues as sent to GitHub: its body with the
// dependencies linked ("Database schema (#12)") where numbers knows them,
// else pointing at the roadmap issue by title, and the mention appended.
// A body over GitHub's limit is an invalid_argument error.
func Render(issues []Issue, i int, opts Options, numbers Numbers) (Draft, error) {
	is := issues[i]
	d := Draft{Title: is.Title, Labels: []string{}, DependsOn: []int{}}
	if l := PriorityLabel(is.Priority); l != "" {
		d.Labels = append(d.Labels, l)
	}
	for _, l := range opts.Labels {
		if !containsFold(d.Labels, l) {
			d.Labels = append(d.Labels, l)
		}
	}
	body := is.Body
	if len(is.Dependencies) > 0 {
		body = linkDependencies(body, issues, is.Dependencies, numbers)
		for _, dep := range is.Dependencies {
			if dep.Index >= 0 && !containsInt(d.DependsOn, dep.Index) {
				d.DependsOn = append(d.DependsOn, dep.Index)
			}
		}
	}
	if opts.MentionClaude && !strings.HasSuffix(strings.TrimSpace(body), Mention) {
		if strings.TrimSpace(body) == "" {
			body = Mention
		} else {
			body = strings.TrimRight(body, " \t\n") + "\n\n" + Mention
		}
	}
	if n := len([]rune(body)); n > MaxBodyChars {
		return Draft{}, apperr.New(apperr.Invalid, "issue %d (%q) has a body of %d characters; GitHub allows %d", i+1, is.Title, n, MaxBodyChars)
	}
	d.Body = body
	return d, nil
}

// RenderAll renders every issue (see Render).
func RenderAll(issues []Issue, opts Options, numbers Numbers) ([]Draft, error) {
	out := make([]Draft, 0, len(issues))
	for i := range issues {
		d, err := Render(issues, i, opts, numbers)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// linkDependencies rewrites the first "**Dependencies:**" line.
func linkDependencies(body string, issues []Issue, deps []Dependency, numbers Numbers) string {
	lines := strings.Split(body, "\n")
	for li, line := range lines {
		m := depsLine.FindStringSubmatchIndex(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		indent := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
		trimmed := strings.TrimSpace(line)
		parts := make([]string, 0, len(deps))
		for _, dep := range deps {
			switch n, ok := lookup(numbers, dep.Index); {
			case dep.Index < 0:
				parts = append(parts, dep.Text)
			case ok:
				parts = append(parts, dep.Text+" (#"+strconv.Itoa(n)+")")
			default:
				parts = append(parts, dep.Text+` (→ "`+issues[dep.Index].Title+`")`)
			}
		}
		lines[li] = indent + trimmed[:m[2]] + strings.Join(parts, ", ")
		break
	}
	return strings.Join(lines, "\n")
}

func lookup(numbers Numbers, i int) (int, bool) {
	if numbers == nil || i < 0 {
		return 0, false
	}
	return numbers(i)
}

// CleanLabels checks the publisher's labels: GitHub names of 1 to 50
// characters, at most 20, duplicates dropped.
func CleanLabels(labels []string) ([]string, error) {
	out := []string{}
	for _, l := range labels {
		l = strings.TrimSpace(l)
		if l == "" || len([]rune(l)) > 50 {
			return nil, apperr.InvalidField("labels", "each label must be 1 to 50 characters")
		}
		if !containsFold(out, l) {
			out = append(out, l)
		}
	}
	if len(out) > 20 {
		return nil, apperr.InvalidField("labels", "at most 20 labels")
	}
	return out, nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func containsInt(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}
