package seize_test

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/internal/ptrace"
	"github.com/seize-dev/seize/internal/testprog"
)

// heldStop is what a handler saw of the raw stop behind an event.
type heldStop struct {
	tid int
	si  ptrace.SigInfo
	err error
}

// status is the wait status of the ptrace stop this siginfo belongs to
// (ptrace_do_notify stores the exit code in si_code).
func (h heldStop) status() uint32 { return uint32(h.si.Code)<<8 | 0x7f }

// captureStops makes the recorder send the raw siginfo of every stop of
// kind k to the returned channel.
func captureStops(r *recorder, k seize.EventKind) <-chan heldStop {
	c := make(chan heldStop, 64)
	r.onEvent = func(ev *seize.Event) {
		if ev.Kind == k {
			si, err := siginfoAt(ev.Task.Tid())
			c <- heldStop{ev.Task.Tid(), si, err}
		}
	}
	return c
}

func nextStop(t *testing.T, c <-chan heldStop) heldStop {
	t.Helper()
	select {
	case h := <-c:
		if h.err != nil {
			t.Fatalf("GETSIGINFO at the stop of %d: %v", h.tid, h.err)
		}
		return h
	case <-time.After(5 * time.Second):
		t.Fatal("no stop captured")
		return heldStop{}
	}
}

// waitCmdline waits until pid's argv[1] is mode: it has exec'd the tracee.
func waitCmdline(t *testing.T, pid int, mode string) {
	t.Helper()
	end := time.Now().Add(5 * time.Second)
	for {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if args := strings.Split(string(b), "\x00"); len(args) > 1 && args[1] == mode {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("pid %d: cmdline %q, want mode %s", pid, b, mode)
		}
		time.Sleep(time.Millisecond)
	}
}

