package seize

import (
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/seize-dev/seize/internal/ptrace"
)

// Fault injection: strace's -e inject= as a library call.
//
// At the entry stop of a call the handler calls Event.Inject. To make the
// call fail or return a value without running it, the engine sets the
// system call number to -1 and the return register to the result: the
// kernel then skips the call and leaves the register alone (x86's
// do_syscall_64 for nr -1; arm64's el0_svc_common, "the de-facto standard
// way to skip a system call"). The exit stop sets the result again, for
// kernels that overwrite it, and reports it. A signal is passed at the
// restart from the entry stop, as strace does: ptrace_report_syscall
// queues it (send_sig, si_code SI_KERNEL) and the program receives it when
// the call returns. A delay keeps the task in its stop and restarts it
// from the tracer loop when a timer fires, so that the tracer goes on
// serving its other tasks meanwhile.

// Fault is what Event.Inject does to a system call. The zero Fault does
// nothing; fields combine, except Errno with Return.
type Fault struct {
	// Errno, if not 0, makes the call fail with this error (1 to 4095)
	// without running it: the program sees -1 and errno set.
	Errno syscall.Errno
	// Return makes the call return Retval without running it. Values from
	// -4095 to -1 read as errors to the program.
	Return bool
	Retval int64
	// Signal, if not 0, is sent to the task as it leaves the entry stop
	// (si_code SI_KERNEL, as with strace's signal=). The program receives
	// it when the call returns; a call that blocks is interrupted by it.
	Signal syscall.Signal
	// DelayEnter holds the task at the entry stop, and DelayExit at the
	// exit stop, for this long before it goes on. Only that task waits:
	// the tracer serves its other tasks meanwhile.
	DelayEnter, DelayExit time.Duration
}

// Skips reports whether the call is not run (Errno or Return).
func (f *Fault) Skips() bool { return f.Errno != 0 || f.Return }

// Errors of Event.Inject.
var (
	// ErrNotSyscallEntry: Inject was called for an event other than
	// EventSyscallEntry, or twice for one call.
	ErrNotSyscallEntry = errors.New("inject: not at a system call's entry stop")
	// ErrBadFault: the Fault is not valid; the error says why.
	ErrBadFault = errors.New("inject: invalid fault")
)

// maxErrno is the largest error a system call can return (MAX_ERRNO).
const maxErrno = 4095

// injection is the state of a task's injected call, from its entry stop
// to the end of its exit stop's delay.
type injection struct {
	fault  Fault
	active bool  // injected at entry; the exit stop is to come
	ret    int64 // the result of a skipped call
	// wait is the delay afterStop is to apply (what remains of one
	// that Interrupt cut short); armed says a timer runs until until;
	// gen tells its firing from that of a cancelled one.
	wait  time.Duration
	armed bool
	gen   uint64
	until time.Time
}

