package seize_test

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/internal/testprog"
	"golang.org/x/sys/unix"
)

// Tests of what a traced process's real parent and the process itself see
// of stops (S8, S10, S11), and of job control on programs the tracer
// started. Each negative control runs the same scenario under a raw
// ptrace tracer that makes the mistake the spec item forbids, and asserts
// that the mistake shows: so the seize test is able to fail.

var stopSignals = []syscall.Signal{syscall.SIGTSTP, syscall.SIGSTOP}

func stopSigName(sig syscall.Signal) string {
	switch sig {
	case syscall.SIGTSTP:
		return "SIGTSTP"
	case syscall.SIGSTOP:
		return "SIGSTOP"
	}
	return fmt.Sprint(int(sig))
}

// S8: a group-stopped tracee is held with LISTEN, never restarted: the
// real parent is told "stopped" exactly once, the process does not run
// (no ticks, state t/T), and SIGCONT resumes it for everyone. Twice in a
// row, by SIGTSTP (through the program's handler) and by SIGSTOP.
func TestS8GroupStopIsHeld(t *testing.T) {
	for _, sig := range stopSignals {
		t.Run(stopSigName(sig), func(t *testing.T) {
			parent, child := startParentOf(t, "ticker", "20")
			parent.Expect("tick 1", 5*time.Second)
			tr, r := newTracer(t, seize.Options{Syscalls: true})
			if err := tr.Attach(child); err != nil {
				t.Fatal(err)
			}
			r.waitFor(t, 0, 5*time.Second, "attach", kind(seize.EventAttached, child))
			for round := 1; round <= 2; round++ {
				from := r.len()
				syscall.Kill(child, sig)
				if sig == syscall.SIGTSTP {
					parent.Expect("handler SIGTSTP", 5*time.Second)
				}
				stop, _ := r.waitFor(t, from, 5*time.Second, "group-stop", kind(seize.EventGroupStop, child))
				if stop.Sig != sig {
					t.Fatalf("round %d: group-stop by %v, want %v", round, stop.Sig, sig)
				}
				want := fmt.Sprintf("parent saw stopped %d", sig)
				if l := parent.Expect("parent saw", 5*time.Second); l != want {
					t.Fatalf("round %d: parent: %q, want %q", round, l, want)
				}
				testprog.WaitState(t, child, "tT", 2*time.Second)
				// Everything the child wrote before it stopped precedes the
				// parent's report in the pipe: any line now means the child
				// ran, or the parent was told a second time.
				silent(t, parent.Lines, 400*time.Millisecond, fmt.Sprintf("round %d, while group-stopped", round))
				if s := testprog.State(child); s != 't' && s != 'T' {
					t.Fatalf("round %d: state %c while group-stopped, want t or T", round, s)
				}
				syscall.Kill(child, syscall.SIGCONT)
				if l := parent.Expect("parent saw", 5*time.Second); l != "parent saw continued" {
					t.Fatalf("round %d: parent: %q, want continued", round, l)
				}
				r.waitFor(t, from, 5*time.Second, "continued", kind(seize.EventContinued, child))
				l := parent.Expect("tick", 2*time.Second)
				if sig == syscall.SIGTSTP && !strings.Contains(l, fmt.Sprintf("tstp=%d cont=%d", round, round)) {
					t.Fatalf("round %d: after SIGCONT: %q", round, l)
				}
			}
			if n := r.count(kind(seize.EventGroupStop, child)); n != 2 {
				t.Fatalf("%d group-stop events, want 2", n)
			}
		})
	}
}

// S8 negative control: a tracer that restarts the group-stop's EVENT_STOP
// with PTRACE_CONT instead of LISTEN makes the real parent see "stopped"
// while the process keeps running: the classic bug, which the assertions
// of TestS8GroupStopIsHeld catch.
func TestS8NegativeControlRawCont(t *testing.T) {
	for _, sig := range stopSignals {
		t.Run(stopSigName(sig), func(t *testing.T) {
			parent, child := startParentOf(t, "ticker", "20")
			parent.Expect("tick 1", 5*time.Second)
			rt := startRawTracer(t, child, rawCont, false)
			syscall.Kill(child, sig)
			rt.expect(t, fmt.Sprintf("group-stop %d", sig), 5*time.Second)
			want := fmt.Sprintf("parent saw stopped %d", sig)
			if l := parent.Expect("parent saw", 5*time.Second); l != want {
				t.Fatalf("parent: %q, want %q", l, want)
			}
			// The bug: the parent was told "stopped", yet the child ticks.
			for i := 0; i < 3; i++ {
				select {
				case l := <-parent.Lines:
					if !strings.HasPrefix(l, "tick") {
						t.Fatalf("raw tracer: %q, want ticks after the stop", l)
					}
				case <-time.After(2 * time.Second):
					t.Fatal("raw PTRACE_CONT tracer: the child stopped; the negative control no longer shows the bug")
				}
			}
		})
	}
}

