package ptrace

// SyscallInsn is the machine code of the system call instruction
// (x86-64 "syscall"), for a tracer that makes its tracee run a call of its
// choosing (seccomp.go). Empty where that is not supported.
var SyscallInsn = []byte{0x0f, 0x05}

// Compat reports whether the task runs 32-bit code (the i386 user code
// segment, __USER32_CS), where the syscall instruction is not the way in.
func (r *Regs) Compat() bool { return r.r.Cs == 0x23 }

// IP is the instruction pointer.
func (r *Regs) IP() uint64 { return r.r.Rip }

// SetSyscall prepares the registers to make system call nr with args at
// ip, where the tracer has put SyscallInsn: rip = ip, rax = nr, the
// arguments in rdi, rsi, rdx, r10, r8, r9. orig_rax = -1 keeps the
// kernel's restart logic (arch_do_signal_or_restart) away from them when
// the task resumes from a signal-delivery-stop.
func (r *Regs) SetSyscall(ip uint64, nr uint64, args ...uint64) {
	r.r.Rip = ip
	r.r.Rax = nr
	r.r.Orig_rax = ^uint64(0)
	for i, a := range args {
		r.SetArg(i, false, a)
	}
}
