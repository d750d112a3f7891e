package seize

import (
	"testing"

	"github.com/seize-dev/seize/internal/ptrace"
	"golang.org/x/sys/unix"
)

// State-machine tests of seccomp.go on the fake kernel; the integration
// tests are seccomp_test.go and cmd/seize/seccomp_test.go.

func seccompStop() ptrace.Status {
	return eventStop(int(unix.SIGTRAP), ptrace.EventSeccomp)
}

// A filtered task: a seccomp stop is the entry, resumed with
// PTRACE_SYSCALL to see the exit, then PTRACE_CONT; its child inherits
// the filter and is resumed with PTRACE_CONT too.
func TestEngineSeccompFiltered(t *testing.T) {
	const arch = unix.AUDIT_ARCH_X86_64
	e := newEngine(t, Options{FollowForks: true})
	e.running(10, 10).sc.filtered = true
	e.k.sysinfo[10] = ptrace.SyscallInfo{Op: ptrace.InfoSeccomp, Arch: arch, Nr: 39}
	e.step(t, 10, seccompStop(), "syscall-entry 10 nr=39", "syscall 10 0")
	e.k.sysinfo[10] = exitInfo(7, false, arch)
	e.step(t, 10, syscallStop(), "syscall-exit 10 nr=39", "cont 10 0")
	e.k.msgs[10] = 11
	e.step(t, 10, eventStop(int(unix.SIGTRAP), ptrace.EventFork), "attached 11; new-task 10 new=11", "cont 10 0")
	if c := e.tasks[11]; c == nil || !c.Filtered() {
		t.Fatalf("the child did not inherit the filter")
	}
	e.step(t, 11, trapStop, "", "cont 11 0")
}

// A task resumed with PTRACE_SYSCALL makes the entry stop, then the
// seccomp stop of the same call: one entry. A filtered task seen at an
// entry stop (it was resumed with PTRACE_SYSCALL before it was known to be
// filtered) reports the call only at its seccomp stop, if any; an exit
// whose entry was not reported is not reported either.
func TestEngineSeccompEntryStops(t *testing.T) {
	const arch = unix.AUDIT_ARCH_X86_64
	e := newEngine(t, Options{})
	e.running(10, 10)
	e.k.sysinfo[10] = ptrace.SyscallInfo{Op: ptrace.InfoEntry, Arch: arch, Nr: 39}
	e.step(t, 10, syscallStop(), "syscall-entry 10 nr=39", "syscall 10 0")
	e.k.sysinfo[10] = ptrace.SyscallInfo{Op: ptrace.InfoSeccomp, Arch: arch, Nr: 39}
	e.step(t, 10, seccompStop(), "", "syscall 10 0")
	e.k.sysinfo[10] = exitInfo(7, false, arch)
	e.step(t, 10, syscallStop(), "syscall-exit 10 nr=39", "syscall 10 0")

	f := e.running(20, 20)
	f.sc.filtered = true
	e.k.sysinfo[20] = ptrace.SyscallInfo{Op: ptrace.InfoEntry, Arch: arch, Nr: 39}
	e.step(t, 20, syscallStop(), "", "syscall 20 0")
	e.k.sysinfo[20] = ptrace.SyscallInfo{Op: ptrace.InfoSeccomp, Arch: arch, Nr: 39}
	e.step(t, 20, seccompStop(), "syscall-entry 20 nr=39", "syscall 20 0")
	e.k.sysinfo[20] = exitInfo(7, false, arch)
	e.step(t, 20, syscallStop(), "syscall-exit 20 nr=39", "cont 20 0")

	e.k.sysinfo[20] = ptrace.SyscallInfo{Op: ptrace.InfoEntry, Arch: arch, Nr: 186}
	e.step(t, 20, syscallStop(), "", "syscall 20 0")
	e.k.sysinfo[20] = exitInfo(20, false, arch)
	e.step(t, 20, syscallStop(), "", "cont 20 0")
}
