package seize_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/internal/ptrace"
	"github.com/seize-dev/seize/internal/testprog"
)

const holdExitEnv = "SEIZE_TEST_HOLD_EXIT"

// TestHelperHoldExit is not a test: TestS22AttachBlockedByOtherTracer runs
// it in a child process as another tracer. It seizes one thread with
// PTRACE_O_TRACEEXIT, says "held", and never waits for or restarts it:
// once the thread is killed, it stays in its exit stop until this process
// dies.
func TestHelperHoldExit(t *testing.T) {
	v := os.Getenv(holdExitEnv)
	if v == "" {
		return
	}
	runtime.LockOSThread()
	tid, _ := strconv.Atoi(v)
	if err := ptrace.Seize(tid, ptrace.OptExit); err != nil {
		fmt.Println("seize:", err)
		os.Exit(1)
	}
	fmt.Println("held")
	time.Sleep(time.Hour)
}

// S22: an attach that the kernel holds up for good returns, with a clear
// error. The process's leader execs as soon as it is traced; the execve
// waits until its other threads have exited (de_thread), and one of them
// is held by another tracer in its exit stop, so the execve, and every
// PTRACE_SEIZE of the process meanwhile, waits as long as that tracer
// does. Attach gives up after AttachBlockedAfter with ErrAttachBlocked;
// once the other tracer goes, the tracer lets go of what it seized and
// serves again.
func TestS22AttachBlockedByOtherTracer(t *testing.T) {
	tracee := testprog.Tracee(t)
	const threads = 4
	cmd := exec.Command(tracee, "execonline", strconv.Itoa(threads), tracee, "ticker", "20")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := testprog.StartCmd(t, cmd, true)
	tids := taskTids(p.Pid)
	if len(tids) != threads {
		t.Fatalf("%d threads, want %d", len(tids), threads)
	}
	held := tids[len(tids)-1]
	other := exec.Command(os.Args[0], "-test.run=^TestHelperHoldExit$")
	other.Env = append(os.Environ(), holdExitEnv+"="+strconv.Itoa(held))
	out, err := other.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	otherDone := false
	stopOther := func() {
		if !otherDone {
			otherDone = true
			other.Process.Kill()
			other.Wait()
		}
	}
	defer stopOther()
	buf := make([]byte, 64)
	if n, _ := out.Read(buf); string(buf[:n]) != "held\n" {
		t.Fatalf("the other tracer: %q", buf[:n])
	}
	// The leader execs; its execve waits for the held thread.
	fmt.Fprintln(p.Stdin, "go")
	testprog.WaitState(t, p.Pid, "D", 5*time.Second)

	saved := seize.AttachBlockedAfter
	seize.AttachBlockedAfter = 500 * time.Millisecond
	defer func() { seize.AttachBlockedAfter = saved }()
	tr, _ := newTracer(t, seize.Options{})
	start := time.Now()
	err = tr.Attach(p.Pid)
	took := time.Since(start)
	var ae *seize.AttachError
	if !errors.Is(err, seize.ErrAttachBlocked) || !errors.As(err, &ae) || ae.Pid != p.Pid {
		t.Fatalf("Attach: %v after %v, want ErrAttachBlocked for %d", err, took, p.Pid)
	}
	if took > 3*time.Second {
		t.Fatalf("Attach returned after %v; the bound is %v", took, seize.AttachBlockedAfter)
	}
	t.Logf("Attach gave up after %v: %v", took.Round(time.Millisecond), err)

	// The other tracer goes: the execve completes, the tracer's seize
	// returns, and it lets go of the process, which runs its new image.
	stopOther()
	p.Expect("tick 1", 5*time.Second)
	within(t, 5*time.Second, "Tasks after the blocked attach", func() { tr.Tasks() })
	for end := time.Now().Add(5 * time.Second); ; {
		tp, _, _ := tracerOf(p.Pid)
		if tp == 0 && len(tr.Tasks()) == 0 {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("after the blocked attach: TracerPid %d, tasks %v", tp, tr.Tasks())
		}
		time.Sleep(10 * time.Millisecond)
	}
	// And it serves again.
	if err := tr.Attach(p.Pid); err != nil {
		t.Fatalf("Attach again: %v", err)
	}
}
