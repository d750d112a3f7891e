package seize_test

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/internal/ptrace"
	"github.com/seize-dev/seize/internal/testprog"
)

// untracedNow fails unless no live task of pid has a tracer right now.
func untracedNow(t *testing.T, pid int) {
	t.Helper()
	for _, tid := range taskTids(pid) {
		if tp, st, ok := tracerOf(tid); ok && tp != 0 && st != 'Z' && st != 'X' {
			t.Fatalf("task %d of %d still traced by %d (state %c)", tid, pid, tp, st)
		}
	}
}

// stayT fails if pid leaves the stopped state T within d.
func stayT(t *testing.T, pid int, d time.Duration) {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if s := testprog.State(pid); s != 'T' {
			t.Fatalf("pid %d: state %c, want T (stopped)", pid, s)
		}
	}
}

// expectExactly waits for a line starting with prefix, fails unless it is
// want, and then fails if another line with that prefix follows within
// quiet.
func expectExactly(t *testing.T, p *testprog.Proc, prefix, want string, quiet time.Duration) {
	t.Helper()
	if l := p.Expect(prefix, 5*time.Second); l != want {
		t.Fatalf("pid %d: %q, want %q", p.Pid, l, want)
	}
	noLine(t, p, quiet, prefix)
}

// S13: a listening tracee refuses every request but INTERRUPT with ESRCH;
// interrupted, it stops again with EVENT_STOP carrying the stop signal,
// and PTRACE_DETACH with signal 0 there puts it back in the group-stop.
// The bare kernel, with internal/ptrace on a thread of its own.
func TestS13RawDetachListening(t *testing.T) {
	p := testprog.Start(t, "usr1")
	testprog.WaitState(t, p.Pid, "S", 2*time.Second)
	pid := p.Pid
	rawTrace(t, func() error {
		if err := ptrace.Seize(pid, 0); err != nil {
			return err
		}
		syscall.Kill(pid, syscall.SIGSTOP)
		st, err := rawWait(pid, 5*time.Second)
		if err != nil || uint32(st) != 0x137f {
			return fmt.Errorf("SIGSTOP delivery-stop: %#x %v, want 0x137f", uint32(st), err)
		}
		ptrace.Cont(pid, int(syscall.SIGSTOP))
		st, err = rawWait(pid, 5*time.Second)
		if err != nil || uint32(st) != 0x80137f {
			return fmt.Errorf("group-stop: %#x %v, want 0x80137f", uint32(st), err)
		}
		if err := ptrace.Listen(pid); err != nil {
			return fmt.Errorf("listen: %v", err)
		}
		if err := ptrace.Detach(pid, 0); err != syscall.ESRCH {
			return fmt.Errorf("detach while listening: %v, want ESRCH", err)
		}
		if err := ptrace.Cont(pid, 0); err != syscall.ESRCH {
			return fmt.Errorf("cont while listening: %v, want ESRCH", err)
		}
		if err := ptrace.Interrupt(pid); err != nil {
			return fmt.Errorf("interrupt while listening: %v", err)
		}
		st, err = rawWait(pid, 5*time.Second)
		if err != nil || uint32(st) != 0x80137f {
			return fmt.Errorf("interrupted listener: %#x %v, want 0x80137f", uint32(st), err)
		}
		return ptrace.Detach(pid, 0)
	})
	waitUntraced(t, pid)
	if s := testprog.WaitState(t, pid, "T", time.Second); s != 'T' {
		t.Fatalf("state %c after detach, want T", s)
	}
	syscall.Kill(pid, syscall.SIGUSR1) // pending while stopped
	time.Sleep(50 * time.Millisecond)
	if s := testprog.State(pid); s != 'T' {
		t.Fatalf("state %c with a signal pending, want T", s)
	}
	syscall.Kill(pid, syscall.SIGCONT)
	expectExactly(t, p, "usr1", "usr1 1", 100*time.Millisecond)
}

