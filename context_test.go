package seize_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/internal/testprog"
)

// Cancelling the context of WaitContext in the middle of a trace (every
// task stopping at every system call) releases every tracee as it was
// (S12, S14, S21): none traced or in a ptrace stop by the time it returns,
// a stopped process still stopped, sleeping ones asleep in the same call
// that then completes untouched, a held one running, running ones
// running, and no signal or EINTR seen by any.
func TestWaitContextCancel(t *testing.T) {
	tr, r := newTracer(t, seize.Options{Syscalls: true})
	ticker := testprog.Start(t, "ticker", "20")
	sleeper := testprog.Start(t, "nanosleep", "1200")
	reader := testprog.Start(t, "read")
	stopped := testprog.Start(t, "ticker", "20")
	threads := testprog.Start(t, "threads", "4")
	held := testprog.Start(t, "spin")
	epoll := testprog.Start(t, "blockcall", "epoll_wait", "100")
	started := startTraced(t, tr, "ticker", "20")
	started.expect("ready", 5*time.Second)
	time.Sleep(30 * time.Millisecond) // into their blocking calls
	attached := []int{ticker.Pid, sleeper.Pid, reader.Pid, stopped.Pid, threads.Pid, held.Pid, epoll.Pid}
	if err := tr.Attach(attached...); err != nil {
		t.Fatal(err)
	}
	syscall.Kill(stopped.Pid, syscall.SIGSTOP)
	r.waitFor(t, 0, 5*time.Second, "group-stop", kind(seize.EventGroupStop, stopped.Pid))
	if err := tr.Interrupt(held.Pid); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, 0, 5*time.Second, "interrupted", kind(seize.EventInterrupted, held.Pid))
	// Mid-trace: calls are being traced.
	n := r.len()
	r.waitFor(t, n, 5*time.Second, "a syscall of the started ticker", kind(seize.EventSyscallExit, started.Pid))
	r.waitFor(t, n, 5*time.Second, "a syscall of the ticker", kind(seize.EventSyscallExit, ticker.Pid))
	tasks := len(tr.Tasks())

	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- tr.WaitContext(ctx) }()
	select {
	case err := <-errc:
		t.Fatalf("WaitContext returned %v before the cancel, with tasks left", err)
	case <-time.After(100 * time.Millisecond):
	}
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("WaitContext after cancel = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("WaitContext did not return within 5s of the cancel; %s", seize.DebugState(tr))
	}

	// Already true when WaitContext returns: nothing traced, nothing in a
	// ptrace stop, every task told.
	for _, pid := range append(attached, started.Pid) {
		for _, tid := range taskTids(pid) {
			tp, st, ok := tracerOf(tid)
			if ok && (tp != 0 || st == 't') {
				t.Errorf("task %d of %d: TracerPid %d, state %c after WaitContext returned", tid, pid, tp, st)
			}
		}
	}
	if got := tr.Tasks(); len(got) != 0 {
		t.Errorf("tracer still lists %v", got)
	}
	if d := r.count(kind(seize.EventDetached, 0)); d != tasks {
		t.Errorf("%d EventDetached, want one per task (%d)", d, tasks)
	}

	// Each as it was. The detach wakes a task held in its group-stop for
	// the moment it takes to stop again, in the kernel (state R, briefly,
	// under load): it must be T soon, and must not run.
	testprog.WaitState(t, stopped.Pid, "T", 2*time.Second)
	for drained := false; !drained; {
		select {
		case <-stopped.Lines:
		default:
			drained = true
		}
	}
	select {
	case l := <-stopped.Lines:
		t.Errorf("stopped process ran after the cancel: %q", l)
	case <-time.After(100 * time.Millisecond):
	}
	if nr := testprog.Syscall(reader.Pid); nr != int(syscall.SYS_READ) {
		t.Errorf("reader: in syscall %d, want read", nr)
	}
	testprog.WaitState(t, held.Pid, "R", 2*time.Second)
	for _, tid := range taskTids(threads.Pid) {
		testprog.WaitState(t, tid, "S", 2*time.Second)
	}
	for _, p := range []*testprog.Proc{ticker} {
		for i := 0; i < 3; i++ {
			if l := p.Expect("tick", 2*time.Second); !strings.HasSuffix(l, "tstp=0 cont=0") {
				t.Errorf("ticker %d after the cancel: %q", p.Pid, l)
			}
		}
	}
	for i := 0; i < 3; i++ {
		if l := started.expect("tick", 2*time.Second); !strings.HasSuffix(l, "tstp=0 cont=0") {
			t.Errorf("started ticker after the cancel: %q", l)
		}
	}
	for i := 0; i < 3; i++ {
		if l := epoll.Expect("epoll_wait", 2*time.Second); !strings.Contains(l, " r=0 errno=0 ") {
			t.Errorf("epoll_wait after the cancel: %q", l)
		}
	}
	fmt.Fprintln(reader.Stdin, "hi")
	if l := reader.Expect("read", 2*time.Second); l != "read r=3 errno=0" {
		t.Errorf("reader: %q, want a normal read", l)
	}
	l := sleeper.Expect("nanosleep", 3*time.Second)
	var r0, e0 int
	var ms float64
	if _, err := fmt.Sscanf(l, "nanosleep r=%d errno=%d elapsed_ms=%f", &r0, &e0, &ms); err != nil || r0 != 0 || ms < 1190 || ms > 1500 {
		t.Errorf("sleeper: %q, want a whole 1200 ms sleep", l)
	}
	// Its ticks from before the stop are still unread: wait for the
	// first one after the SIGCONT (its handler counts it).
	syscall.Kill(stopped.Pid, syscall.SIGCONT)
	for {
		if l := stopped.Expect("tick", 2*time.Second); strings.HasSuffix(l, "cont=1") {
			break
		}
	}

	// The started process is now a child of this process, reaped by
	// whoever waits for it (docs of WaitContext and Close).
	syscall.Kill(started.Pid, syscall.SIGKILL)
	proc, err := os.FindProcess(started.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := proc.Wait(); err != nil || st.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("os.FindProcess(%d).Wait() = %v, %v; want it killed", started.Pid, st, err)
	}

	// The tracer stays usable.
	if err := tr.Attach(ticker.Pid); err != nil {
		t.Fatalf("Attach after the cancel: %v", err)
	}
	if tp := testprog.Status(ticker.Pid, "TracerPid"); tp == "0" {
		t.Fatalf("Attach after the cancel: not traced")
	}
}

