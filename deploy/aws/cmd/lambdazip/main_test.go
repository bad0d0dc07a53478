package main

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPack checks each bootstrap becomes <name>.zip with an executable
// bootstrap at its root, that sizes are reported, and that an archive over
// the limit fails the run.
func TestPack(t *testing.T) {
	tests := []struct {
		name    string
		limit   int64
		wantErr string
	}{
		{"within the limit", 10 << 20, ""},
		{"over the limit", 10, "over"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, fn := range []string{"health", "stream"} {
				if err := os.MkdirAll(filepath.Join(dir, fn), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, fn, "bootstrap"), bytes.Repeat([]byte("ELF"), 5000), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			var out bytes.Buffer
			err := run(&out, dir, tt.limit)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "health") || !strings.Contains(out.String(), "MB zipped") {
				t.Fatalf("report %q", out.String())
			}
			zr, err := zip.OpenReader(filepath.Join(dir, "stream.zip"))
			if err != nil {
				t.Fatal(err)
			}
			defer zr.Close()
			if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" || zr.File[0].Mode().Perm()&0o111 == 0 {
				t.Fatalf("archive entries %v", zr.File)
			}
		})
	}
}