// S13: Detach of a task listening in a group-stop (the tracer must
// interrupt it first) leaves it in the stop: state T, its real parent not
// told anything more, and SIGCONT resumes it.
func TestS13DetachListening(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGSTOP, syscall.SIGTSTP} {
		name := map[syscall.Signal]string{syscall.SIGSTOP: "SIGSTOP", syscall.SIGTSTP: "SIGTSTP"}[sig]
		t.Run(name, func(t *testing.T) {
			parent, child := startParentOf(t, "ticker", "20")
			parent.Expect("tick 1", 5*time.Second)
			tr, r := newTracer(t, seize.Options{Syscalls: true})
			if err := tr.Attach(child); err != nil {
				t.Fatal(err)
			}
			syscall.Kill(child, sig)
			r.waitFor(t, 0, 5*time.Second, "group-stop", kind(seize.EventGroupStop, child))
			if l := parent.Expect("parent saw", 5*time.Second); l != fmt.Sprintf("parent saw stopped %d", sig) {
				t.Fatalf("parent: %q", l)
			}
			testprog.WaitState(t, child, "t", 2*time.Second) // listening
			from := r.len()
			if err := tr.Detach(child); err != nil {
				t.Fatal(err)
			}
			r.waitFor(t, from, 5*time.Second, "detach", kind(seize.EventDetached, child))
			if evs := r.snapshot()[from:]; len(evs) != 1 {
				t.Fatalf("want only detached: %s", lastEvents(evs))
			}
			if tp, _, _ := tracerOf(child); tp != 0 {
				t.Fatalf("TracerPid %d after detach", tp)
			}
			// The detached task runs for a moment to re-enter the
			// group-stop (__ptrace_unlink sets JOBCTL_STOP_PENDING).
			testprog.WaitState(t, child, "T", 2*time.Second)
			stayT(t, child, 300*time.Millisecond)
			noLine(t, parent, 10*time.Millisecond, "tick", "parent saw")
			syscall.Kill(child, syscall.SIGCONT)
			if l := parent.Expect("parent saw", 5*time.Second); l != "parent saw continued" {
				t.Fatalf("parent: %q, want continued", l)
			}
			l := parent.Expect("tick", 5*time.Second)
			if !strings.HasSuffix(l, "cont=1") {
				t.Fatalf("after SIGCONT: %q, want cont=1", l)
			}
		})
	}
}

// S13: a task detached from inside the Handler at the signal-delivery-stop
// of a SIGUSR1 gets the signal with the detach: the program counts it.
func TestS13DetachAtSignalStopKeepsSignal(t *testing.T) {
	for _, syscalls := range []bool{false, true} {
		t.Run(fmt.Sprintf("syscalls=%v", syscalls), func(t *testing.T) {
			p := testprog.Start(t, "usr1")
			tr, r := newTracer(t, seize.Options{Syscalls: syscalls})
			var detachErr error
			r.onEvent = func(ev *seize.Event) {
				if ev.Kind == seize.EventSignal && ev.Sig == syscall.SIGUSR1 {
					detachErr = tr.Detach(ev.Task.Tid())
				}
			}
			if err := tr.Attach(p.Pid); err != nil {
				t.Fatal(err)
			}
			testprog.WaitState(t, p.Pid, "S", 2*time.Second)
			syscall.Kill(p.Pid, syscall.SIGUSR1)
			_, next := r.waitFor(t, 0, 5*time.Second, "SIGUSR1", kind(seize.EventSignal, p.Pid))
			r.waitFor(t, next, 5*time.Second, "detach", kind(seize.EventDetached, p.Pid))
			if detachErr != nil {
				t.Fatal(detachErr)
			}
			expectExactly(t, p, "usr1", "usr1 1", 200*time.Millisecond)
			if tp, _, _ := tracerOf(p.Pid); tp != 0 {
				t.Fatalf("TracerPid %d after detach", tp)
			}
		})
	}
}

