package seize

import (
	"encoding/binary"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"github.com/seize-dev/seize/internal/ptrace"
	"github.com/seize-dev/seize/sysabi"
	"golang.org/x/sys/unix"
)

// S21: interrupts that stop only in user space.
//
// PTRACE_INTERRUPT (and so attach and Detach, which interrupt) wakes a task
// blocked in a system call. Most calls then restart transparently
// (-ERESTART*), but some return -EINTR to the program: epoll_wait,
// epoll_pwait(2), rt_sigtimedwait, semtimedop, and receives on a socket
// with SO_RCVTIMEO, the calls signal(7) lists as failing with EINTR after
// a stop. Tracing causes the same for signals the program ignores: the
// kernel queues them for a tracee (sig_ignored() keeps them for the
// tracer) and they wake its calls, where untraced they are dropped.
//
// At the stop that follows such an -EINTR, when no signal is pending that
// would have interrupted the call untraced, the engine rewinds the call,
// as the kernel does for -ERESTARTNOINTR, so that the program never sees
// the EINTR. Where the call has a relative timeout the engine shortens
// it by the time already spent, so that the call returns no earlier than
// untraced and at most a millisecond or so later; the changed argument
// register is put back when the restarted call returns.
//
// EINTR after a real job-control stop is kept: untraced programs see it
// too (signal(7)).

// timeoutArg says where a call keeps its relative timeout and what it
// returns when the timeout has run out.
type timeoutArg struct {
	arg      int
	timespec bool  // a struct timespec pointer, else an int of ms
	expired  int64 // the return value at expiry
}

var timeoutArgs = map[string]timeoutArg{
	"epoll_wait":      {arg: 3},
	"epoll_pwait":     {arg: 3},
	"epoll_pwait2":    {arg: 3, timespec: true},
	"rt_sigtimedwait": {arg: 2, timespec: true, expired: -int64(syscall.EAGAIN)},
	"semtimedop":      {arg: 3, timespec: true, expired: -int64(syscall.EAGAIN)},
}

// margin is how much the elapsed time is rounded down by: the engine
// measures from the entry stop, a little before the call really starts.
const margin = 200 * time.Microsecond

const eintr = -int64(syscall.EINTR)

// interrupt sends PTRACE_INTERRUPT. For a task asleep (state, from
// /proc/TID/stat; 0 to read it), it first notes the scheduler's record of
// when the task went to sleep: the interrupt wakes it, after which the
// record no longer tells (elapsedInCall, sleepclock.go).
func (tr *Tracer) interrupt(t *Task, state byte) error {
	if state == 0 && !tr.opts.KeepEINTR {
		state, _, _, _ = procStat(t.tid)
	}
	var rec sleepRecord
	if state == 'S' && !tr.opts.KeepEINTR && !t.restartedCall {
		rec = readSleep(t.tid)
	}
	return tr.interruptNoted(t, state, rec)
}

// interruptNoted is interrupt with the task's state and sleep record
// already read.
func (tr *Tracer) interruptNoted(t *Task, state byte, rec sleepRecord) error {
	// A task already in a ptrace stop that the tracer has not collected
	// answers with that stop and traps again later (a late EVENT_STOP);
	// meanwhile the pending trap can wake a call with EINTR. A release
	// waits for that trap (releaseDone).
	t.lateTrap, t.lateSeen = state == 't', false
	if !tr.opts.KeepEINTR && !t.restartedCall {
		// A call this tracer restarted keeps the start noted for the
		// original one: its timeout is shortened from there.
		t.callStart = 0
		t.sleep = rec
	}
	t.interrupting = true
	return tr.k.Interrupt(t.tid)
}

// procBufSize holds a /proc/TID/stat or /proc/TID/sched record (about
// 2 KiB).
const procBufSize = 8192

// lastCPU is the CPU the task last ran on (field 39 of its stat). It reads
// /proc/TID/task/TID/stat: /proc/TID/stat sums over the whole thread group
// (see procStat), 640 µs instead of 17 µs in a process of 10,000 threads.
func lastCPU(tid int) int {
	var buf [2048]byte
	t := strconv.Itoa(tid)
	b, err := readProc(unix.AT_FDCWD, "/proc/"+t+"/task/"+t+"/stat", buf[:])
	if err != nil {
		return -1
	}
	if _, cpu, ok := statFields(b); ok {
		return cpu
	}
	return -1
}

// restartKind is what restartSyscall did.
type restartKind uint8

const (
	notRestarted restartKind = iota
	restarted                // rewound: the call runs again
	expired                  // the timeout had run out: the call returns its expiry value
)

