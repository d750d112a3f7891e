package seize

import (
	"fmt"
	"syscall"

	"github.com/seize-dev/seize/internal/ptrace"
)

// EventKind tells what happened to a task.
type EventKind uint8

// Event kinds, in roughly the order a task meets them.
const (
	// EventAttached: the tracer seized the task (Attach) or adopted a task
	// created by a traced one. Reported once per task.
	EventAttached EventKind = iota + 1
	// EventSyscallEntry: the task is about to run a system call.
	EventSyscallEntry
	// EventSyscallExit: a system call returned (Ret, Errno).
	EventSyscallExit
	// EventSignal: a signal is about to be delivered (Sig, SigInfo). The
	// handler may change what is delivered with SetSignal.
	EventSignal
	// EventGroupStop: the task entered a job-control stop (Sig is the stop
	// signal). It stays stopped, for its real parent too, until SIGCONT (S6).
	EventGroupStop
	// EventContinued: a group-stop ended because someone sent SIGCONT (S7).
	// SigInfo names the sender when the SIGCONT is still pending (it is
	// unless the program blocks or already took it); the SIGCONT itself
	// follows as an EventSignal.
	EventContinued
	// EventInterrupted: the task is held after Interrupt; Resume releases it.
	EventInterrupted
	// EventNewTask: the task created another (NewTid) by clone, fork or vfork.
	EventNewTask
	// EventExec: the task's process called execve successfully. OldTid is
	// the tid that called it; the task now carries the leader's tid (S17).
	EventExec
	// EventExiting: the task is about to exit with Status (S18). It is still
	// there; its parent has not been told yet.
	EventExiting
	// EventExit: the task is gone: it exited (ExitCode) or was killed
	// (Sig, Core).
	EventExit
	// EventDetached: the tracer let the task go, in the state it was in.
	EventDetached
)

var kindNames = [...]string{
	EventAttached: "attached", EventSyscallEntry: "syscall-entry", EventSyscallExit: "syscall-exit",
	EventSignal: "signal", EventGroupStop: "group-stop", EventContinued: "continued",
	EventInterrupted: "interrupted", EventNewTask: "new-task", EventExec: "exec",
	EventExiting: "exiting", EventExit: "exit", EventDetached: "detached",
}

// String returns the kind's name: "syscall-entry", "group-stop"...
func (k EventKind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", k)
}

// NewTaskKind tells how a task was created.
type NewTaskKind uint8

// How a new task was created.
const (
	NewThread  NewTaskKind = iota + 1 // clone with CLONE_THREAD
	NewProcess                        // fork, or clone without CLONE_THREAD
	NewVfork                          // vfork, or clone with CLONE_VFORK
)

// Event is one thing that happened to a traced task. The tracer reuses the
// value: a handler must copy what it keeps. Only the fields of its Kind are
// meaningful.
type Event struct {
	Kind EventKind // what happened
	Task *Task     // the task it happened to

	// Syscall entry and exit.
	Nr   uint64    // syscall number, in the Arch's table
	Arch uint32    // AUDIT_ARCH_* of the call (a 32-bit tracee differs)
	Args [6]uint64 // raw arguments (also on exit: those of the entry)
	Ret  int64     // raw return value on exit (-errno on error)
	// Errno is the error number on exit when the call failed, else 0.
	Errno syscall.Errno
	// IP and SP are the instruction and stack pointers at the stop.
	IP, SP uint64
	// Injected is, on the exit of a call that Event.Inject tampered
	// with, what was done to it (Ret and Errno are the injected result);
	// otherwise nil. Like the Event, it is valid during the handler.
	Injected *Fault

	// Signal, group-stop, exit.
	Sig     syscall.Signal
	SigInfo *ptrace.SigInfo // EventSignal, and EventContinued when known

	// EventNewTask and EventExec.
	NewTid  int
	NewKind NewTaskKind
	OldTid  int

	// EventExiting and EventExit: Status is the raw wait status; ExitCode
	// and Core are derived from it.
	Status   ptrace.Status
	ExitCode int
	Core     bool
}

// Exited reports, for EventExiting and EventExit, a normal exit (ExitCode
// valid); otherwise the task was killed by Sig.
func (e *Event) Exited() bool { return e.Status.Exited() }

// SetSignal replaces the signal an EventSignal will deliver; 0 suppresses
// it. It has no effect for other kinds.
func (e *Event) SetSignal(sig syscall.Signal) {
	if e.Kind == EventSignal {
		e.Task.sig = int(sig)
	}
}
