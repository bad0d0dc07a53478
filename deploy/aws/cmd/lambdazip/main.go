// Command lambdazip packs each bin/lambda/<name>/bootstrap into
// bin/lambda/<name>.zip, the archive Lambda takes (bootstrap executable at
// its root), prints each archive's size and fails when one is over the
// limit (-max, default 10 MB): `make lambda` runs it.
package main

import (
	"archive/zip"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
)

func main() {
	dir := flag.String("dir", "bin/lambda", "directory of <name>/bootstrap")
	limit := flag.Int64("max", 10<<20, "largest acceptable archive, in bytes")
	flag.Parse()
	if err := run(os.Stdout, *dir, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "lambdazip:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, dir string, limit int64) error {
	bootstraps, err := filepath.Glob(filepath.Join(dir, "*", "bootstrap"))
	if err != nil {
		return err
	}
	if len(bootstraps) == 0 {
		return fmt.Errorf("no %s/*/bootstrap: run make lambda", dir)
	}
	sort.Strings(bootstraps)
	var over []string
	for _, b := range bootstraps {
		name := filepath.Base(filepath.Dir(b))
		out := filepath.Join(dir, name+".zip")
		size, err := pack(b, out)
		if err != nil {
			return err
		}
		raw, _ := os.Stat(b)
		fmt.Fprintf(w, "%-12s %6.1f MB zipped (%5.1f MB binary)  %s\n", name, mb(size), mb(raw.Size()), out)
		if size > limit {
			over = append(over, name)
		}
	}
	if len(over) > 0 {
		return fmt.Errorf("over %.1f MB: %v", mb(limit), over)
	}
	return nil
}

// pack writes bootstrap as the only entry of a new archive at out, with
// the executable bit Lambda needs, and returns the archive's size.
func pack(bootstrap, out string) (int64, error) {
	in, err := os.Open(bootstrap) // #nosec G304 -- build tool: reads the bootstrap binary it was asked to zip
	if err != nil {
		return 0, err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return 0, err
	}
	f, err := os.Create(out) // #nosec G304 -- build tool: writes the archive it was asked to write
	if err != nil {
		return 0, err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	hdr, err := zip.FileInfoHeader(info)
	if err != nil {
		return 0, err
	}
	hdr.Name, hdr.Method = "bootstrap", zip.Deflate
	hdr.SetMode(0o755)
	entry, err := zw.CreateHeader(hdr)
	if err != nil {
		return 0, err
	}
	if _, err := io.Copy(entry, in); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }
