package roadmap

import (
	"testing"

	"github.com/archstudio/studio/shared/samples"
)

// TestDemoRoadmapPublishes: the demo model's roadmap is one that publishing
// accepts, with priorities and dependencies linked.
func TestDemoRoadmapPublishes(t *testing.T) {
	issues, err := Split(samples.DemoRoadmap)
	if err != nil {
		t.Fatal(err)
	}
	if len(issues) != 3 || issues[0].Title != "Define the Order Service Schema" || issues[0].Priority != "High" {
		t.Fatalf("issues %+v", issues)
	}
	if d := issues[2].Dependencies; len(d) != 1 || d[0].Index != 1 {
		t.Fatalf("dependencies of the third issue %v", d)
	}
	// A follow-up's version adds an issue that still publishes.
	more, err := Split(samples.DemoRoadmap + samples.DemoRoadmapIssue("Add Monitoring", "add monitoring", issues[2].Title))
	if err != nil || len(more) != 4 || more[3].Title != "Add Monitoring" || more[3].Dependencies[0].Index != 2 {
		t.Fatalf("revised roadmap: %+v, %v", more, err)
	}
}
