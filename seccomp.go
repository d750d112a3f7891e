package seize

import (
	"encoding/binary"
	"errors"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/seize-dev/seize/internal/ptrace"
	"github.com/seize-dev/seize/sysabi"
)

// Filtering with seccomp-bpf (issue 5), strace --seccomp-bpf's mechanism.
//
// A task under a seccomp filter that returns SECCOMP_RET_TRACE for the
// selected system calls and SECCOMP_RET_ALLOW for the others makes a
// PTRACE_EVENT_SECCOMP stop at each selected call, if its tracer set
// PTRACE_O_TRACESECCOMP. Such a "filtered" task is resumed with PTRACE_CONT
// between selected calls, so that the others cost it a run of the filter
// (about 0.05 µs) instead of two ptrace stops. At a seccomp stop the call
// is reported as its entry (PTRACE_GET_SYSCALL_INFO answers op SECCOMP with
// its number and arguments), and the task is resumed with PTRACE_SYSCALL
// to see the call's exit; then PTRACE_CONT again.
//
// The kernel facts this relies on, and what follows from them:
//
//   - Since Linux 4.8 the seccomp stop comes after the syscall-entry-stop
//     (if the task was resumed with PTRACE_SYSCALL) and before the call
//     runs, and PTRACE_SYSCALL from it stops at the exit (man ptrace). Older
//     kernels stopped in the other order; seize requires Linux 5.3
//     (PTRACE_GET_SYSCALL_INFO) anyway. A seccomp stop right after the
//     entry stop of the same call repeats it and is not reported again.
//   - A filter is installed by the task itself (seccomp(2)), never from
//     outside: only programs the tracer starts get one (Start, or a
//     launcher that installs Options.Seccomp itself before it execs, as
//     the seize command does); Attach cannot give a running process one.
//   - Without CAP_SYS_ADMIN the kernel requires no_new_privs first
//     (PR_SET_NO_NEW_PRIVS: set-user-ID bits stop granting privileges).
//     seize sets it only when the kernel refuses the filter without it.
//   - The filter is inherited by every child, thread, and across execve:
//     Options.Seccomp requires FollowForks, and a child inherits its
//     parent's filtered state at its creation event.
//   - A filter cannot be removed, and without a tracer RET_TRACE makes a
//     call fail with ENOSYS. So a filtered task is never detached while it
//     lives: Detach and DetachAll refuse it (ErrFiltered), and Close, or a
//     handler panic, stops calling the handler and keeps resuming such
//     tasks silently until they exit (Close returns then). If the tracing
//     process is killed outright (SIGKILL), its filtered programs do get
//     ENOSYS from their selected calls: strace's caveat too.
//
// Tasks that are not filtered (attached ones; a task before its filter is
// in place) are traced as without Options.Seccomp, at every call. The
// handler may therefore see calls the filter does not select and must
// filter on its own, as strace does: Options.Seccomp is a speed-up, never
// a filter of events.

// ErrFiltered is returned by Detach and DetachAll for tasks that run under
// the tracer's seccomp filter (Options.Seccomp).
var ErrFiltered = errors.New("the task runs under the tracer's seccomp filter, which cannot be removed: untraced, its selected system calls would fail with ENOSYS")

// Constants of include/uapi/linux/seccomp.h and prctl.h.
const (
	seccompSetModeFilter = 1  // SECCOMP_SET_MODE_FILTER
	seccompFlagTsync     = 1  // SECCOMP_FILTER_FLAG_TSYNC
	seccompFlagSpecAllow = 4  // SECCOMP_FILTER_FLAG_SPEC_ALLOW (Linux 4.17)
	prSetSeccomp         = 22 // PR_SET_SECCOMP
	seccompModeFilter    = 2  // SECCOMP_MODE_FILTER
	prSetNoNewPrivs      = 38 // PR_SET_NO_NEW_PRIVS
	bpfMaxInsns          = 4096
)

// seccompState is the tracer's part.
type seccompState struct {
	raw []byte // Options.Seccomp as the kernel reads it (struct sock_filter[])
	// installNrs are the numbers of seccomp and prctl per architecture, to
	// notice a task installing the program itself.
	installNrs []installNr
	// muted: the handler is no longer called (Close with filtered tasks).
	muted bool
	// lingering: filtered tasks are served until they exit, then the
	// release (final or not) proceeds.
	lingering bool
	final     bool
}

