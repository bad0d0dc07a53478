package model

import (
	"context"
	"strings"
	"testing"

	"github.com/archstudio/studio/functions/stream/artifact"
)

// demoRun is what one demo reply streamed.
type demoRun struct {
	raw       string
	text      string
	artifacts []artifact.Attrs
	contents  []string
	usage     Usage
}

func runDemo(t *testing.T, turns []Turn) demoRun {
	t.Helper()
	var p artifact.Parser
	var r demoRun
	var content strings.Builder
	handle := func(events []artifact.Event) {
		for _, e := range events {
			switch e.Kind {
			case artifact.Text:
				r.text += e.Text
			case artifact.Start:
				r.artifacts = append(r.artifacts, e.Attrs)
				content.Reset()
			case artifact.Delta:
				content.WriteString(e.Text)
			case artifact.End:
				r.contents = append(r.contents, content.String())
			}
		}
	}
	usage, err := Demo{ChunkSize: 16}.Stream(context.Background(), Request{Turns: turns}, func(s string) {
		r.raw += s
		handle((&p).Feed(s))
	})
	handle(p.Flush())
	if err != nil {
		t.Fatal(err)
	}
	r.usage = usage
	return r
}

// TestDemoIntents: each request the demo recognises gets prose, the label,
// and one artifact of its type.
func TestDemoIntents(t *testing.T) {
	tests := []struct {
		prompt, identifier, typ, language, mustContain string
	}{
		{"Plan a roadmap for splitting out orders", "demo-roadmap", "text/markdown", "", "## Issue: Define the Order Service Schema"},
		{"Draw a diagram of our services", "demo-diagram", "application/vnd.ant.mermaid", "", "graph LR"},
		{"Write the code for placing an order", "demo-code", "application/vnd.ant.code", "go", "func (s *Service) PlaceOrder"},
		{"Mock up a web page for our status", "demo-page", "text/html", "", "<!doctype html>"},
		{"Make a React component for a checklist", "demo-component", "application/vnd.ant.react", "", "export default function"},
		{"Compare Kafka vs SQS", "demo-comparison", "text/markdown", "", "| Ordering |"},
	}
	for _, tt := range tests {
		t.Run(tt.identifier, func(t *testing.T) {
			r := runDemo(t, []Turn{{Role: User, Text: tt.prompt}})
			if len(r.artifacts) != 1 {
				t.Fatalf("artifacts %+v", r.artifacts)
			}
			a := r.artifacts[0]
			if a.Identifier != tt.identifier || a.Type != tt.typ || a.Language != tt.language || a.Title == "" {
				t.Fatalf("artifact %+v", a)
			}
			if !strings.Contains(r.contents[0], tt.mustContain) || !strings.HasPrefix(r.text, "**Demo model**") || len(r.text) < 150 {
				t.Fatalf("content %q\ntext %q", r.contents[0], r.text)
			}
			if r.usage.InputTokens == 0 || r.usage.OutputTokens == 0 {
				t.Fatalf("usage %+v", r.usage)
			}
		})
	}
}

// TestDemoFollowUp: a follow-up in the same conversation writes the next
// version of the same artifact, built on the previous one.
func TestDemoFollowUp(t *testing.T) {
	tests := []struct {
		first, follow string
		identifier    string
		want          []string // in the second version
	}{
		{"Plan a roadmap", "add monitoring and alerts", "demo-roadmap", []string{"## Issue: Add Monitoring And Alerts", "**Dependencies:** Cut Traffic Over Behind a Flag", "## Issue: Define the Order Service Schema"}},
		{"Draw a diagram", "add a cache in front of billing", "demo-diagram", []string{`V2["Add a cache in front of billing"]`, "Gateway --> Orders"}},
		{"Write the code", "handle retries", "demo-code", []string{"// Revision 2: Handle retries", "PlaceOrder"}},
		{"Make a landing page", "show the <b>database</b>", "demo-page", []string{"Revision 2", "Show the &lt;b&gt;database&lt;/b&gt;", "<!-- demo: sections -->"}},
		{"React component please", "add a smoke test step", "demo-component", []string{`{ title: "Add a smoke test step", done: false }`}},
		{"compare options", "include cost at scale", "demo-comparison", []string{"### Revision 2", "Include cost at scale"}},
		// Naming the kind again revises it too.
		{"Draw a diagram", "redraw the diagram with a CDN", "demo-diagram", []string{`V2["Redraw the diagram with a CDN"]`}},
	}
	for _, tt := range tests {
		t.Run(tt.identifier+" "+tt.follow, func(t *testing.T) {
			first := runDemo(t, []Turn{{Role: User, Text: tt.first}})
			second := runDemo(t, []Turn{{Role: User, Text: tt.first}, {Role: Assistant, Text: first.raw}, {Role: User, Text: tt.follow}})
			if len(second.artifacts) != 1 || second.artifacts[0].Identifier != tt.identifier {
				t.Fatalf("artifacts %+v", second.artifacts)
			}
			for _, w := range tt.want {
				if !strings.Contains(second.contents[0], w) {
					t.Errorf("version 2 lacks %q:\n%s", w, second.contents[0])
				}
			}
			if !strings.Contains(second.text, "version 2") {
				t.Errorf("text %q", second.text)
			}
			third := runDemo(t, []Turn{{Role: User, Text: tt.first}, {Role: Assistant, Text: first.raw}, {Role: User, Text: tt.follow},
				{Role: Assistant, Text: second.raw}, {Role: User, Text: "one more change"}})
			if len(third.contents) != 1 || !strings.Contains(third.text, "version 3") || !strings.Contains(third.contents[0], tt.want[0]) {
				t.Fatalf("third version %q: %q", third.text, third.contents)
			}
		})
	}
}

// TestDemoWelcome: a message it does not recognise, with nothing to
// revise, gets the list of what it can do and no artifact.
func TestDemoWelcome(t *testing.T) {
	r := runDemo(t, []Turn{{Role: User, Text: "hello there"}})
	if len(r.artifacts) != 0 || !strings.Contains(r.text, "Demo model") || !strings.Contains(r.text, "**roadmap**") {
		t.Fatalf("reply %q %+v", r.text, r.artifacts)
	}
	if (Demo{}).Name("claude-opus-5") != "demo" {
		t.Fatal("the demo must record itself as the model")
	}
}
