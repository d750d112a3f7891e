// Package wake interrupts a thread blocked in wait4(2).
//
// The tracer thread sleeps in wait4 until a tracee changes state. Requests
// from other goroutines (interrupt, detach, shutdown) must be carried out on
// that thread (ptrace requests are only accepted from the thread that
// attached), so it has to be woken. Go installs every signal handler with
// SA_RESTART, which makes the kernel restart wait4 instead of returning
// EINTR. This package installs, for one real-time signal, a handler that
// does nothing and lacks SA_RESTART; a tgkill of that signal then makes
// wait4 fail with EINTR. The tracees never see anything.
package wake

import (
	"fmt"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Signal is the signal used for wake-ups: SIGRTMAX-1. glibc and cgo use
// the lowest real-time signals; Go's runtime does not use this one.
const Signal = syscall.Signal(63)

var (
	once       sync.Once
	installErr error
)

type sigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

const (
	saOnStack  = 0x08000000
	saRestorer = 0x04000000
)

func handlerAddr() uintptr
func restorerAddr() uintptr

// Install sets the no-op handler once per process. It is idempotent.
func Install() error {
	once.Do(func() {
		sa := sigaction{handler: handlerAddr(), flags: saOnStack}
		if r := restorerAddr(); r != 0 {
			sa.restorer = r
			sa.flags |= saRestorer
		}
		// Block nothing extra while the handler runs.
		_, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(Signal), uintptr(unsafe.Pointer(&sa)), 0, 8, 0, 0)
		if e != 0 {
			installErr = fmt.Errorf("install wake-up handler for signal %d: %w", Signal, e)
		}
	})
	return installErr
}

// Thread interrupts the thread tid of this process if it is blocked in a
// restartable syscall such as wait4.
func Thread(tid int) error {
	return unix.Tgkill(unix.Getpid(), tid, Signal)
}
