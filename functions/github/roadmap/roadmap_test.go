package roadmap_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/archstudio/studio/functions/github/roadmap"
	"github.com/archstudio/studio/shared/apperr"
)

func seed(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/seed-roadmap.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSeedRoadmap publishes the project's own roadmap: every issue keeps
// its title and whole body, ends with exactly one @claude, gets its
// priority as a label and links its dependencies to earlier issues.
func TestSeedRoadmap(t *testing.T) {
	md := seed(t)
	issues, err := roadmap.Split(md)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		title, priority string
		deps            []int // positions, -1 = no issue matches
	}{
		{"Set Up PostgreSQL Database Schema", "High", nil},
		{"Implement GitHub OAuth Authentication Flow", "High", []int{0}},
		{"Update Frontend for Multi-User Support", "High", []int{1}},
		{"Secure API Endpoints and WebSocket Connections", "High", []int{1}},
		{"Implement Per-User API Usage Tracking", "Medium", []int{0, 1}},
		{"Add Production Error Handling and Logging", "Medium", []int{-1}},
		{"Create Health Check and Metrics Endpoints", "Medium", []int{-1}},
		{"Set Up Docker Compose for Local Development", "Medium", nil},
		{"Implement Security Headers and Best Practices", "Medium", []int{-1}},
		{"Create Database Backup Strategy", "Low", []int{0}},
		{"Add User Preferences System", "Low", []int{0}},
		{"Optimize Frontend Performance", "Low", []int{2}},
	}
	if len(issues) != len(want) {
		t.Fatalf("got %d issues, want %d", len(issues), len(want))
	}
	numbers := func(i int) (int, bool) { return 100 + i, true }
	drafts, err := roadmap.RenderAll(issues, roadmap.Options{MentionClaude: true, Labels: []string{"roadmap"}}, numbers)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		is, d := issues[i], drafts[i]
		if is.Title != w.title || d.Title != w.title {
			t.Errorf("issue %d: title %q, want %q", i, is.Title, w.title)
		}
		// The body is the section of the file, byte for byte, up to the
		// separator (only the dependency line gains links).
		start := strings.Index(md, "## Issue: "+w.title+"\n") + len("## Issue: "+w.title+"\n")
		section := md[start:]
		if end := strings.Index(section, "\n## "); end >= 0 {
			section = section[:end]
		}
		section = strings.TrimSuffix(strings.TrimSpace(section), "---")
		if strings.TrimSpace(section) != is.Body {
			t.Errorf("issue %d: body differs from the file:\n%q\nwant\n%q", i, is.Body, strings.TrimSpace(section))
		}
		for _, part := range []string{"### Description", "### Acceptance Criteria", "- [ ] ", "### Technical Approach"} {
			if !strings.Contains(d.Body, part) {
				t.Errorf("issue %d: body lost %q", i, part)
			}
		}
		if n := strings.Count(d.Body, "@claude"); n != 1 || !strings.HasSuffix(d.Body, "@claude") {
			t.Errorf("issue %d: %d @claude mentions, ending %q", i, n, d.Body[len(d.Body)-20:])
		}
		if strings.Contains(d.Body, "## Implementation Order") || strings.Contains(d.Body, "\n---") {
			t.Errorf("issue %d: body runs past its section", i)
		}
		wantLabels := []string{"priority: " + strings.ToLower(w.priority), "roadmap"}
		if strings.Join(d.Labels, "|") != strings.Join(wantLabels, "|") {
			t.Errorf("issue %d: labels %q, want %q", i, d.Labels, wantLabels)
		}
		var got []int
		for _, dep := range is.Dependencies {
			got = append(got, dep.Index)
			if dep.Index >= 0 && !strings.Contains(d.Body, dep.Text+" (#"+itoa(100+dep.Index)+")") {
				t.Errorf("issue %d: dependency %q not linked in %q", i, dep.Text, d.Body)
			}
		}
		if itoas(got) != itoas(w.deps) {
			t.Errorf("issue %d: dependencies %v, want %v", i, is.Dependencies, w.deps)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func itoas(ns []int) string { return fmt.Sprint(ns) }

func TestSplitAndRender(t *testing.T) {
	tests := []struct {
		name    string
		md      string
		opts    roadmap.Options
		wantErr string // substring of the invalid_argument message
		titles  []string
		bodies  []string
		labels  [][]string
	}{
		{name: "no issue heading", md: "# Plan\n\n## Goals\n- ship\n", wantErr: `no "## Issue: <title>" heading`},
		{name: "heading inside a code fence is not an issue", md: "```\n## Issue: not one\n```\n", wantErr: "no \"## Issue"},
		{name: "empty title", md: "## Issue:   \nbody\n", wantErr: "empty title"},
		{name: "over 50 issues", md: strings.Repeat("## Issue: x\nbody\n", 51), wantErr: "51 issues; at most 50"},
		{name: "body over 65536 characters", md: "## Issue: big\n" + strings.Repeat("é", 65537), wantErr: "65537 characters"},
		{
			name: "mention appended once, kept when already last", md: "## Issue: A\nDo A.\n\n## Issue: B\nDo B.\n\n@claude\n\n***\n",
			opts:   roadmap.Options{MentionClaude: true},
			titles: []string{"A", "B"}, bodies: []string{"Do A.\n\n@claude", "Do B.\n\n@claude"}, labels: [][]string{{}, {}},
		},
		{
			name: "no mention when not asked", md: "## Issue: A\nDo A.\n",
			titles: []string{"A"}, bodies: []string{"Do A."}, labels: [][]string{{}},
		},
		{
			name:   "a level-3 heading and fenced code stay in the body; the next level-2 heading ends it",
			md:     "## Issue: A\n### Notes\n```md\n## not a heading\n```\n## Later\ntext",
			titles: []string{"A"}, bodies: []string{"### Notes\n```md\n## not a heading\n```"}, labels: [][]string{{}},
		},
		{
			name: "priority label and user labels without duplicates", md: "## Issue: A\n**Priority:** High\n",
			opts:   roadmap.Options{Labels: []string{"Priority: High", "roadmap"}},
			titles: []string{"A"}, bodies: []string{"**Priority:** High"}, labels: [][]string{{"priority: high", "roadmap"}},
		},
		{
			name: "dependencies in a dry run name the issue", md: "## Issue: Set up the database\nx\n## Issue: B\n**Dependencies:** Database, Unknown thing\n",
			titles: []string{"Set up the database", "B"},
			bodies: []string{"x", `**Dependencies:** Database (→ "Set up the database"), Unknown thing`}, labels: [][]string{{}, {}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			issues, err := roadmap.Split(tt.md)
			var drafts []roadmap.Draft
			if err == nil {
				drafts, err = roadmap.RenderAll(issues, tt.opts, nil)
			}
			if tt.wantErr != "" {
				if !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want invalid_argument containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(drafts) != len(tt.titles) {
				t.Fatalf("got %d drafts, want %d", len(drafts), len(tt.titles))
			}
			for i, d := range drafts {
				if d.Title != tt.titles[i] || d.Body != tt.bodies[i] || strings.Join(d.Labels, "|") != strings.Join(tt.labels[i], "|") {
					t.Errorf("draft %d = %+v, want title %q body %q labels %q", i, d, tt.titles[i], tt.bodies[i], tt.labels[i])
				}
			}
		})
	}
}