// restartSyscall rewinds the task's interrupted call if its -EINTR is the
// tracer's doing. sig is the signal being delivered at this stop, or 0.
// At a Detach the shortened timeout argument cannot be put back when the
// call returns: the register keeps the remaining time (C library wrappers
// do not read argument registers back; the ABI lets the callee clobber
// them).
func (tr *Tracer) restartSyscall(t *Task, arch uint32, sig int) restartKind {
	if tr.opts.KeepEINTR {
		return notRestarted
	}
	var regs ptrace.Regs
	if tr.k.GetRegs(t.tid, &regs) != nil {
		return notRestarted
	}
	nr := regs.Nr()
	if nr < 0 || regs.Ret() != eintr || !tracingEINTR(t.tid, sig) {
		return notRestarted
	}
	compat := sysabi.Arch(arch) == sysabi.ArchI386
	arg0 := t.args[0]
	if !t.inSyscall || t.nr != uint64(nr) {
		// The entry was not seen: the kernel keeps the first argument
		// (orig_x0 on arm64) and shows it in /proc/TID/syscall.
		arg0 = syscallArg0(t.tid)
		t.args = [6]uint64{arg0}
	}
	name := sysabi.SyscallName(sysabi.Arch(arch), uint64(nr))
	el := tr.elapsedInCall(t, sig)
	kind := notRestarted
	var spec timeoutArg
	switch {
	case compat:
	case name == "read" || name == "recvfrom" || name == "recvmsg":
		// -EINTR from a receive means SO_RCVTIMEO is set (sock_intr_errno).
		spec = timeoutArg{expired: -int64(syscall.EAGAIN)}
		kind = tr.shortenSockTimeout(t, int(int32(arg0)), el)
	default:
		var ok bool
		if spec, ok = timeoutArgs[name]; ok {
			kind = tr.shortenTimeout(t, &regs, spec, el)
		}
	}
	if kind == expired {
		regs.SetRet(spec.expired)
		if tr.k.SetRegs(t.tid, &regs) != nil {
			return notRestarted
		}
		return expired
	}
	regs.Rewind(arg0)
	if tr.k.SetRegs(t.tid, &regs) != nil {
		t.fix.active = false
		return notRestarted
	}
	t.restarting = true
	t.restartedCall = true
	t.nr = uint64(nr)
	t.inSyscall = true
	// Stop at the call's exit: to put a changed argument back, and to
	// know when the restarted call is over.
	t.forceSyscall = true
	return restarted
}

// shortenTimeout sets the timeout argument of the call to what is left
// of it after el, remembering the original to put back.
func (tr *Tracer) shortenTimeout(t *Task, regs *ptrace.Regs, spec timeoutArg, el time.Duration) restartKind {
	el -= margin
	if el < 0 {
		el = 0
	}
	fix := t.fix
	if !fix.active {
		// The first restart of this call: note what the program asked.
		fix = argFix{active: true, arg: spec.arg, val: regs.Arg(spec.arg, false)}
		switch {
		case !spec.timespec:
			ms := int32(fix.val)
			if ms <= 0 {
				return notRestarted // infinite, or did not block
			}
			fix.timeout = time.Duration(ms) * time.Millisecond
		case fix.val == 0:
			return notRestarted // no timeout
		default:
			var ts [16]byte
			if n, _ := t.ReadMemory(fix.val, ts[:]); n != len(ts) {
				return notRestarted
			}
			fix.timeout = time.Duration(int64(binary.LittleEndian.Uint64(ts[:8])))*time.Second + time.Duration(int64(binary.LittleEndian.Uint64(ts[8:])))
		}
	}
	left := fix.timeout - el
	if left <= 0 {
		return expired
	}
	if !spec.timespec {
		// Round up: the call must not return early.
		regs.SetArg(spec.arg, false, uint64((left+time.Millisecond-1)/time.Millisecond))
		t.fix = fix
		return restarted
	}
	var ts [16]byte
	binary.LittleEndian.PutUint64(ts[:8], uint64(left/time.Second))
	binary.LittleEndian.PutUint64(ts[8:], uint64(left%time.Second))
	// A scratch timespec below the stack's red zone, where a signal frame
	// could go too: the kernel copies it in when the call starts.
	scratch := (regs.SP() - 1024) &^ 15
	if ptrace.WriteMemory(t.tid, scratch, ts[:]) != nil {
		return notRestarted
	}
	regs.SetArg(spec.arg, false, scratch)
	t.fix = fix
	return restarted
}

