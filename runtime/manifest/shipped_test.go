package manifest_test

import (
	"slices"
	"testing"

	"github.com/archstudio/studio/runtime/manifest"
)

// TestShippedManifests checks the manifests the project ships load, and
// that compose's (one service per function) routes exactly what the
// router's own does, so the two ways of running the studio cannot drift.
func TestShippedManifests(t *testing.T) {
	local, err := manifest.Load("../functions.json", "bin/functions")
	if err != nil {
		t.Fatalf("runtime/functions.json: %v", err)
	}
	compose, err := manifest.Load("../../deploy/compose/functions.json", "bin/functions")
	if err != nil {
		t.Fatalf("deploy/compose/functions.json: %v", err)
	}
	if len(local.Functions) != len(compose.Functions) {
		t.Fatalf("%d functions locally, %d in compose", len(local.Functions), len(compose.Functions))
	}
	for i, f := range local.Functions {
		c := compose.Functions[i]
		if f.Name != c.Name || !slices.Equal(f.Routes, c.Routes) || f.LongLived != c.LongLived {
			t.Errorf("function %s differs in compose: %+v vs %+v", f.Name, f, c)
		}
		if c.Upstream == "" {
			t.Errorf("compose function %s has no upstream", c.Name)
		}
	}
}