// S13: a signal that arrives while the task is held is not lost by a
// Detach: held at an interrupt's EVENT_STOP, the kernel keeps it pending;
// held at the signal's own delivery-stop, the tracer must pass it on.
func TestS13DetachHeldWithSignal(t *testing.T) {
	t.Run("pending", func(t *testing.T) {
		p := testprog.Start(t, "usr1")
		tr, r := newTracer(t, seize.Options{})
		if err := tr.Attach(p.Pid); err != nil {
			t.Fatal(err)
		}
		testprog.WaitState(t, p.Pid, "S", 2*time.Second)
		if err := tr.Interrupt(p.Pid); err != nil {
			t.Fatal(err)
		}
		_, next := r.waitFor(t, 0, 5*time.Second, "interrupted", kind(seize.EventInterrupted, p.Pid))
		syscall.Kill(p.Pid, syscall.SIGUSR1)
		noLine(t, p, 100*time.Millisecond, "usr1")
		if s := testprog.State(p.Pid); s != 't' {
			t.Fatalf("state %c while held, want t", s)
		}
		if err := tr.Detach(p.Pid); err != nil {
			t.Fatal(err)
		}
		r.waitFor(t, next, 5*time.Second, "detach", kind(seize.EventDetached, p.Pid))
		expectExactly(t, p, "usr1", "usr1 1", 200*time.Millisecond)
		if tp, _, _ := tracerOf(p.Pid); tp != 0 {
			t.Fatalf("TracerPid %d after detach", tp)
		}
	})
	t.Run("at-signal-stop", func(t *testing.T) {
		p := testprog.Start(t, "usr1")
		tr, r := newTracer(t, seize.Options{})
		r.onEvent = func(ev *seize.Event) {
			if ev.Kind == seize.EventSignal && ev.Sig == syscall.SIGUSR1 {
				tr.Interrupt(ev.Task.Tid()) // hold it at this stop
			}
		}
		if err := tr.Attach(p.Pid); err != nil {
			t.Fatal(err)
		}
		testprog.WaitState(t, p.Pid, "S", 2*time.Second)
		syscall.Kill(p.Pid, syscall.SIGUSR1)
		_, next := r.waitFor(t, 0, 5*time.Second, "held at the signal", kind(seize.EventInterrupted, p.Pid))
		noLine(t, p, 100*time.Millisecond, "usr1")
		if err := tr.Detach(p.Pid); err != nil {
			t.Fatal(err)
		}
		r.waitFor(t, next, 5*time.Second, "detach", kind(seize.EventDetached, p.Pid))
		expectExactly(t, p, "usr1", "usr1 1", 200*time.Millisecond)
		if tp, _, _ := tracerOf(p.Pid); tp != 0 {
			t.Fatalf("TracerPid %d after detach", tp)
		}
	})
}

// S14: Close releases tracees in every state as they were: a running one
// runs, a sleeper's nanosleep completes normally and on time, a
// group-stopped one stays stopped (its parent told nothing new) until
// SIGCONT, and a signal held at its delivery-stop is delivered, once.
func TestS14CloseReleasesAll(t *testing.T) {
	spin := testprog.Start(t, "spin", "2")
	parent, stopped := startParentOf(t, "ticker", "20")
	parent.Expect("tick 1", 5*time.Second)
	usr1 := testprog.Start(t, "usr1")
	sleeper := testprog.Start(t, "nanosleep", "1000")
	sleepStart := time.Now()

	tr, r := newTracer(t, seize.Options{Syscalls: true})
	r.onEvent = func(ev *seize.Event) {
		if ev.Kind == seize.EventSignal && ev.Sig == syscall.SIGUSR1 {
			tr.Interrupt(ev.Task.Tid())
		}
	}
	if err := tr.Attach(spin.Pid, sleeper.Pid, stopped, usr1.Pid); err != nil {
		t.Fatal(err)
	}
	syscall.Kill(stopped, syscall.SIGSTOP)
	r.waitFor(t, 0, 5*time.Second, "group-stop", kind(seize.EventGroupStop, stopped))
	parent.Expect("parent saw stopped 19", 5*time.Second)
	// The program reports a SIGUSR1 when pause returns: send it once
	// the program is in pause (its first syscall entry after "ready"), or
	// its report waits for the next signal.
	r.waitFor(t, 0, 5*time.Second, "pause", kind(seize.EventSyscallEntry, usr1.Pid))
	testprog.WaitState(t, usr1.Pid, "S", 2*time.Second)
	syscall.Kill(usr1.Pid, syscall.SIGUSR1)
	r.waitFor(t, 0, 5*time.Second, "held at SIGUSR1", kind(seize.EventInterrupted, usr1.Pid))
	testprog.WaitState(t, sleeper.Pid, "S", 2*time.Second)
	if time.Since(sleepStart) > 700*time.Millisecond {
		t.Skip("machine too slow to close the tracer while the sleeper sleeps")
	}
	tasks := len(tr.Tasks())

	d := within(t, 5*time.Second, "Close", func() { tr.Close() })
	t.Logf("Close of %d tasks in 4 states: %v", tasks, d)
	if n := r.count(kind(seize.EventDetached, 0)); n != tasks {
		t.Fatalf("%d EventDetached, want %d", n, tasks)
	}
	for _, pid := range []int{spin.Pid, sleeper.Pid, stopped, usr1.Pid} {
		untracedNow(t, pid)
	}
	// Running.
	base := cpuTicks(spin.Pid)
	testprog.WaitState(t, spin.Pid, "R", 2*time.Second)
	waitTicks(t, spin.Pid, base, 3, 3*time.Second)
	// Signal held by the tracer: delivered once.
	expectExactly(t, usr1, "usr1", "usr1 1", 100*time.Millisecond)
	// Sleeping: completes as if never traced.
	l := sleeper.Expect("nanosleep", 5*time.Second)
	var rv, errno int
	var ms float64
	if _, err := fmtSscan(l, "nanosleep r=%d errno=%d elapsed_ms=%f", &rv, &errno, &ms); err != nil || rv != 0 || errno != 0 {
		t.Fatalf("%q: the sleep was disturbed", l)
	}
	if ms < 990 || ms > 1300 {
		t.Fatalf("slept %vms, want about 1000", ms)
	}
	// Stopped: stays stopped until SIGCONT; the parent was told once.
	testprog.WaitState(t, stopped, "T", 2*time.Second)
	stayT(t, stopped, 200*time.Millisecond)
	noLine(t, parent, 10*time.Millisecond, "tick", "parent saw")
	syscall.Kill(stopped, syscall.SIGCONT)
	if l := parent.Expect("parent saw", 5*time.Second); l != "parent saw continued" {
		t.Fatalf("parent: %q, want continued", l)
	}
	parent.Expect("tick", 5*time.Second)
}