type installNr struct {
	arch            uint32
	seccomp, prctl  uint64
	pointer64, isOK bool
}

// taskSeccomp is a task's part.
type taskSeccomp struct {
	filtered bool // under the tracer's filter: PTRACE_CONT between selected calls
	atEntry  bool // the last stop was a syscall-entry-stop
	reported bool // the current call's entry was delivered
}

// Filtered reports whether the task runs under the tracer's seccomp filter
// (Options.Seccomp): it stops only at the system calls the filter selects.
func (t *Task) Filtered() bool { return t.sc.filtered }

// initSeccomp checks Options.Seccomp and asks for seccomp stops.
func (tr *Tracer) initSeccomp() error {
	p := tr.opts.Seccomp
	if p == nil {
		return nil
	}
	switch {
	case !tr.opts.Syscalls:
		return errors.New("seize: Options.Seccomp needs Syscalls: the filter only chooses the calls to stop at")
	case !tr.opts.FollowForks:
		return errors.New("seize: Options.Seccomp needs FollowForks: children inherit the filter, and untraced their selected system calls would fail with ENOSYS")
	case len(p) == 0 || len(p) > bpfMaxInsns:
		return fmt.Errorf("seize: Options.Seccomp has %d instructions; the kernel takes 1 to %d", len(p), bpfMaxInsns)
	}
	raw := make([]byte, 8*len(p))
	for i, in := range p {
		binary.NativeEndian.PutUint16(raw[8*i:], in.Op)
		raw[8*i+2], raw[8*i+3] = in.Jt, in.Jf
		binary.NativeEndian.PutUint32(raw[8*i+4:], in.K)
	}
	tr.sc.raw = raw
	for _, a := range []sysabi.Arch{sysabi.NativeArch(), sysabi.ArchI386} {
		s, ok1 := sysabi.SyscallNumber(a, "seccomp")
		p, ok2 := sysabi.SyscallNumber(a, "prctl")
		tr.sc.installNrs = append(tr.sc.installNrs, installNr{arch: uint32(a), seccomp: s, prctl: p,
			pointer64: a != sysabi.ArchI386, isOK: ok1 && ok2})
	}
	tr.ptopts |= ptrace.OptSeccomp
	return nil
}

// syscallStops says whether to resume t with PTRACE_SYSCALL (else
// PTRACE_CONT): a filtered task only to see the exit of the call it is in.
func (tr *Tracer) syscallStops(t *Task) bool {
	if t.forceSyscall {
		return true
	}
	if t.sc.filtered {
		return t.inSyscall
	}
	return tr.opts.Syscalls
}

// seccompRepeat reports whether a syscall stop is the seccomp stop of the
// call whose entry stop was just handled (a task resumed with
// PTRACE_SYSCALL makes both, entry first, since Linux 4.8).
func seccompRepeat(t *Task, info *ptrace.SyscallInfo) bool {
	repeat := info.Op == ptrace.InfoSeccomp && t.sc.atEntry && t.inSyscall && info.Nr == t.nr
	t.sc.atEntry = info.Op == ptrace.InfoEntry
	return repeat
}

