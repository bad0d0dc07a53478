package model

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/archstudio/studio/shared/samples"
)

// Demo is the development stand-in for Claude, used when no
// ANTHROPIC_API_KEY is set outside production. It says it is a demo, and
// streams a short reply with one artifact through the same code path as
// Claude, so the studio works end to end on a laptop with no key.
type Demo struct {
	// Delay is the pause before each piece; ChunkSize the bytes per piece.
	Delay     time.Duration
	ChunkSize int
}

// DemoName is the model recorded for demo replies.
const DemoName = "demo"

// Name implements Model: the demo answers whatever the user prefers, and
// says so on every reply.
func (Demo) Name(string) string { return DemoName }

// Stream implements Model.
func (d Demo) Stream(ctx context.Context, req Request, emit func(string)) (Usage, error) {
	question := ""
	if n := len(req.Turns); n > 0 {
		question = req.Turns[n-1].Text
	}
	reply := demoReply(question)
	usage := Usage{InputTokens: EstimateTokens(req.System)}
	for _, t := range req.Turns {
		usage.InputTokens += EstimateTokens(t.Text)
	}
	size := d.ChunkSize
	if size <= 0 {
		size = 8
	}
	sent := 0
	for sent < len(reply) {
		n := min(size, len(reply)-sent)
		for sent+n < len(reply) && !utf8.RuneStart(reply[sent+n]) {
			n++
		}
		if d.Delay > 0 {
			t := time.NewTimer(d.Delay)
			select {
			case <-ctx.Done():
				t.Stop()
				return usage, context.Cause(ctx)
			case <-t.C:
			}
		} else if err := ctx.Err(); err != nil {
			return usage, context.Cause(ctx)
		}
		emit(reply[sent : sent+n])
		sent += n
		usage.OutputTokens = EstimateTokens(reply[:sent])
	}
	return usage, nil
}

func demoReply(question string) string {
	if strings.Contains(strings.ToLower(question), "roadmap") {
		return "**Demo model** — no ANTHROPIC_API_KEY is set, so this is a canned roadmap, not Claude's. " +
			"Open it and choose Publish to GitHub to preview its issues.\n\n" + samples.SampleRoadmap
	}
	q := strings.Join(strings.Fields(question), " ")
	if utf8.RuneCountInString(q) > 80 {
		q = string([]rune(q)[:80]) + "…"
	}
	return fmt.Sprintf("**Demo model** — no ANTHROPIC_API_KEY is set, so this is a canned reply, not Claude.\n\n"+
		"You asked: %q. Here is a sketch of how this studio streams an answer:\n\n"+
		`<antArtifact identifier="demo-architecture" type="application/vnd.ant.mermaid" title="How a reply streams">`+
		"graph LR\n  Browser -->|POST /messages| Stream\n  Stream -->|Messages API| Claude\n  Stream -->|XADD| Redis\n  Redis -->|XREAD| Stream\n  Stream -->|SSE / WebSocket| Browser\n"+
		"</antArtifact>\n\n"+
		"Set ANTHROPIC_API_KEY to talk to Claude for real.", q)
}
