package ptrace

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Regs is the register set the engine reads and writes to restart a
// system call (S21).
type Regs struct {
	r     unix.PtraceRegsArm64
	nr    int64
	setNr bool // SetNr or Reenter was called: SetRegs writes the number too
}

const (
	ntPrstatus      = 1
	ntArmSystemCall = 0x404
)

func regset(req int, tid int, typ uintptr, p unsafe.Pointer, n int) error {
	iov := unix.Iovec{Base: (*byte)(p), Len: uint64(n)}
	_, _, e := unix.RawSyscall6(unix.SYS_PTRACE, uintptr(req), uintptr(tid), typ, uintptr(unsafe.Pointer(&iov)), 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// GetRegs reads the tracee's registers and its system call number
// (NT_ARM_SYSTEM_CALL: orig_x0 is not exposed on arm64).
func GetRegs(tid int, r *Regs) error {
	if err := regset(unix.PTRACE_GETREGSET, tid, ntPrstatus, unsafe.Pointer(&r.r), int(unsafe.Sizeof(r.r))); err != nil {
		return err
	}
	var nr int32
	if err := regset(unix.PTRACE_GETREGSET, tid, ntArmSystemCall, unsafe.Pointer(&nr), 4); err != nil {
		return err
	}
	r.nr = int64(nr)
	return nil
}

// SetRegs writes the tracee's registers, and its system call number
// after SetNr or Reenter.
func SetRegs(tid int, r *Regs) error {
	if err := regset(unix.PTRACE_SETREGSET, tid, ntPrstatus, unsafe.Pointer(&r.r), int(unsafe.Sizeof(r.r))); err != nil {
		return err
	}
	if !r.setNr {
		return nil
	}
	nr := int32(r.nr)
	return regset(unix.PTRACE_SETREGSET, tid, ntArmSystemCall, unsafe.Pointer(&nr), 4)
}

// Nr is the number of the system call the task is in or returned from,
// or -1 outside one.
func (r *Regs) Nr() int64 { return r.nr }

// SetNr sets the system call number (NT_ARM_SYSTEM_CALL, written by
// SetRegs). At a syscall-entry stop, -1 (NO_SYSCALL) makes the kernel
// skip the call and return x0 as the tracer set it (el0_svc_common):
// fault injection.
func (r *Regs) SetNr(nr int64) { r.nr, r.setNr = nr, true }

// Ret is the return-value register (x0).
func (r *Regs) Ret() int64 { return int64(r.r.Regs[0]) }

// SetRet sets the return-value register.
func (r *Regs) SetRet(v int64) { r.r.Regs[0] = uint64(v) }

// SP is the stack pointer.
func (r *Regs) SP() uint64 { return r.r.Sp }

// Arg returns argument i (0-5). Argument 0 shares x0 with the return
// value: after the call it is gone, and callers must use the value seen
// at the syscall entry (or in /proc/TID/syscall).
func (r *Regs) Arg(i int, compat bool) uint64 { return r.r.Regs[i] }

// SetArg sets argument i.
func (r *Regs) SetArg(i int, compat bool, v uint64) { r.r.Regs[i] = v }

// Rewind makes the task execute its system call again when it resumes,
// as the kernel does for -ERESTARTNOINTR (arch/arm64/kernel/signal.c):
// x0 = orig_x0, pc back over the 4-byte svc instruction.
func (r *Regs) Rewind(arg0 uint64) {
	r.r.Regs[0] = arg0
	r.r.Pc -= 4
}

// Reenter, at a syscall-entry stop, makes the kernel skip the call
// (system call number -1: x0 is kept) and the task execute it again when
// it resumes: x0 = arg0, pc back over the svc instruction (x8 still
// holds the number).
func (r *Regs) Reenter(arg0 uint64) {
	r.nr = -1
	r.setNr = true
	r.r.Regs[0] = arg0
	r.r.Pc -= 4
}