// S8 negative control, the other half: a tracer that leaves the
// group-stopped tracee in its ptrace stop. The parent is told "stopped",
// and SIGCONT resumes nothing: no tick, and no "continued" either (the
// task itself notifies its parent of the continue once it runs).
func TestS8NegativeControlRawLeave(t *testing.T) {
	parent, child := startParentOf(t, "ticker", "20")
	parent.Expect("tick 1", 5*time.Second)
	rt := startRawTracer(t, child, rawLeave, false)
	syscall.Kill(child, syscall.SIGSTOP)
	rt.expect(t, "group-stop 19", 5*time.Second)
	if l := parent.Expect("parent saw", 5*time.Second); l != "parent saw stopped 19" {
		t.Fatalf("parent: %q, want stopped 19", l)
	}
	// The parent must be back in waitpid: one that re-enters it after the
	// SIGCONT sees SIGNAL_STOP_CONTINUED at once, without the task running.
	waitInWait(t, parent.Pid)
	syscall.Kill(child, syscall.SIGCONT)
	// The bug: SIGCONT, yet the process stays stopped.
	select {
	case l := <-parent.Lines:
		t.Fatalf("raw tracer left the stop alone, yet after SIGCONT: %q; the negative control no longer shows the bug", l)
	case <-time.After(400 * time.Millisecond):
	}
	if s := testprog.State(child); s != 't' {
		t.Fatalf("state %c, want t (still in the ptrace stop)", s)
	}
}

// S10: while traced by a non-parent with syscall tracing, Interrupt and
// Resume cycles and signal-delivery stops, the real parent's
// waitpid(WUNTRACED|WCONTINUED) reports nothing: no ptrace stop leaks.
func TestS10ParentSeesNoPtraceStops(t *testing.T) {
	parent, child := startParentOf(t, "ticker", "20")
	parent.Expect("tick 1", 5*time.Second)
	tr, r := newTracer(t, seize.Options{Syscalls: true})
	if err := tr.Attach(child); err != nil {
		t.Fatal(err)
	}
	_, next := r.waitFor(t, 0, 5*time.Second, "attach", kind(seize.EventAttached, child))
	for i := 0; i < 10; i++ {
		if err := tr.Interrupt(child); err != nil {
			t.Fatal(err)
		}
		_, next = r.waitFor(t, next, 5*time.Second, "interrupted", kind(seize.EventInterrupted, child))
		if s := testprog.State(child); s != 't' {
			t.Fatalf("cycle %d: state %c while held, want t", i, s)
		}
		time.Sleep(5 * time.Millisecond)
		if err := tr.Resume(child); err != nil {
			t.Fatal(err)
		}
	}
	onlyTicks(t, parent.Lines, 300*time.Millisecond, "after Interrupt/Resume cycles")
	for i := 0; i < 3; i++ {
		// Ignored by default, but a tracee stops to deliver it.
		syscall.Kill(child, syscall.SIGWINCH)
		_, next = r.waitFor(t, next, 5*time.Second, "SIGWINCH", func(e rec) bool {
			return e.Kind == seize.EventSignal && e.Tid == child && e.Sig == syscall.SIGWINCH
		})
	}
	if n := r.count(kind(seize.EventSyscallEntry, child)); n < 10 {
		t.Fatalf("only %d syscall entries: the scenario made too few ptrace stops", n)
	}
	onlyTicks(t, parent.Lines, 300*time.Millisecond, "after signal-delivery stops")
}

// onlyTicks reads lines for d and fails unless every one is a tick of the
// child's (the real parent reported nothing) and the child ticked.
func onlyTicks(t *testing.T, lines <-chan string, d time.Duration, when string) {
	t.Helper()
	ticks := 0
	end := time.After(d)
	for {
		select {
		case l := <-lines:
			if !strings.HasPrefix(l, "tick") {
				t.Fatalf("%s: the real parent reported %q while the child was only traced", when, l)
			}
			ticks++
		case <-end:
			if ticks < 3 {
				t.Fatalf("%s: %d ticks in %v: the child is not running", when, ticks, d)
			}
			return
		}
	}
}

