package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// rss is the resident set size of pid in bytes.
func rss(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("pid %d: no VmRSS", pid)
}

// settledRSS is the summed RSS of pids once it stops moving (polled: a
// process's memory has no event to wait for).
func settledRSS(pids ...int) (int64, error) {
	sum := func() (int64, error) {
		var total int64
		for _, pid := range pids {
			n, err := rss(pid)
			if err != nil {
				return 0, err
			}
			total += n
		}
		return total, nil
	}
	prev, err := sum()
	if err != nil {
		return 0, err
	}
	for range 25 {
		time.Sleep(200 * time.Millisecond)
		cur, err := sum()
		if err != nil {
			return 0, err
		}
		if cur == prev {
			return cur, nil
		}
		prev = cur
	}
	return prev, nil
}

// childPID finds the child of parent whose command name is name (a
// function the router runs).
func childPID(parent int, name string) (int, error) {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "stat")) // #nosec G304 -- bench tool: a /proc file of a process it started
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		s := string(b)
		open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || closing < open {
			continue
		}
		fields := strings.Fields(s[closing+1:])
		if len(fields) < 2 || s[open+1:closing] != name {
			continue
		}
		if ppid, _ := strconv.Atoi(fields[1]); ppid == parent {
			return strconv.Atoi(filepath.Base(d))
		}
	}
	return 0, fmt.Errorf("no child %q of %d", name, parent)
}

// raiseFileLimit lifts RLIMIT_NOFILE (soft and hard) to n so that this
// process and the router and functions it starts, which inherit it, can
// hold tens of thousands of connections. Where the hard limit cannot be
// raised (a container without the privilege), it takes the hard limit and
// returns it with the error.
func raiseFileLimit(n uint64) (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	if lim.Max >= n && lim.Cur >= n {
		return n, nil
	}
	want := syscall.Rlimit{Cur: n, Max: max(n, lim.Max)}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want); err != nil {
		lim.Cur = lim.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
		return lim.Max, fmt.Errorf("RLIMIT_NOFILE stays at %d: %w", lim.Max, err)
	}
	return n, nil
}

// cpuTime is the user+system CPU time pid has used (clock ticks of 10 ms).
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0
	}
	// utime and stime are fields 14 and 15 of stat, 12 and 13 after comm.
	ut, _ := strconv.ParseInt(fields[11], 10, 64)
	st, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}
