// Package repocontext chooses the files of a repository that describe it
// best within a token budget, and writes them as one context block that
// names each file, for Claude to read before a chat's history.
package repocontext

import (
	"path"
	"slices"
	"strings"
)

// Entry is a file of the repository's tree.
type Entry struct {
	Path string
	SHA  string
	Size int
}

// Candidate is a file worth reading, and why.
type Candidate struct {
	Entry
	Reason string
}

// Reasons a file is chosen, in the order they are filled.
const (
	Picked     = "picked"
	Readme     = "readme"
	Manifest   = "manifest"
	EntryPoint = "entry point"
	Config     = "config"
	Doc        = "doc"
)

// MaxFileBytes is the largest file the studio selects itself; a bigger
// one is read only when the user picks it.
const MaxFileBytes = 64 << 10

var manifests = []string{"go.mod", "package.json", "Cargo.toml", "pyproject.toml", "requirements.txt", "setup.py",
	"pom.xml", "build.gradle", "build.gradle.kts", "Gemfile", "composer.json", "mix.exs", "Package.swift", "CMakeLists.txt"}

var entryNames = []string{"main.go", "main.py", "app.py", "manage.py", "main.rs", "lib.rs", "index.ts", "index.js",
	"main.ts", "main.tsx", "App.tsx", "server.ts", "server.js", "Program.cs", "Main.java"}

var configNames = []string{"Dockerfile", "docker-compose.yml", "docker-compose.yaml", "compose.yaml", "Makefile",
	"tsconfig.json", "vite.config.ts", "openapi.yaml", "openapi.yml", "openapi.json", "serverless.yml", "template.yaml"}

var skippedDirs = []string{"vendor/", "node_modules/", "dist/", "build/", "third_party/", ".git/", "testdata/"}

var textExts = []string{".md", ".txt", ".rst", ".adoc"}

// kindOf says why the studio would read p on its own, "" for not.
func kindOf(p string) string {
	base := path.Base(p)
	depth := strings.Count(p, "/")
	switch {
	case depth == 0 && strings.HasPrefix(strings.ToLower(base), "readme"):
		return Readme
	case slices.Contains(manifests, base) || strings.HasSuffix(base, ".csproj"):
		return Manifest
	case slices.Contains(entryNames, base) && (depth == 0 || strings.HasPrefix(p, "cmd/") || strings.HasPrefix(p, "src/") || depth == 1):
		return EntryPoint
	case slices.Contains(configNames, base) || strings.HasPrefix(p, ".github/workflows/"):
		return Config
	case slices.Contains(textExts, strings.ToLower(path.Ext(base))) && (depth == 0 || strings.HasPrefix(p, "docs/") || strings.HasPrefix(p, "doc/")):
		return Doc
	}
	return ""
}

func skipped(p string) bool {
	for _, d := range skippedDirs {
		if strings.HasPrefix(p, d) || strings.Contains(p, "/"+d) {
			return true
		}
	}
	return false
}

var order = []string{Picked, Readme, Manifest, EntryPoint, Config, Doc}

// Select returns the files to read, most telling first: the user's picks
// in their order, then the README, manifests, entry points, configs and
// docs, each kind shallowest and smallest first. missing are the picks
// the tree has no file for.
func Select(tree []Entry, picks []string) (out []Candidate, missing []string) {
	byPath := make(map[string]Entry, len(tree))
	for _, e := range tree {
		byPath[e.Path] = e
	}
	taken := map[string]bool{}
	for _, p := range picks {
		e, ok := byPath[p]
		if !ok {
			missing = append(missing, p)
			continue
		}
		if !taken[p] {
			taken[p] = true
			out = append(out, Candidate{Entry: e, Reason: Picked})
		}
	}
	var chosen []Candidate
	for _, e := range tree {
		if taken[e.Path] || e.Size > MaxFileBytes || skipped(e.Path) {
			continue
		}
		if k := kindOf(e.Path); k != "" {
			chosen = append(chosen, Candidate{Entry: e, Reason: k})
		}
	}
	slices.SortStableFunc(chosen, func(a, b Candidate) int {
		if d := slices.Index(order, a.Reason) - slices.Index(order, b.Reason); d != 0 {
			return d
		}
		if d := strings.Count(a.Path, "/") - strings.Count(b.Path, "/"); d != 0 {
			return d
		}
		if a.Size != b.Size {
			return a.Size - b.Size
		}
		return strings.Compare(a.Path, b.Path)
	})
	return append(out, chosen...), missing
}
