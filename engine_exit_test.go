package seize

import (
	"strconv"
	"syscall"
	"testing"

	"github.com/seize-dev/seize/internal/ptrace"
	"golang.org/x/sys/unix"
)

// State-machine tests, on the fake kernel of engine_test.go, for the
// items whose integration tests are s_stops_test.go and s_exec_test.go:
// waiting (S11, S20), syscall info (S16), exits (S15, S18).

// flagKernel records the flags of every wait.
type flagKernel struct {
	*fakeKernel
	flags  []int
	status ptrace.Status // what Wait returns, for pid 10
}

func (k *flagKernel) Poll(flags int) (int, ptrace.Status, error) {
	k.flags = append(k.flags, flags)
	return 0, 0, nil
}

func (k *flagKernel) Wait(flags int) (int, ptrace.Status, error) {
	k.flags = append(k.flags, flags)
	return 10, k.status, nil
}

// S11, S20: every wait, polling or blocking, is __WALL (clone children
// too) and __WNOTHREAD (this thread's tracees and children only), and
// never WCONTINUED: the one "continued" state belongs to the real parent.
func TestEngineWaitFlags(t *testing.T) {
	k := &flagKernel{fakeKernel: newFake(), status: exited(0)}
	tr := &Tracer{k: k, tasks: map[int]*Task{}, spin: 3}
	if pid, _, ok := tr.wait(); !ok || pid != 10 {
		t.Fatalf("wait = %d, %v", pid, ok)
	}
	tr.orphans = 1
	tr.reapOrphans()
	if len(k.flags) != 5 {
		t.Fatalf("%d waits, want 3 polls, 1 wait, 1 reap", len(k.flags))
	}
	for i, f := range k.flags {
		if f&unix.WCONTINUED != 0 {
			t.Errorf("wait %d: flags %#x include WCONTINUED (S11)", i, f)
		}
		if f&ptrace.WALL == 0 || f&ptrace.WNOTHREAD == 0 {
			t.Errorf("wait %d: flags %#x lack __WALL or __WNOTHREAD", i, f)
		}
	}
}

// fullEngine is an engine whose handler keeps whole events (step then
// checks only the requests made).
func fullEngine(t *testing.T) (*engine, *[]Event) {
	e := newEngine(t, Options{})
	var evs []Event
	e.opts.Handler = func(ev *Event) { evs = append(evs, *ev) }
	return e, &evs
}

// exitInfo is the syscall info of an exit stop returning rval.
func exitInfo(rval int64, isError bool, arch uint32) ptrace.SyscallInfo {
	si := ptrace.SyscallInfo{Op: ptrace.InfoExit, Arch: arch, Nr: uint64(rval)}
	if isError {
		si.Args[0] = 1
	}
	return si
}

// S16: the exit carries its entry's number, arch and arguments; errno
// comes from is_error, not from the sign of the value.
func TestEngineSyscallExitPairsEntry(t *testing.T) {
	const arch = unix.AUDIT_ARCH_X86_64
	e, evs := fullEngine(t)
	e.running(10, 10)
	args := [6]uint64{^uint64(99), 0x1000, 0, 0, 0, 0} // openat(AT_FDCWD, ...)
	e.k.sysinfo[10] = ptrace.SyscallInfo{Op: ptrace.InfoEntry, Arch: arch, Nr: 257, Args: args}
	e.step(t, 10, syscallStop(), "", "syscall 10 0")
	e.k.sysinfo[10] = exitInfo(-int64(syscall.ENOENT), true, arch)
	e.step(t, 10, syscallStop(), "", "syscall 10 0")
	// mmap returning an address that looks negative is not an error.
	e.k.sysinfo[10] = ptrace.SyscallInfo{Op: ptrace.InfoEntry, Arch: arch, Nr: 9}
	e.step(t, 10, syscallStop(), "", "syscall 10 0")
	e.k.sysinfo[10] = exitInfo(-4096, false, arch)
	e.step(t, 10, syscallStop(), "", "syscall 10 0")

	got := *evs
	if len(got) != 4 {
		t.Fatalf("%d events, want 4", len(got))
	}
	x := got[1]
	if x.Kind != EventSyscallExit || x.Nr != 257 || x.Arch != arch || x.Args != args {
		t.Fatalf("openat exit: %v nr=%d arch=%#x args=%x; want the entry's", x.Kind, x.Nr, x.Arch, x.Args)
	}
	if x.Ret != -2 || x.Errno != syscall.ENOENT {
		t.Fatalf("openat exit: ret %d errno %v, want -2 ENOENT", x.Ret, x.Errno)
	}
	if m := got[3]; m.Nr != 9 || m.Ret != -4096 || m.Errno != 0 {
		t.Fatalf("mmap exit: nr %d ret %d errno %v, want 9, -4096, no error", m.Nr, m.Ret, m.Errno)
	}
}

