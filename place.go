package seize

import (
	"errors"
	"runtime"
	"time"

	"github.com/seize-dev/seize/internal/ptrace"
	"github.com/seize-dev/seize/sysabi"
)

// Where a held task is: what seize snapshot reports, and what a debugger
// wants to know before it looks further.

// Place is where a stopped task was when it stopped: inside a system
// call, or in user space.
type Place struct {
	// Syscall says the task stopped inside system call Nr, which goes on
	// when the task is resumed: the kernel restarts it (the call returned
	// -ERESTARTSYS or one of its kin, which the program never sees), or
	// the tracer rewound it (S21), or the stop is the call's entry stop.
	// It is false when the task stopped in user space or as its call
	// returned.
	Syscall bool
	Nr      uint64
	// Arch is the AUDIT_ARCH_* value of the task's system call ABI.
	Arch uint32
	// Args are the call's arguments as the program passed them: a timeout
	// that the tracer shortened to restart the call (S21) reads as the
	// program set it.
	Args [6]uint64
	// IP and SP are the task's user-space instruction and stack pointers.
	// Inside a call, IP is the address after the system call instruction,
	// as in /proc/TID/syscall, also when the tracer has rewound the call.
	IP, SP uint64
}

// ErrNotStopped: the task is not in a stop that the tracer holds.
var ErrNotStopped = errors.New("task is not stopped")

// Kernel-internal return values of an interrupted call
// (include/linux/errno.h): a task stopped with one of them in its return
// register is still inside the call, which the kernel restarts when the
// task resumes without running a signal handler.
const (
	errRestartSys    = 512
	errRestartNoIntr = 513
	errRestartNoHand = 514
	errRestartBlock  = 516 // ERESTART_RESTARTBLOCK: resumed by restart_syscall
)

// Place reports where the task was when it stopped. The task must be
// stopped and held by the tracer: inside the Handler, or after
// Interrupt has reported EventInterrupted. Safe from any goroutine.
func (t *Task) Place() (Place, error) {
	var p Place
	var err error
	if cerr := t.tr.call(func() { p, err = t.place() }); cerr != nil {
		return Place{}, cerr
	}
	return p, err
}

func (t *Task) place() (Place, error) {
	tr := t.tr
	if tr.tasks[t.tid] != t || t.state != stopped {
		return Place{}, ErrNotStopped
	}
	var info ptrace.SyscallInfo
	if err := tr.k.GetSyscallInfo(t.tid, &info); err != nil {
		return Place{}, err
	}
	p := Place{Arch: info.Arch, IP: info.IP, SP: info.SP}
	switch info.Op {
	case ptrace.InfoEntry, ptrace.InfoSeccomp:
		p.Syscall, p.Nr, p.Args = true, info.Nr, info.Args
		return p, nil
	case ptrace.InfoExit:
		return p, nil // returning to user space
	}
	var regs ptrace.Regs
	if err := tr.k.GetRegs(t.tid, &regs); err != nil {
		return Place{}, err
	}
	nr := regs.Nr()
	if nr < 0 {
		return p, nil // entered the kernel by an interrupt or a fault
	}
	switch ret := -regs.Ret(); {
	case t.restarting && uint64(nr) == t.nr:
		// The engine rewound the call at this stop (S21): the IP is back
		// on the system call instruction.
		p.IP += syscallInsnLen()
	case ret == errRestartSys, ret == errRestartNoIntr, ret == errRestartNoHand, ret == errRestartBlock:
	default:
		return p, nil // the call is over: it returns ret
	}
	p.Syscall, p.Nr = true, uint64(nr)
	compat := sysabi.Arch(info.Arch) == sysabi.ArchI386
	for i := range p.Args {
		p.Args[i] = regs.Arg(i, compat)
	}
	if runtime.GOARCH == "arm64" && !t.restarting {
		// x0 holds the return value; the kernel keeps the first argument
		// in orig_x0, which /proc/TID/syscall shows.
		p.Args[0] = syscallArg0(t.tid)
	}
	if t.fix.active {
		p.Args[t.fix.arg] = t.fix.val
	}
	return p, nil
}

// syscallInsnLen is the length of the system call instruction that
// Regs.Rewind steps back over.
func syscallInsnLen() uint64 {
	if runtime.GOARCH == "arm64" {
		return 4 // svc #0
	}
	return 2 // syscall, or int $0x80
}

// OffCPU reports how long thread tid has been off the CPU: the time since
// it last ran, from the scheduler's se.exec_start in /proc/TID/sched
// measured against each CPU's clock (sleepclock.go). For a thread asleep
// in a system call that is how long it has been asleep; for a stopped
// thread, how long it has been stopped. It is a lower bound, short by the
// CPUs' interrupt and steal time meanwhile, or, rarely, by the difference
// of two CPUs' clocks. Meaningless for a running thread. ok is false when
// the kernel does not tell (no /proc/TID/sched without CONFIG_SCHED_DEBUG)
// or the calling thread may not run on every CPU the thread may.
func OffCPU(tid int) (d time.Duration, ok bool) {
	rec := readSleep(tid)
	// Measuring moves the calling thread from CPU to CPU for a moment.
	runtime.LockOSThread()
	var c cpuClocks
	at, known := c.sleepStart(rec)
	runtime.UnlockOSThread()
	if !known {
		return 0, false
	}
	d = time.Duration(monotonicNs() - at)
	if d < 0 {
		d = 0
	}
	return d, true
}
