package supervisor

import "syscall"

// procAttr puts the child in its own process group, so a Ctrl-C in the
// terminal reaches only the router (which then stops children in order),
// and has the kernel SIGTERM it if the router itself dies.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