// waitTicks waits until pid's CPU time exceeds base by at least n ticks.
func waitTicks(t *testing.T, pid, base, n int, timeout time.Duration) {
	t.Helper()
	end := time.Now().Add(timeout)
	for cpuTicks(pid) < base+n {
		if time.Now().After(end) {
			t.Fatalf("pid %d used %d ticks in %v, want >= %d: not running", pid, cpuTicks(pid)-base, timeout, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// S2: PTRACE_INTERRUPT on a running (spinning) tracee yields a stop with
// wait status 0x80057f (SIGTRAP, PTRACE_EVENT_STOP), reported as
// EventInterrupted and held: the task uses no CPU until Resume. Its real
// parent's waitpid(WUNTRACED|WCONTINUED) sees nothing.
func TestS2InterruptRunning(t *testing.T) {
	parent, child := startParentOf(t, "spin")
	// Its "ready" may come before or after the parent's "child" line:
	// wait for the exec instead.
	waitCmdline(t, child, "spin")
	tr, r := newTracer(t, seize.Options{})
	held := captureStops(r, seize.EventInterrupted)
	if err := tr.Attach(child); err != nil {
		t.Fatal(err)
	}
	// Running again once the attach's own stop has been collected.
	testprog.WaitState(t, child, "R", 5*time.Second)
	for round := 0; round < 3; round++ {
		from := r.len()
		if err := tr.Interrupt(child); err != nil {
			t.Fatal(err)
		}
		r.waitFor(t, from, 5*time.Second, "EventInterrupted", kind(seize.EventInterrupted, child))
		h := nextStop(t, held)
		if h.si.Signo != int32(syscall.SIGTRAP) || h.status() != 0x80057f {
			t.Fatalf("round %d: held at a stop with signo %d status %#x, want SIGTRAP 0x80057f (EVENT_STOP)", round, h.si.Signo, h.status())
		}
		if evs := r.snapshot()[from:]; len(evs) != 1 {
			t.Fatalf("round %d: events after Interrupt, want only interrupted: %s", round, lastEvents(evs))
		}
		if s := testprog.State(child); s != 't' {
			t.Fatalf("round %d: state %c while held, want t (tracing stop)", round, s)
		}
		base := cpuTicks(child)
		noLine(t, parent, 200*time.Millisecond, "parent saw")
		if d := cpuTicks(child) - base; d > 1 {
			t.Fatalf("round %d: held task used %d ticks of CPU in 200ms", round, d)
		}
		if err := tr.Resume(child); err != nil {
			t.Fatal(err)
		}
		testprog.WaitState(t, child, "R", 2*time.Second)
		waitTicks(t, child, base, 3, 3*time.Second)
	}
	noLine(t, parent, 100*time.Millisecond, "parent saw")
	if n := r.count(kind(seize.EventInterrupted, child)); n != 3 {
		t.Fatalf("%d EventInterrupted, want 3", n)
	}
	if n := r.count(kind(seize.EventSignal, 0)); n != 0 {
		t.Fatalf("%d signals reported, want none", n)
	}
}

// S2, S3 on the bare kernel, with internal/ptrace on a thread of its own:
// the wait statuses the engine relies on.
func TestS2S3RawKernel(t *testing.T) {
	p := testprog.Start(t, "pause")
	testprog.WaitState(t, p.Pid, "S", 2*time.Second)
	pauseNr := testprog.Syscall(p.Pid)
	if pauseNr < 0 {
		t.Fatalf("tracee not in a syscall (%d)", pauseNr)
	}
	pid := p.Pid
	rawTrace(t, func() error {
		want := func(what string, st ptrace.Status, err error, status uint32) error {
			if err != nil {
				return fmt.Errorf("%s: %v", what, err)
			}
			if uint32(st) != status {
				return fmt.Errorf("%s: status %#x, want %#x", what, uint32(st), status)
			}
			return nil
		}
		info := func(op uint8) (ptrace.SyscallInfo, error) {
			var si ptrace.SyscallInfo
			if err := ptrace.GetSyscallInfo(pid, &si); err != nil {
				return si, err
			}
			if si.Op != op {
				return si, fmt.Errorf("syscall-info op %d, want %d", si.Op, op)
			}
			return si, nil
		}
		blocked := func() error {
			end := time.Now().Add(2 * time.Second)
			for testprog.State(pid) != 'S' {
				if time.Now().After(end) {
					return fmt.Errorf("tracee not asleep again: state %c", testprog.State(pid))
				}
				time.Sleep(time.Millisecond)
			}
			return nil
		}
		if err := ptrace.Seize(pid, ptrace.OptSysGood); err != nil {
			return fmt.Errorf("seize: %v", err)
		}
		// S2: the interrupt of a task not syscall-traced: EVENT_STOP.
		if err := ptrace.Interrupt(pid); err != nil {
			return err
		}
		st, err := rawWait(pid, 5*time.Second)
		if err := want("interrupt", st, err, 0x80057f); err != nil {
			return err
		}
		// Trace its syscalls: pause restarts, entry-stop.
		ptrace.Syscall(pid, 0)
		st, err = rawWait(pid, 5*time.Second)
		if err := want("restarted pause", st, err, 0x857f); err != nil {
			return err
		}
		if si, err := info(ptrace.InfoEntry); err != nil || si.Nr != uint64(pauseNr) {
			return fmt.Errorf("entry of %d, want %d (%v)", si.Nr, pauseNr, err)
		}
		ptrace.Syscall(pid, 0)
		if err := blocked(); err != nil {
			return err
		}
		// S3: the interrupt is answered by the syscall-exit stop of the
		// interrupted call (-ERESTARTNOHAND) ...
		if err := ptrace.Interrupt(pid); err != nil {
			return err
		}
		st, err = rawWait(pid, 5*time.Second)
		if err := want("interrupt in a traced syscall", st, err, 0x857f); err != nil {
			return err
		}
		if si, err := info(ptrace.InfoExit); err != nil || si.Rval() != -514 {
			return fmt.Errorf("exit-stop rval %d, want -514 ERESTARTNOHAND (%v)", si.Rval(), err)
		}
		// ... and no EVENT_STOP follows: the next stop is the entry of
		// the restarted pause.
		ptrace.Syscall(pid, 0)
		st, err = rawWait(pid, 5*time.Second)
		if err := want("after the answered interrupt", st, err, 0x857f); err != nil {
			return err
		}
		if si, err := info(ptrace.InfoEntry); err != nil || si.Nr != uint64(pauseNr) {
			return fmt.Errorf("entry of %d, want %d (%v)", si.Nr, pauseNr, err)
		}
		ptrace.Syscall(pid, 0)
		if err := blocked(); err != nil {
			return err
		}
		if st, err := rawWait(pid, 100*time.Millisecond); err != errNoStop {
			return fmt.Errorf("extra stop %#x (%v) after an answered interrupt", uint32(st), err)
		}
		// The opposite race (rr): an interrupt sent while the task is
		// already in a stop stays pending, and a restart without syscall
		// stops meets a separate, late EVENT_STOP.
		ptrace.Interrupt(pid)
		st, err = rawWait(pid, 5*time.Second)
		if err := want("interrupt", st, err, 0x857f); err != nil {
			return err
		}
		if err := ptrace.Interrupt(pid); err != nil {
			return fmt.Errorf("interrupt at a stop: %v", err)
		}
		ptrace.Cont(pid, 0)
		st, err = rawWait(pid, 5*time.Second)
		if err := want("interrupt sent during a stop", st, err, 0x80057f); err != nil {
			return err
		}
		return ptrace.Detach(pid, 0)
	})
	waitUntraced(t, pid)
	testprog.WaitState(t, pid, "S", 2*time.Second)
	if nr := testprog.Syscall(pid); nr != pauseNr {
		t.Fatalf("after detach in syscall %d, want pause (%d)", nr, pauseNr)
	}
}

// S3: an interrupt of a task asleep in a traced syscall is answered by
// that call's exit-stop (the raw siginfo says syscall stop, 0x857f, not
// EVENT_STOP); the task is held there, once, and after Resume no extra
// interrupt is reported: it goes back to sleep in the restarted call.
func TestS3InterruptAnsweredBySyscallStop(t *testing.T) {
	p := testprog.Start(t, "pause")
	tr, r := newTracer(t, seize.Options{Syscalls: true})
	held := captureStops(r, seize.EventInterrupted)
	if err := tr.Attach(p.Pid); err != nil {
		t.Fatal(err)
	}
	_, next := r.waitFor(t, 0, 5*time.Second, "pause entry", kind(seize.EventSyscallEntry, p.Pid))
	testprog.WaitState(t, p.Pid, "S", 2*time.Second)
	pauseNr := uint64(testprog.Syscall(p.Pid))
	for round := 0; round < 3; round++ {
		from := r.len()
		if from < next {
			from = next
		}
		if err := tr.Interrupt(p.Pid); err != nil {
			t.Fatal(err)
		}
		r.waitFor(t, from, 5*time.Second, "EventInterrupted", kind(seize.EventInterrupted, p.Pid))
		h := nextStop(t, held)
		if h.status() != 0x857f {
			t.Fatalf("held at stop %#x (signo %d), want the syscall-exit stop 0x857f", h.status(), h.si.Signo)
		}
		evs := r.snapshot()[from:]
		if len(evs) != 2 || evs[0].Kind != seize.EventSyscallExit || evs[0].Nr != pauseNr || evs[0].Errno != 514 ||
			evs[1].Kind != seize.EventInterrupted {
			t.Fatalf("after Interrupt, want pause's exit (ERESTARTNOHAND) then interrupted: %s", lastEvents(evs))
		}
		after := r.len()
		if err := tr.Resume(p.Pid); err != nil {
			t.Fatal(err)
		}
		_, next = r.waitFor(t, after, 5*time.Second, "restarted pause", func(e rec) bool {
			return e.Kind == seize.EventSyscallEntry && e.Nr == pauseNr
		})
		testprog.WaitState(t, p.Pid, "S", 2*time.Second)
		time.Sleep(50 * time.Millisecond)
		if evs := r.snapshot()[after:]; len(evs) != 1 {
			t.Fatalf("after Resume, want only the restarted entry: %s", lastEvents(evs))
		}
	}
	if n := r.count(kind(seize.EventInterrupted, 0)); n != 3 {
		t.Fatalf("%d EventInterrupted, want 3", n)
	}
}

// S3: an interrupt that finds the task already in a signal-delivery-stop
// the tracer has not collected yet is answered by that stop: the task is
// held once, at the signal (its raw siginfo is the SIGUSR1). The kernel
// keeps the interrupt pending and stops the task again with a separate
// EVENT_STOP after Resume (the race rr reports); the tracer must swallow
// it: no second EventInterrupted, and the task runs on.
func TestS3InterruptAnsweredBySignalStop(t *testing.T) {
	other := testprog.Start(t, "pause")
	p := testprog.Start(t, "usr1")
	tr, r := newTracer(t, seize.Options{})
	held := make(chan heldStop, 8)
	var once sync.Once
	var trick error
	r.onEvent = func(ev *seize.Event) {
		if ev.Kind != seize.EventInterrupted {
			return
		}
		if ev.Task.Tid() == p.Pid {
			si, err := siginfoAt(p.Pid)
			held <- heldStop{p.Pid, si, err}
			return
		}
		// The tracer thread is busy here, so p's stop at the signal is
		// not collected: interrupt it in that state.
		once.Do(func() {
			syscall.Kill(p.Pid, syscall.SIGUSR1)
			end := time.Now().Add(2 * time.Second)
			for testprog.State(p.Pid) != 't' {
				if time.Now().After(end) {
					trick = fmt.Errorf("tracee did not reach its signal stop: state %c", testprog.State(p.Pid))
					return
				}
				time.Sleep(time.Millisecond)
			}
			trick = tr.Interrupt(p.Pid)
		})
	}
	if err := tr.Attach(other.Pid, p.Pid); err != nil {
		t.Fatal(err)
	}
	testprog.WaitState(t, p.Pid, "S", 2*time.Second)
	testprog.WaitState(t, other.Pid, "S", 2*time.Second)
	from := r.len()
	if err := tr.Interrupt(other.Pid); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, from, 5*time.Second, "EventInterrupted", kind(seize.EventInterrupted, p.Pid))
	if trick != nil {
		t.Fatal(trick)
	}
	h := nextStop(t, held)
	if h.si.Signo != int32(syscall.SIGUSR1) || h.si.Code != 0 {
		t.Fatalf("held at a stop with signo %d code %#x, want the SIGUSR1 from kill (SI_USER)", h.si.Signo, h.si.Code)
	}
	var mine []rec
	for _, e := range r.snapshot()[from:] {
		if e.Tid == p.Pid {
			mine = append(mine, e)
		}
	}
	if len(mine) != 2 || mine[0].Kind != seize.EventSignal || mine[0].Sig != syscall.SIGUSR1 || mine[1].Kind != seize.EventInterrupted {
		t.Fatalf("want the SIGUSR1 then interrupted: %s", lastEvents(mine))
	}
	after := r.len()
	if err := tr.Resume(p.Pid); err != nil {
		t.Fatal(err)
	}
	if l := p.Expect("usr1", 5*time.Second); l != "usr1 1" {
		t.Fatalf("tracee: %q, want usr1 1", l)
	}
	testprog.WaitState(t, p.Pid, "S", 2*time.Second)
	noLine(t, p, 100*time.Millisecond, "usr1")
	for _, e := range r.snapshot()[after:] {
		if e.Tid == p.Pid {
			t.Fatalf("after Resume: %v (the late EVENT_STOP must stay silent)", e)
		}
	}
	if tp, _, _ := tracerOf(p.Pid); !isOwnThread(tp) {
		t.Fatalf("TracerPid %d: tracee no longer traced by us", tp)
	}
	// Still traced and responsive: the next signal goes through.
	syscall.Kill(p.Pid, syscall.SIGUSR1)
	if l := p.Expect("usr1", 5*time.Second); l != "usr1 2" {
		t.Fatalf("tracee: %q, want usr1 2", l)
	}
	tr.Resume(other.Pid)
}

// S4: seizing a process that is already stopped gives an immediate
// EVENT_STOP carrying the stop signal (0x80137f for SIGSTOP), reported as
// EventGroupStop. The process stays stopped — for /proc and for its real
// parent, who was told once and is not told again — and neither Interrupt
// nor Resume runs it; only SIGCONT does, and then the parent sees
// "continued" once and the program goes on.
func TestS4SeizeStopped(t *testing.T) {
	parent, child := startParentOf(t, "ticker", "20")
	parent.Expect("tick 1", 5*time.Second)
	syscall.Kill(child, syscall.SIGSTOP)
	if l := parent.Expect("parent saw", 5*time.Second); l != "parent saw stopped 19" {
		t.Fatalf("parent: %q, want stopped by SIGSTOP", l)
	}
	testprog.WaitState(t, child, "T", 2*time.Second)

	tr, r := newTracer(t, seize.Options{Syscalls: true})
	stops := captureStops(r, seize.EventGroupStop)
	if err := tr.Attach(child); err != nil {
		t.Fatal(err)
	}
	gs, _ := r.waitFor(t, 0, 5*time.Second, "group-stop", kind(seize.EventGroupStop, child))
	if gs.Sig != syscall.SIGSTOP {
		t.Fatalf("group-stop by %v, want SIGSTOP", gs.Sig)
	}
	if h := nextStop(t, stops); h.status() != 0x80137f {
		t.Fatalf("seize of a stopped task: stop %#x, want 0x80137f", h.status())
	}
	if evs := r.snapshot(); len(evs) != 2 || evs[0].Kind != seize.EventAttached {
		t.Fatalf("want attached then group-stop: %s", lastEvents(evs))
	}
	stayStopped := func(what string) {
		t.Helper()
		for end := time.Now().Add(300 * time.Millisecond); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
			if s := testprog.State(child); s != 't' && s != 'T' {
				t.Fatalf("%s: state %c, want stopped", what, s)
			}
		}
		noLine(t, parent, 10*time.Millisecond, "tick", "parent saw")
	}
	stayStopped("after attach")
	// S8/S13: an interrupt of the listening task and its release leave it
	// in the group-stop.
	from := r.len()
	if err := tr.Interrupt(child); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, from, 5*time.Second, "EventInterrupted", kind(seize.EventInterrupted, child))
	if err := tr.Resume(child); err != nil {
		t.Fatal(err)
	}
	stayStopped("after Interrupt and Resume")

	from = r.len()
	syscall.Kill(child, syscall.SIGCONT)
	if l := parent.Expect("parent saw", 5*time.Second); l != "parent saw continued" {
		t.Fatalf("parent: %q, want continued", l)
	}
	r.waitFor(t, from, 5*time.Second, "continued", kind(seize.EventContinued, child))
	r.waitFor(t, from, 5*time.Second, "SIGCONT", func(e rec) bool { return e.Kind == seize.EventSignal && e.Sig == syscall.SIGCONT })
	l := parent.Expect("tick", 5*time.Second)
	if !strings.HasSuffix(l, "tstp=0 cont=1") {
		t.Fatalf("after SIGCONT: %q, want tstp=0 cont=1", l)
	}
	for i := 0; i < 3; i++ {
		select {
		case l := <-parent.Lines:
			if strings.HasPrefix(l, "parent saw") {
				t.Fatalf("parent told again: %q", l)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("ticks stopped after SIGCONT")
		}
	}
	if n := r.count(kind(seize.EventGroupStop, child)); n != 1 {
		t.Fatalf("%d group-stop events, want 1", n)
	}
}