// S10: at exit the tracer hears first: while the tracer holds the task at
// EventExiting the real parent hears nothing; then the tracer gets the
// exit, and the parent the correct status.
func TestS10ExitTracerFirst(t *testing.T) {
	cases := []struct {
		name      string
		args      []string
		kill      syscall.Signal
		parentSaw string
		code      int
		sig       syscall.Signal
	}{
		{name: "killed", args: []string{"ticker", "20"}, kill: syscall.SIGTERM, parentSaw: "parent saw killed 15", sig: syscall.SIGTERM},
		{name: "exited", args: []string{"exitafter", "800", "7"}, parentSaw: "parent saw exited 7", code: 7},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			parent, child := startParentOf(t, c.args...)
			// The child's "ready" may come before the parent's "child"
			// line; wait for its exec instead.
			waitExeced(t, child, c.args[0])
			tr, r := newTracer(t, seize.Options{Syscalls: true})
			var released atomic.Bool
			r.onEvent = func(ev *seize.Event) {
				if ev.Kind == seize.EventExiting && ev.Task.Tid() == child {
					// The task waits in its EVENT_EXIT stop; its parent
					// cannot have been told yet.
					time.Sleep(200 * time.Millisecond)
					released.Store(true)
				}
			}
			if err := tr.Attach(child); err != nil {
				t.Fatal(err)
			}
			r.waitFor(t, 0, 5*time.Second, "attach", kind(seize.EventAttached, child))
			if c.kill != 0 {
				syscall.Kill(child, c.kill)
			}
			l := parent.Expect("parent saw", 5*time.Second)
			if !released.Load() {
				t.Fatalf("the parent saw %q while the tracer held the task at EventExiting", l)
			}
			if l != c.parentSaw {
				t.Fatalf("parent: %q, want %q", l, c.parentSaw)
			}
			exiting, next := r.waitFor(t, 0, 5*time.Second, "exiting", kind(seize.EventExiting, child))
			exit, _ := r.waitFor(t, next, 5*time.Second, "exit", kind(seize.EventExit, child))
			for _, e := range []rec{exiting, exit} {
				if e.Sig != c.sig || e.ExitCode != c.code {
					t.Fatalf("%v: sig %v code %d, want sig %v code %d", e.Kind, e.Sig, e.ExitCode, c.sig, c.code)
				}
			}
			if n := r.count(kind(seize.EventExit, child)); n != 1 {
				t.Fatalf("%d exit events, want 1", n)
			}
		})
	}
}

// waitExeced waits until pid runs the tracee in mode (its exec is done).
func waitExeced(t *testing.T, pid int, mode string) {
	t.Helper()
	end := time.Now().Add(5 * time.Second)
	for {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if args := strings.Split(string(b), "\x00"); len(args) > 1 && args[1] == mode {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("pid %d did not exec the tracee in mode %s: cmdline %q", pid, mode, b)
		}
		time.Sleep(time.Millisecond)
	}
}

// S11: the tracer never waits with WCONTINUED, so the real parent gets
// every "continued": five stop/continue rounds in a row.
func TestS11ParentGetsEveryContinue(t *testing.T) {
	parent, child := startParentOf(t, "ticker", "20")
	parent.Expect("tick 1", 5*time.Second)
	tr, r := newTracer(t, seize.Options{Syscalls: true})
	if err := tr.Attach(child); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, 0, 5*time.Second, "attach", kind(seize.EventAttached, child))
	for round := 1; round <= 5; round++ {
		from := r.len()
		syscall.Kill(child, syscall.SIGSTOP)
		if l := parent.Expect("parent saw", 5*time.Second); l != "parent saw stopped 19" {
			t.Fatalf("round %d: parent: %q, want stopped 19", round, l)
		}
		r.waitFor(t, from, 5*time.Second, "group-stop", kind(seize.EventGroupStop, child))
		syscall.Kill(child, syscall.SIGCONT)
		if l := parent.Expect("parent saw", 5*time.Second); l != "parent saw continued" {
			t.Fatalf("round %d: parent: %q, want continued", round, l)
		}
		r.waitFor(t, from, 5*time.Second, "continued", kind(seize.EventContinued, child))
	}
}

