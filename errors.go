package seize

import (
	"errors"
	"fmt"
	"strconv"
	"syscall"
)

// Errors returned by the Tracer, to be tested with errors.Is. Attach wraps
// them in an *AttachError naming the pid; an *AlreadyTracedError names the
// tracer that holds a process.
//
//	err := tr.Attach(pid)
//	var other *seize.AlreadyTracedError
//	switch {
//	case errors.As(err, &other): // other.TracerPid, other.TracerComm
//	case errors.Is(err, seize.ErrExited): // it was there, and exited meanwhile
//	case errors.Is(err, seize.ErrNoSuchProcess): // no such pid
//	case errors.Is(err, seize.ErrPermission): // run as its owner, or as root
//	}
var (
	// ErrNoSuchProcess: the pid does not exist, or the tid is not one
	// the tracer traces (Interrupt, Resume, Detach). errors.Is(err,
	// syscall.ESRCH) is true for it too.
	ErrNoSuchProcess error = &errnoError{"no such process", syscall.ESRCH}
	// ErrExited: Attach found the process but it exited, or was already a
	// zombie, before any of its threads could be seized. It is also
	// ErrNoSuchProcess, so callers who do not care about the difference
	// test for that.
	ErrExited error = exitedError{}
	// ErrPermission: the kernel refused to let this tracer trace the
	// process: it belongs to another user or is more privileged
	// (ptrace_may_access), or a security module (Yama's ptrace_scope,
	// SELinux) forbids it. errors.Is(err, syscall.EPERM) and
	// errors.Is(err, fs.ErrPermission) are true for it too. A process that
	// another tracer holds gives ErrAlreadyTraced instead.
	ErrPermission error = &errnoError{"operation not permitted", syscall.EPERM}
	// ErrAlreadyTraced: another tracer (a debugger, strace, another
	// Tracer) holds the process. The error is an *AlreadyTracedError,
	// which names it.
	ErrAlreadyTraced = errors.New("already traced")
	// ErrSelf: a process cannot trace itself or its own tracer.
	ErrSelf = errors.New("cannot trace seize itself")
	// ErrKernelThread: kernel threads cannot be traced.
	ErrKernelThread = errors.New("cannot trace a kernel thread")
	// ErrClosed: the tracer was closed.
	ErrClosed = errors.New("tracer closed")
	// ErrAttachBlocked: a PTRACE_SEIZE of the process waited longer than
	// AttachBlockedAfter. The kernel makes a seize wait while the process
	// is in execve, and an execve waits until every other thread of the
	// process has exited: one that another tracer holds in a stop keeps it
	// waiting for as long as that tracer does. The tracer thread stays in
	// the seize until the execve ends; then it lets go of what it seized
	// for this attach. Until then the Tracer serves nothing: its other
	// methods wait, and so do its tracees that stop meanwhile. A program
	// may prefer to exit, which releases them all.
	ErrAttachBlocked = errors.New("the process is in execve, which waits for a thread that another tracer holds; try again once that tracer lets it go")
)

// errnoError is a sentinel that also matches its errno, and what the
// errno matches (syscall.EPERM matches fs.ErrPermission).
type errnoError struct {
	msg   string
	errno syscall.Errno
}

func (e *errnoError) Error() string { return e.msg }

// Is makes errors.Is match the errno too.
func (e *errnoError) Is(target error) bool {
	return target == e.errno || e.errno.Is(target)
}

// exitedError is ErrExited: a kind of ErrNoSuchProcess.
type exitedError struct{}

func (exitedError) Error() string { return "process exited during attach" }

// Is makes errors.Is(ErrExited, ErrNoSuchProcess) true.
func (exitedError) Is(target error) bool {
	return errors.Is(ErrNoSuchProcess, target)
}

// AttachError says which pid could not be attached and why. It wraps one of
// the sentinel errors, an *AlreadyTracedError, or the errno.
type AttachError struct {
	Pid int   // the pid given to Attach
	Err error // the cause
}

// Error returns "attach PID: CAUSE".
func (e *AttachError) Error() string { return fmt.Sprintf("attach %d: %v", e.Pid, e.Err) }

// Unwrap returns the cause.
func (e *AttachError) Unwrap() error { return e.Err }

// AlreadyTracedError names the tracer that already holds a process. It is
// ErrAlreadyTraced for errors.Is.
type AlreadyTracedError struct {
	TracerPid  int    // the tracer's process id (not the id of its tracing thread)
	TracerComm string // its command name, from /proc/PID/comm, or "?"
}

// Error returns `already traced by pid N "NAME"`.
func (e *AlreadyTracedError) Error() string {
	return fmt.Sprintf("already traced by pid %d %q", e.TracerPid, e.TracerComm)
}

// Is makes errors.Is(err, ErrAlreadyTraced) true.
func (e *AlreadyTracedError) Is(target error) bool { return target == ErrAlreadyTraced }

// alreadyTraced describes the tracer whose tracing thread is tid:
// TracerPid in /proc is that thread's id (task_pid_nr_ns in
// fs/proc/array.c); the error names its process.
func alreadyTraced(tid int) *AlreadyTracedError {
	pid := tid
	if st, err := procStatus(tid); err == nil {
		if tg, _ := strconv.Atoi(st["Tgid"]); tg > 0 {
			pid = tg
		}
	}
	return &AlreadyTracedError{TracerPid: pid, TracerComm: comm(pid)}
}

// StartError says why a program could not be started.
type StartError struct {
	Path string // the program, as found in PATH
	Err  error  // the cause
}

// Error returns "start PATH: CAUSE".
func (e *StartError) Error() string { return fmt.Sprintf("start %s: %v", e.Path, e.Err) }

// Unwrap returns the cause.
func (e *StartError) Unwrap() error { return e.Err }
