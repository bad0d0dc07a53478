// Package spa serves the built web app (web/dist): files as they are,
// index.html for client-side routes, with cache headers that let browsers
// keep content-hashed assets forever and always revalidate the entry
// points.
package spa

import (
	"net/http"
	"os"
	"path"
	"strings"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/secheaders"
)

// Cache-Control values.
const (
	Immutable = "public, max-age=31536000, immutable"
	NoCache   = "no-cache"
)

// previewFile is the document artifact previews run in. The studio frames
// it, so it gets its own policy instead of the router's, which forbids
// framing and inline scripts.
const previewFile = "preview.html"

// Handler serves a Vite build directory.
type Handler struct {
	dir string
	gz  *gzipCache
}

// New serves dir. It need not exist yet: until it does, every page is a
// 404 that says the web app is not built.
func New(dir string) *Handler {
	return &Handler{dir: dir, gz: newGzipCache()}
}

// ServeHTTP serves r.URL.Path, which the router has already cleaned.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		apperr.Write(w, r, apperr.New(apperr.MethodNotAllowed, "only GET and HEAD are served here"))
		return
	}
	rel := strings.TrimPrefix(r.URL.Path, "/")
	if strings.HasPrefix(rel, "s/") {
		// A share link's page: kept out of search engines, and its token
		// out of Referer headers.
		w.Header().Set("X-Robots-Tag", "noindex, nofollow")
		w.Header().Set("Referrer-Policy", "no-referrer")
	}
	name := rel
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	if h.serveFile(w, r, name) {
		return
	}
	// Missing hashed assets and anything that looks like a file must 404:
	// answering index.html would hand a stale page HTML where it expects
	// a script.
	if strings.HasPrefix(rel, "assets/") || path.Ext(rel) != "" {
		apperr.Write(w, r, apperr.New(apperr.NotFound, "no such file"))
		return
	}
	if h.serveFile(w, r, "index.html") {
		return
	}
	apperr.Write(w, r, apperr.New(apperr.NotFound, "the web app is not built (run `make web`)"))
}

// servePrecompressed sends name's brotli form, name.br, which the build
// writes beside the text files (web/scripts/compress.mjs), if there is
// one at least as new as name. Brotli at its best setting is too slow to
// run per request; gzip, the fallback, is made here.
func (h *Handler) servePrecompressed(w http.ResponseWriter, r *http.Request, name string, info os.FileInfo) bool {
	f, err := os.OpenInRoot(h.dir, name+".br")
	if err != nil {
		return false
	}
	defer f.Close()
	brInfo, err := f.Stat()
	if err != nil || !brInfo.Mode().IsRegular() || brInfo.ModTime().Before(info.ModTime()) {
		return false
	}
	w.Header().Set("Content-Encoding", "br")
	// A range of the compressed form is not what a range of the file means.
	r2 := r.Clone(r.Context())
	r2.Header.Del("Range")
	http.ServeContent(w, r2, name, info.ModTime(), f)
	return true
}

// serveFile serves dir/name if it is a regular file, reporting whether it
// did. Dot files are never served.
func (h *Handler) serveFile(w http.ResponseWriter, r *http.Request, name string) bool {
	for _, seg := range strings.Split(name, "/") {
		if strings.HasPrefix(seg, ".") {
			return false
		}
	}
	// OpenInRoot refuses paths (and symlinks) that leave dir.
	f, err := os.OpenInRoot(h.dir, name)
	if err != nil {
		return false
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return false
	}
	hdr := w.Header()
	if strings.HasPrefix(name, "assets/") {
		hdr.Set("Cache-Control", Immutable)
	} else {
		hdr.Set("Cache-Control", NoCache)
	}
	if name == previewFile {
		hdr.Set("Content-Security-Policy", secheaders.PreviewCSP)
		// What frame-ancestors 'self' says, for browsers that only know this.
		hdr.Set("X-Frame-Options", "SAMEORIGIN")
	}
	ctype := contentType(name)
	if ctype != "" {
		hdr.Set("Content-Type", ctype)
	}
	if compressible(name) {
		hdr.Add("Vary", "Accept-Encoding")
		if accepts(r, "br") && h.servePrecompressed(w, r, name, info) {
			return true
		}
		if accepts(r, "gzip") {
			if body, err := h.gz.get(name, f, info); err == nil {
				hdr.Set("Content-Encoding", "gzip")
				// Ranges of the compressed form are not what a client
				// asking for a range of the file means.
				r2 := r.Clone(r.Context())
				r2.Header.Del("Range")
				http.ServeContent(w, r2, name, info.ModTime(), newReader(body))
				return true
			}
		}
	}
	http.ServeContent(w, r, name, info.ModTime(), f)
	return true
}
