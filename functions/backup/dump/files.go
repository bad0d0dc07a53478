package dump

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// FindPGBin returns the directory of pg_dump: dir when set, else the
// newest /usr/lib/postgresql/*/bin (Debian keeps versions side by side,
// and pg_dump must be at least the server's version), else PATH's.
func FindPGBin(dir string) (string, error) { return pgBin(dir) }

func pgBin(dir string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	if dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_dump"); len(dirs) > 0 {
		slices.SortFunc(dirs, func(a, b string) int { return versionOf(a) - versionOf(b) })
		return filepath.Dir(dirs[len(dirs)-1]), nil
	}
	p, err := exec.LookPath("pg_dump")
	if err != nil {
		return "", errors.New("backup: pg_dump not found: install postgresql-client or set BACKUP_PG_BIN")
	}
	return filepath.Dir(p), nil
}

func versionOf(path string) int {
	var v int
	_, _ = fmt.Sscanf(filepath.Base(filepath.Dir(filepath.Dir(path))), "%d", &v)
	return v
}

// Latest returns the manifest of the newest verified dump in dir; ok is
// false when there is none.
func Latest(dir string) (m Manifest, ok bool, err error) {
	names, err := filepath.Glob(filepath.Join(dir, "archstudio-*.json"))
	if err != nil || len(names) == 0 {
		return m, false, err
	}
	slices.Sort(names) // timestamped names sort by time
	b, err := os.ReadFile(names[len(names)-1])
	if err != nil {
		return m, false, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, false, fmt.Errorf("backup: %s: %w", names[len(names)-1], err)
	}
	return m, true, nil
}

// Prune removes dumps (and manifests) started more than keep before now,
// and leftovers of interrupted runs; the newest verified dump stays
// whatever its age, so a stopped schedule never leaves no backup at all.
func Prune(dir string, keep time.Duration, now time.Time) error {
	newest, ok, err := Latest(dir)
	if err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, "archstudio-") {
			continue
		}
		stamp, _, _ := strings.Cut(strings.TrimPrefix(name, "archstudio-"), ".")
		t, perr := time.Parse("20060102T150405Z", stamp)
		if perr != nil || now.Sub(t) <= keep {
			continue
		}
		if ok && stamp == strings.TrimSuffix(strings.TrimPrefix(newest.File, "archstudio-"), ".dump") {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
