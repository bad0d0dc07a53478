package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// figure is one row of the table: a measured value against its target.
type figure struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
	// Target is Limit with its direction: at most (lower is better) or
	// at least.
	AtMost bool    `json:"at_most"`
	Limit  float64 `json:"limit"`
	Pass   bool    `json:"pass"`
	// Detail is what the value was computed from (both paths' figures).
	Detail string `json:"detail,omitempty"`
	// Err is set when the figure could not be measured; it then fails.
	Err string `json:"error,omitempty"`
}

func atMost(name string, v float64, unit string, limit float64, detail string) figure {
	return figure{Name: name, Value: v, Unit: unit, AtMost: true, Limit: limit, Pass: v <= limit, Detail: detail}
}

func atLeast(name string, v float64, unit string, limit float64, detail string) figure {
	return figure{Name: name, Value: v, Unit: unit, Limit: limit, Pass: v >= limit, Detail: detail}
}

func failed(name, unit string, err error) figure {
	return figure{Name: name, Unit: unit, Err: err.Error()}
}

func (f figure) target() string {
	op := "≥"
	if f.AtMost {
		op = "≤"
	}
	return fmt.Sprintf("%s %s %s", op, num(f.Limit), f.Unit)
}

func (f figure) verdict() string {
	switch {
	case f.Err != "":
		return "ERROR"
	case f.Pass:
		return "pass"
	}
	return "SHORT"
}

func num(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// printTable writes the one table make bench prints.
func printTable(w io.Writer, figs []figure) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\tmeasured\ttarget\tresult\tfrom")
	for _, f := range figs {
		val := num(f.Value) + " " + f.Unit
		detail := f.Detail
		if f.Err != "" {
			val, detail = "—", f.Err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Name, val, f.target(), f.verdict(), detail)
	}
	_ = tw.Flush()
}

// results is bench/results.json.
type results struct {
	Commit   string    `json:"commit"`
	Dirty    bool      `json:"dirty"`
	Started  time.Time `json:"started"`
	Duration string    `json:"duration"`
	Machine  machine   `json:"machine"`
	Figures  []figure  `json:"figures"`
	Passed   int       `json:"passed"`
	Short    int       `json:"short"`
}

type machine struct {
	CPUs      int     `json:"cpus"`
	CPU       string  `json:"cpu"`
	MemoryMB  int64   `json:"memory_mb"`
	Load1     float64 `json:"load_1m_at_start"`
	Kernel    string  `json:"kernel"`
	GoVersion string  `json:"go"`
	GOOS      string  `json:"goos"`
	GOARCH    string  `json:"goarch"`
}

func describeMachine() machine {
	m := machine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			m.MemoryMB = kb >> 10
		}
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		_, _ = fmt.Sscanf(string(b), "%f", &m.Load1)
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	return m
}

func gitCommit(root string) (string, bool) {
	out, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output() // #nosec G204 -- bench tool: runs git on the repository, no shell
	if err != nil {
		return "unknown", false
	}
	st, _ := exec.Command("git", "-C", root, "status", "--porcelain", "--untracked-files=no").Output() // #nosec G204 -- bench tool: runs git on the repository, no shell
	return strings.TrimSpace(string(out)), len(strings.TrimSpace(string(st))) > 0
}

func writeResults(path string, r results) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644) // #nosec G306 -- bench figures are a report for people to read
}
