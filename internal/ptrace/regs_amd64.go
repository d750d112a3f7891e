package ptrace

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Regs is the register set the engine reads and writes to restart a
// system call (S21).
type Regs struct{ r unix.PtraceRegs }

// GetRegs reads the tracee's registers, in the x86-64 layout whatever the
// tracee's mode: PTRACE_GETREGS uses the tracer's view of the registers.
// (unix.PtraceGetRegs uses PTRACE_GETREGSET, which gives an i386 task's
// 68-byte struct user_regs_struct32: fields past it read as zero.)
func GetRegs(tid int, r *Regs) error {
	return regsRequest(unix.PTRACE_GETREGS, tid, &r.r)
}

// SetRegs writes the tracee's registers (x86-64 layout, as GetRegs).
func SetRegs(tid int, r *Regs) error {
	return regsRequest(unix.PTRACE_SETREGS, tid, &r.r)
}

func regsRequest(req int, tid int, r *unix.PtraceRegs) error {
	_, _, e := unix.RawSyscall6(unix.SYS_PTRACE, uintptr(req), uintptr(tid), 0, uintptr(unsafe.Pointer(r)), 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// Nr is the number of the system call the task is in or returned from
// (orig_rax), or -1 outside one.
func (r *Regs) Nr() int64 { return int64(r.r.Orig_rax) }

// SetNr sets the system call number (orig_rax). At a syscall-entry
// stop, -1 makes the kernel skip the call and return rax as it is
// (do_syscall_64 leaves regs->ax alone for nr -1): fault injection.
func (r *Regs) SetNr(nr int64) { r.r.Orig_rax = uint64(nr) }

// Ret is the return-value register.
func (r *Regs) Ret() int64 { return int64(r.r.Rax) }

// SetRet sets the return-value register.
func (r *Regs) SetRet(v int64) { r.r.Rax = uint64(v) }

// SP is the stack pointer.
func (r *Regs) SP() uint64 { return r.r.Rsp }

// Arg returns argument i (0-5) of the system call; compat says the task
// made it through the i386 ABI (ebx, ecx, edx, esi, edi, ebp).
func (r *Regs) Arg(i int, compat bool) uint64 { return *r.argp(i, compat) }

// SetArg sets argument i.
func (r *Regs) SetArg(i int, compat bool, v uint64) { *r.argp(i, compat) = v }

func (r *Regs) argp(i int, compat bool) *uint64 {
	if compat {
		return [...]*uint64{&r.r.Rbx, &r.r.Rcx, &r.r.Rdx, &r.r.Rsi, &r.r.Rdi, &r.r.Rbp}[i]
	}
	return [...]*uint64{&r.r.Rdi, &r.r.Rsi, &r.r.Rdx, &r.r.R10, &r.r.R8, &r.r.R9}[i]
}

// Rewind makes the task execute its system call again when it resumes,
// as the kernel does for -ERESTARTNOINTR (arch/x86/kernel/signal.c):
// rax = orig_rax, rip back over the 2-byte syscall (or int $0x80)
// instruction. arg0 is unused on x86 (its argument registers survive).
func (r *Regs) Rewind(arg0 uint64) {
	r.r.Rax = r.r.Orig_rax
	r.r.Rip -= 2
}

// Reenter, at a syscall-entry stop, makes the kernel skip the call
// (orig_rax = -1 leaves rax alone) and the task execute it again when it
// resumes: rax = the call's number, rip back over the syscall
// instruction. arg0 is unused on x86.
func (r *Regs) Reenter(arg0 uint64) {
	r.r.Rax = r.r.Orig_rax
	r.r.Orig_rax = ^uint64(0)
	r.r.Rip -= 2
}
