// Package ptrace is the thin layer over the kernel's ptrace(2) and wait4(2):
// raw requests, the syscall-info and siginfo structures, and wait-status
// decoding. It has no policy and starts no goroutines; every request must be
// made from the OS thread that attached the tracee (the kernel checks
// child->parent == current in ptrace_check_attach).
package ptrace

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Options set on every tracee. TRACESYSGOOD marks syscall stops with
// SIGTRAP|0x80; EXITKILL is added only for programs the tracer started.
const (
	OptSysGood   = unix.PTRACE_O_TRACESYSGOOD
	OptFork      = unix.PTRACE_O_TRACEFORK
	OptVfork     = unix.PTRACE_O_TRACEVFORK
	OptClone     = unix.PTRACE_O_TRACECLONE
	OptExec      = unix.PTRACE_O_TRACEEXEC
	OptVforkDone = unix.PTRACE_O_TRACEVFORKDONE
	OptExit      = unix.PTRACE_O_TRACEEXIT
	OptSeccomp   = unix.PTRACE_O_TRACESECCOMP
	OptExitKill  = unix.PTRACE_O_EXITKILL
)

// Events reported in bits 16..23 of a wait status.
const (
	EventFork      = unix.PTRACE_EVENT_FORK
	EventVfork     = unix.PTRACE_EVENT_VFORK
	EventClone     = unix.PTRACE_EVENT_CLONE
	EventExec      = unix.PTRACE_EVENT_EXEC
	EventVforkDone = unix.PTRACE_EVENT_VFORK_DONE
	EventExit      = unix.PTRACE_EVENT_EXIT
	EventSeccomp   = unix.PTRACE_EVENT_SECCOMP
	EventStop      = unix.PTRACE_EVENT_STOP
)

