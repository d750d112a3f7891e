package seize_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/internal/testprog"
)

// attachBounded runs tr.Attach(pid) and fails the test if it has not
// returned within d. A tracer blocked in PTRACE_SEIZE cannot be woken by
// any signal (S22), so on timeout the target is killed with SIGKILL,
// which ends its execve and with it the tracer's wait, and the test
// fails instead of hanging.
func attachBounded(t *testing.T, tr *seize.Tracer, pid int, d time.Duration) error {
	t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- tr.Attach(pid) }()
	select {
	case err := <-errc:
		return err
	case <-time.After(d):
		wchan := ""
		for _, tid := range taskTids(pid) {
			wchan += fmt.Sprintf(" %d:%c:%s", tid, testprog.State(tid), testprog.WChan(tid))
			if len(wchan) > 400 {
				break
			}
		}
		syscall.Kill(pid, syscall.SIGKILL)
		select {
		case <-errc:
		case <-time.After(5 * time.Second):
		}
		t.Fatalf("Attach(%d) hung for %v (threads:%s): the tracer waits in PTRACE_SEIZE for an execve that waits for it", pid, d, wchan)
		return nil
	}
}

// waitTasks waits until the tracer traces exactly want.
func waitTasks(t *testing.T, tr *seize.Tracer, want []int, timeout time.Duration) {
	t.Helper()
	end := time.Now().Add(timeout)
	for {
		got := tr.Tasks()
		if sameInts(got, want) {
			return
		}
		if time.Now().After(end) {
			if len(got) > 10 {
				got = got[:10]
			}
			t.Fatalf("traced tasks %v..., want %v", got, want)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// S22: PTRACE_SEIZE blocks on the target's cred_guard_mutex while the
// target is in execve, and the execve's de_thread waits until every other
// thread is reaped. A tracer that holds some threads of the process (in
// an exit stop, or as unreaped zombies) while it seizes the next one
// deadlocks with the exec. Here a thread execs as soon as the process is
// traced, while the attach is still seizing the other threads: leader,
// first or last thread, at once or a little later. Attach must return,
// and the tracer must then trace the new image and nothing else (the
// killed threads' tasks gone, the exec'ing thread under the leader's
// tid), see its system calls, and release it untouched at Close.
func TestS22AttachDuringExec(t *testing.T) {
	tracee := testprog.Tracee(t)
	const threads = 300
	for _, who := range []string{"leader", "first", "last"} {
		for _, delay := range []string{"0", "300"} {
			t.Run(who+"/"+delay+"us", func(t *testing.T) {
				for i := 0; i < 3; i++ {
					attachDuringExec(t, tracee, who, delay, threads)
				}
			})
		}
	}
}

func attachDuringExec(t *testing.T, tracee, who, delay string, threads int) {
	t.Helper()
	cmd := exec.Command(tracee, "execattach", who, strconv.Itoa(threads), delay, tracee, "ticker", "20")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := testprog.StartCmd(t, cmd, true)
	tr, r := newTracer(t, seize.Options{Syscalls: true})
	start := time.Now()
	if err := attachBounded(t, tr, p.Pid, 10*time.Second); err != nil {
		t.Fatalf("Attach during execve: %v", err)
	}
	took := time.Since(start)
	// The new image prints "ready" again, then ticks.
	p.Expect("ready", 5*time.Second)
	p.Expect("tick 1", 5*time.Second)
	if got := taskTids(p.Pid); !sameInts(got, []int{p.Pid}) {
		t.Fatalf("after the exec the process has tasks %v, want only %d", got, p.Pid)
	}
	// The killed threads' tasks are gone; the process is traced, as one
	// task under the leader's tid.
	waitTasks(t, tr, []int{p.Pid}, 5*time.Second)
	tp, _, _ := tracerOf(p.Pid)
	if !isOwnThread(tp) {
		t.Fatalf("the exec'd process is traced by %d, not by the tracer", tp)
	}
	from := r.len()
	r.waitFor(t, from, 5*time.Second, "a system call of the new image", func(e rec) bool {
		return e.Tid == p.Pid && e.Kind == seize.EventSyscallExit && e.Nr != seize.NoSyscall
	})
	within(t, 5*time.Second, "Close", func() { tr.Close() })
	if tp, st, _ := tracerOf(p.Pid); tp != 0 || (st != 'S' && st != 'R') {
		t.Fatalf("after Close: TracerPid %d state %c, want untraced and running", tp, st)
	}
	line := p.Expect("tick", 2*time.Second)
	if !strings.HasSuffix(line, "tstp=0 cont=0") {
		t.Fatalf("the program saw a signal: %q", line)
	}
	t.Logf("%s: attach took %v", who, took)
}

// S22: a process whose leader has exited (pthread_exit) while its other
// threads live: the zombie leader cannot be seized (EPERM), the live
// threads are, and detaching leaves them as they were.
func TestS22AttachZombieLeader(t *testing.T) {
	const n = 4
	p := testprog.Start(t, "zombieleader", strconv.Itoa(n))
	testprog.WaitState(t, p.Pid, "Z", 5*time.Second)
	live := taskTids(p.Pid)[1:]
	if len(live) != n {
		t.Fatalf("threads %v, want the zombie leader and %d others", taskTids(p.Pid), n)
	}
	tr, r := newTracer(t, seize.Options{Syscalls: true})
	if err := attachBounded(t, tr, p.Pid, 10*time.Second); err != nil {
		t.Fatalf("Attach with a zombie leader: %v", err)
	}
	if got := tr.Tasks(); !sameInts(got, live) {
		t.Fatalf("traced %v, want the live threads %v", got, live)
	}
	if got := attachedTids(r, p.Pid); !sameInts(got, live) {
		t.Fatalf("EventAttached for %v, want %v", got, live)
	}
	for _, tid := range live {
		if tp, _, _ := tracerOf(tid); !isOwnThread(tp) {
			t.Fatalf("thread %d traced by %d", tid, tp)
		}
	}
	detachAllAndWait(t, tr, 5*time.Second)
	for _, tid := range live {
		if tp, st, _ := tracerOf(tid); tp != 0 || st != 'S' {
			t.Fatalf("thread %d after detach: TracerPid %d state %c, want 0 S", tid, tp, st)
		}
	}
	if s := testprog.State(p.Pid); s != 'Z' {
		t.Fatalf("leader state %c, want Z", s)
	}
}

// S22: a process that exits (killed, at a random moment) while it is
// being attached: Attach returns at once, either with the threads it
// seized (whose exits follow) or with ErrNoSuchProcess; the tracer ends
// up with no task, and nothing hangs.
func TestS22AttachExitingProcess(t *testing.T) {
	const threads = 1000
	seed := time.Now().UnixNano()
	rng := newRand(seed)
	outcomes := map[string]int{}
	for i := 0; i < 6; i++ {
		p := testprog.Start(t, "threads", strconv.Itoa(threads))
		tr, r := newTracer(t, seize.Options{Syscalls: true})
		delay := time.Duration(rng.IntN(4000)) * time.Microsecond
		go func() {
			time.Sleep(delay)
			syscall.Kill(p.Pid, syscall.SIGKILL)
		}()
		err := attachBounded(t, tr, p.Pid, 10*time.Second)
		switch {
		case err == nil:
			outcomes["attached"]++
		case errors.Is(err, seize.ErrNoSuchProcess):
			outcomes["no such process"]++
		default:
			t.Fatalf("seed %d, kill after %v: Attach: %v", seed, delay, err)
		}
		within(t, 10*time.Second, "Wait for the killed process's tasks", func() { tr.Wait() })
		if n := r.count(kind(seize.EventAttached, 0)); n > 0 && r.count(kind(seize.EventExit, 0)) != n {
			t.Fatalf("seed %d: %d tasks attached, %d exits", seed, n, r.count(kind(seize.EventExit, 0)))
		}
		tr.Close()
	}
	t.Logf("seed %d: %v", seed, outcomes)
}

// S22: a tracer interrupted mid-attach (here: DetachAll from another
// goroutine while Attach of 1,000 threads runs) releases what it seized,
// and no thread is left traced or stopped.
func TestS22DetachAllDuringAttach(t *testing.T) {
	const threads = 1000
	p := testprog.Start(t, "threads", strconv.Itoa(threads))
	for i := 0; i < 3; i++ {
		tr, _ := newTracer(t, seize.Options{Syscalls: true})
		errc := make(chan error, 1)
		go func() { errc <- tr.Attach(p.Pid) }()
		time.Sleep(time.Duration(i*5) * time.Millisecond)
		within(t, 10*time.Second, "DetachAll during Attach", func() { tr.DetachAll() })
		select {
		case err := <-errc:
			if err != nil {
				t.Fatalf("Attach: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Attach did not return")
		}
		t0 := time.Now()
		within(t, 10*time.Second, "DetachAll and Wait", func() {
			tr.DetachAll()
			tr.Wait()
		})
		tr.Close()
		t.Logf("round %d: release took %v", i, time.Since(t0))
		for _, tid := range taskTids(p.Pid) {
			if tp, st, _ := tracerOf(tid); tp != 0 || (st != 'S' && st != 'R') {
				t.Fatalf("round %d: thread %d: TracerPid %d state %c, want untraced, asleep or running", i, tid, tp, st)
			}
		}
		waitNoneIn(t, p.Pid, "tTR", 2*time.Second)
	}
}

// newRand is a random source for a printed seed.
func newRand(seed int64) *rand.Rand { return rand.New(rand.NewPCG(uint64(seed), 0x5e12e)) }
