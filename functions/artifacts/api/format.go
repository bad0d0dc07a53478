package api

import (
	"strings"

	"github.com/archstudio/studio/shared/chatstore"
	"github.com/archstudio/studio/shared/slug"
)

// format is how an artifact's content is served: its media type and file
// extension.
type format struct {
	contentType string
	ext         string
}

const utf8Param = "; charset=utf-8"

var byType = map[string]format{
	chatstore.TypeMarkdown: {"text/markdown" + utf8Param, "md"},
	chatstore.TypeHTML:     {"text/html" + utf8Param, "html"},
	chatstore.TypeSVG:      {"image/svg+xml", "svg"},
	chatstore.TypeMermaid:  {"text/vnd.mermaid" + utf8Param, "mmd"},
	chatstore.TypeReact:    {"text/jsx" + utf8Param, "jsx"},
}

// byLanguage maps the languages of code artifacts. Languages a browser
// would render as a document (html, svg, xml) are served as plain text: only
// the html and svg artifact types are documents.
var byLanguage = map[string]format{
	"go":         {"text/x-go", "go"},
	"python":     {"text/x-python", "py"},
	"py":         {"text/x-python", "py"},
	"javascript": {"text/javascript", "js"},
	"js":         {"text/javascript", "js"},
	"jsx":        {"text/jsx", "jsx"},
	"typescript": {"text/x-typescript", "ts"},
	"ts":         {"text/x-typescript", "ts"},
	"tsx":        {"text/x-typescript", "tsx"},
	"java":       {"text/x-java", "java"},
	"kotlin":     {"text/x-kotlin", "kt"},
	"scala":      {"text/x-scala", "scala"},
	"c":          {"text/x-c", "c"},
	"cpp":        {"text/x-c++", "cpp"},
	"c++":        {"text/x-c++", "cpp"},
	"csharp":     {"text/x-csharp", "cs"},
	"c#":         {"text/x-csharp", "cs"},
	"rust":       {"text/x-rust", "rs"},
	"ruby":       {"text/x-ruby", "rb"},
	"php":        {"text/x-php", "php"},
	"swift":      {"text/x-swift", "swift"},
	"shell":      {"text/x-shellscript", "sh"},
	"bash":       {"text/x-shellscript", "sh"},
	"sh":         {"text/x-shellscript", "sh"},
	"powershell": {"text/plain", "ps1"},
	"sql":        {"application/sql", "sql"},
	"json":       {"application/json", "json"},
	"yaml":       {"application/yaml", "yaml"},
	"yml":        {"application/yaml", "yaml"},
	"toml":       {"application/toml", "toml"},
	"css":        {"text/css", "css"},
	"markdown":   {"text/markdown", "md"},
	"md":         {"text/markdown", "md"},
	"dockerfile": {"text/plain", "dockerfile"},
	"makefile":   {"text/plain", "mk"},
	"terraform":  {"text/plain", "tf"},
	"hcl":        {"text/plain", "hcl"},
	"proto":      {"text/plain", "proto"},
	"graphql":    {"application/graphql", "graphql"},
	"html":       {"text/plain", "html"},
	"xml":        {"text/plain", "xml"},
	"svg":        {"text/plain", "svg"},
}

func formatOf(a chatstore.Artifact) format {
	if f, ok := byType[a.Type]; ok {
		return f
	}
	if f, ok := byLanguage[strings.ToLower(a.Language)]; ok {
		if !strings.Contains(f.contentType, "charset") {
			f.contentType += utf8Param
		}
		return f
	}
	return format{"text/plain" + utf8Param, "txt"}
}

// filename is a download name for a: its title (else identifier) reduced to
// lower-case ASCII letters, digits, dots, dashes and underscores, ending in
// ext once.
func filename(a chatstore.Artifact, ext string) string {
	name := safeName(a.Title)
	if name == "" {
		name = safeName(a.Identifier)
	}
	name = strings.TrimSuffix(name, "."+ext)
	if name == "" {
		name = "artifact"
	}
	return name + "." + ext
}

const maxNameLen = 80

// safeName keeps dots (not first) and underscores, for names such as
// "landing.v2".
func safeName(s string) string {
	return slug.Make(s, maxNameLen, func(r rune, atStart bool) bool { return r == '_' || r == '.' && !atStart })
}
