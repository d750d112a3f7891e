// Package sysabi describes the Linux system call ABI as seen by a tracer:
// system call names, numbers and argument counts per architecture, errno
// names and texts, signal names and si_code names.
//
// Names follow the conventions of strace(1): unknown system calls are
// printed as "syscall_0x1c3", real-time signals as "SIGRTMIN" and
// "SIGRT_n", and errno texts match glibc's strerror(3).
package sysabi

import (
	"fmt"
	"runtime"
)

// Arch is an AUDIT_ARCH_* value as reported in the arch field of PTRACE_GET_SYSCALL_INFO.
type Arch uint32

// Architectures with system call tables in this package.
const (
	// ArchX86_64 is AUDIT_ARCH_X86_64.
	ArchX86_64 Arch = 0xc000003e
	// ArchI386 is AUDIT_ARCH_I386, also used for 32-bit tracees on x86_64.
	ArchI386 Arch = 0x40000003
	// ArchAArch64 is AUDIT_ARCH_AARCH64.
	ArchAArch64 Arch = 0xc00000b7
)

// String returns "x86_64", "i386" or "aarch64", or "arch_0x..." (lowercase
// hexadecimal) for other values.
func (a Arch) String() string {
	switch a {
	case ArchX86_64:
		return "x86_64"
	case ArchI386:
		return "i386"
	case ArchAArch64:
		return "aarch64"
	}
	return fmt.Sprintf("arch_%#x", uint32(a))
}

// AuditName returns the AUDIT_ARCH_* name strace prints for a, such as
// "AUDIT_ARCH_X86_64", or "" for an architecture without a table here.
func (a Arch) AuditName() string {
	switch a {
	case ArchX86_64:
		return "AUDIT_ARCH_X86_64"
	case ArchI386:
		return "AUDIT_ARCH_I386"
	case ArchAArch64:
		return "AUDIT_ARCH_AARCH64"
	}
	return ""
}

// NativeArch returns the architecture of the running binary, derived from
// runtime.GOARCH, or 0 if it is not one of the architectures above.
func NativeArch() Arch {
	switch runtime.GOARCH {
	case "amd64":
		return ArchX86_64
	case "386":
		return ArchI386
	case "arm64":
		return ArchAArch64
	}
	return 0
}
