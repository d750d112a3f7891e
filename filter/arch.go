package filter

import (
	"strings"
	"sync"

	"github.com/seize-dev/seize/sysabi"
)

// maxNr bounds the system call numbers a SyscallSet stores per
// architecture. Larger numbers (x32's, with bit 30 set, included) have no
// name in sysabi's tables and are always selected.
const maxNr = 1024

const setWords = maxNr / 64

// arches are the architectures a SyscallSet distinguishes, in the order of
// its per-architecture bitmaps.
var arches = [...]sysabi.Arch{sysabi.ArchX86_64, sysabi.ArchI386, sysabi.ArchAArch64}

const numArches = len(arches)

// archIndex returns the index of a in arches, or -1.
func archIndex(a sysabi.Arch) int {
	switch a {
	case sysabi.ArchX86_64:
		return 0
	case sysabi.ArchI386:
		return 1
	case sysabi.ArchAArch64:
		return 2
	}
	return -1
}

// archTable is what the parser needs to know about one architecture's
// system call table.
type archTable struct {
	arch sysabi.Arch
	// size is one more than the highest named number: strace's
	// nsyscall_vec, the bound for numeric tokens such as trace=2.
	size uint64
	// named has a bit for every number with a name.
	named [setWords]uint64
	// names and classes are indexed by number; unnamed numbers have "".
	names   []string
	classes []class
	// subcalls are the calls made through a multiplexer (i386 only).
	subcalls []subcall
}

// subcall is a system call that i386 programs also make through the
// socketcall or ipc multiplexer: glibc still does so for sockets and SysV
// IPC, the direct system calls being newer (Linux 4.3 and 5.1) than the
// kernels it supports. strace decodes the multiplexer and filters by the
// subcall; a SyscallSet, which sees only the multiplexer's number, selects
// the multiplexer whenever a token selects one of its subcalls (by name,
// /regex or class), so that trace=%net never hides a 32-bit program's
// socket calls.
type subcall struct {
	name string
	mux  uint64 // number of the multiplexer
	cls  class  // the subcall's classes, as strace gives them
}

// i386Subcalls lists socketcall's calls (SYS_SOCKET... of
// include/uapi/linux/net.h) and ipc's (SEMOP... of
// include/uapi/linux/ipc.h).
var i386Subcalls = []struct {
	mux   string
	cls   class
	names []string
}{
	{"socketcall", classNet, []string{"socket", "bind", "connect", "listen", "accept",
		"getsockname", "getpeername", "socketpair", "send", "recv", "sendto", "recvfrom",
		"shutdown", "setsockopt", "getsockopt", "sendmsg", "recvmsg", "accept4",
		"recvmmsg", "sendmmsg"}},
	{"ipc", classIPC, []string{"semop", "semget", "semctl", "semtimedop",
		"msgsnd", "msgrcv", "msgget", "msgctl", "shmget", "shmctl"}},
	{"ipc", classIPC | classMemory, []string{"shmat", "shmdt"}},
}

var archTables = sync.OnceValue(func() *[numArches]archTable {
	var t [numArches]archTable
	cls := syscallClasses()
	for i, a := range arches {
		at := &t[i]
		at.arch = a
		at.names = make([]string, maxNr)
		at.classes = make([]class, maxNr)
		for nr := uint64(0); nr < maxNr; nr++ {
			name := sysabi.SyscallName(a, nr)
			if strings.HasPrefix(name, "syscall_") {
				continue
			}
			at.names[nr] = name
			at.classes[nr] = cls[name]
			at.named[nr/64] |= 1 << (nr % 64)
			at.size = nr + 1
		}
		if a != sysabi.ArchI386 {
			continue
		}
		for _, g := range i386Subcalls {
			mux, ok := sysabi.SyscallNumber(a, g.mux)
			if !ok {
				continue
			}
			for _, name := range g.names {
				at.subcalls = append(at.subcalls, subcall{name, mux, g.cls})
			}
		}
	}
	return &t
})

// allNames returns the names of every architecture, sorted and without
// duplicates, for suggestions.
var allNames = sync.OnceValue(func() []string {
	seen := make(map[string]bool)
	var names []string
	for _, at := range archTables() {
		for _, n := range at.names {
			if n != "" && !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	return sortedCopy(names)
})
