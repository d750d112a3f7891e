package seize_test

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/internal/testprog"
)

// startParentChild starts "parent" running a ticker child and returns the
// parent process and the child's pid.
func startParentChild(t *testing.T) (*testprog.Proc, int) {
	t.Helper()
	tracee := testprog.Tracee(t)
	parent := testprog.StartCmd(t, exec.Command(tracee, "parent", tracee, "ticker", "20"), false)
	var child int
	if _, err := fmtSscan(parent.Expect("child", 5*time.Second), "child %d", &child); err != nil {
		t.Fatal(err)
	}
	parent.Expect("tick 1", 5*time.Second)
	testprog.KillLater(t, child)
	return parent, child
}

// S6, S7, S10: a traced process stopped by SIGTSTP runs its handler, is
// really stopped, and its real parent sees "stopped" once; SIGCONT resumes
// it, the parent sees "continued", and the tracer reports the sender.
func TestS6S7GroupStopAndContinue(t *testing.T) {
	parent, child := startParentChild(t)
	tr, r := newTracer(t, seize.Options{Syscalls: true})
	if err := tr.Attach(child); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, 0, 5*time.Second, "attach", kind(seize.EventAttached, child))

	syscall.Kill(child, syscall.SIGTSTP)
	parent.Expect("handler SIGTSTP", 5*time.Second)
	stop, next := r.waitFor(t, 0, 5*time.Second, "group-stop", kind(seize.EventGroupStop, child))
	if stop.Sig != syscall.SIGTSTP {
		t.Fatalf("group-stop by %v, want SIGTSTP", stop.Sig)
	}
	if l := parent.Expect("parent saw", 5*time.Second); l != "parent saw stopped 20" {
		t.Fatalf("parent: %q, want stopped by SIGTSTP", l)
	}
	testprog.WaitState(t, child, "tT", 2*time.Second)
	// Really stopped: no ticks, no second report to the parent.
	select {
	case l := <-parent.Lines:
		t.Fatalf("while stopped: %q", l)
	case <-time.After(300 * time.Millisecond):
	}

	syscall.Kill(child, syscall.SIGCONT)
	if l := parent.Expect("parent saw", 5*time.Second); l != "parent saw continued" {
		t.Fatalf("parent: %q, want continued", l)
	}
	cont, _ := r.waitFor(t, next, 5*time.Second, "continued", kind(seize.EventContinued, child))
	if cont.SiPid != os.Getpid() {
		t.Fatalf("EventContinued names sender %d, want %d", cont.SiPid, os.Getpid())
	}
	sig, _ := r.waitFor(t, next, 5*time.Second, "SIGCONT", func(e rec) bool {
		return e.Kind == seize.EventSignal && e.Sig == syscall.SIGCONT
	})
	if sig.SiPid != os.Getpid() {
		t.Fatalf("SIGCONT sender %d, want %d", sig.SiPid, os.Getpid())
	}
	l := parent.Expect("tick", 5*time.Second)
	if !strings.Contains(l, "tstp=1") || !strings.Contains(l, "cont=1") {
		t.Fatalf("after fg: %q, want tstp=1 cont=1", l)
	}
	if n := r.count(kind(seize.EventGroupStop, child)); n != 1 {
		t.Fatalf("%d group-stop events, want 1", n)
	}
}

// S12: detach leaves a stopped process stopped (and SIGCONT resumes it),
// a running one running, a sleeping one in its call, which completes as
// if never traced.
func TestS12DetachPreservesState(t *testing.T) {
	t.Run("stopped", func(t *testing.T) {
		parent, child := startParentChild(t)
		tr, r := newTracer(t, seize.Options{Syscalls: true})
		if err := tr.Attach(child); err != nil {
			t.Fatal(err)
		}
		syscall.Kill(child, syscall.SIGSTOP)
		r.waitFor(t, 0, 5*time.Second, "group-stop", kind(seize.EventGroupStop, child))
		parent.Expect("parent saw stopped 19", 5*time.Second)
		if err := tr.Detach(child); err != nil {
			t.Fatal(err)
		}
		r.waitFor(t, 0, 5*time.Second, "detach", kind(seize.EventDetached, child))
		waitUntraced(t, child)
		if s := testprog.WaitState(t, child, "T", 2*time.Second); s != 'T' {
			t.Fatalf("state %c after detach, want T", s)
		}
		select {
		case l := <-parent.Lines:
			t.Fatalf("after detach of a stopped process: %q", l)
		case <-time.After(200 * time.Millisecond):
		}
		syscall.Kill(child, syscall.SIGCONT)
		parent.Expect("parent saw continued", 5*time.Second)
		parent.Expect("tick", 5*time.Second)
	})
	t.Run("running", func(t *testing.T) {
		p := testprog.Start(t, "spin")
		tr, r := newTracer(t, seize.Options{Syscalls: true})
		if err := tr.Attach(p.Pid); err != nil {
			t.Fatal(err)
		}
		r.waitFor(t, 0, 5*time.Second, "attach", kind(seize.EventAttached, p.Pid))
		if err := tr.Detach(p.Pid); err != nil {
			t.Fatal(err)
		}
		r.waitFor(t, 0, 5*time.Second, "detach", kind(seize.EventDetached, p.Pid))
		waitUntraced(t, p.Pid)
		testprog.WaitState(t, p.Pid, "R", 2*time.Second)
	})
	t.Run("sleeping", func(t *testing.T) {
		p := testprog.Start(t, "nanosleep", "600")
		time.Sleep(50 * time.Millisecond)
		tr, r := newTracer(t, seize.Options{Syscalls: true})
		if err := tr.Attach(p.Pid); err != nil {
			t.Fatal(err)
		}
		r.waitFor(t, 0, 5*time.Second, "attach", kind(seize.EventAttached, p.Pid))
		time.Sleep(50 * time.Millisecond)
		if err := tr.Detach(p.Pid); err != nil {
			t.Fatal(err)
		}
		r.waitFor(t, 0, 5*time.Second, "detach", kind(seize.EventDetached, p.Pid))
		waitUntraced(t, p.Pid)
		// The detach wakes the task for a moment (R) before it goes back
		// to sleep in the restarted call.
		testprog.WaitState(t, p.Pid, "S", 2*time.Second)
		if nr := testprog.Syscall(p.Pid); nr != int(syscall.SYS_NANOSLEEP) && nr != 219 /* restart_syscall */ && nr != 230 /* clock_nanosleep */ {
			t.Fatalf("after detach in syscall %d, want nanosleep", nr)
		}
		l := p.Expect("nanosleep", 5*time.Second)
		if !strings.HasPrefix(l, "nanosleep r=0 errno=0") {
			t.Fatalf("%q: the sleep was disturbed", l)
		}
		var r0, e0 int
		var ms float64
		fmtSscan(l, "nanosleep r=%d errno=%d elapsed_ms=%f", &r0, &e0, &ms)
		if ms < 590 || ms > 800 {
			t.Fatalf("slept %vms, want about 600", ms)
		}
	})
}

// waitUntraced waits for TracerPid to read 0.
func waitUntraced(t *testing.T, pid int) {
	t.Helper()
	end := time.Now().Add(3 * time.Second)
	for testprog.Status(pid, "TracerPid") != "0" {
		if time.Now().After(end) {
			t.Fatalf("pid %d still traced after detach", pid)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
