//go:build !linux

package supervisor

import "syscall"

// procAttr puts the child in its own process group, so a Ctrl-C in the
// terminal reaches only the router, which then stops children in order.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
