package spa

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/archstudio/studio/shared/secheaders"
)

func writeDist(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	// In name order, so a compressed copy (a.js.br) is never older than
	// its file (a.js): the handler ignores a stale copy.
	for _, name := range slices.Sorted(maps.Keys(files)) {
		body := files[name]
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestHandler(t *testing.T) {
	const index = "<!doctype html><title>studio</title>"
	const preview = "<!doctype html><title>preview</title>"
	js := strings.Repeat("export const x = 1;\n", 100)
	dir := writeDist(t, map[string]string{
		"index.html":         index,
		"preview.html":       preview,
		"sw.js":              "self.x=1",
		"assets/main-abc.js": js,
		// The build's brotli copy; served as it is, so any bytes will do.
		"assets/main-abc.js.br": "brotli of main-abc.js",
		"assets/other-abc.js":   js,
		".env":                  "SECRET=1",
		"assets/.hidden.js":     "hidden",
		"docs/index.html":       "<p>docs</p>",
	})
	outside := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(outside, []byte("outside"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "leak")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "leak.txt")); err != nil {
		t.Fatal(err)
	}
	h := New(dir)
	tests := []struct {
		name, method, path, acceptEnc string
		status                        int
		body                          string
		cache, encoding               string
		// csp is the policy the handler sets itself; "" leaves it to the
		// router's.
		csp string
	}{
		{name: "index", method: "GET", path: "/", status: 200, body: index, cache: NoCache},
		{name: "client route", method: "GET", path: "/chats/abc", status: 200, body: index, cache: NoCache},
		{name: "preview document with its own policy", method: "GET", path: "/preview.html", status: 200, body: preview, cache: NoCache, csp: secheaders.PreviewCSP},
		{name: "preview HEAD keeps its policy", method: "HEAD", path: "/preview.html", status: 200, cache: NoCache, csp: secheaders.PreviewCSP},
		{name: "directory with index", method: "GET", path: "/docs/", status: 200, body: "<p>docs</p>", cache: NoCache},
		{name: "service worker", method: "GET", path: "/sw.js", status: 200, body: "self.x=1", cache: NoCache},
		{name: "asset", method: "GET", path: "/assets/main-abc.js", status: 200, body: js, cache: Immutable},
		{name: "asset brotli from the build", method: "GET", path: "/assets/main-abc.js", acceptEnc: "br, gzip;q=0.8", status: 200, body: "brotli of main-abc.js", cache: Immutable, encoding: "br"},
		{name: "asset gzip when brotli is not taken", method: "GET", path: "/assets/main-abc.js", acceptEnc: "gzip, deflate", status: 200, body: js, cache: Immutable, encoding: "gzip"},
		{name: "asset gzip when there is no brotli copy", method: "GET", path: "/assets/other-abc.js", acceptEnc: "br, gzip", status: 200, body: js, cache: Immutable, encoding: "gzip"},
		{name: "brotli refused", method: "GET", path: "/assets/main-abc.js", acceptEnc: "br;q=0, gzip", status: 200, body: js, cache: Immutable, encoding: "gzip"},
		{name: "gzip refused", method: "GET", path: "/assets/main-abc.js", acceptEnc: "gzip;q=0", status: 200, body: js, cache: Immutable},
		{name: "missing asset", method: "GET", path: "/assets/main-old.js", status: 404},
		{name: "dot file", method: "GET", path: "/.env", status: 404},
		{name: "dot file in assets", method: "GET", path: "/assets/.hidden.js", status: 404},
		{name: "symlink out of dist is not followed", method: "GET", path: "/leak", status: 200, body: index},
		{name: "symlink with extension", method: "GET", path: "/leak.txt", status: 404},
		{name: "PUT", method: "PUT", path: "/", status: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, nil)
			if tt.acceptEnc != "" {
				req.Header.Set("Accept-Encoding", tt.acceptEnc)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if got := rec.Header().Get("Content-Encoding"); got != tt.encoding {
				t.Fatalf("Content-Encoding %q, want %q", got, tt.encoding)
			}
			body := rec.Body.String()
			if tt.encoding == "gzip" {
				zr, err := gzip.NewReader(rec.Body)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(zr)
				body = string(b)
			}
			if tt.body != "" && body != tt.body {
				t.Fatalf("body %.60q, want %.60q", body, tt.body)
			}
			if tt.cache != "" && rec.Header().Get("Cache-Control") != tt.cache {
				t.Fatalf("Cache-Control %q, want %q", rec.Header().Get("Cache-Control"), tt.cache)
			}
			if got := rec.Header().Get("Content-Security-Policy"); got != tt.csp {
				t.Fatalf("Content-Security-Policy %q, want %q", got, tt.csp)
			}
			wantFrame := ""
			if tt.csp != "" {
				wantFrame = "SAMEORIGIN"
			}
			if got := rec.Header().Get("X-Frame-Options"); got != wantFrame {
				t.Fatalf("X-Frame-Options %q, want %q", got, wantFrame)
			}
			if rec.Code >= 400 {
				var e struct{ Error struct{ Code string } }
				if json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Error.Code == "" {
					t.Fatalf("error body %s is not the JSON error", rec.Body)
				}
			}
		})
	}
}

func TestNotBuilt(t *testing.T) {
	h := New(filepath.Join(t.TempDir(), "dist"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/chats", nil))
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "make web") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
}

func TestMissingPreviewIsNotThePage(t *testing.T) {
	h := New(writeDist(t, map[string]string{"index.html": "<p>studio</p>"}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/preview.html", nil))
	if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "studio") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
}

func TestGzipFollowsRebuild(t *testing.T) {
	dir := writeDist(t, map[string]string{"index.html": "x", "assets/a.js": "first version"})
	h := New(dir)
	get := func() string {
		req := httptest.NewRequest("GET", "/assets/a.js", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(zr)
		return string(b)
	}
	if got := get(); got != "first version" {
		t.Fatalf("got %q", got)
	}
	if err := os.WriteFile(filepath.Join(dir, "assets/a.js"), []byte("second, longer version"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := get(); got != "second, longer version" {
		t.Fatalf("after rewrite got %q", got)
	}
}

func TestStaleBrotliIsNotServed(t *testing.T) {
	// A brotli copy older than its file is left from another build: the
	// file is sent (gzipped here) instead of an old version of it.
	dir := writeDist(t, map[string]string{"index.html": "x", "assets/a.js": "new version", "assets/a.js.br": "old brotli"})
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "assets/a.js.br"), old, old); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/assets/a.js", nil)
	req.Header.Set("Accept-Encoding", "br, gzip")
	rec := httptest.NewRecorder()
	New(dir).ServeHTTP(rec, req)
	if got := rec.Header().Get("Content-Encoding"); got != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", got)
	}
}
