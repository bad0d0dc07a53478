// Package filekind decides what an uploaded file is from its content, never
// from its name or the type a client declares, and checks it against the
// limits of the Claude API: an image it accepts is one Claude reads as an
// image block, a PDF one it reads as a document block, a text file one it
// reads as text. A file whose name claims another kind than its content is
// refused, so a disguised file is never stored.
package filekind

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // decoders for image.DecodeConfig
	_ "image/jpeg"
	_ "image/png"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	_ "golang.org/x/image/webp"

	"github.com/archstudio/studio/shared/apperr"
)

// Kinds of attachment, as Claude receives them.
const (
	Image = "image"
	PDF   = "pdf"
	Text  = "text"
)

// Limits of one file. The API's own limits are the defaults.
type Limits struct {
	// MaxBytes bounds any file (10 MB).
	MaxBytes int64
	// MaxImageBytes is the API's limit on one image (5 MB).
	MaxImageBytes int64
	// MaxImagePixels bounds an image's width and height (8000).
	MaxImagePixels int
	// MaxPDFPages is the API's limit on a request's PDF pages (100).
	MaxPDFPages int
}

// DefaultLimits are the Claude API's limits with a 10 MB file cap.
var DefaultLimits = Limits{MaxBytes: 10 << 20, MaxImageBytes: 5 << 20, MaxImagePixels: 8000, MaxPDFPages: 100}

// Info is what a file was found to be.
type Info struct {
	Kind      string
	MediaType string // image/png, application/pdf, text/markdown, …
	Pages     int    // PDF
	Width     int    // image
	Height    int
}

// imageTypes are the image formats the API reads.
var imageTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/webp": true, "image/gif": true}

// claimed is the kind a file's extension claims, "" when it claims none
// the studio knows.
var claimed = map[string]string{
	".png": Image, ".jpg": Image, ".jpeg": Image, ".webp": Image, ".gif": Image,
	".pdf": PDF,
}

// textTypes name text files by extension; the content decides that they
// are text, the name only which text.
var textTypes = map[string]string{
	".md": "text/markdown", ".markdown": "text/markdown", ".csv": "text/csv",
	".html": "text/html", ".htm": "text/html", ".css": "text/css",
}

// Detect sniffs data, named name, and checks it against lim. Errors are
// *apperr.Error: Invalid naming the file and what is wrong ("file"
// field), or TooLarge naming the limit.
func Detect(name string, data []byte, lim Limits) (Info, error) {
	if int64(len(data)) > lim.MaxBytes {
		return Info{}, tooLarge(name, "files", lim.MaxBytes)
	}
	if len(data) == 0 {
		return Info{}, refuse(name, "is empty")
	}
	ext := strings.ToLower(path.Ext(name))
	sniffed := mimetype.Detect(data)
	mt := sniffed.String()
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = mt[:i]
	}
	var info Info
	switch {
	case imageTypes[mt]:
		info = Info{Kind: Image, MediaType: mt}
	case mt == "application/pdf":
		info = Info{Kind: PDF, MediaType: mt}
	case isText(data):
		info = Info{Kind: Text, MediaType: "text/plain"}
		if t, ok := textTypes[ext]; ok {
			info.MediaType = t
		}
	default:
		return Info{}, refuse(name, "is %s, which is not an image (PNG, JPEG, WebP, GIF), a PDF or a text file", describe(mt))
	}
	if want, ok := claimed[ext]; ok && (want != info.Kind || (want == Image && !sameImage(ext, mt))) {
		return Info{}, refuse(name, "is named %s but its content is %s", ext, describe(mt))
	}
	switch info.Kind {
	case Image:
		return checkImage(name, data, info, lim)
	case PDF:
		return checkPDF(name, data, info, lim)
	}
	return info, nil
}

func checkImage(name string, data []byte, info Info, lim Limits) (Info, error) {
	if int64(len(data)) > lim.MaxImageBytes {
		return Info{}, refuse(name, "is %s; Claude reads images of at most %s", FormatBytes(int64(len(data))), FormatBytes(lim.MaxImageBytes))
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Info{}, refuse(name, "is not a readable %s image", info.MediaType)
	}
	if cfg.Width > lim.MaxImagePixels || cfg.Height > lim.MaxImagePixels {
		return Info{}, refuse(name, "is %d×%d pixels; Claude reads images of at most %d×%d", cfg.Width, cfg.Height, lim.MaxImagePixels, lim.MaxImagePixels)
	}
	info.Width, info.Height = cfg.Width, cfg.Height
	return info, nil
}

func checkPDF(name string, data []byte, info Info, lim Limits) (Info, error) {
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	n, err := api.PageCount(bytes.NewReader(data), conf)
	if err != nil || n < 1 {
		return Info{}, refuse(name, "is not a readable PDF")
	}
	if n > lim.MaxPDFPages {
		return Info{}, refuse(name, "has %d pages; Claude reads PDFs of at most %d pages", n, lim.MaxPDFPages)
	}
	info.Pages = n
	return info, nil
}

// isText reports whether data is UTF-8 text: no NUL and no invalid
// sequence (a cut final character is allowed, for sniffing a prefix).
func isText(data []byte) bool {
	if bytes.IndexByte(data, 0) >= 0 {
		return false
	}
	if utf8.Valid(data) {
		return true
	}
	for i := 1; i < utf8.UTFMax && i < len(data); i++ {
		if utf8.Valid(data[:len(data)-i]) {
			return true
		}
	}
	return false
}

func sameImage(ext, mt string) bool {
	switch ext {
	case ".jpg", ".jpeg":
		return mt == "image/jpeg"
	default:
		return "image/"+ext[1:] == mt
	}
}

func describe(mt string) string {
	switch {
	case mt == "application/octet-stream":
		return "binary data of no known type"
	case mt == "text/plain":
		return "text"
	}
	return mt
}

func refuse(name, format string, args ...any) error {
	e := apperr.InvalidField("file", "%s %s", name, fmt.Sprintf(format, args...))
	e.Details = map[string]any{"file": name}
	return e
}

func tooLarge(name, what string, max int64) error {
	e := apperr.New(apperr.TooLarge, "%s is larger than %s, the limit for %s", name, FormatBytes(max), what)
	e.Field = "file"
	e.Details = map[string]any{"file": name, "limit": max}
	return e
}

// FormatBytes writes n as people read sizes: 10 MB, 512 KB.
func FormatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
