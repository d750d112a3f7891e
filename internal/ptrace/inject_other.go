//go:build !amd64

package ptrace

// SyscallInsn is empty: making the tracee run a system call is only
// implemented on x86-64.
var SyscallInsn []byte

// Compat is false.
func (r *Regs) Compat() bool { return false }

// IP is 0.
func (r *Regs) IP() uint64 { return 0 }

// SetSyscall does nothing.
func (r *Regs) SetSyscall(ip uint64, nr uint64, args ...uint64) {}
