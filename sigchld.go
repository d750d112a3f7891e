package seize

import (
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Every ptrace stop notifies the tracer's process with SIGCHLD
// (do_notify_parent_cldstop), unless the process ignores SIGCHLD or its
// handler has SA_NOCLDSTOP. Go installs a handler for every signal, so
// without the flag each stop costs the tracer thread a signal frame, the
// runtime's handler (which ignores SIGCHLD unless os/signal asked for it)
// and rt_sigreturn: about 2.5 µs of the ~5 µs a stop costs when tracer
// and tracee share a CPU. The wake-up of wait4 does not depend on the
// signal (__wake_up_parent runs either way), and exits still send it.
//
// The flag is set on the handler in place, keeping the runtime's handler,
// mask and other flags. Its only visible effect on the rest of the
// program: a goroutine that asked os/signal for SIGCHLD is no longer told
// when one of its own children stops or continues, only when one exits.
var noCldStopOnce sync.Once

// sigaction is the kernel's struct sigaction on 64-bit Linux with
// sa_restorer (amd64, arm64); sa_flags is the second word.
type sigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

const saNoCldStop = 0x1 // SA_NOCLDSTOP

// setNoCldStop adds SA_NOCLDSTOP to the process's SIGCHLD action, once.
// It does nothing when SIGCHLD is ignored or default (then no signal is
// sent anyway) or when the action cannot be read.
func setNoCldStop() {
	noCldStopOnce.Do(func() {
		var sa sigaction
		if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGCHLD), 0, uintptr(unsafe.Pointer(&sa)), 8, 0, 0); e != 0 {
			return
		}
		if sa.handler <= 1 || sa.flags&saNoCldStop != 0 { // SIG_DFL, SIG_IGN
			return
		}
		sa.flags |= saNoCldStop
		unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGCHLD), uintptr(unsafe.Pointer(&sa)), 0, 8, 0, 0)
	})
}
