package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// procTree is the processes of the machine by parent, read once from /proc.
type procTree map[int][]procInfo

type procInfo struct {
	pid  int
	comm string
}

func readProcTree() procTree {
	t := procTree{}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "stat")) // #nosec G304 -- bench tool: a /proc file
		if err != nil {
			continue
		}
		s := string(b)
		open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || closing < open {
			continue
		}
		fields := strings.Fields(s[closing+1:])
		if len(fields) < 2 {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(d))
		ppid, _ := strconv.Atoi(fields[1])
		t[ppid] = append(t[ppid], procInfo{pid: pid, comm: s[open+1 : closing]})
	}
	return t
}

// backendPIDs are the PostgreSQL and Redis servers this bench started (its
// children) and PostgreSQL's backends (their children): the processes a
// request costs besides the router and the function. Other jobs' servers
// on the same machine are not its children and are left out.
func backendPIDs() []int {
	t := readProcTree()
	var pids []int
	var walk func(pid int)
	walk = func(pid int) {
		pids = append(pids, pid)
		for _, c := range t[pid] {
			walk(c.pid)
		}
	}
	for _, c := range t[os.Getpid()] {
		if c.comm == "postgres" || c.comm == "redis-server" {
			walk(c.pid)
		}
	}
	return pids
}

// cpuOf is the CPU time pids have used so far.
func cpuOf(pids []int) time.Duration {
	var d time.Duration
	for _, p := range pids {
		d += cpuTime(p)
	}
	return d
}

// cpuMeter reports CPU used by the function and by PostgreSQL and Redis
// between its start and stop: what one request costs on each side, the
// figure that moves least with the neighbours on a shared machine.
type cpuMeter struct {
	fnPID            int
	backend          []int
	fn0, be0, fn, be time.Duration
}

func startCPUMeter(fnPID int) *cpuMeter {
	m := &cpuMeter{fnPID: fnPID, backend: backendPIDs()}
	m.fn0, m.be0 = cpuTime(fnPID), cpuOf(m.backend)
	return m
}

func (m *cpuMeter) stop() {
	m.fn, m.be = cpuTime(m.fnPID)-m.fn0, cpuOf(m.backend)-m.be0
}

// perRequest returns the function's and the backends' CPU per request.
func (m *cpuMeter) perRequest(requests int) (fn, backend time.Duration) {
	if requests == 0 {
		return 0, 0
	}
	return m.fn / time.Duration(requests), m.be / time.Duration(requests)
}

// profileFunction records function fn's CPU profile during 6 s of load on
// rq and its allocation profile after, into dir as <fn>-cpu.pprof and
// <fn>-allocs.pprof, from the profiler the function serves on its Unix
// socket in sockDir (FUNCTION_PPROF_DIR).
func profileFunction(ctx context.Context, sockDir, fn, dir string, t target, rq request) error {
	if err := os.MkdirAll(dir, 0o755); err != nil { // #nosec G301 -- bench output for people to read
		return err
	}
	c := pprofClient(sockDir, fn)
	done := make(chan run, 1)
	go func() { done <- load(ctx, t, rq, 16, 7*time.Second, 2_000_000) }()
	cpu := fetchWith(ctx, c, "http://fn/debug/pprof/profile?seconds=5", filepath.Join(dir, fn+"-cpu.pprof"))
	<-done
	allocs := fetchWith(ctx, c, "http://fn/debug/pprof/allocs", filepath.Join(dir, fn+"-allocs.pprof"))
	return errors.Join(cpu, allocs)
}

// pprofClient reaches function fn's profiler, served on its Unix socket in
// sockDir (bootstrap.EnvPprofDir); any host in the URL will do.
func pprofClient(sockDir, fn string) *http.Client {
	sock := filepath.Join(sockDir, fn+".sock")
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", sock)
	}}}
}
