package filekind

import (
	"bytes"
	"strings"
	"testing"

	"github.com/archstudio/studio/shared/apperr"
	"github.com/archstudio/studio/shared/testkit"
)

func TestDetect(t *testing.T) {
	small := Limits{MaxBytes: 4096, MaxImageBytes: 2048, MaxImagePixels: 50, MaxPDFPages: 2}
	elf := append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 64)...)
	tests := []struct {
		name     string
		file     string
		data     []byte
		lim      Limits
		kind     string
		media    string
		code     apperr.Code
		contains string
	}{
		{"png", "board.png", testkit.PNG(10, 8), DefaultLimits, Image, "image/png", "", ""},
		{"png without extension", "board", testkit.PNG(10, 8), DefaultLimits, Image, "image/png", "", ""},
		{"pdf", "design.pdf", testkit.PDF(2, "Design"), DefaultLimits, PDF, "application/pdf", "", ""},
		{"markdown", "notes.md", []byte("# Notes\n\nSome text."), DefaultLimits, Text, "text/markdown", "", ""},
		{"go source", "main.go", []byte("package main\n\nfunc main() {}\n"), DefaultLimits, Text, "text/plain", "", ""},
		{"utf-8 text", "notes.txt", []byte("Grüße — 東京"), DefaultLimits, Text, "text/plain", "", ""},
		{"text named png", "photo.png", []byte("just text pretending"), DefaultLimits, "", "", apperr.Invalid, "photo.png is named .png but its content is text"},
		{"executable named png", "photo.png", elf, DefaultLimits, "", "", apperr.Invalid, "photo.png is application/x-elf"},
		{"png named pdf", "design.pdf", testkit.PNG(4, 4), DefaultLimits, "", "", apperr.Invalid, "design.pdf is named .pdf but its content is image/png"},
		{"png named jpg", "a.jpg", testkit.PNG(4, 4), DefaultLimits, "", "", apperr.Invalid, "is named .jpg"},
		{"broken pdf", "x.pdf", []byte("%PDF-1.4\nnot really a pdf at all"), DefaultLimits, "", "", apperr.Invalid, "x.pdf is not a readable PDF"},
		{"zip", "code.txt", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00" + strings.Repeat("\x00", 40)), DefaultLimits, "", "", apperr.Invalid, "code.txt is application/zip"},
		{"empty", "a.txt", nil, DefaultLimits, "", "", apperr.Invalid, "a.txt is empty"},
		{"over file limit", "big.txt", bytes.Repeat([]byte("a"), 4097), small, "", "", apperr.TooLarge, "big.txt is larger than 4 KB"},
		{"image over api size", "big.png", testkit.PNG(40, 40), Limits{MaxBytes: 1 << 20, MaxImageBytes: 100, MaxImagePixels: 8000, MaxPDFPages: 100}, "", "", apperr.Invalid, "Claude reads images of at most 100 bytes"},
		{"image over api pixels", "wide.png", testkit.PNG(60, 10), small, "", "", apperr.Invalid, "is 60×10 pixels; Claude reads images of at most 50×50"},
		{"pdf over api pages", "long.pdf", testkit.PDF(3, "Long"), Limits{MaxBytes: 1 << 20, MaxImageBytes: 1 << 20, MaxImagePixels: 8000, MaxPDFPages: 2}, "", "", apperr.Invalid, "long.pdf has 3 pages; Claude reads PDFs of at most 2 pages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := Detect(tt.file, tt.data, tt.lim)
			if tt.code != "" {
				var e *apperr.Error
				if err == nil || !apperr.Is(err, tt.code) || !strings.Contains(err.Error(), tt.contains) {
					t.Fatalf("err = %v, want %s containing %q", err, tt.code, tt.contains)
				}
				if e = err.(*apperr.Error); e.Details["file"] != tt.file {
					t.Fatalf("details %v do not name %s", e.Details, tt.file)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if info.Kind != tt.kind || info.MediaType != tt.media {
				t.Fatalf("got %+v, want %s %s", info, tt.kind, tt.media)
			}
		})
	}
	if info, _ := Detect("d.pdf", testkit.PDF(3, "x"), DefaultLimits); info.Pages != 3 {
		t.Fatalf("pages = %d, want 3", info.Pages)
	}
	if info, _ := Detect("p.png", testkit.PNG(12, 7), DefaultLimits); info.Width != 12 || info.Height != 7 {
		t.Fatalf("size = %dx%d", info.Width, info.Height)
	}
}
