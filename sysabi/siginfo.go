package sysabi

import "encoding/binary"

// SigFieldKind says how strace prints a siginfo field.
type SigFieldKind uint8

// Kinds of siginfo fields.
const (
	SigNum     SigFieldKind = iota // a decimal number
	SigHex                         // a number strace prints in hex (%#x)
	SigAddr                        // an address: hex, NULL when 0
	SigPtr                         // an address printed as %#lx, 0 when 0
	SigTicks                       // a clock_t, in USER_HZ ticks
	SigSignal                      // a signal number
	SigSyscall                     // a system call number of architecture Arch
	SigArch                        // an AUDIT_ARCH_* value
)

// SigField is one field of a siginfo_t after si_signo, si_code and
// si_errno.
type SigField struct {
	Key  string       // the field's name: "si_pid"
	Kind SigFieldKind // how it prints
	Val  int64        // its value
	Arch Arch         // SigSyscall: the architecture the number belongs to
}

// Common si_code values.
const (
	siUser   = 0
	siKernel = 0x80
	siQueue  = -1
	siTimer  = -2
	siMesgq  = -3
	siTkill  = -6
)

// SigInfoFields lists the fields of a siginfo_t that strace prints after
// si_signo, si_code and si_errno, in its order, for signal signo and
// si_code code. union is the siginfo's union (at offset 16 of the
// structure on 64-bit architectures, 12 on 32-bit ones), in the tracee's
// layout: wordSize is the size of its long and pointers (8 or 4).
func SigInfoFields(signo, code int, union []byte, wordSize int, emit func(SigField)) {
	var buf [32]byte
	copy(buf[:], union) // what is missing reads as zeros
	u := buf[:]
	le := binary.LittleEndian
	i32 := func(off int) int64 { return int64(int32(le.Uint32(u[off:]))) }
	word := func(off int) int64 {
		if wordSize == 8 {
			return int64(le.Uint64(u[off:]))
		}
		return int64(int32(le.Uint32(u[off:])))
	}
	uword := func(off int) int64 {
		if wordSize == 8 {
			return int64(le.Uint64(u[off:]))
		}
		return int64(le.Uint32(u[off:]))
	}
	f := func(key string, kind SigFieldKind, v int64) { emit(SigField{Key: key, Kind: kind, Val: v}) }
	pidUID := func() {
		f("si_pid", SigNum, i32(0))
		f("si_uid", SigNum, int64(le.Uint32(u[4:])))
	}
	value := func() { // union sigval, after two ints
		f("si_int", SigNum, i32(8))
		f("si_ptr", SigPtr, uword(8))
	}
	const (
		sigill, sigtrap, sigbus, sigfpe, sigsegv, sigchld, sigio, sigsys = 4, 5, 7, 8, 11, 17, 29, 31
	)
	switch {
	case code == siUser || code == siTkill:
		pidUID()
	case code == siQueue || code == siMesgq:
		pidUID()
		value()
	case code == siTimer:
		f("si_timerid", SigHex, int64(le.Uint32(u[0:])))
		f("si_overrun", SigNum, i32(4))
		value()
	case code <= 0 || code == siKernel:
		// Nothing more is defined.
	case signo == sigchld:
		pidUID()
		if code == 1 { // CLD_EXITED
			f("si_status", SigNum, i32(8))
		} else {
			f("si_status", SigSignal, i32(8))
		}
		t := 8 + wordSize // si_utime: a clock_t after si_status, aligned
		if wordSize == 8 {
			t = 16
		}
		f("si_utime", SigTicks, word(t))
		f("si_stime", SigTicks, word(t+wordSize))
	case signo == sigsegv || signo == sigbus || signo == sigill || signo == sigfpe || signo == sigtrap:
		f("si_addr", SigAddr, uword(0))
	case signo == sigio:
		f("si_band", SigNum, word(0))
		f("si_fd", SigNum, i32(wordSize))
	case signo == sigsys:
		arch := Arch(le.Uint32(u[wordSize+4:]))
		f("si_call_addr", SigPtr, uword(0))
		emit(SigField{Key: "si_syscall", Kind: SigSyscall, Val: i32(wordSize), Arch: arch})
		f("si_arch", SigArch, int64(arch))
	}
}

// SigSyscallName is how strace prints a SIGSYS's si_syscall: "__NR_getppid",
// or "" for a number without a name (printed as a number).
func SigSyscallName(arch Arch, nr int64) string {
	if nr < 0 {
		return ""
	}
	name := SyscallName(arch, uint64(nr))
	if name == "" || len(name) >= 8 && name[:8] == "syscall_" {
		return ""
	}
	return "__NR_" + name
}