// noteInstall runs at the successful exit of a call of an unfiltered task:
// if the call installed Options.Seccomp itself (seccomp(2) or
// prctl(PR_SET_SECCOMP)), as a launcher does before it execs the program,
// the task is filtered from now on (its whole process with
// SECCOMP_FILTER_FLAG_TSYNC). The program installed is compared with
// Options.Seccomp: any other filter leaves the task traced at every call.
func (tr *Tracer) noteInstall(t *Task) {
	if !t.inSyscall {
		return
	}
	var in *installNr
	for i := range tr.sc.installNrs {
		if n := &tr.sc.installNrs[i]; n.isOK && n.arch == t.arch {
			in = n
		}
	}
	var fprog uint64
	tsync := false
	switch {
	case in == nil:
		return
	case t.nr == in.seccomp && t.args[0] == seccompSetModeFilter:
		fprog, tsync = t.args[2], t.args[1]&seccompFlagTsync != 0
	case t.nr == in.prctl && t.args[0] == prSetSeccomp && t.args[1] == seccompModeFilter:
		fprog = t.args[2]
	default:
		return
	}
	// struct sock_fprog: unsigned short len; struct sock_filter *filter.
	var hdr [16]byte
	size := 16
	if !in.pointer64 {
		size = 8
	}
	if ptrace.ReadMemory(t.tid, fprog, hdr[:size]) != nil {
		return
	}
	n := int(binary.NativeEndian.Uint16(hdr[:]))
	addr := binary.NativeEndian.Uint64(hdr[8:])
	if !in.pointer64 {
		addr = uint64(binary.NativeEndian.Uint32(hdr[4:]))
	}
	if 8*n != len(tr.sc.raw) {
		return
	}
	prog := make([]byte, 8*n)
	if ptrace.ReadMemory(t.tid, addr, prog) != nil || string(prog) != string(tr.sc.raw) {
		return
	}
	t.sc.filtered = true
	if tsync {
		for _, o := range tr.tasks {
			if o.pid == t.pid {
				o.sc.filtered = true
			}
		}
	}
}

// anyFiltered reports whether a filtered task is traced.
func (tr *Tracer) anyFiltered() bool {
	for _, t := range tr.tasks {
		if t.sc.filtered {
			return true
		}
	}
	return false
}

// linger replaces a release (releaseAll) while filtered tasks live: the
// handler is no longer called, the tasks that are not filtered are
// detached one by one (as Detach does), and the filtered ones are resumed
// silently at every stop until they exit; then the release proceeds
// (endLinger). Children adopted before their creation event (S19) wait for
// it: they may be filtered.
func (tr *Tracer) linger(final bool) bool {
	if !tr.anyFiltered() {
		return false
	}
	tr.sc.muted = true
	tr.sc.lingering = true
	tr.sc.final = tr.sc.final || final
	for _, t := range tr.sortedTasks() {
		if !t.sc.filtered && !tr.early[t.tid] && !t.detaching {
			tr.detach(t)
		}
	}
	return true
}

// endLinger releases what is left once no filtered task is.
func (tr *Tracer) endLinger() {
	if !tr.sc.lingering || tr.anyFiltered() {
		return
	}
	tr.sc.lingering = false
	if !tr.sc.final {
		tr.sc.muted = false
	}
	tr.releaseAll(tr.sc.final)
}

