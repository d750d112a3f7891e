package seize

import (
	"errors"
	"fmt"
)

// Sentinel errors, to be tested with errors.Is.
var (
	// ErrNoSuchProcess: the pid does not exist (or exited before it could
	// be attached).
	ErrNoSuchProcess = errors.New("no such process")
	// ErrPermission: the kernel refused to let this tracer trace the pid.
	ErrPermission = errors.New("operation not permitted")
	// ErrAlreadyTraced: another tracer holds the pid. The error is an
	// *AlreadyTracedError.
	ErrAlreadyTraced = errors.New("already traced")
	// ErrSelf: a process cannot trace itself or its own tracer.
	ErrSelf = errors.New("cannot trace seize itself")
	// ErrKernelThread: kernel threads cannot be traced.
	ErrKernelThread = errors.New("cannot trace a kernel thread")
	// ErrClosed: the tracer was closed.
	ErrClosed = errors.New("tracer closed")
)

// AttachError says which pid could not be attached and why. It wraps one of
// the sentinel errors or the errno.
type AttachError struct {
	Pid int
	Err error
}

func (e *AttachError) Error() string { return fmt.Sprintf("attach %d: %v", e.Pid, e.Err) }

// Unwrap returns the cause.
func (e *AttachError) Unwrap() error { return e.Err }

// AlreadyTracedError names the tracer that already holds a process.
type AlreadyTracedError struct {
	TracerPid  int
	TracerComm string
}

func (e *AlreadyTracedError) Error() string {
	return fmt.Sprintf("already traced by pid %d %q", e.TracerPid, e.TracerComm)
}

// Is makes errors.Is(err, ErrAlreadyTraced) true.
func (e *AlreadyTracedError) Is(target error) bool { return target == ErrAlreadyTraced }

// StartError says why a program could not be started.
type StartError struct {
	Path string
	Err  error
}

func (e *StartError) Error() string { return fmt.Sprintf("start %s: %v", e.Path, e.Err) }

// Unwrap returns the cause.
func (e *StartError) Unwrap() error { return e.Err }
