package artifact_test

import (
	"strings"
	"testing"

	"github.com/archstudio/studio/functions/stream/artifact"
	"github.com/archstudio/studio/shared/samples"
)

// TestSampleRoadmapIsOneArtifact checks the sample parses as one complete
// markdown artifact with three "## Issue:" sections.
func TestSampleRoadmapIsOneArtifact(t *testing.T) {
	var p artifact.Parser
	events := append(p.Feed(samples.SampleRoadmap), p.Flush()...)
	var content strings.Builder
	opened := 0
	for _, e := range events {
		if e.Kind == artifact.Start {
			opened++
			if e.Attrs.Type != "text/markdown" {
				t.Fatalf("type %q", e.Attrs.Type)
			}
		}
		if e.Kind == artifact.Delta {
			content.WriteString(e.Text)
		}
	}
	if opened != 1 || strings.Count(content.String(), "\n## Issue: ") != 3 {
		t.Fatalf("%d artifacts, content %q", opened, content.String())
	}
}