func ptrace(req int, tid int, addr, data uintptr) error {
	_, _, e := unix.RawSyscall6(unix.SYS_PTRACE, uintptr(req), uintptr(tid), addr, data, 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// Seize attaches to tid with PTRACE_SEIZE and sets opts in the same call
// (S1): the tracee is not stopped and receives no signal.
//
// Unlike the other requests it goes through the Go scheduler (Syscall,
// not RawSyscall): it can block for as long as the target is in execve
// (ptrace_attach waits for cred_guard_mutex, S22), and a thread blocked
// in a raw system call keeps its P, so that the runtime's next
// stop-the-world, and with it every goroutine of the process, would wait
// for the execve too.
func Seize(tid int, opts int) error {
	_, _, e := unix.Syscall6(unix.SYS_PTRACE, unix.PTRACE_SEIZE, uintptr(tid), 0, uintptr(opts), 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// Interrupt asks a seized tracee to stop (S2). The next stop of any kind
// acknowledges it (S3).
func Interrupt(tid int) error { return ptrace(unix.PTRACE_INTERRUPT, tid, 0, 0) }

// Listen restarts a tracee in group-stop without letting it run (S6): it
// stays stopped for the real parent and traps again on SIGCONT.
func Listen(tid int) error { return ptrace(unix.PTRACE_LISTEN, tid, 0, 0) }

// Cont restarts the tracee, delivering sig (0 for none).
func Cont(tid int, sig int) error { return ptrace(unix.PTRACE_CONT, tid, 0, uintptr(sig)) }

// Syscall restarts the tracee until the next syscall entry or exit,
// delivering sig (0 for none).
func Syscall(tid int, sig int) error { return ptrace(unix.PTRACE_SYSCALL, tid, 0, uintptr(sig)) }

// Detach releases the tracee, delivering sig (0 for none). The tracee must
// be in a ptrace stop that is not a LISTEN (S13).
func Detach(tid int, sig int) error { return ptrace(unix.PTRACE_DETACH, tid, 0, uintptr(sig)) }

// SetOptions replaces the tracee's options.
func SetOptions(tid int, opts int) error {
	return ptrace(unix.PTRACE_SETOPTIONS, tid, 0, uintptr(opts))
}

// TraceMe is not used: it gives PTRACE_ATTACH semantics (no INTERRUPT or
// LISTEN). It is listed here only so that nobody adds it.

// GetEventMsg returns the message of the last PTRACE_EVENT stop: the new
// tid for fork/clone, the old tid for exec (S17), the exit status for exit.
func GetEventMsg(tid int) (uint64, error) {
	var msg uint64
	err := ptrace(unix.PTRACE_GETEVENTMSG, tid, 0, uintptr(unsafe.Pointer(&msg)))
	return msg, err
}

// SigInfo is the kernel's siginfo_t (128 bytes) with accessors for the
// fields seize reports.
type SigInfo struct {
	Signo int32 // si_signo
	Errno int32 // si_errno
	Code  int32 // si_code: who sent it (SI_USER, SI_KERNEL...) or why
	_     int32
	// Fields is the union that follows; its layout depends on Signo/Code.
	Fields [112]byte
}

// GetSigInfo returns the siginfo of the signal that caused the current
// stop. It fails with EINVAL at a group-stop.
func GetSigInfo(tid int, si *SigInfo) error {
	return ptrace(unix.PTRACE_GETSIGINFO, tid, 0, uintptr(unsafe.Pointer(si)))
}

// SetSigInfo replaces the siginfo of the signal about to be delivered.
func SetSigInfo(tid int, si *SigInfo) error {
	return ptrace(unix.PTRACE_SETSIGINFO, tid, 0, uintptr(unsafe.Pointer(si)))
}

// GetSigMask returns the tracee's blocked-signal mask.
func GetSigMask(tid int) (uint64, error) {
	var m uint64
	err := ptrace(unix.PTRACE_GETSIGMASK, tid, 8, uintptr(unsafe.Pointer(&m)))
	return m, err
}

// SetSigMask replaces the tracee's blocked-signal mask.
func SetSigMask(tid int, m uint64) error {
	return ptrace(unix.PTRACE_SETSIGMASK, tid, 8, uintptr(unsafe.Pointer(&m)))
}

// Pid returns si_pid for signals sent by a process (SI_USER, SI_QUEUE,
// SI_TKILL and SIGCHLD).
func (si *SigInfo) Pid() int32 { return *(*int32)(unsafe.Pointer(&si.Fields[0])) }

// UID returns si_uid, valid where Pid is.
func (si *SigInfo) UID() uint32 { return *(*uint32)(unsafe.Pointer(&si.Fields[4])) }

// Status returns si_status for SIGCHLD.
func (si *SigInfo) Status() int32 { return *(*int32)(unsafe.Pointer(&si.Fields[8])) }

// Addr returns si_addr for fault signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE,
// SIGTRAP).
func (si *SigInfo) Addr() uint64 { return *(*uint64)(unsafe.Pointer(&si.Fields[0])) }

// Value returns si_value (sival_int/sival_ptr) for SI_QUEUE and timers.
func (si *SigInfo) Value() uint64 { return *(*uint64)(unsafe.Pointer(&si.Fields[8])) }

// Syscall-info ops (S16).
const (
	InfoNone    = 0
	InfoEntry   = 1
	InfoExit    = 2
	InfoSeccomp = 3
)

// SyscallInfo mirrors struct ptrace_syscall_info (S16). It is not in
// x/sys/unix: op u8, pad u8, flags u16, arch u32, ip u64, sp u64, then the
// union at offset 24.
type SyscallInfo struct {
	Op    uint8 // InfoEntry, InfoExit, InfoSeccomp, or 0 (not a syscall stop)
	_     uint8
	Flags uint16 // reserved by the kernel
	Arch  uint32 // AUDIT_ARCH_* of the call
	IP    uint64 // instruction pointer
	SP    uint64 // stack pointer
	// Nr and Args are valid at entry and seccomp stops. At an exit stop the
	// first eight bytes of Nr hold rval and the first byte of Args[0] holds
	// is_error; use Rval and IsError.
	Nr      uint64
	Args    [6]uint64
	RetData uint32
	_       uint32
}

// Rval is the return value at an exit stop.
func (s *SyscallInfo) Rval() int64 { return int64(s.Nr) }

// IsError reports whether the exit-stop return value is an error.
func (s *SyscallInfo) IsError() bool { return uint8(s.Args[0]) != 0 }

// GetSyscallInfo fills si at a syscall, seccomp or other stop.
func GetSyscallInfo(tid int, si *SyscallInfo) error {
	return ptrace(unix.PTRACE_GET_SYSCALL_INFO, tid, unsafe.Sizeof(*si), uintptr(unsafe.Pointer(si)))
}

// Status is a raw wait status with the ptrace-aware decoding that Go's
// syscall.WaitStatus lacks (its TrapCause returns -1 for group-stops, S20).
type Status uint32

// Exited reports a normal exit.
func (s Status) Exited() bool { return s&0x7f == 0 }

// ExitCode is the exit code of an exited task.
func (s Status) ExitCode() int { return int(s>>8) & 0xff }

// Signaled reports death by a signal.
func (s Status) Signaled() bool { return s&0x7f != 0x7f && s&0x7f != 0 }

// TermSig is the fatal signal of a signaled task.
func (s Status) TermSig() syscall.Signal { return syscall.Signal(s & 0x7f) }

// CoreDump reports whether a signaled task dumped core.
func (s Status) CoreDump() bool { return s.Signaled() && s&0x80 != 0 }

// Stopped reports a stop of any kind.
func (s Status) Stopped() bool { return s&0xff == 0x7f }

// StopSig is (status>>8)&0xff: SIGTRAP|0x80 for syscall stops.
func (s Status) StopSig() int { return int(s>>8) & 0xff }

// Event is status>>16, the PTRACE_EVENT_* of an event stop, or 0.
func (s Status) Event() int { return int(s >> 16) }

// Continued reports WIFCONTINUED; seize never asks for it (S11).
func (s Status) Continued() bool { return s == 0xffff }

// Wait flags.
const (
	WALL      = unix.WALL
	WNOHANG   = unix.WNOHANG
	WNOTHREAD = 0x20000000 // __WNOTHREAD: only this thread's children and tracees
	WUNTRACED = unix.WUNTRACED
)

// Wait4 waits for pid (-1: any) with flags. It may block, so it goes
// through the Go scheduler (Syscall, not RawSyscall).
func Wait4(pid int, flags int) (int, Status, error) {
	var st Status
	r, _, e := unix.Syscall6(unix.SYS_WAIT4, uintptr(pid), uintptr(unsafe.Pointer(&st)), uintptr(flags), 0, 0, 0)
	if e != 0 {
		return -1, 0, e
	}
	return int(r), st, nil
}

// Poll is Wait4 with WNOHANG, without entering the scheduler: the hot path
// polls before it blocks (SPEC §6).
func Poll(flags int) (int, Status, error) {
	var st Status
	r, _, e := unix.RawSyscall6(unix.SYS_WAIT4, ^uintptr(0), uintptr(unsafe.Pointer(&st)), uintptr(flags|WNOHANG), 0, 0, 0)
	if e != 0 {
		return -1, 0, e
	}
	return int(r), st, nil
}

// PollPid is Poll for one pid or tid. The kernel answers it without
// walking the caller's tracees (do_wait_pid, Linux 5.13), where Poll costs
// a walk of all of them: with 10,000 tracees, ~80 µs.
func PollPid(pid, flags int) (int, Status, error) {
	var st Status
	r, _, e := unix.RawSyscall6(unix.SYS_WAIT4, uintptr(pid), uintptr(unsafe.Pointer(&st)), uintptr(flags|WNOHANG), 0, 0, 0)
	if e != 0 {
		return -1, 0, e
	}
	return int(r), st, nil
}

// Tgkill sends sig to one thread.
func Tgkill(tgid, tid int, sig syscall.Signal) error { return unix.Tgkill(tgid, tid, sig) }

// PeekSigInfo copies up to len(buf) pending signals of the tracee without
// dequeuing them: from the thread's own queue, or from the process-wide
// one when shared. It returns how many it copied.
func PeekSigInfo(tid int, shared bool, buf []SigInfo) (int, error) {
	if len(buf) == 0 {
		return 0, nil
	}
	args := struct {
		Off   uint64
		Flags uint32
		Nr    int32
	}{Nr: int32(len(buf))}
	if shared {
		args.Flags = 1 // PTRACE_PEEKSIGINFO_SHARED
	}
	r, _, e := unix.RawSyscall6(unix.SYS_PTRACE, unix.PTRACE_PEEKSIGINFO, uintptr(tid),
		uintptr(unsafe.Pointer(&args)), uintptr(unsafe.Pointer(&buf[0])), 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// WriteMemory writes buf into the tracee at addr (process_vm_writev).
func WriteMemory(tid int, addr uint64, buf []byte) error {
	if len(buf) == 0 {
		return nil
	}
	local := []unix.Iovec{{Base: &buf[0], Len: uint64(len(buf))}}
	remote := []unix.RemoteIovec{{Base: uintptr(addr), Len: len(buf)}}
	n, err := unix.ProcessVMWritev(tid, local, remote, 0)
	if err != nil {
		return err
	}
	if n != len(buf) {
		return unix.EFAULT
	}
	return nil
}
