package model

import (
	"context"
	"time"
	"unicode/utf8"
)

// Demo is the development stand-in for Claude, used when no
// ANTHROPIC_API_KEY is set outside production: a small scripted architect.
// It says it is a demo, recognises a few requests (a roadmap, a diagram,
// code, a web page, a React component, a comparison; see demoIntents) and
// answers each with prose and an artifact of the right type, and a
// follow-up in the same chat with the next version of that artifact — all
// through the same code path as Claude, so the studio can be judged on a
// laptop with no key.
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
	reply := demoReply(req.Turns)
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
