package main

import (
	"errors"
	"runtime"
	"unsafe"

	"github.com/seize-dev/seize/sysabi"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// --seccomp-bpf (strace's option; issue 5). In launch mode with -f and an
// -e trace= that selects a subset, the launcher process installs a
// seccomp-bpf filter on itself just before it execs the program, once the
// tracer has seized it; the program and every child inherit it and stop
// only at the selected system calls (package seize, seccomp.go).
//
// It is off by default, although it makes such traces many times faster:
// the filter is visible to the program (Seccomp: 2 in /proc/PID/status,
// and NoNewPrivs: 1 when seize runs without CAP_SYS_ADMIN), and it cannot
// be removed, so the program depends on the tracer for as long as it
// runs: if seize is told to stop (SIGINT, SIGTERM, SIGHUP) it ends the
// trace but stays, silently resuming the program, until the program
// exits; if seize is killed outright, the program's selected calls fail
// with ENOSYS. SPEC §6: a default that speeds tracing up must not change
// what the program observes.

// seccompProgram is the filter of -e trace= for --seccomp-bpf, or nil when
// the option is off or does not apply (then seccompWarning says why,
// once, in the launching process).
func (c *config) seccompProgram() []bpf.RawInstruction {
	if !c.seccomp || len(c.pids) > 0 || !c.follow || c.filter.Trace.IsAll() {
		return nil
	}
	set := c.filter.Trace
	// The launcher's execve opens the trace (gate), whether or not it is
	// shown; strace's filter always stops execve too.
	for _, a := range []sysabi.Arch{sysabi.ArchX86_64, sysabi.ArchI386, sysabi.ArchAArch64} {
		for _, name := range []string{"execve", "execveat"} {
			if nr, ok := sysabi.SyscallNumber(a, name); ok {
				set.Add(a, nr)
			}
		}
	}
	prog, err := set.SeccompProgram(nil)
	if err != nil {
		return nil
	}
	return prog
}

// seccompWarnings are strace's messages for --seccomp-bpf where it does
// not apply; seize then traces every call, as without it.
func (c *config) seccompWarnings() {
	switch {
	case !c.seccomp:
	case len(c.pids) > 0:
		c.warnings = append(c.warnings, "--seccomp-bpf is not enabled for processes attached with -p: a running process cannot be given a seccomp filter")
	case !c.follow:
		c.warnings = append(c.warnings, "--seccomp-bpf cannot be used without -f/--follow-forks (children inherit the filter and must be traced), disabling")
	case c.filter.Trace.IsAll():
		c.warnings = append(c.warnings, "--seccomp-bpf: every system call is traced, there is nothing to filter; see -e trace=")
	}
}

// installSeccomp installs prog on the calling thread, which execs next
// (main is locked to the main thread), with no_new_privs if the kernel
// requires it (no CAP_SYS_ADMIN).
func installSeccomp(prog []bpf.RawInstruction) error {
	if len(prog) == 0 {
		return errors.New("empty program")
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: (*unix.SockFilter)(unsafe.Pointer(&prog[0]))}
	install := func() unix.Errno {
		// SECCOMP_FILTER_FLAG_SPEC_ALLOW: no speculation mitigations for
		// a filter that only serves tracing (rejected before Linux 4.17).
		_, _, e := unix.RawSyscall(unix.SYS_SECCOMP, 1 /* SECCOMP_SET_MODE_FILTER */, 4, uintptr(unsafe.Pointer(&fprog)))
		if e == unix.EINVAL {
			_, _, e = unix.RawSyscall(unix.SYS_SECCOMP, 1, 0, uintptr(unsafe.Pointer(&fprog)))
		}
		return e
	}
	e := install()
	if e == unix.EACCES {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return err
		}
		e = install()
	}
	runtime.KeepAlive(prog)
	if e != 0 {
		return e
	}
	return nil
}
