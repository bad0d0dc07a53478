package repocontext

import (
	"html"
	"strings"
	"unicode/utf8"
)

// Tokens estimates the tokens of n bytes of text: about four bytes each.
func Tokens(n int) int { return (n + 3) / 4 }

// File is a file the context holds.
type File struct {
	Path   string `json:"path"`
	Size   int    `json:"size"`
	Tokens int    `json:"tokens"`
	Reason string `json:"reason"`
}

// Summary says what a context holds: the files read, what was left out
// and the estimated tokens of the whole block.
type Summary struct {
	CommitSHA string `json:"commit_sha"`
	Tokens    int    `json:"tokens"`
	TreeFiles int    `json:"tree_files"`
	// TreeListed is how many of the tree's paths the listing names.
	TreeListed int    `json:"tree_listed"`
	Files      []File `json:"files"`
	// Omitted are files chosen or picked but not read: over the budget,
	// binary, or (picks) not in the tree.
	Omitted []string `json:"omitted"`
}

// Builder writes a context block within a token budget: the tree listing
// first (at most a fifth of the budget), then files while they fit.
type Builder struct {
	head, tree, files strings.Builder
	budget, used      int
	sum               Summary
}

// NewBuilder starts the block of repository full at commit sha (ref as
// the user named it) listing tree.
func NewBuilder(full, ref, sha string, budget int, tree []Entry) *Builder {
	b := &Builder{budget: budget, sum: Summary{CommitSHA: sha, TreeFiles: len(tree), Files: []File{}, Omitted: []string{}}}
	b.head.WriteString(`<repository name="` + html.EscapeString(full) + `" ref="` + html.EscapeString(ref) + `" commit="` + sha + `">` + "\n")
	b.head.WriteString("The files below are from this GitHub repository; each names its path.\n")
	b.used = Tokens(b.head.Len() + len("</repository>\n"))
	treeBudget := budget / 5
	b.tree.WriteString("<tree>\n")
	for _, e := range tree {
		if Tokens(b.tree.Len()+len(e.Path)+1+len("</tree>\n")) > treeBudget {
			break
		}
		b.tree.WriteString(e.Path + "\n")
		b.sum.TreeListed++
	}
	b.tree.WriteString("</tree>\n")
	b.used += Tokens(b.tree.Len())
	return b
}

// Fits reports whether a file of size bytes would still fit the budget.
func (b *Builder) Fits(p string, size int) bool {
	return b.used+Tokens(size+len(p)+len(`<file path=""></file>`)+2) <= b.budget
}

// Omit records a file left out.
func (b *Builder) Omit(p string) { b.sum.Omitted = append(b.sum.Omitted, p) }

// Add writes a file read from the repository, unless it is binary or no
// longer fits; it reports whether it did.
func (b *Builder) Add(c Candidate, content []byte) bool {
	if !utf8.Valid(content) || strings.ContainsRune(string(content), 0) || !b.Fits(c.Path, len(content)) {
		b.Omit(c.Path)
		return false
	}
	block := `<file path="` + html.EscapeString(c.Path) + `">` + "\n" + strings.TrimRight(string(content), "\n") + "\n</file>\n"
	t := Tokens(len(block))
	b.files.WriteString(block)
	b.used += t
	b.sum.Files = append(b.sum.Files, File{Path: c.Path, Size: len(content), Tokens: t, Reason: c.Reason})
	return true
}

// Done returns the block and what it holds.
func (b *Builder) Done() (string, Summary) {
	text := b.head.String() + b.tree.String() + b.files.String() + "</repository>\n"
	b.sum.Tokens = Tokens(len(text))
	return text, b.sum
}
