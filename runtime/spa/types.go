package spa

import (
	"net/http"
	"path"
	"strings"
)

// types fixes the Content-Type of what a Vite build emits, independent of
// the machine's MIME database (a wrong one for .js breaks module scripts).
var types = map[string]string{
	".html":        "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".webmanifest": "application/manifest+json",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".ico":         "image/x-icon",
	".woff2":       "font/woff2",
	".woff":        "font/woff",
	".ttf":         "font/ttf",
	".wasm":        "application/wasm",
	".txt":         "text/plain; charset=utf-8",
}

func contentType(name string) string { return types[strings.ToLower(path.Ext(name))] }

var compressibleExt = map[string]bool{
	".html": true, ".js": true, ".mjs": true, ".css": true, ".json": true, ".map": true,
	".webmanifest": true, ".svg": true, ".txt": true, ".ttf": true, ".ico": true,
}

func compressible(name string) bool { return compressibleExt[strings.ToLower(path.Ext(name))] }

// accepts reports whether the request's Accept-Encoding takes coding.
func accepts(r *http.Request, coding string) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(v, ",") {
			c, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(c), coding) {
				continue
			}
			// "gzip;q=0" refuses it.
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