// S11, without a race: the real parent is itself stopped while its child
// is stopped and continued, so that the tracer has every chance to take
// the one "continued" state first. When the parent resumes it must still
// find it.
func TestS11ContinuedLeftForParent(t *testing.T) {
	parent, child := startParentOf(t, "ticker", "20")
	parent.Expect("tick 1", 5*time.Second)
	tr, r := newTracer(t, seize.Options{Syscalls: true})
	if err := tr.Attach(child); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, 0, 5*time.Second, "attach", kind(seize.EventAttached, child))
	stopParent(t, parent.Pid)
	from := r.len()
	syscall.Kill(child, syscall.SIGSTOP)
	r.waitFor(t, from, 5*time.Second, "group-stop", kind(seize.EventGroupStop, child))
	testprog.WaitState(t, child, "t", 2*time.Second)
	syscall.Kill(child, syscall.SIGCONT)
	r.waitFor(t, from, 5*time.Second, "SIGCONT", func(e rec) bool {
		return e.Kind == seize.EventSignal && e.Tid == child && e.Sig == syscall.SIGCONT
	})
	// The child runs again (its ticks reach the pipe while the parent is
	// stopped), so the tracer has waited again since the SIGCONT.
	parent.Expect("tick", 2*time.Second)
	parent.Expect("tick", 2*time.Second)
	syscall.Kill(parent.Pid, syscall.SIGCONT)
	if l := parent.Expect("parent saw", 5*time.Second); l != "parent saw continued" {
		t.Fatalf("parent: %q, want continued", l)
	}
}

// S11 negative control: the same scenario under a raw tracer that waits
// with WCONTINUED (and otherwise does everything right, LISTEN included):
// the tracer takes the "continued" and the real parent never hears it.
func TestS11NegativeControlRawWContinued(t *testing.T) {
	parent, child := startParentOf(t, "ticker", "20")
	parent.Expect("tick 1", 5*time.Second)
	rt := startRawTracer(t, child, rawListen, true)
	stopParent(t, parent.Pid)
	syscall.Kill(child, syscall.SIGSTOP)
	rt.expect(t, "group-stop 19", 5*time.Second)
	testprog.WaitState(t, child, "t", 2*time.Second)
	syscall.Kill(child, syscall.SIGCONT)
	rt.expect(t, "continued", 5*time.Second)
	syscall.Kill(parent.Pid, syscall.SIGCONT)
	syscall.Kill(child, syscall.SIGKILL)
	if l := parent.Expect("parent saw", 5*time.Second); l != "parent saw killed 9" {
		t.Fatalf("parent: %q; the raw WCONTINUED tracer should have consumed the continued", l)
	}
}

// stopParent stops the real parent with SIGSTOP and waits until it is.
func stopParent(t *testing.T, pid int) {
	t.Helper()
	syscall.Kill(pid, syscall.SIGSTOP)
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGCONT) })
	testprog.WaitState(t, pid, "T", 2*time.Second)
}

// A program the tracer started is seized, not TRACEME-attached: Interrupt
// and Resume work on it, and so does job control (LISTEN): SIGTSTP runs
// its handler and stops it for real, SIGCONT resumes it.
func TestStartSeizeSemantics(t *testing.T) {
	tr, r := newTracer(t, seize.Options{})
	p := startTraced(t, tr, "ticker", "20")
	if l := p.expect("tick 0", 5*time.Second); !strings.HasSuffix(l, "tstp=0 cont=0") {
		t.Fatalf("first tick %q: a signal of the start leaked to the program", l)
	}
	_, next := r.waitFor(t, 0, 5*time.Second, "attach", kind(seize.EventAttached, p.Pid))
	for i := 0; i < 3; i++ {
		if err := tr.Interrupt(p.Pid); err != nil {
			t.Fatalf("Interrupt of a started program: %v", err)
		}
		_, next = r.waitFor(t, next, 5*time.Second, "interrupted", kind(seize.EventInterrupted, p.Pid))
		if s := testprog.State(p.Pid); s != 't' {
			t.Fatalf("state %c while held, want t", s)
		}
		// A tick written just before the stop may still be on its way.
		drainLines(p.Lines, 50*time.Millisecond)
		silent(t, p.Lines, 200*time.Millisecond, "while interrupted")
		if err := tr.Resume(p.Pid); err != nil {
			t.Fatal(err)
		}
		p.expect("tick", 2*time.Second)
	}

	syscall.Kill(p.Pid, syscall.SIGTSTP)
	p.expect("handler SIGTSTP", 5*time.Second)
	stop, next := r.waitFor(t, next, 5*time.Second, "group-stop", kind(seize.EventGroupStop, p.Pid))
	if stop.Sig != syscall.SIGTSTP {
		t.Fatalf("group-stop by %v, want SIGTSTP", stop.Sig)
	}
	testprog.WaitState(t, p.Pid, "tT", 2*time.Second)
	silent(t, p.Lines, 300*time.Millisecond, "while group-stopped")
	syscall.Kill(p.Pid, syscall.SIGCONT)
	r.waitFor(t, next, 5*time.Second, "continued", kind(seize.EventContinued, p.Pid))
	if l := p.expect("tick", 2*time.Second); !strings.HasSuffix(l, "tstp=1 cont=1") {
		t.Fatalf("after SIGCONT: %q, want tstp=1 cont=1", l)
	}
}