// Inject tampers with the system call of an EventSyscallEntry, as
// strace's -e inject= does: see Fault. The tracer must stop at system
// calls (Options.Syscalls). It returns ErrNotSyscallEntry for other
// events, an error wrapping ErrBadFault for an invalid Fault, and the
// ptrace error if the registers could not be changed (the task was
// killed meanwhile). The exit event of the call carries the Fault in
// Event.Injected.
//
// A delayed task is stopped: Interrupt holds it at once (Resume goes on
// with the rest of the delay), Detach and DetachAll release it at once,
// cutting the delay short; a skipped call still returns its injected
// result, which is set at the entry stop. SIGKILL ends the delay too.
func (e *Event) Inject(f Fault) error {
	if e.Kind != EventSyscallEntry || e.Task.inj.active {
		return ErrNotSyscallEntry
	}
	switch {
	case f.Errno != 0 && f.Return:
		return fmt.Errorf("%w: Errno and Return both set", ErrBadFault)
	case f.Errno > maxErrno:
		return fmt.Errorf("%w: errno %d out of range 1..%d", ErrBadFault, int(f.Errno), maxErrno)
	case f.Signal < 0 || f.Signal > 64:
		return fmt.Errorf("%w: signal %d out of range 1..64", ErrBadFault, int(f.Signal))
	case f.DelayEnter < 0 || f.DelayExit < 0:
		return fmt.Errorf("%w: negative delay", ErrBadFault)
	}
	if f == (Fault{}) {
		return nil
	}
	t := e.Task
	tr := t.tr
	inj := injection{fault: f, active: true, wait: f.DelayEnter, gen: t.inj.gen}
	if f.Skips() {
		inj.ret = f.Retval
		if f.Errno != 0 {
			inj.ret = -int64(f.Errno)
		}
		var regs ptrace.Regs
		if err := tr.k.GetRegs(t.tid, &regs); err != nil {
			return err
		}
		regs.SetNr(-1)
		regs.SetRet(inj.ret)
		if err := tr.k.SetRegs(t.tid, &regs); err != nil {
			return err
		}
	}
	if f.Signal != 0 {
		t.sig = int(f.Signal)
	}
	t.inj = inj
	return nil
}

// injectExit runs at the exit stop of a call: it sets an injected result
// again if the kernel changed it, updates info to match, and arms the
// exit delay. It returns the call's Fault, or nil.
func (tr *Tracer) injectExit(t *Task, info *ptrace.SyscallInfo) *Fault {
	if !t.inj.active {
		return nil
	}
	t.inj.active = false
	f := &t.inj.fault
	if f.Skips() && info.Rval() != t.inj.ret {
		var regs ptrace.Regs
		if tr.k.GetRegs(t.tid, &regs) == nil {
			regs.SetRet(t.inj.ret)
			tr.k.SetRegs(t.tid, &regs)
		}
		info.Nr = uint64(t.inj.ret)
		info.Args[0] = 0
		if t.inj.ret < 0 && t.inj.ret >= -maxErrno { // IS_ERR_VALUE
			info.Args[0] = 1
		}
	}
	t.inj.wait = f.DelayExit
	return f
}

// delayed is afterStop's delay case: it reports whether the task is to
// stay stopped for an injected delay, and starts its timer. The timer's
// command restarts the task from the tracer loop (delayDone).
func (tr *Tracer) delayed(t *Task) bool {
	if t.exiting {
		// SIGKILL woke the task out of its delay (PTRACE_EVENT_EXIT):
		// the delay ends, and so does the injected call.
		t.inj = injection{gen: t.inj.gen + 1}
		return false
	}
	if t.inj.armed {
		return true // Resume during the delay: it goes on
	}
	d := t.inj.wait
	if d <= 0 {
		return false
	}
	t.inj.wait = 0
	t.inj.armed = true
	t.inj.gen++
	t.inj.until = time.Now().Add(d)
	gen := t.inj.gen
	time.AfterFunc(d, func() {
		tr.call(func() { tr.delayDone(t, gen) })
	})
	return true
}

// delayDone ends a delay whose timer fired, unless it was cancelled or
// the task is gone or released meanwhile.
func (tr *Tracer) delayDone(t *Task, gen uint64) {
	if tr.tasks[t.tid] != t || !t.inj.armed || t.inj.gen != gen {
		return
	}
	t.inj.armed = false
	if t.state == stopped && !tr.inHandler(t) {
		tr.afterStop(t)
	}
}

// holdDelayed makes Interrupt hold a task in an injected delay at once:
// the timer is cancelled and what is left of the delay is kept for
// Resume.
func (tr *Tracer) holdDelayed(t *Task) {
	if !t.inj.armed || t.state != stopped || tr.inHandler(t) {
		return
	}
	t.inj.armed = false
	t.inj.gen++
	t.inj.wait = max(time.Until(t.inj.until), 1)
	tr.afterStop(t)
}
