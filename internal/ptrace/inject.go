package ptrace

import "golang.org/x/sys/unix"

// ReadMemory reads len(buf) bytes of the tracee at addr
// (process_vm_readv); a short read is an error.
func ReadMemory(tid int, addr uint64, buf []byte) error {
	if len(buf) == 0 {
		return nil
	}
	local := []unix.Iovec{{Base: &buf[0], Len: uint64(len(buf))}}
	remote := []unix.RemoteIovec{{Base: uintptr(addr), Len: len(buf)}}
	n, err := unix.ProcessVMReadv(tid, local, remote, 0)
	if err != nil {
		return err
	}
	if n != len(buf) {
		return unix.EFAULT
	}
	return nil
}

// PeekText reads the tracee's memory at addr with PTRACE_PEEKTEXT, which
// also reads what process_vm_readv cannot (pages without read access).
func PeekText(tid int, addr uint64, buf []byte) error {
	_, err := unix.PtracePeekText(tid, uintptr(addr), buf)
	return err
}

// PokeText writes the tracee's memory at addr with PTRACE_POKETEXT, which
// writes read-only mappings such as program text (copy-on-write, as a
// debugger's breakpoints do).
func PokeText(tid int, addr uint64, buf []byte) error {
	_, err := unix.PtracePokeText(tid, uintptr(addr), buf)
	return err
}
