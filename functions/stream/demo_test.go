package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/testkit/fakeanthropic"
)

// TestDemoModel runs with no API key outside production: the labelled
// demo model answers each request it knows with its artifact type, saved
// through the same path as Claude's, and a follow-up in the same chat
// saves the next version of the same artifact.
func TestDemoModel(t *testing.T) {
	s := newStack(t, fakeanthropic.Script{})
	fn := s.start("ANTHROPIC_API_KEY=", "APP_ENV=development", "STREAM_DEMO_DELAY=1ms")
	userID, _, cookie := s.user("alice")
	ctx := context.Background()
	tests := []struct {
		prompt, identifier, typ string
	}{
		{"Plan a roadmap for the order service", "demo-roadmap", "text/markdown"},
		{"Draw a diagram of the services", "demo-diagram", "application/vnd.ant.mermaid"},
		{"Write the code for placing an order", "demo-code", "application/vnd.ant.code"},
		{"Mock up a web page for the status", "demo-page", "text/html"},
		{"Make a React component for a checklist", "demo-component", "application/vnd.ant.react"},
		{"Compare Kafka vs SQS in a table", "demo-comparison", "text/markdown"},
	}
	for _, tt := range tests {
		t.Run(tt.identifier, func(t *testing.T) {
			chatID := s.chat(userID)
			events := send(t, fn.Client, chatID, cookie, tt.prompt).rest(t, 20*time.Second)
			if events[0].str("model") != "demo" || !strings.Contains(text(events), "Demo model") || last(events).str("status") != "complete" {
				t.Fatalf("start %v, text %q, end %v", events[0].Data, text(events), last(events).Data)
			}
			var started, ended int
			for _, e := range events {
				switch {
				case e.Type == "artifact_start" && e.str("identifier") == tt.identifier && e.str("type") == tt.typ:
					started++
				case e.Type == "artifact_end" && e.str("id") != "":
					ended++
				}
			}
			arts, err := s.store.LatestArtifacts(ctx, userID, chatID)
			if err != nil || started != 1 || ended != 1 || len(arts) != 1 || arts[0].Type != tt.typ || arts[0].Version != 1 {
				t.Fatalf("started %d ended %d, stored %+v, %v", started, ended, arts, err)
			}
			if msgs := s.messages(userID, chatID); msgs[1].Model != "demo" || msgs[1].OutputTokens == 0 {
				t.Fatalf("reply %+v", msgs[1])
			}
		})
	}

	t.Run("a follow-up makes version 2", func(t *testing.T) {
		chatID := s.chat(userID)
		send(t, fn.Client, chatID, cookie, "Plan a roadmap for the order service").rest(t, 20*time.Second)
		events := send(t, fn.Client, chatID, cookie, "Add monitoring and alerts").rest(t, 20*time.Second)
		var version float64
		for _, e := range events {
			if e.Type == "artifact_end" {
				version, _ = e.Data["version"].(float64)
			}
		}
		versions, err := s.store.ArtifactVersions(ctx, userID, chatID, "demo-roadmap")
		if err != nil || version != 2 || len(versions) != 2 {
			t.Fatalf("version %v, stored %d versions, %v", version, len(versions), err)
		}
		// Newest first or oldest first, the new one extends the old one.
		v1, v2 := versions[0], versions[1]
		if v1.Version == 2 {
			v1, v2 = v2, v1
		}
		if !strings.Contains(v2.Content, "## Issue: Add Monitoring And Alerts") || !strings.HasPrefix(v2.Content, strings.TrimRight(v1.Content, "\n")) {
			t.Fatalf("version 2:\n%s", v2.Content)
		}
		if len(s.fake.Requests()) != 0 {
			t.Fatal("the demo called Anthropic")
		}
	})
}
