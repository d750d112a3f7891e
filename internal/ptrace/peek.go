package ptrace

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Peeking waits.
//
// wait4 clears a reported stop's exit code (wait_task_stopped), and for a
// signal-delivery-stop that exit code is the signal: a tracer that dies
// between collecting such a stop and restarting the task (a SIGKILL) makes
// the signal vanish. A stop reported with WNOWAIT keeps its exit code
// until PTRACE_CONT, PTRACE_SYSCALL or PTRACE_DETACH replace it
// (ptrace_resume sets it under siglock, expecting a stop that was never
// reported), so if the tracer dies first, the kernel's exit_ptrace wakes
// the task with its signal still there. The engine therefore peeks at
// stops and consumes (Consume) only those it leaves stopped, which would
// otherwise be reported again. Exits are reaped at once.

// childInfo is the SIGCHLD layout of siginfo_t that waitid fills.
type childInfo struct {
	signo, errno, code int32
	_                  int32
	pid                int32
	uid                uint32
	status             int32
	_                  [100]byte
}

const (
	cldExited  = 1
	cldKilled  = 2
	cldDumped  = 3
	cldTrapped = 4
	cldStopped = 5
	wNoWait    = 0x01000000
	wExited    = 0x00000004
	pAll       = 0
	pPid       = 1
)

// Peek waits for a stop or exit of pid (-1: any) like Wait4 with flags,
// but leaves a stop to be reported again (WNOWAIT). An exit is reaped and
// returned with its wait4 status. block=false polls (WNOHANG) without
// entering the Go scheduler.
func Peek(pid, flags int, block bool) (int, Status, error) {
	var ci childInfo
	idtype, id := uintptr(pAll), uintptr(0)
	if pid > 0 {
		idtype, id = pPid, uintptr(pid)
	}
	fl := uintptr(flags | wExited | wNoWait)
	var e unix.Errno
	if block {
		_, _, e = unix.Syscall6(unix.SYS_WAITID, idtype, id, uintptr(unsafe.Pointer(&ci)), fl, 0, 0)
	} else {
		_, _, e = unix.RawSyscall6(unix.SYS_WAITID, idtype, id, uintptr(unsafe.Pointer(&ci)), fl|WNOHANG, 0, 0)
	}
	if e != 0 {
		return -1, 0, e
	}
	if ci.pid == 0 {
		return 0, 0, nil
	}
	switch ci.code {
	case cldTrapped, cldStopped:
		// For a ptrace stop the status is the whole exit code: the
		// PTRACE_EVENT_* in its second byte, as wait4 shows it.
		return int(ci.pid), Status(uint32(ci.status)<<8 | 0x7f), nil
	case cldExited, cldKilled, cldDumped:
		p, st, err := PollPid(int(ci.pid), flags)
		if err == nil && p > 0 {
			return p, st, nil
		}
		switch ci.code {
		case cldExited:
			return int(ci.pid), Status(uint32(ci.status&0xff) << 8), nil
		case cldDumped:
			return int(ci.pid), Status(uint32(ci.status&0x7f) | 0x80), nil
		}
		return int(ci.pid), Status(uint32(ci.status & 0x7f)), nil
	}
	// CLD_CONTINUED is never asked for.
	return 0, 0, nil
}

// Consume clears a stop of tid already reported by Peek, so that it is
// not reported again while the task stays stopped.
func Consume(tid, flags int) {
	PollPid(tid, flags)
}
