package seize

import "github.com/seize-dev/seize/internal/ptrace"

// kernel is the engine's view of ptrace and wait. The real one calls the
// kernel; tests of the state machine substitute a fake that replays
// recorded wait statuses and records the requests made (STYLE: as
// netlink's fake socket does).
type kernel interface {
	Seize(tid, opts int) error
	Interrupt(tid int) error
	Listen(tid int) error
	Cont(tid, sig int) error
	Syscall(tid, sig int) error
	Detach(tid, sig int) error
	GetEventMsg(tid int) (uint64, error)
	GetSigInfo(tid int, si *ptrace.SigInfo) error
	GetSyscallInfo(tid int, si *ptrace.SyscallInfo) error
	GetRegs(tid int, r *ptrace.Regs) error
	SetRegs(tid int, r *ptrace.Regs) error
	// PeekSigInfo reads pending signals without dequeuing them.
	PeekSigInfo(tid int, shared bool, buf []ptrace.SigInfo) (int, error)
	// Poll is a non-blocking wait for any tracee; Wait blocks. Both
	// leave a stop to be reported again (ptrace.Peek) and reap an exit.
	Poll(flags int) (int, ptrace.Status, error)
	// PollPid is Poll for one task (O(1) in the kernel, Poll O(tracees)).
	PollPid(tid, flags int) (int, ptrace.Status, error)
	Wait(flags int) (int, ptrace.Status, error)
	// Consume clears the reported stop of a task left stopped.
	Consume(tid, flags int)
	// Tgid returns the thread-group id of a task (from /proc).
	Tgid(tid int) (int, error)
}

type realKernel struct{}

func (realKernel) Seize(tid, opts int) error                    { return ptrace.Seize(tid, opts) }
func (realKernel) Interrupt(tid int) error                      { return ptrace.Interrupt(tid) }
func (realKernel) Listen(tid int) error                         { return ptrace.Listen(tid) }
func (realKernel) Cont(tid, sig int) error                      { return ptrace.Cont(tid, sig) }
func (realKernel) Syscall(tid, sig int) error                   { return ptrace.Syscall(tid, sig) }
func (realKernel) Detach(tid, sig int) error                    { return ptrace.Detach(tid, sig) }
func (realKernel) GetEventMsg(tid int) (uint64, error)          { return ptrace.GetEventMsg(tid) }
func (realKernel) GetSigInfo(tid int, si *ptrace.SigInfo) error { return ptrace.GetSigInfo(tid, si) }
func (realKernel) GetSyscallInfo(tid int, si *ptrace.SyscallInfo) error {
	return ptrace.GetSyscallInfo(tid, si)
}
func (realKernel) GetRegs(tid int, r *ptrace.Regs) error { return ptrace.GetRegs(tid, r) }
func (realKernel) SetRegs(tid int, r *ptrace.Regs) error { return ptrace.SetRegs(tid, r) }
func (realKernel) PeekSigInfo(tid int, shared bool, buf []ptrace.SigInfo) (int, error) {
	return ptrace.PeekSigInfo(tid, shared, buf)
}
func (realKernel) Poll(flags int) (int, ptrace.Status, error) { return ptrace.Peek(-1, flags, false) }
func (realKernel) PollPid(tid, flags int) (int, ptrace.Status, error) {
	return ptrace.Peek(tid, flags, false)
}
func (realKernel) Wait(flags int) (int, ptrace.Status, error) { return ptrace.Peek(-1, flags, true) }
func (realKernel) Consume(tid, flags int)                     { ptrace.Consume(tid, flags) }
func (realKernel) Tgid(tid int) (int, error)                  { return tgidOf(tid) }
