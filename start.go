package seize

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"syscall"

	"github.com/seize-dev/seize/internal/ptrace"
	"golang.org/x/sys/unix"
)

// Start runs a program traced from its first instruction, with SEIZE
// semantics: Interrupt and job control (LISTEN) work on it as on an
// attached process. argv[0] is looked up in PATH when it has no slash.
// attr is as for os.StartProcess; nil means the current directory and
// environment with standard input, output and error inherited.
//
// The tracer is the program's parent and reaps it. It returns the pid. If
// the program is released while still running (Detach, DetachAll, Close,
// a cancelled WaitContext), it becomes a child of another thread of this
// process: wait for it then with os.FindProcess(pid) and Wait.
//
// How: Go can run no code between fork and exec, and PTRACE_TRACEME gives
// PTRACE_ATTACH semantics. So the child starts under TRACEME and stops at
// its exec SIGTRAP, before its first instruction; the tracer detaches it
// into a SIGSTOP group-stop, seizes it (S4: EVENT_STOP with SIGSTOP), and
// ends the stop with SIGCONT, whose delivery it suppresses. The program
// sees none of this: it has not run yet, and SIGCONT, unblocked for the
// moment if the inherited mask blocked it, is never delivered.
func (tr *Tracer) Start(argv []string, attr *os.ProcAttr) (int, error) {
	if len(argv) == 0 {
		return 0, &StartError{Err: errors.New("empty command")}
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return 0, &StartError{Path: argv[0], Err: err}
	}
	if attr == nil {
		attr = &os.ProcAttr{Files: []*os.File{os.Stdin, os.Stdout, os.Stderr}}
	}
	var pid int
	if cerr := tr.call(func() { pid, err = tr.start(path, argv, attr) }); cerr != nil {
		return 0, cerr
	}
	return pid, err
}

func (tr *Tracer) start(path string, argv []string, attr *os.ProcAttr) (int, error) {
	fail := func(err error) (int, error) { return 0, &StartError{Path: path, Err: err} }
	sys := &syscall.SysProcAttr{}
	if attr.Sys != nil {
		*sys = *attr.Sys
	}
	sys.Ptrace = true
	env := attr.Env
	if env == nil {
		env = os.Environ()
	}
	files := make([]uintptr, len(attr.Files))
	for i, f := range attr.Files {
		if f == nil {
			files[i] = ^uintptr(0)
		} else {
			files[i] = f.Fd()
		}
	}
	// The child would inherit the thread's co-location affinity.
	tr.colo.release()
	pid, err := syscall.ForkExec(path, argv, &syscall.ProcAttr{Dir: attr.Dir, Env: env, Files: files, Sys: sys})
	runtime.KeepAlive(attr.Files)
	if err != nil {
		return fail(err)
	}
	kill := func(err error) (int, error) {
		unix.Kill(pid, unix.SIGKILL)
		for {
			if _, st, werr := waitPid(pid, ptrace.WALL); werr != nil || st.Exited() || st.Signaled() {
				break
			}
		}
		return fail(err)
	}
	// 1. The exec SIGTRAP of PTRACE_TRACEME.
	st, err := waitStop(pid, ptrace.WALL)
	if err != nil {
		return kill(err)
	}
	if st.StopSig() != int(syscall.SIGTRAP) {
		return kill(fmt.Errorf("unexpected stop %#x after exec", uint32(st)))
	}
	// 1b. Options.Seccomp: the program installs the filter (seccomp.go).
	var filtered bool
	var held []int
	if tr.sc.raw != nil {
		if filtered, held, err = tr.installFilter(pid); err != nil {
			return kill(fmt.Errorf("installing the seccomp filter: %v", err))
		}
	}
	// 2. Detach into a group-stop: untraced, stopped before any code ran.
	if err := ptrace.Detach(pid, int(syscall.SIGSTOP)); err != nil {
		return kill(err)
	}
	if st, err = waitStop(pid, ptrace.WALL|ptrace.WUNTRACED); err != nil {
		return kill(err)
	}
	if st.StopSig() != int(syscall.SIGSTOP) {
		return kill(fmt.Errorf("unexpected status %#x after detach", uint32(st)))
	}
	// 3. Seize it: S4, an EVENT_STOP carrying SIGSTOP.
	if err := ptrace.Seize(pid, tr.ptopts); err != nil {
		return kill(err)
	}
	if st, err = waitStop(pid, ptrace.WALL); err != nil {
		return kill(err)
	}
	if st.Event() != ptrace.EventStop {
		return kill(fmt.Errorf("unexpected status %#x after seize", uint32(st)))
	}
	// 4. End the group-stop. With SIGCONT blocked there would be no
	// delivery-stop to suppress it at, and it would reach the program
	// later; unblock it until then.
	mask, merr := ptrace.GetSigMask(pid)
	const contBit = 1 << (syscall.SIGCONT - 1)
	if merr == nil && mask&contBit != 0 {
		ptrace.SetSigMask(pid, mask&^contBit)
	}
	if err := unix.Kill(pid, unix.SIGCONT); err != nil {
		return kill(err)
	}
	pending := 0
	for {
		if err := ptrace.Cont(pid, pending); err != nil {
			return kill(err)
		}
		pending = 0
		if st, err = waitStop(pid, ptrace.WALL); err != nil {
			return kill(err)
		}
		if st.Event() == ptrace.EventStop {
			continue // the group-stop ending, or the trap notifying it
		}
		if st.Event() == 0 && st.StopSig() == int(syscall.SIGCONT) {
			break // suppressed: restarted below with signal 0
		}
		if st.Event() == 0 {
			// Another signal arrived meanwhile: let it through.
			pending = st.StopSig()
		}
	}
	if merr == nil && mask&contBit != 0 {
		ptrace.SetSigMask(pid, mask)
	}
	requeue(pid, held)
	t := tr.newTask(pid, pid)
	t.started = true
	t.sc.filtered = filtered
	t.seenFirstStop = true
	t.state = stopped
	_, _, t.startTime, _ = procStat(pid)
	tr.cur = t
	tr.deliver(tr.event(EventAttached, t))
	tr.cur = nil
	tr.afterStop(t)
	return pid, nil
}

// waitPid waits for one pid, retrying when a wake-up interrupts it.
func waitPid(pid, flags int) (int, ptrace.Status, error) {
	for {
		p, st, err := ptrace.Wait4(pid, flags)
		if err != syscall.EINTR {
			return p, st, err
		}
	}
}

// waitStop waits for pid to stop; an exit is an error.
func waitStop(pid, flags int) (ptrace.Status, error) {
	_, st, err := waitPid(pid, flags)
	if err != nil {
		return 0, err
	}
	if st.Exited() {
		return st, fmt.Errorf("exited with status %d before it started", st.ExitCode())
	}
	if st.Signaled() {
		return st, fmt.Errorf("killed by signal %d before it started", st.TermSig())
	}
	return st, nil
}