// shortenSockTimeout sets the socket's SO_RCVTIMEO to what is left after
// el, through a duplicate of the tracee's descriptor. The kernel reads the
// timeout once, when the receive starts (sock_rcvtimeo), so restoreSock
// puts the original back as soon as the restarted call is asleep.
func (tr *Tracer) shortenSockTimeout(t *Task, fd int, el time.Duration) restartKind {
	pidfd, err := unix.PidfdOpen(t.pid, 0)
	if err != nil {
		return notRestarted
	}
	dup, err := unix.PidfdGetfd(pidfd, fd, 0)
	unix.Close(pidfd)
	if err != nil {
		return notRestarted
	}
	tv, err := unix.GetsockoptTimeval(dup, unix.SOL_SOCKET, unix.SO_RCVTIMEO)
	if err != nil || (tv.Sec == 0 && tv.Usec == 0) {
		unix.Close(dup)
		return notRestarted
	}
	el -= margin
	if el < 0 {
		el = 0
	}
	left := time.Duration(tv.Sec)*time.Second + time.Duration(tv.Usec)*time.Microsecond - el
	if left <= 0 {
		unix.Close(dup)
		return expired
	}
	ntv := unix.NsecToTimeval(int64(left))
	if ntv.Sec == 0 && ntv.Usec == 0 {
		ntv.Usec = 1
	}
	if unix.SetsockoptTimeval(dup, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &ntv) != nil {
		unix.Close(dup)
		return notRestarted
	}
	t.sock.fd = dup
	*(*unix.Timeval)(unsafe.Pointer(&t.sock.orig)) = *tv
	return restarted
}

// restoreSock puts a shortened SO_RCVTIMEO back once the task, restarted
// or detached, is asleep in its receive again (bounded: 20ms).
func restoreSock(t *Task) {
	if t.sock.fd <= 0 {
		return
	}
	for i := 0; i < 200; i++ {
		if st, _, _, err := procStat(t.tid); err != nil || st != 'R' {
			break
		}
		time.Sleep(100 * time.Microsecond)
	}
	dropSock(t)
}

// refreshTimeout brings the timeout of a rewound call up to date as the
// task is let go (restart, detach). restartSyscall shortened it at the
// stop; a task held there (Interrupt, seize snapshot) spends time that
// its call would have spent asleep, and without this the call would
// return that much late. As for the calls that the kernel resumes with
// their deadline (restart_syscall), the time held counts: a timeout that
// ran out meanwhile becomes zero, and the call returns at once what it
// returns at its expiry. Only for a call rewound at this stop and not yet
// entered again.
func (tr *Tracer) refreshTimeout(t *Task) {
	el := max(tr.elapsedInCall(t, 0)-margin, 0)
	if t.sock.fd > 0 {
		// The socket's timeout, shortened through our duplicate of the
		// descriptor (shortenSockTimeout); 0 would mean none: 1 µs is
		// the least.
		orig := *(*unix.Timeval)(unsafe.Pointer(&t.sock.orig))
		left := max(time.Duration(orig.Nano())-el, time.Microsecond)
		ntv := unix.NsecToTimeval(int64(left))
		unix.SetsockoptTimeval(t.sock.fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &ntv)
	}
	if !t.fix.active {
		return
	}
	spec, ok := timeoutArgs[sysabi.SyscallName(sysabi.Arch(tr.archOf(t)), t.nr)]
	if !ok || spec.arg != t.fix.arg {
		return
	}
	var regs ptrace.Regs
	if tr.k.GetRegs(t.tid, &regs) != nil {
		return
	}
	left := max(t.fix.timeout-el, 0)
	if !spec.timespec {
		regs.SetArg(spec.arg, false, uint64((left+time.Millisecond-1)/time.Millisecond))
		tr.k.SetRegs(t.tid, &regs)
		return
	}
	// The register points to the scratch timespec of shortenTimeout,
	// never to the program's own.
	scratch := regs.Arg(spec.arg, false)
	if scratch == t.fix.val {
		return
	}
	var ts [16]byte
	binary.LittleEndian.PutUint64(ts[:8], uint64(left/time.Second))
	binary.LittleEndian.PutUint64(ts[8:], uint64(left%time.Second))
	ptrace.WriteMemory(t.tid, scratch, ts[:])
}