// WaitContext returns Wait's answer when the tasks end before the
// context, and the context's error at once for a context already done,
// releasing the tasks.
func TestWaitContextEnds(t *testing.T) {
	t.Run("tasks end", func(t *testing.T) {
		tr, r := newTracer(t, seize.Options{})
		p := startTraced(t, tr, "exitafter", "50", "3")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := tr.WaitContext(ctx); err != nil {
			t.Fatalf("WaitContext = %v, want nil once the task exited", err)
		}
		if e, _ := r.waitFor(t, 0, time.Second, "exit", kind(seize.EventExit, p.Pid)); e.ExitCode != 3 {
			t.Fatalf("exit code %d, want 3", e.ExitCode)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		tr, r := newTracer(t, seize.Options{Syscalls: true})
		p := testprog.Start(t, "ticker", "10")
		if err := tr.Attach(p.Pid); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := tr.WaitContext(ctx)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("WaitContext = %v, want context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d < 140*time.Millisecond || d > 3*time.Second {
			t.Fatalf("WaitContext returned after %v, want about 150ms", d)
		}
		if tp := testprog.Status(p.Pid, "TracerPid"); tp != "0" {
			t.Fatalf("TracerPid %s after the deadline", tp)
		}
		r.waitFor(t, 0, time.Second, "detached", kind(seize.EventDetached, p.Pid))
		for i := 0; i < 3; i++ {
			if l := p.Expect("tick", 2*time.Second); !strings.HasSuffix(l, "tstp=0 cont=0") {
				t.Errorf("after the deadline: %q", l)
			}
		}
	})
	t.Run("already done", func(t *testing.T) {
		tr, _ := newTracer(t, seize.Options{Syscalls: true})
		p := testprog.Start(t, "ticker", "10")
		if err := tr.Attach(p.Pid); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := tr.WaitContext(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("WaitContext = %v, want context.Canceled", err)
		}
		if tp := testprog.Status(p.Pid, "TracerPid"); tp != "0" {
			t.Fatalf("TracerPid %s", tp)
		}
	})
}
