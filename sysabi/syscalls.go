package sysabi

import (
	"sort"
	"strconv"
)

//go:generate go run ./internal/gen

// sysent is one entry of a table indexed by system call number. Unused
// numbers have an empty name.
type sysent struct {
	name  string
	nargs uint8
}

// sysname is one entry of a table sorted by system call name.
type sysname struct {
	name string
	nr   uint16
}

// syscallTables returns the generated tables for a, or nil slices if a is
// not supported.
func syscallTables(a Arch) ([]sysent, []sysname) {
	switch a {
	case ArchX86_64:
		return sysentX86_64[:], sysnamesX86_64[:]
	case ArchI386:
		return sysentI386[:], sysnamesI386[:]
	case ArchAArch64:
		return sysentAArch64[:], sysnamesAArch64[:]
	}
	return nil, nil
}

func lookupSyscall(a Arch, nr uint64) *sysent {
	tab, _ := syscallTables(a)
	if nr < uint64(len(tab)) && tab[nr].name != "" {
		return &tab[nr]
	}
	return nil
}

// SyscallName returns the name of system call nr on architecture a, such as
// "openat". Unknown numbers are formatted as strace does, "syscall_0x1c3"
// (lowercase hexadecimal, "syscall_0" for zero). It does not allocate for
// known system calls.
func SyscallName(a Arch, nr uint64) string {
	if e := lookupSyscall(a, nr); e != nil {
		return e.name
	}
	if nr == 0 {
		return "syscall_0" // C's %#x, which strace uses, has no 0x for zero
	}
	return "syscall_0x" + strconv.FormatUint(nr, 16)
}

// SyscallNumber returns the number of the system call called name on
// architecture a. The name must be spelled as SyscallName returns it.
func SyscallNumber(a Arch, name string) (uint64, bool) {
	_, names := syscallTables(a)
	i := sort.Search(len(names), func(i int) bool { return names[i].name >= name })
	if i < len(names) && names[i].name == name {
		return uint64(names[i].nr), true
	}
	return 0, false
}

// SyscallNargs returns the number of arguments the kernel's prototype for
// system call nr on architecture a takes, or 6 when unknown. On i386, where
// the kernel entry points split 64-bit arguments over two registers (for
// example pread64), the count is that of the registers used.
func SyscallNargs(a Arch, nr uint64) int {
	if e := lookupSyscall(a, nr); e != nil {
		return int(e.nargs)
	}
	return 6
}