// installFilter makes the program started by Start, stopped at the
// SIGTRAP of its execve (PTRACE_TRACEME) before its first instruction,
// install Options.Seccomp itself: the tracer writes a syscall instruction
// over the one at its entry point and the filter below its stack pointer,
// makes it run seccomp(SECCOMP_SET_MODE_FILTER) (and, if the kernel asks
// for it, prctl(PR_SET_NO_NEW_PRIVS) first), then puts memory and registers
// back. The program finds everything as the kernel left it at the execve,
// but the filter (and no_new_privs when it was needed). Signals that
// arrived meanwhile were held back; they are returned, to be sent again
// once the program is seized. filtered is false, with no error, where the
// kernel refuses the filter (no seccomp, or a filter of its own that
// forbids it) or the architecture is not supported: the program is then
// traced at every call. An error means the program cannot be run.
func (tr *Tracer) installFilter(pid int) (filtered bool, sigs []int, err error) {
	if len(ptrace.SyscallInsn) == 0 {
		return false, nil, nil
	}
	if err := ptrace.SetOptions(pid, ptrace.OptSysGood); err != nil {
		return false, nil, err
	}
	var saved ptrace.Regs
	if err := ptrace.GetRegs(pid, &saved); err != nil {
		return false, nil, err
	}
	if saved.Compat() {
		// An i386 program: it would need int $0x80 and i386 numbers. It
		// is traced at every call instead.
		return false, nil, nil
	}
	ip := saved.IP()
	// struct sock_fprog and the program, a page below the stack pointer
	// (clear of the red zone): the stack's mapping reaches at least 128 KiB
	// below the arguments at execve (setup_arg_pages).
	buf := make([]byte, 16+len(tr.sc.raw))
	scratch := (saved.SP() - 4096 - uint64(len(buf))) &^ 15
	binary.NativeEndian.PutUint16(buf[0:], uint16(len(tr.opts.Seccomp)))
	binary.NativeEndian.PutUint64(buf[8:], scratch+16)
	copy(buf[16:], tr.sc.raw)
	oldStack := make([]byte, len(buf))
	oldText := make([]byte, len(ptrace.SyscallInsn))
	if err := ptrace.ReadMemory(pid, scratch, oldStack); err != nil {
		return false, nil, err
	}
	if err := ptrace.PeekText(pid, ip, oldText); err != nil {
		return false, nil, err
	}
	if err := ptrace.WriteMemory(pid, scratch, buf); err != nil {
		return false, nil, err
	}
	if err := ptrace.PokeText(pid, ip, ptrace.SyscallInsn); err != nil {
		ptrace.WriteMemory(pid, scratch, oldStack)
		return false, nil, err
	}
	defer func() {
		e1 := ptrace.PokeText(pid, ip, oldText)
		e2 := ptrace.WriteMemory(pid, scratch, oldStack)
		e3 := ptrace.SetRegs(pid, &saved)
		if err == nil {
			err = errors.Join(e1, e2, e3)
		}
		if err != nil {
			filtered = false
		}
	}()
	call := func(nr uint64, args ...uint64) (int64, error) {
		ret, s, err := injectSyscall(pid, &saved, ip, nr, args...)
		sigs = append(sigs, s...)
		return ret, err
	}
	// SPEC_ALLOW: a filter for tracing must not turn on the speculation
	// mitigations that kernels configured with spec_store_bypass_disable=
	// seccomp give filtered tasks (older kernels reject the flag).
	install := func() (int64, error) {
		ret, err := call(unix.SYS_SECCOMP, seccompSetModeFilter, seccompFlagSpecAllow, scratch)
		if err == nil && ret == -int64(unix.EINVAL) {
			ret, err = call(unix.SYS_SECCOMP, seccompSetModeFilter, 0, scratch)
		}
		return ret, err
	}
	ret, err := install()
	if err == nil && ret == -int64(unix.EACCES) {
		// Without CAP_SYS_ADMIN in its user namespace a task must have
		// no_new_privs to install a filter (seccomp_prepare_filter).
		if ret, err = call(unix.SYS_PRCTL, prSetNoNewPrivs, 1, 0, 0, 0); err == nil && ret == 0 {
			ret, err = install()
		}
	}
	return err == nil && ret == 0, sigs, err
}

// injectSyscall makes the stopped task run system call nr at ip (where
// SyscallInsn is) and returns its result: PTRACE_SYSCALL to its entry stop,
// then to its exit stop, where the task is left. Signals whose delivery
// stops come meanwhile are suppressed and returned.
func injectSyscall(pid int, base *ptrace.Regs, ip, nr uint64, args ...uint64) (int64, []int, error) {
	r := *base
	r.SetSyscall(ip, nr, args...)
	if err := ptrace.SetRegs(pid, &r); err != nil {
		return 0, nil, err
	}
	var sigs []int
	for stops := 0; stops < 2; {
		if err := ptrace.Syscall(pid, 0); err != nil {
			return 0, sigs, err
		}
		st, err := waitStop(pid, ptrace.WALL)
		if err != nil {
			return 0, sigs, err
		}
		switch sig := syscall.Signal(st.StopSig()); {
		case st.StopSig() == int(syscall.SIGTRAP)|0x80:
			stops++
		case st.Event() != 0:
		case sig == syscall.SIGILL || sig == syscall.SIGSEGV || sig == syscall.SIGBUS || sig == syscall.SIGTRAP || len(sigs) > 64:
			// The instruction itself faulted (or signals keep coming):
			// never run it again.
			return 0, sigs, fmt.Errorf("the injected system call did not run (%v)", sig)
		default:
			sigs = append(sigs, st.StopSig())
		}
	}
	if err := ptrace.GetRegs(pid, &r); err != nil {
		return 0, sigs, err
	}
	return r.Ret(), sigs, nil
}

// requeue sends again the signals held back by installFilter, now that the
// program is seized (their siginfo now names the tracer as the sender).
func requeue(pid int, sigs []int) {
	for _, s := range sigs {
		unix.Tgkill(pid, pid, syscall.Signal(s))
	}
}
