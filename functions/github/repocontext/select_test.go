package repocontext

import (
	"slices"
	"testing"
)

func TestSelect(t *testing.T) {
	tree := []Entry{
		{Path: "docs/guide.md", Size: 10}, {Path: "README.md", Size: 900}, {Path: "web/package.json", Size: 50},
		{Path: "package.json", Size: 70}, {Path: "src/index.ts", Size: 20}, {Path: "internal/deep/index.ts", Size: 5},
		{Path: "node_modules/x/package.json", Size: 5}, {Path: "Makefile", Size: 30}, {Path: "big.md", Size: MaxFileBytes + 1},
		{Path: "internal/a.go", Size: 40}, {Path: "docs/README.md", Size: 15},
	}
	tests := []struct {
		name        string
		picks       []string
		want        []string
		wantMissing []string
	}{
		{name: "by kind, shallowest and smallest first",
			want: []string{"README.md=readme", "package.json=manifest", "web/package.json=manifest", "src/index.ts=entry point",
				"Makefile=config", "docs/guide.md=doc", "docs/README.md=doc"}},
		{name: "picks first, even large ones, once", picks: []string{"big.md", "internal/a.go", "big.md", "gone.go"},
			want: []string{"big.md=picked", "internal/a.go=picked", "README.md=readme", "package.json=manifest", "web/package.json=manifest",
				"src/index.ts=entry point", "Makefile=config", "docs/guide.md=doc", "docs/README.md=doc"},
			wantMissing: []string{"gone.go"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, missing := Select(tree, tt.picks)
			var names []string
			for _, c := range got {
				names = append(names, c.Path+"="+c.Reason)
			}
			if !slices.Equal(names, tt.want) || !slices.Equal(missing, tt.wantMissing) {
				t.Fatalf("got %v missing %v\nwant %v missing %v", names, missing, tt.want, tt.wantMissing)
			}
		})
	}
}
