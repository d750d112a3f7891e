package seize_test

import (
	"errors"
	"fmt"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/internal/testprog"
)

// allTracedBy checks that every live task of pid is traced, all by one
// thread of this process, and returns that thread and how many tasks it
// checked.
func allTracedBy(t *testing.T, pid int) (tracer, n int) {
	t.Helper()
	for _, tid := range taskTids(pid) {
		tp, st, ok := tracerOf(tid)
		if !ok || st == 'Z' || st == 'X' {
			continue // exited meanwhile
		}
		if tp == 0 {
			t.Fatalf("task %d of %d (state %c) is not traced: missed", tid, pid, st)
		}
		if tracer == 0 {
			tracer = tp
		} else if tp != tracer {
			t.Fatalf("task %d of %d traced by %d, others by %d", tid, pid, tp, tracer)
		}
		n++
	}
	if !isOwnThread(tracer) {
		t.Fatalf("tasks of %d traced by %d, not a thread of this process", pid, tracer)
	}
	return tracer, n
}

// attachedTids returns the sorted tids of EventAttached of process pid.
func attachedTids(r *recorder, pid int) []int {
	var tids []int
	for _, e := range r.snapshot() {
		if e.Kind == seize.EventAttached && e.Pid == pid {
			tids = append(tids, e.Tid)
		}
	}
	sort.Ints(tids)
	return tids
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// waitNoneIn waits until no task of pid is in one of states.
func waitNoneIn(t *testing.T, pid int, states string, timeout time.Duration) {
	t.Helper()
	end := time.Now().Add(timeout)
	for {
		bad := 0
		for _, tid := range taskTids(pid) {
			if s := testprog.State(tid); s != 0 && strings.IndexByte(states, s) >= 0 {
				bad++
			}
		}
		if bad == 0 {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("pid %d: %d tasks still in one of %q after %v", pid, bad, states, timeout)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// detachAllAndWait detaches everything and waits, bounded, until the
// tracer has no task left.
func detachAllAndWait(t *testing.T, tr *seize.Tracer, timeout time.Duration) time.Duration {
	t.Helper()
	var err error
	d := within(t, timeout, "DetachAll and Wait", func() {
		if err = tr.DetachAll(); err == nil {
			err = tr.Wait()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// S5: attaching to a process of 1,000 threads seizes each of them once:
// exactly 1,000 EventAttached, with the tids of /proc/PID/task, all traced
// by the tracer thread; DetachAll releases every one of them.
func TestS5AttachThousandThreads(t *testing.T) {
	const n = 1000
	p := testprog.Start(t, "threads", fmt.Sprint(n))
	tids := taskTids(p.Pid)
	if len(tids) != n {
		t.Fatalf("%d tasks in /proc/%d/task, want %d", len(tids), p.Pid, n)
	}
	waitNoneIn(t, p.Pid, "R", 5*time.Second)
	tr, r := newTracer(t, seize.Options{})
	var err error
	start := time.Now()
	attach := within(t, 30*time.Second, "Attach of 1000 threads", func() { err = tr.Attach(p.Pid) })
	if err != nil {
		t.Fatal(err)
	}
	// Every seized thread was interrupted; the tracer collects the stops
	// and restarts them after Attach returns.
	waitNoneIn(t, p.Pid, "t", 30*time.Second)
	settled := time.Since(start)
	got := attachedTids(r, p.Pid)
	if len(got) != n || !sameInts(got, tids) {
		t.Fatalf("%d EventAttached, want %d with the tids of /proc/PID/task (first: %v)", len(got), n, got[:min(len(got), 10)])
	}
	if _, k := allTracedBy(t, p.Pid); k != n {
		t.Fatalf("%d traced tasks, want %d", k, n)
	}
	if k := len(tr.Tasks()); k != n {
		t.Fatalf("Tasks() has %d, want %d", k, n)
	}
	detach := detachAllAndWait(t, tr, 30*time.Second)
	t.Logf("1000 threads: Attach returned in %v, all stops collected and restarted in %v; DetachAll+Wait %v", attach, settled, detach)
	untracedNow(t, p.Pid)
	if k := r.count(kind(seize.EventDetached, 0)); k != n {
		t.Fatalf("%d EventDetached, want %d", k, n)
	}
	// Still a working process: every thread asleep in its pause, and job
	// control works on the whole group.
	waitNoneIn(t, p.Pid, "tTR", 5*time.Second)
	if k := len(taskTids(p.Pid)); k != n {
		t.Fatalf("%d tasks after detach, want %d", k, n)
	}
	syscall.Kill(p.Pid, syscall.SIGSTOP)
	testprog.WaitState(t, p.Pid, "T", 5*time.Second)
	syscall.Kill(p.Pid, syscall.SIGCONT)
	waitNoneIn(t, p.Pid, "tT", 5*time.Second)
}

// S5: attaching to a process of 1,000 threads whose threads are created
// and joined all the time misses none (every live task is traced once Attach returns, new
// ones through TRACECLONE), does not hang, and DetachAll then leaves no
// task traced and the process working. Several rounds on one process.
func TestS5AttachChurn(t *testing.T) {
	p := testprog.Start(t, "churn", "1000")
	for round := 0; round < 5; round++ {
		tr, r := newTracer(t, seize.Options{})
		var err error
		d := within(t, 10*time.Second, "Attach to a churning process", func() { err = tr.Attach(p.Pid) })
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		_, checked := allTracedBy(t, p.Pid)
		dd := detachAllAndWait(t, tr, 10*time.Second)
		untracedNow(t, p.Pid)
		tr.Close()
		t.Logf("round %d: Attach %v (%d attached, %d live tasks all traced), DetachAll+Wait %v",
			round, d, r.count(kind(seize.EventAttached, 0)), checked, dd)
		// Still working: no task left in a tracing stop, and new threads
		// keep appearing.
		waitNoneIn(t, p.Pid, "t", 2*time.Second)
		before := taskTids(p.Pid)
		seen := make(map[int]bool, len(before))
		for _, tid := range before {
			seen[tid] = true
		}
		end := time.Now().Add(2 * time.Second)
	fresh:
		for {
			for _, tid := range taskTids(p.Pid) {
				if !seen[tid] {
					break fresh
				}
			}
			if time.Now().After(end) {
				t.Fatalf("round %d: no new thread after detach: the process is stuck", round)
			}
			time.Sleep(time.Millisecond)
		}
	}
}

// S5: one Attach call with several pids seizes every thread of each.
func TestS5AttachSeveral(t *testing.T) {
	a := testprog.Start(t, "threads", "5")
	b := testprog.Start(t, "spin", "3")
	c := testprog.Start(t, "churn", "2")
	tr, r := newTracer(t, seize.Options{})
	aTids, bTids := taskTids(a.Pid), taskTids(b.Pid)
	if err := tr.Attach(a.Pid, b.Pid, c.Pid); err != nil {
		t.Fatal(err)
	}
	var tracer int
	for _, pid := range []int{a.Pid, b.Pid, c.Pid} {
		tp, _ := allTracedBy(t, pid)
		if tracer != 0 && tp != tracer {
			t.Fatalf("pid %d traced by %d, others by %d", pid, tp, tracer)
		}
		tracer = tp
	}
	if got := attachedTids(r, a.Pid); !sameInts(got, aTids) {
		t.Fatalf("attached %v of %d, want %v", got, a.Pid, aTids)
	}
	if got := attachedTids(r, b.Pid); !sameInts(got, bTids) {
		t.Fatalf("attached %v of %d, want %v", got, b.Pid, bTids)
	}
	if got := attachedTids(r, c.Pid); len(got) < 4 {
		t.Fatalf("attached %v of churning %d, want at least its 4 long-lived threads", got, c.Pid)
	}
	detachAllAndWait(t, tr, 10*time.Second)
	for _, pid := range []int{a.Pid, b.Pid, c.Pid} {
		untracedNow(t, pid)
	}
	testprog.WaitState(t, b.Pid, "R", 2*time.Second)
}

// S19: with FollowForks every child of a traced process is traced from
// its start: its first system call (getppid, right after a raw clone) is
// seen; the parent's EventNewTask and the child's EventAttached come in
// either order from the kernel and neither is lost; every child's exit is
// reported and its real parent still reaps it with the right status.
//
// The kernel's order depends on who the tracer's wait finds first. A
// polling tracer usually meets the parent's fork event before the child
// has run to its first stop; a slow one (here it naps when idle after the
// parent entered clone) finds both stops pending, and wait4 returns the
// newest tracee, the child, first (__ptrace_link adds at the list head).
func TestS19FollowForks(t *testing.T) {
	t.Run("fast", func(t *testing.T) { testFollowForks(t, false) })
	t.Run("slow", func(t *testing.T) { testFollowForks(t, true) })
}

func testFollowForks(t *testing.T, slow bool) {
	const n = 20
	p := testprog.Start(t, "spawn", fmt.Sprint(n), "50")
	opts := seize.Options{FollowForks: true, Syscalls: true}
	var nap atomic.Bool
	if slow {
		opts.Spin = -1
		opts.Idle = func() {
			if nap.Swap(false) {
				time.Sleep(5 * time.Millisecond)
			}
		}
	}
	tr, r := newTracer(t, opts)
	var mu sync.Mutex
	newKind := map[int]seize.NewTaskKind{}
	r.onEvent = func(ev *seize.Event) {
		if ev.Kind == seize.EventSyscallEntry && ev.Task.Tid() == p.Pid && ev.Nr == uint64(syscall.SYS_CLONE) {
			nap.Store(true)
		}
		if ev.Kind == seize.EventNewTask {
			mu.Lock()
			newKind[ev.NewTid] = ev.NewKind
			mu.Unlock()
		}
	}
	if err := tr.Attach(p.Pid); err != nil {
		t.Fatal(err)
	}
	testprog.WaitState(t, p.Pid, "S", 2*time.Second)
	fmt.Fprintln(p.Stdin, "go")
	if l := p.Expect("spawned", 10*time.Second); l != fmt.Sprintf("spawned %d", n) {
		t.Fatalf("tracee: %q", l)
	}
	r.waitFor(t, 0, 5*time.Second, "parent's exit", kind(seize.EventExit, p.Pid))
	evs := r.snapshot()
	mu.Lock()
	defer mu.Unlock()
	newAt := map[int]int{}    // child -> index of the parent's EventNewTask
	attachAt := map[int]int{} // child -> index of its EventAttached
	first := map[int]rec{}    // child -> first event after EventAttached
	exit := map[int]rec{}
	var thread int
	for tid, k := range newKind {
		if k == seize.NewThread {
			thread = tid
		}
	}
	for i, e := range evs {
		switch {
		case e.Kind == seize.EventNewTask && e.Tid == p.Pid:
			if e.NewTid == thread {
				continue
			}
			if _, dup := newAt[e.NewTid]; dup {
				t.Fatalf("two EventNewTask for %d", e.NewTid)
			}
			newAt[e.NewTid] = i
		case e.Tid == p.Pid || e.Tid == thread:
		case e.Kind == seize.EventAttached:
			if _, dup := attachAt[e.Tid]; dup {
				t.Fatalf("two EventAttached for %d", e.Tid)
			}
			attachAt[e.Tid] = i
		default:
			if _, ok := first[e.Tid]; !ok {
				first[e.Tid] = e
			}
			if e.Kind == seize.EventExit {
				exit[e.Tid] = e
			}
		}
	}
	if thread == 0 {
		t.Fatalf("the thread was not reported: %s", lastEvents(evs))
	}
	if len(newAt) != n || len(attachAt) != n {
		t.Fatalf("%d EventNewTask and %d children attached, want %d of each", len(newAt), len(attachAt), n)
	}
	before, after := 0, 0
	codes := map[int]bool{}
	for child, ni := range newAt {
		ai, ok := attachAt[child]
		if !ok {
			t.Fatalf("child %d announced but never attached", child)
		}
		if ni < ai {
			before++
		} else {
			after++
		}
		f := first[child]
		if f.Kind != seize.EventSyscallEntry || f.Nr != uint64(syscall.SYS_GETPPID) {
			t.Fatalf("child %d: first event %v, want the entry of getppid: not traced from its start", child, f)
		}
		x, ok := exit[child]
		if !ok || x.ExitCode < 1 || x.ExitCode > n || codes[x.ExitCode] {
			t.Fatalf("child %d: exit %v, want a distinct code in 1..%d", child, x, n)
		}
		codes[x.ExitCode] = true
		if newKind[child] != seize.NewProcess {
			t.Fatalf("child %d created as %v, want NewProcess", child, newKind[child])
		}
	}
	t.Logf("%d children traced; the parent's EventNewTask reported before the child's EventAttached %d times, after it %d times", n, before, after)
}

// S19: without FollowForks children are not traced (TracerPid 0 in the
// child, no events) but new threads are.
func TestS19NoFollowForks(t *testing.T) {
	const n = 3
	p := testprog.Start(t, "spawn", fmt.Sprint(n), "300")
	tr, r := newTracer(t, seize.Options{Syscalls: true})
	if err := tr.Attach(p.Pid); err != nil {
		t.Fatal(err)
	}
	testprog.WaitState(t, p.Pid, "S", 2*time.Second)
	fmt.Fprintln(p.Stdin, "go")
	var thread int
	var kids []int
	for len(kids) < n || thread == 0 {
		var x int
		switch l := p.Expect("", 5*time.Second); {
		case strings.HasPrefix(l, "thread "):
			fmtSscan(l, "thread %d", &thread)
		case strings.HasPrefix(l, "forked "):
			fmtSscan(l, "forked %d", &x)
			kids = append(kids, x)
		}
	}
	for _, c := range kids {
		if tp, st, ok := tracerOf(c); !ok || tp != 0 {
			t.Fatalf("child %d: TracerPid %d (state %c, alive %v), want 0", c, tp, st, ok)
		}
	}
	if tp, _, ok := tracerOf(thread); !ok || !isOwnThread(tp) {
		t.Fatalf("thread %d: TracerPid %d, want the tracer", thread, tp)
	}
	r.waitFor(t, 0, 5*time.Second, "thread attached", kind(seize.EventAttached, thread))
	if l := p.Expect("spawned", 5*time.Second); l != fmt.Sprintf("spawned %d", n) {
		t.Fatalf("tracee: %q", l)
	}
	for _, e := range r.snapshot() {
		if e.Pid != p.Pid || (e.Kind == seize.EventNewTask && e.NewTid != thread) {
			t.Fatalf("event about an unfollowed child: %v", e)
		}
	}
}

// S20: the tracer reaps only its own tracees and the programs it started:
// while it runs (busy with a syscall-traced tracee and started programs),
// the host's unrelated children keep their exit statuses for os/exec.
func TestS20TracerDoesNotReapOthers(t *testing.T) {
	tracee := testprog.Tracee(t)
	busy := testprog.Start(t, "ticker", "2")
	tr, r := newTracer(t, seize.Options{Syscalls: true, FollowForks: true})
	if err := tr.Attach(busy.Pid); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		pid, err := tr.Start([]string{tracee, "exit", "5"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		errc := make(chan error, 2)
		go func() {
			errc <- exec.Command(tracee, "exit", "7").Run()
		}()
		go func() {
			errc <- exec.Command(tracee, "raise", "15").Run()
		}()
		for j := 0; j < 2; j++ {
			var ee *exec.ExitError
			err := <-errc
			if !errors.As(err, &ee) {
				t.Fatalf("round %d: unrelated child: %v (reaped by the tracer?)", i, err)
			}
			ws := ee.Sys().(syscall.WaitStatus)
			if !(ws.Exited() && ws.ExitStatus() == 7) && !(ws.Signaled() && ws.Signal() == syscall.SIGTERM) {
				t.Fatalf("round %d: unrelated child: status %#x", i, uint32(ws))
			}
		}
		x, _ := r.waitFor(t, 0, 5*time.Second, "started program's exit", kind(seize.EventExit, pid))
		if x.ExitCode != 5 {
			t.Fatalf("started program exited %d, want 5", x.ExitCode)
		}
	}
	if tp, _, _ := tracerOf(busy.Pid); !isOwnThread(tp) {
		t.Fatal("the busy tracee is no longer traced")
	}
}

// S5: threads that a traced thread creates are traced by the kernel at
// once (TRACECLONE), before the tracer has seen their first stop. A scan
// of /proc that meets one (seize answers EPERM: already traced) must take
// it as ours, not as a foreign tracer: here an Attach from inside the
// Handler, while the tracer thread is busy and new threads pile up
// unreported, and an Attach of a process already attached.
func TestS5AttachMeetsAutoAttachedThreads(t *testing.T) {
	other := testprog.Start(t, "pause")
	p := testprog.Start(t, "churn", "2")
	tr, r := newTracer(t, seize.Options{})
	var once sync.Once
	var inner error
	r.onEvent = func(ev *seize.Event) {
		if ev.Kind == seize.EventInterrupted && ev.Task.Tid() == other.Pid {
			once.Do(func() {
				// Churning threads clone meanwhile; their children are
				// traced but not yet reported.
				time.Sleep(20 * time.Millisecond)
				inner = tr.Attach(p.Pid)
			})
		}
	}
	if err := tr.Attach(other.Pid, p.Pid); err != nil {
		t.Fatal(err)
	}
	testprog.WaitState(t, other.Pid, "S", 2*time.Second)
	if err := tr.Interrupt(other.Pid); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, 0, 5*time.Second, "interrupted", kind(seize.EventInterrupted, other.Pid))
	if inner != nil {
		t.Fatalf("Attach from the Handler: %v", inner)
	}
	if err := tr.Attach(p.Pid); err != nil {
		t.Fatalf("Attach of an attached process: %v", err)
	}
	allTracedBy(t, p.Pid)
	seen := map[int]bool{}
	for _, e := range r.snapshot() {
		if e.Kind == seize.EventAttached {
			if seen[e.Tid] {
				t.Fatalf("task %d attached twice", e.Tid)
			}
			seen[e.Tid] = true
		}
	}
	tr.Resume(other.Pid)
	detachAllAndWait(t, tr, 10*time.Second)
	untracedNow(t, p.Pid)
}