// drainLines discards the lines that arrive within d.
func drainLines(lines <-chan string, d time.Duration) {
	end := time.After(d)
	for {
		select {
		case _, ok := <-lines:
			if !ok {
				return
			}
		case <-end:
			return
		}
	}
}

// rawTracer traces one process with bare ptrace requests, to run the
// negative controls: it makes on purpose the mistakes seize must not.
type rawTracer struct {
	events chan string // "group-stop SIG", "continued", "exit"
	done   chan error
}

// atGroupStop is what a raw tracer does at a group-stop's EVENT_STOP.
type atGroupStop int

const (
	rawListen atGroupStop = iota // PTRACE_LISTEN, as seize does (S6)
	rawCont                      // PTRACE_CONT: the parent is told "stopped", the process runs (S8)
	rawLeave                     // nothing: SIGCONT cannot resume it (S8)
)

// startRawTracer seizes pid from a locked OS thread and keeps it running,
// injecting every signal; at a group-stop it does what gs says. With
// wcontinued it waits with WCONTINUED (what S11 forbids). The tracee is
// killed when the test ends, which ends the tracer.
func startRawTracer(t *testing.T, pid int, gs atGroupStop, wcontinued bool) *rawTracer {
	t.Helper()
	rt := &rawTracer{events: make(chan string, 64), done: make(chan error, 1)}
	seized := make(chan error, 1)
	go func() {
		// Never unlocked: should the goroutine end while the tracee lives,
		// the thread exits with it and the kernel detaches the tracee.
		runtime.LockOSThread()
		if err := unix.PtraceSeize(pid); err != nil {
			seized <- err
			return
		}
		seized <- nil
		rt.done <- rt.loop(pid, gs, wcontinued)
	}()
	if err := <-seized; err != nil {
		t.Fatalf("raw seize %d: %v", pid, err)
	}
	t.Cleanup(func() {
		syscall.Kill(pid, syscall.SIGKILL)
		select {
		case err := <-rt.done:
			if err != nil {
				t.Errorf("raw tracer: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("raw tracer did not see its tracee die")
		}
	})
	return rt
}

func (rt *rawTracer) report(s string) {
	select {
	case rt.events <- s:
	default:
	}
}

func (rt *rawTracer) loop(pid int, gs atGroupStop, wcontinued bool) error {
	flags := unix.WALL
	if wcontinued {
		flags |= unix.WCONTINUED
	}
	for {
		var ws unix.WaitStatus
		_, err := unix.Wait4(pid, &ws, flags, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		switch {
		case ws.Exited() || ws.Signaled():
			rt.report("exit")
			return nil
		case ws.Continued():
			rt.report("continued")
			continue
		case !ws.Stopped():
			continue
		}
		sig, evn := int(ws>>8)&0xff, int(ws>>16)
		switch {
		case evn == unix.PTRACE_EVENT_STOP && isStopSig(syscall.Signal(sig)):
			rt.report(fmt.Sprintf("group-stop %d", sig))
			switch gs {
			case rawListen:
				_, _, e := unix.RawSyscall6(unix.SYS_PTRACE, unix.PTRACE_LISTEN, uintptr(pid), 0, 0, 0, 0)
				if e != 0 {
					err = e
				}
			case rawCont:
				err = unix.PtraceCont(pid, 0)
			}
		case evn != 0:
			err = unix.PtraceCont(pid, 0)
		default:
			err = unix.PtraceCont(pid, sig) // inject the signal
		}
		if err != nil && err != unix.ESRCH {
			return err
		}
	}
}

// expect waits for the raw tracer to report want; other reports are
// skipped.
func (rt *rawTracer) expect(t *testing.T, want string, timeout time.Duration) {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case s := <-rt.events:
			if s == want {
				return
			}
		case <-deadline:
			t.Fatalf("raw tracer: no %q within %v", want, timeout)
		}
	}
}

func isStopSig(sig syscall.Signal) bool {
	switch sig {
	case syscall.SIGSTOP, syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU:
		return true
	}
	return false
}

// waitInWait waits until pid sleeps in wait4/waitid (kernel do_wait).
func waitInWait(t *testing.T, pid int) {
	t.Helper()
	end := time.Now().Add(3 * time.Second)
	for testprog.WChan(pid) != "do_wait" {
		if time.Now().After(end) {
			t.Fatalf("pid %d not in waitpid (wchan %q)", pid, testprog.WChan(pid))
		}
		time.Sleep(time.Millisecond)
	}
}
