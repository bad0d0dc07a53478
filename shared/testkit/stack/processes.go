package stack

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// FunctionPID returns the pid of the running process of function name,
// a child of the stack's router (Linux: read from /proc).
func (s *Stack) FunctionPID(name string) (int, error) {
	bin, err := filepath.Abs(filepath.Join(s.functionsDir, name))
	if err != nil {
		return 0, err
	}
	parent := fmt.Sprintf("\nPPid:\t%d\n", s.router.Process.Pid)
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil || !strings.Contains(string(status), parent) {
			continue
		}
		if exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); exe == bin {
			return pid, nil
		}
	}
	return 0, fmt.Errorf("stack: no process of function %s", name)
}

// KillFunction kills function name's process with SIGKILL, as a crash
// would; the router restarts it.
func (s *Stack) KillFunction(name string) error {
	pid, err := s.FunctionPID(name)
	if err != nil {
		return err
	}
	return syscall.Kill(pid, syscall.SIGKILL)
}