// S16: a seccomp stop stands for the entry (its exit pairs with it); an
// exit seen without its entry (attached inside the call) says NoSyscall.
func TestEngineSyscallSeccompAndOrphanExit(t *testing.T) {
	const arch = unix.AUDIT_ARCH_X86_64
	e, evs := fullEngine(t)
	e.running(10, 10)
	e.k.sysinfo[10] = exitInfo(0, false, arch)
	e.step(t, 10, syscallStop(), "", "syscall 10 0")
	e.k.sysinfo[10] = ptrace.SyscallInfo{Op: ptrace.InfoSeccomp, Arch: arch, Nr: 39}
	e.step(t, 10, syscallStop(), "", "syscall 10 0")
	e.k.sysinfo[10] = exitInfo(10, false, arch)
	e.step(t, 10, syscallStop(), "", "syscall 10 0")
	got := *evs
	if len(got) != 3 {
		t.Fatalf("%d events, want 3", len(got))
	}
	if o := got[0]; o.Kind != EventSyscallExit || o.Nr != NoSyscall || o.Arch != arch {
		t.Fatalf("orphan exit: %v nr=%d arch=%#x, want exit NoSyscall", o.Kind, o.Nr, o.Arch)
	}
	if s := got[1]; s.Kind != EventSyscallEntry || s.Nr != 39 {
		t.Fatalf("seccomp stop: %v nr=%d, want entry 39", s.Kind, s.Nr)
	}
	if x := got[2]; x.Kind != EventSyscallExit || x.Nr != 39 || x.Ret != 10 {
		t.Fatalf("exit after seccomp: %v nr=%d ret=%d, want exit 39 = 10", x.Kind, x.Nr, x.Ret)
	}
}

// S18: SIGKILL in the middle of a syscall: the EVENT_EXIT stop ends it
// (no exit is invented for it), and every thread reports exiting, then
// exit, with SIGKILL; the tracer forgets them all.
func TestEngineSigkillThreadsInSyscall(t *testing.T) {
	e, evs := fullEngine(t)
	for _, tid := range []int{10, 11, 12} {
		e.running(tid, 10)
		e.k.sysinfo[tid] = ptrace.SyscallInfo{Op: ptrace.InfoEntry, Nr: 0}
		e.step(t, tid, syscallStop(), "", "syscall "+strconv.Itoa(tid)+" 0")
	}
	for _, tid := range []int{12, 10, 11} {
		e.k.msgs[tid] = uint64(syscall.SIGKILL)
		e.step(t, tid, eventStop(int(syscall.SIGTRAP), ptrace.EventExit), "", "syscall "+strconv.Itoa(tid)+" 0")
	}
	for _, tid := range []int{11, 12, 10} {
		e.step(t, tid, ptrace.Status(syscall.SIGKILL), "", "")
	}
	exiting, exits := map[int]bool{}, map[int]bool{}
	for _, ev := range (*evs)[3:] {
		switch ev.Kind {
		case EventExiting:
			exiting[ev.Task.Tid()] = ev.Sig == syscall.SIGKILL && !ev.Exited()
		case EventExit:
			if !exiting[ev.Task.Tid()] {
				t.Fatalf("tid %d: exit before exiting", ev.Task.Tid())
			}
			exits[ev.Task.Tid()] = ev.Sig == syscall.SIGKILL && !ev.Core
		default:
			t.Fatalf("%v for tid %d after SIGKILL", ev.Kind, ev.Task.Tid())
		}
	}
	for _, tid := range []int{10, 11, 12} {
		if !exiting[tid] || !exits[tid] {
			t.Fatalf("tid %d: exiting %v exit %v, want both with SIGKILL", tid, exiting[tid], exits[tid])
		}
	}
	if len(e.tasks) != 0 {
		t.Fatalf("%d tasks left", len(e.tasks))
	}
}

// S15: exit statuses decoded: a code, a signal, a core dump; the
// EVENT_EXIT message decodes the same way.
func TestEngineExitStatus(t *testing.T) {
	for _, c := range []struct {
		st   ptrace.Status
		code int
		sig  syscall.Signal
		core bool
	}{
		{exited(3), 3, 0, false},
		{exited(0), 0, 0, false},
		{ptrace.Status(syscall.SIGTERM), 0, syscall.SIGTERM, false},
		{ptrace.Status(syscall.SIGSEGV) | 0x80, 0, syscall.SIGSEGV, true},
	} {
		e, evs := fullEngine(t)
		e.running(10, 10)
		e.k.msgs[10] = uint64(c.st)
		e.step(t, 10, eventStop(int(syscall.SIGTRAP), ptrace.EventExit), "", "syscall 10 0")
		e.step(t, 10, c.st, "", "")
		for _, ev := range *evs {
			if ev.ExitCode != c.code || ev.Sig != c.sig || ev.Core != c.core || ev.Exited() != (c.sig == 0) {
				t.Errorf("status %#x: %v code %d sig %v core %v; want code %d sig %v core %v",
					uint32(c.st), ev.Kind, ev.ExitCode, ev.Sig, ev.Core, c.code, c.sig, c.core)
			}
		}
		if len(*evs) != 2 {
			t.Errorf("status %#x: %d events, want exiting and exit", uint32(c.st), len(*evs))
		}
	}
}