// S14: Close must not deadlock on a vfork parent, which sits in D state
// until its child execs or exits: interrupting and detaching one task at a
// time would wait for the parent's stop forever when the tracer holds the
// child. Interrupt all, detach each as it stops.
func TestS14CloseVforkParent(t *testing.T) {
	for _, hold := range []bool{false, true} {
		name := "child-running"
		if hold {
			name = "child-held"
		}
		t.Run(name, func(t *testing.T) {
			p := testprog.Start(t, "vfork", "300")
			tr, r := newTracer(t, seize.Options{FollowForks: true})
			r.onEvent = func(ev *seize.Event) {
				if hold && ev.Kind == seize.EventAttached && ev.Task.Pid() != p.Pid {
					tr.Interrupt(ev.Task.Tid())
				}
			}
			if err := tr.Attach(p.Pid); err != nil {
				t.Fatal(err)
			}
			testprog.WaitState(t, p.Pid, "S", 2*time.Second)
			fmt.Fprintln(p.Stdin, "go")
			nt, _ := r.waitFor(t, 0, 5*time.Second, "vfork", kind(seize.EventNewTask, p.Pid))
			child := nt.NewTid
			r.waitFor(t, 0, 5*time.Second, "child attached", kind(seize.EventAttached, child))
			if hold {
				r.waitFor(t, 0, 5*time.Second, "child held", kind(seize.EventInterrupted, child))
			}
			testprog.WaitState(t, p.Pid, "D", 2*time.Second)
			var closeErr error
			d := within(t, 5*time.Second, "Close with a vfork parent", func() { closeErr = tr.Close() })
			t.Logf("Close: %v", d)
			if closeErr != nil {
				t.Fatal(closeErr)
			}
			untracedNow(t, p.Pid)
			l := p.Expect("vforked", 5*time.Second)
			var c int
			var ms float64
			if _, err := fmtSscan(l, "vforked %d after_ms=%f", &c, &ms); err != nil || c != child {
				t.Fatalf("%q: want child %d", l, child)
			}
			if ms < 290 || ms > 2000 {
				t.Fatalf("vfork returned after %vms, want after the child's 300ms sleep", ms)
			}
			if l := p.Expect("vfork child", 5*time.Second); l != "vfork child exited 3" {
				t.Fatalf("%q: the child did not exec and exit normally", l)
			}
			if n := r.count(kind(seize.EventDetached, 0)); n != 2 {
				t.Fatalf("%d EventDetached, want 2 (parent and child)", n)
			}
		})
	}
}
