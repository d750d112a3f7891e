package seize

import (
	"errors"
	"os"
	"runtime"
	"testing"

	"github.com/seize-dev/seize/internal/testprog"
	"golang.org/x/sys/unix"
)

// Exited during attach: the process is killed and reaped after Attach
// looked at it in /proc, before it seized its first thread ("checked"),
// or after it listed the threads ("listed"). Attach says ErrExited (also
// ErrNoSuchProcess), and keeps nothing.
func TestErrExitedDuringAttach(t *testing.T) {
	for _, stage := range []string{"checked", "listed"} {
		t.Run(stage, func(t *testing.T) {
			p := testprog.Start(t, "pause")
			fired := false
			setHook(t, func(s string, tgid, tid int) {
				if s != stage || fired {
					return
				}
				fired = true
				p.Cmd.Process.Kill()
				p.Cmd.Wait()
			})
			tr, err := NewTracer(nil)
			if err != nil {
				t.Fatal(err)
			}
			defer tr.Close()
			err = tr.Attach(p.Pid)
			if !fired {
				t.Fatalf("the hook did not run at %q", stage)
			}
			var ae *AttachError
			if !errors.As(err, &ae) || ae.Pid != p.Pid || !errors.Is(err, ErrExited) || !errors.Is(err, ErrNoSuchProcess) {
				t.Fatalf("Attach of a process that exited meanwhile = %v, want an *AttachError for %d that is ErrExited and ErrNoSuchProcess", err, p.Pid)
			}
			if got := tr.Tasks(); len(got) != 0 {
				t.Fatalf("tracer holds %v, want nothing", got)
			}
		})
	}
}

// Already traced, by a tracer that seized the process after Attach read
// its TracerPid in /proc and before Attach's own PTRACE_SEIZE (which then
// fails with EPERM): the error still names the tracer.
func TestErrAlreadyTracedDuringAttach(t *testing.T) {
	p := testprog.Start(t, "ticker", "50")
	release := make(chan struct{})
	defer close(release)
	var seizeErr error
	other := 0
	setHook(t, func(s string, tgid, tid int) {
		if s != "checked" || other != 0 {
			return
		}
		done := make(chan struct{})
		go func() {
			// Never unlocked: the thread ends with the goroutine and the
			// kernel detaches the process (exit_ptrace).
			runtime.LockOSThread()
			other = unix.Gettid()
			seizeErr = unix.PtraceSeize(p.Pid)
			close(done)
			<-release
		}()
		<-done
	})
	tr, err := NewTracer(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	err = tr.Attach(p.Pid)
	if seizeErr != nil {
		t.Fatalf("the other tracer's PTRACE_SEIZE: %v", seizeErr)
	}
	var at *AlreadyTracedError
	if !errors.As(err, &at) || !errors.Is(err, ErrAlreadyTraced) || errors.Is(err, ErrPermission) {
		t.Fatalf("Attach of a process seized meanwhile by thread %d = %v, want an *AlreadyTracedError (and not ErrPermission)", other, err)
	}
	if at.TracerPid != os.Getpid() {
		t.Errorf("TracerPid %d, want this process %d (the tracing thread is %d)", at.TracerPid, os.Getpid(), other)
	}
	if got := tr.Tasks(); len(got) != 0 {
		t.Fatalf("tracer holds %v, want nothing", got)
	}
}
