//go:build !amd64 && !arm64

package ptrace

import "golang.org/x/sys/unix"

// Regs is not supported on this architecture: system calls interrupted
// by the tracer are not restarted there.
type Regs struct{}

// GetRegs fails on this architecture.
func GetRegs(tid int, r *Regs) error { return unix.ENOSYS }

// SetRegs fails on this architecture.
func SetRegs(tid int, r *Regs) error { return unix.ENOSYS }

// Nr is -1.
func (r *Regs) Nr() int64 { return -1 }

// SetNr does nothing.
func (r *Regs) SetNr(nr int64) {}

// Ret is 0.
func (r *Regs) Ret() int64 { return 0 }

// SetRet does nothing.
func (r *Regs) SetRet(v int64) {}

// SP is 0.
func (r *Regs) SP() uint64 { return 0 }

// Arg is 0.
func (r *Regs) Arg(i int, compat bool) uint64 { return 0 }

// SetArg does nothing.
func (r *Regs) SetArg(i int, compat bool, v uint64) {}

// Rewind does nothing.
func (r *Regs) Rewind(arg0 uint64) {}

// Reenter does nothing.
func (r *Regs) Reenter(arg0 uint64) {}