// restoreArg puts back an argument changed by shortenTimeout, at the exit
// stop of the restarted call.
func (tr *Tracer) restoreArg(t *Task) {
	t.restartedCall = false
	t.forceSyscall = false
	if !t.fix.active {
		return
	}
	t.fix.active = false
	var regs ptrace.Regs
	if tr.k.GetRegs(t.tid, &regs) == nil {
		regs.SetArg(t.fix.arg, false, t.fix.val)
		tr.k.SetRegs(t.tid, &regs)
	}
}

// elapsedInCall is how long the task's current call has run, never more
// than it really has (a restarted call must not return early):
//   - a call restarted before: since the start noted then;
//   - a call asleep when the tracer interrupted it: since it went to
//     sleep, from the scheduler's record (sleepclock.go);
//   - a call woken by a signal, its entry seen: since the entry stop
//     (this can count the scheduling delay between the entry stop and
//     the call; margin absorbs the usual one);
//   - otherwise 0: the restarted call waits its whole timeout again, and
//     later restarts count from now.
func (tr *Tracer) elapsedInCall(t *Task, sig int) time.Duration {
	now := monotonicNs()
	if t.callStart == 0 && t.sleep.known() {
		t.callStart, _ = tr.clocks.sleepStart(t.sleep)
	}
	if t.callStart == 0 && sig > 0 && t.entryNs != 0 {
		t.callStart = t.entryNs
	}
	if t.callStart == 0 {
		t.callStart = now
	}
	return time.Duration(now - t.callStart)
}

// schedExecStart reads se.exec_start, in ns of its CPU's clock_task,
// from a /proc sched file (path relative to dirfd).
func schedExecStart(dirfd int, path string, buf []byte) (int64, bool) {
	b, err := readProc(dirfd, path, buf)
	if err != nil {
		return 0, false
	}
	return schedField(b, "se.exec_start")
}

var monoStart = time.Now()

// monotonicNs is a monotonic clock in ns (never 0).
func monotonicNs() int64 { return int64(time.Since(monoStart)) + 1 }

// syscallArg0 reads the first argument of the task's current call from
// /proc/TID/syscall (the kernel's orig_x0 on arm64), or 0.
func syscallArg0(tid int) uint64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(tid) + "/syscall")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	v, _ := strconv.ParseUint(strings.TrimPrefix(f[1], "0x"), 16, 64)
	return v
}

// defaultIgnored are the signals whose default action is to ignore them.
const defaultIgnored = 1<<(syscall.SIGCHLD-1) | 1<<(syscall.SIGCONT-1) | 1<<(syscall.SIGURG-1) | 1<<(syscall.SIGWINCH-1)

// tracingEINTR reports whether an -EINTR of the task is the tracer's
// doing: no unblocked signal is pending (besides sig, being delivered at
// this stop) that the program does not ignore. An untraced task is
// interrupted only by those.
func tracingEINTR(tid int, sig int) bool {
	st, err := procStatus(tid)
	if err != nil {
		return false
	}
	mask := func(k string) uint64 {
		v, _ := strconv.ParseUint(st[k], 16, 64)
		return v
	}
	pending := (mask("SigPnd") | mask("ShdPnd")) &^ mask("SigBlk")
	if sig > 0 && sig <= 64 {
		pending |= 1 << (sig - 1)
	}
	ignored := mask("SigIgn") | (defaultIgnored &^ mask("SigCgt"))
	return pending&^ignored == 0
}

// reenter, before a detach from a syscall-entry stop, makes the kernel
// skip the call and the task make it again once detached. PTRACE_DETACH
// (and the tracer thread's exit) wakes a stopped tracee with
// TIF_SIGPENDING set (__ptrace_unlink: ptrace_signal_wake_up), which only
// a return to user space clears: resumed into its call, the task would
// find a "signal" pending at once and a call such as epoll_wait would
// fail with EINTR (S21). Skipped and rewound, it passes through user
// space first and enters the call afresh.
func (tr *Tracer) reenter(t *Task) {
	var regs ptrace.Regs
	if tr.k.GetRegs(t.tid, &regs) != nil || regs.Nr() < 0 {
		return
	}
	arg0 := t.args[0]
	if !t.inSyscall {
		arg0 = syscallArg0(t.tid)
	}
	regs.Reenter(arg0)
	tr.k.SetRegs(t.tid, &regs)
	t.atEntry = false
}

// dropSock puts back a socket timeout shortened for a restarted receive
// at once, for a task the tracer lets go or lost.
func dropSock(t *Task) {
	if t.sock.fd <= 0 {
		return
	}
	unix.SetsockoptTimeval(t.sock.fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, (*unix.Timeval)(unsafe.Pointer(&t.sock.orig)))
	unix.Close(t.sock.fd)
	t.sock.fd = 0
}
