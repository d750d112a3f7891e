package seize_test

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/internal/testprog"
	"github.com/seize-dev/seize/sysabi"
	"golang.org/x/sys/unix"
)

// Tests of syscalls, exec and exit as the tracer reports them (S15–S18),
// and of starting programs.

// waitNoTasks waits until tr has no tasks left.
func waitNoTasks(t *testing.T, tr *seize.Tracer) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- tr.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("tasks %v still traced after 10s", tr.Tasks())
	}
}

// tidEvents returns the events of task tid.
func tidEvents(evs []rec, tid int) []rec {
	var out []rec
	for _, e := range evs {
		if e.Tid == tid {
			out = append(out, e)
		}
	}
	return out
}

// nativeAuditArch is AUDIT_ARCH_* of this machine's native syscalls.
func nativeAuditArch(t *testing.T) uint32 {
	switch runtime.GOARCH {
	case "amd64":
		return unix.AUDIT_ARCH_X86_64 // 0xc000003e
	case "arm64":
		return unix.AUDIT_ARCH_AARCH64
	}
	t.Skipf("no expected AUDIT_ARCH for %s", runtime.GOARCH)
	return 0
}

// checkSyscallPairs checks S16's pairing on one task's events: entries
// and exits alternate, and each exit carries its entry's number and
// arguments. Only the last syscall may lack an exit (exit_group, a kill).
func checkSyscallPairs(t *testing.T, evs []rec) {
	t.Helper()
	var entry *rec
	for i := range evs {
		e := &evs[i]
		switch e.Kind {
		case seize.EventSyscallEntry:
			if entry != nil {
				t.Fatalf("event %d: entry nr=%d after entry nr=%d without an exit:%s", i, e.Nr, entry.Nr, lastEvents(evs[:i+1]))
			}
			entry = e
		case seize.EventSyscallExit:
			if entry == nil {
				t.Fatalf("event %d: exit nr=%d without an entry:%s", i, e.Nr, lastEvents(evs[:i+1]))
			}
			if e.Nr != entry.Nr || e.Args != entry.Args {
				t.Fatalf("event %d: exit nr=%d args=%x pairs with entry nr=%d args=%x", i, e.Nr, e.Args, entry.Nr, entry.Args)
			}
			entry = nil
		}
		// Other events may come between an entry and its exit: the
		// new-task stop of clone, the exec stop of execve, an interrupt.
	}
}

// S16: with PTRACE_GET_SYSCALL_INFO the tracer reports the right number,
// arguments and return values: three getppid calls return the parent's
// pid (the test process: the tracer thread is the parent); every event
// has the native AUDIT_ARCH; every exit pairs with its task's entry.
func TestS16SyscallInfoGetppid(t *testing.T) {
	want := nativeAuditArch(t)
	tr, r := newTracer(t, seize.Options{Syscalls: true})
	var mu sync.Mutex
	archs := map[uint32]int{}
	r.onEvent = func(ev *seize.Event) {
		if ev.Kind == seize.EventSyscallEntry || ev.Kind == seize.EventSyscallExit {
			mu.Lock()
			archs[ev.Arch]++
			mu.Unlock()
		}
	}
	p := startTraced(t, tr, "getppid", "3")
	waitNoTasks(t, tr)
	evs := tidEvents(r.snapshot(), p.Pid)
	checkSyscallPairs(t, evs)
	mu.Lock()
	if len(archs) != 1 || archs[want] == 0 {
		t.Errorf("syscall archs %x, want all %#x", archs, want)
	}
	mu.Unlock()

	var entries, exits int
	for i, e := range evs {
		if e.Nr != uint64(syscall.SYS_GETPPID) {
			continue
		}
		switch e.Kind {
		case seize.EventSyscallEntry:
			entries++
			if i+1 >= len(evs) || evs[i+1].Kind != seize.EventSyscallExit {
				t.Fatalf("getppid entry not followed by its exit:%s", lastEvents(evs[:i+1]))
			}
		case seize.EventSyscallExit:
			exits++
			if e.Ret != int64(os.Getpid()) || e.Errno != 0 {
				t.Errorf("getppid returned %d errno %d, want %d", e.Ret, e.Errno, os.Getpid())
			}
		}
	}
	if entries != 3 || exits != 3 {
		t.Fatalf("%d getppid entries, %d exits; want 3 and 3", entries, exits)
	}
	last := evs[len(evs)-1]
	if last.Kind != seize.EventExit || last.ExitCode != 0 {
		t.Fatalf("last event %v, want exit 0", last)
	}
}

// S16: openat's arguments and result, failing and succeeding, against
// what the program itself saw ("openat r=R errno=E").
func TestS16SyscallInfoOpenat(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "exists")
	if err := os.WriteFile(existing, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, path string
		errno      syscall.Errno
	}{
		{"missing", filepath.Join(dir, "no-such-file"), syscall.ENOENT},
		{"existing", existing, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr, r := newTracer(t, seize.Options{Syscalls: true})
			var mu sync.Mutex
			paths := map[int]string{} // event index -> path argument
			n := 0
			r.onEvent = func(ev *seize.Event) {
				mu.Lock()
				defer mu.Unlock()
				if ev.Kind == seize.EventSyscallEntry && ev.Nr == uint64(syscall.SYS_OPENAT) {
					s, _, _ := ev.Task.ReadString(ev.Args[1], 4096)
					paths[n] = s
				}
				n++
			}
			p := startTraced(t, tr, "openat", c.path)
			line := p.expect("openat", 5*time.Second)
			waitNoTasks(t, tr)
			evs := r.snapshot()
			var entry, exit *rec
			mu.Lock()
			for i := range evs {
				if evs[i].Kind == seize.EventSyscallEntry && paths[i] == c.path {
					if entry != nil {
						t.Fatalf("two openat entries for %s", c.path)
					}
					entry, exit = &evs[i], &evs[i+1]
				}
			}
			mu.Unlock()
			if entry == nil {
				t.Fatalf("no openat entry with path %q:%s", c.path, lastEvents(evs))
			}
			if int32(entry.Args[0]) != unix.AT_FDCWD || entry.Args[2]&unix.O_ACCMODE != unix.O_RDONLY {
				t.Fatalf("openat args %x, want dirfd AT_FDCWD and O_RDONLY", entry.Args)
			}
			if exit.Kind != seize.EventSyscallExit || exit.Nr != uint64(syscall.SYS_OPENAT) || exit.Tid != entry.Tid {
				t.Fatalf("after the openat entry: %v", *exit)
			}
			var ret, errno int64
			if _, err := fmtSscan(line, "openat r=%d errno=%d", &ret, &errno); err != nil {
				t.Fatal(err)
			}
			if exit.Errno != c.errno || int64(exit.Errno) != errno {
				t.Fatalf("exit errno %d, want %d (the program saw %q)", exit.Errno, c.errno, line)
			}
			if c.errno != 0 && exit.Ret != -int64(c.errno) {
				t.Fatalf("exit ret %d, want -%d", exit.Ret, c.errno)
			}
			if c.errno == 0 && (exit.Ret != ret || ret < 3) {
				t.Fatalf("exit ret %d, the program saw %q", exit.Ret, line)
			}
			checkSyscallPairs(t, tidEvents(evs, p.Pid))
		})
	}
}

// S17: a non-leader thread calls execve. EventExec comes under the
// leader's tid with OldTid = the exec'ing thread; that tid never reports
// an exit; the leader reports no exit for the old image (only its
// EventExiting, as the kernel zaps it); the sibling thread exits; the
// execve's exit comes under the leader's tid with 0; the new image runs
// and exits once.
func TestS17NonLeaderExec(t *testing.T) {
	tracee := testprog.Tracee(t)
	tr, r := newTracer(t, seize.Options{Syscalls: true})
	p := startTraced(t, tr, "execthread", tracee, "exit", "5")
	pid := p.Pid
	waitNoTasks(t, tr)
	evs := r.snapshot()
	fail := func(f string, a ...any) {
		t.Helper()
		t.Fatalf(f+"\nevents:%s", append(a, lastEvents(evs))...)
	}

	var threads []int
	execAt, execer := -1, 0
	for i, e := range evs {
		switch {
		case e.Kind == seize.EventNewTask:
			threads = append(threads, e.NewTid)
		case e.Kind == seize.EventSyscallEntry && e.Nr == uint64(syscall.SYS_EXECVE):
			if execer != 0 {
				fail("two execve entries (%d and %d)", execer, e.Tid)
			}
			execer = e.Tid
		case e.Kind == seize.EventExec:
			if execAt >= 0 {
				fail("two exec events")
			}
			execAt = i
		}
	}
	if len(threads) != 2 {
		fail("%d threads created, want 2", len(threads))
	}
	if execAt < 0 || execer == 0 {
		fail("no exec (event %d, execve entry by %d)", execAt, execer)
	}
	ex := evs[execAt]
	if ex.Tid != pid || ex.Pid != pid {
		fail("exec reported under tid %d pid %d, want the leader %d", ex.Tid, ex.Pid, pid)
	}
	if ex.OldTid != execer || ex.OldTid == pid || ex.OldTid != threads[1] {
		fail("exec OldTid %d, want the exec'ing thread %d (threads %v), not the leader %d", ex.OldTid, execer, threads, pid)
	}
	sibling := threads[0]

	for i, e := range evs {
		switch {
		case e.Tid == execer && (e.Kind == seize.EventExiting || e.Kind == seize.EventExit):
			fail("the exec'ing thread %d reported %v", execer, e.Kind)
		case e.Tid == execer && i > execAt:
			fail("event under the old tid %d after the exec: %v", execer, e)
		case e.Tid == pid && e.Kind == seize.EventExit && i < execAt:
			fail("the old leader reported an exit before the exec")
		}
	}
	if _, n := firstEvent(evs[:execAt], seize.EventExiting, pid); n != 1 {
		fail("the old leader reported %d EventExiting before the exec, want 1", n)
	}
	if i, _ := firstEvent(evs, seize.EventExiting, sibling); i < 0 || i > execAt {
		fail("the sibling %d reported no EventExiting before the exec", sibling)
	}
	if _, n := firstEvent(evs, seize.EventExit, sibling); n != 1 {
		fail("the sibling %d reported %d exits, want 1", sibling, n)
	}

	after := tidEvents(evs[execAt+1:], pid)
	if len(after) == 0 || after[0].Kind != seize.EventSyscallExit || after[0].Nr != uint64(syscall.SYS_EXECVE) || after[0].Ret != 0 {
		fail("first event of the leader after the exec: %v, want execve's exit = 0", after)
	}
	if i, _ := firstEvent(after, seize.EventSyscallEntry, pid); i < 0 {
		fail("the new image made no syscall")
	}
	// The exec'ing thread's syscalls pair across the re-keying: its
	// execve entry (old tid) with the exit under the leader's tid.
	checkSyscallPairs(t, append(tidEvents(evs[:execAt], execer), after...))
	checkSyscallPairs(t, tidEvents(evs[:execAt], pid))
	exits := 0
	for _, e := range after {
		if e.Kind == seize.EventExit {
			exits++
			if e.ExitCode != 5 || !e.Status.Exited() {
				fail("new image exit: code %d status %#x, want exited 5", e.ExitCode, uint32(e.Status))
			}
		}
	}
	if n := r.count(kind(seize.EventExit, pid)); n != 1 || exits != 1 {
		fail("%d exits for pid %d (%d after the exec), want 1", n, pid, exits)
	}
}

// firstEvent returns the index of the first event of kind k for tid in evs
// (or -1) and how many there are.
func firstEvent(evs []rec, k seize.EventKind, tid int) (int, int) {
	first, n := -1, 0
	for i, e := range evs {
		if e.Kind == k && e.Tid == tid {
			if first < 0 {
				first = i
			}
			n++
		}
	}
	return first, n
}

// S18: SIGKILL of a task blocked in a syscall gives no signal-delivery
// event and no exit of the blocked call, but EventExiting (status:
// SIGKILL), during which the task is held in a ptrace stop, then
// EventExit with SIGKILL.
func TestS18SigkillInSyscall(t *testing.T) {
	tr, r := newTracer(t, seize.Options{Syscalls: true})
	var heldState byte
	var mu sync.Mutex
	r.onEvent = func(ev *seize.Event) {
		if ev.Kind == seize.EventExiting {
			time.Sleep(50 * time.Millisecond)
			mu.Lock()
			heldState = testprog.State(ev.Task.Tid())
			mu.Unlock()
		}
	}
	p := startTraced(t, tr, "read")
	p.expect("ready", 5*time.Second)
	_, from := r.waitFor(t, 0, 5*time.Second, "read entry", func(e rec) bool {
		return e.Kind == seize.EventSyscallEntry && e.Nr == uint64(syscall.SYS_READ) && e.Args[0] == 0
	})
	testprog.WaitState(t, p.Pid, "S", 2*time.Second)
	syscall.Kill(p.Pid, syscall.SIGKILL)
	exit, _ := r.waitFor(t, from, 5*time.Second, "exit", kind(seize.EventExit, p.Pid))
	if exit.Sig != syscall.SIGKILL || !exit.Status.Signaled() {
		t.Fatalf("exit: sig %v status %#x, want killed by SIGKILL", exit.Sig, uint32(exit.Status))
	}
	evs := r.snapshot()[from:]
	if len(evs) != 2 || evs[0].Kind != seize.EventExiting || evs[1].Kind != seize.EventExit {
		t.Fatalf("after the blocked read's entry: want exiting, exit only:%s", lastEvents(evs))
	}
	if evs[0].Sig != syscall.SIGKILL || evs[0].Status.TermSig() != syscall.SIGKILL {
		t.Fatalf("exiting: sig %v status %#x, want SIGKILL", evs[0].Sig, uint32(evs[0].Status))
	}
	mu.Lock()
	defer mu.Unlock()
	if heldState != 't' {
		t.Fatalf("state %q during EventExiting, want t (held in the exit stop)", heldState)
	}
}

// S18: every thread of a process killed by SIGKILL reports EventExiting
// then EventExit with SIGKILL, whether started or attached.
func TestS18SigkillThreads(t *testing.T) {
	const n = 8
	for _, how := range []string{"started", "attached"} {
		t.Run(how, func(t *testing.T) {
			tr, r := newTracer(t, seize.Options{})
			var pid int
			if how == "started" {
				p := startTraced(t, tr, "threads", "8")
				p.expect("ready", 5*time.Second)
				pid = p.Pid
			} else {
				p := testprog.Start(t, "threads", "8")
				pid = p.Pid
				if err := tr.Attach(pid); err != nil {
					t.Fatal(err)
				}
			}
			tids := tr.Tasks()
			if len(tids) != n {
				t.Fatalf("%d tasks traced (%v), want %d", len(tids), tids, n)
			}
			if how == "attached" {
				// S22: attached tasks get PTRACE_O_TRACEEXIT at their first
				// stop. Hold and release each once, so that every one has
				// had it before the kill.
				for _, tid := range tids {
					if err := tr.Interrupt(tid); err != nil {
						t.Fatal(err)
					}
					r.waitFor(t, 0, 5*time.Second, "interrupted", kind(seize.EventInterrupted, tid))
					tr.Resume(tid)
				}
			}
			syscall.Kill(pid, syscall.SIGKILL)
			for _, tid := range tids {
				exiting, next := r.waitFor(t, 0, 5*time.Second, "exiting", kind(seize.EventExiting, tid))
				exit, _ := r.waitFor(t, next, 5*time.Second, "exit", kind(seize.EventExit, tid))
				if exiting.Sig != syscall.SIGKILL || exit.Sig != syscall.SIGKILL {
					t.Fatalf("tid %d: exiting sig %v, exit sig %v, want SIGKILL", tid, exiting.Sig, exit.Sig)
				}
			}
			waitNoTasks(t, tr)
			for _, tid := range tids {
				if c := r.count(kind(seize.EventExit, tid)); c != 1 {
					t.Fatalf("tid %d: %d exits", tid, c)
				}
			}
			if c := r.count(kind(seize.EventSignal, 0)); c != 0 {
				t.Fatalf("%d signal events for a SIGKILL", c)
			}
		})
	}
}

// S15 (library part): the exit status of a started program as the
// kernel reports it: compared with the same program run untraced, plus
// the values it must have. The dump case raises the core limit so that
// the kernel does dump (core_pattern permitting).
func TestS15StartExitStatus(t *testing.T) {
	tracee := testprog.Tracee(t)
	cases := []struct {
		name string
		argv []string
		code int
		sig  syscall.Signal
	}{
		{"exit3", []string{tracee, "exit", "3"}, 3, 0},
		{"SIGSEGV", []string{tracee, "raise", "11"}, 0, syscall.SIGSEGV},
		{"SIGTERM", []string{tracee, "raise", "15"}, 0, syscall.SIGTERM},
		{"SIGSEGV-core", []string{"/bin/sh", "-c", "ulimit -c unlimited && exec " + tracee + " raise 11"}, 0, syscall.SIGSEGV},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir() // where a core file goes
			cmd := exec.Command(c.argv[0], c.argv[1:]...)
			cmd.Dir = dir
			cmd.Run()
			untraced := cmd.ProcessState.Sys().(syscall.WaitStatus)

			tr, r := newTracer(t, seize.Options{})
			var core atomic.Int32 // EventExit's Core: 0 unset, 1 false, 2 true
			r.onEvent = func(ev *seize.Event) {
				if ev.Kind == seize.EventExit {
					core.Store(map[bool]int32{false: 1, true: 2}[ev.Core])
				}
			}
			p := startTracedArgv(t, tr, dir, c.argv)
			waitNoTasks(t, tr)
			exiting, next := r.waitFor(t, 0, time.Second, "exiting", kind(seize.EventExiting, p.Pid))
			exit, _ := r.waitFor(t, next, time.Second, "exit", kind(seize.EventExit, p.Pid))
			if exit.ExitCode != c.code || exit.Sig != c.sig {
				t.Fatalf("exit code %d sig %v, want code %d sig %v", exit.ExitCode, exit.Sig, c.code, c.sig)
			}
			if uint32(exit.Status) != uint32(untraced) {
				t.Fatalf("traced status %#x, untraced %#x", uint32(exit.Status), uint32(untraced))
			}
			if got, want := core.Load(), map[bool]int32{false: 1, true: 2}[untraced.CoreDump()]; got != want {
				t.Fatalf("EventExit.Core %v, untraced CoreDump %v", got == 2, untraced.CoreDump())
			}
			if exiting.Status != exit.Status {
				t.Fatalf("EventExiting status %#x, EventExit %#x", uint32(exiting.Status), uint32(exit.Status))
			}
			if c.sig != 0 {
				if i, _ := firstEvent(r.snapshot(), seize.EventSignal, p.Pid); i < 0 {
					t.Fatalf("no signal event for %v", c.sig)
				}
			}
			if strings.HasSuffix(c.name, "core") {
				t.Logf("core dumped: traced %v, untraced %v", exit.Status.CoreDump(), untraced.CoreDump())
			}
		})
	}
}

// S15, Start's errors: *seize.StartError wrapping the cause, and a tracer
// that is still usable afterwards with nothing left behind.
func TestS15StartErrors(t *testing.T) {
	dir := t.TempDir()
	notExec := filepath.Join(dir, "not-executable")
	if err := os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	badFormat := filepath.Join(dir, "bad-format")
	if err := os.WriteFile(badFormat, []byte("\x00\x01\x02\x03 not a program\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tr, r := newTracer(t, seize.Options{})
	zombiesBefore := zombieChildren()
	for _, c := range []struct {
		name string
		argv []string
		is   error
	}{
		{"not-in-PATH", []string{"seize-no-such-command-4242"}, exec.ErrNotFound},
		{"no-such-file", []string{filepath.Join(dir, "missing")}, fs.ErrNotExist},
		{"not-executable", []string{notExec}, fs.ErrPermission},
		{"bad-format", []string{badFormat}, syscall.ENOEXEC},
		{"empty", nil, nil},
	} {
		pid, err := tr.Start(c.argv, nil)
		var se *seize.StartError
		if !errors.As(err, &se) {
			t.Fatalf("%s: Start = %d, %v; want a *seize.StartError", c.name, pid, err)
		}
		if c.is != nil && !errors.Is(err, c.is) {
			t.Fatalf("%s: %v does not wrap %v", c.name, err, c.is)
		}
		if pid != 0 {
			t.Fatalf("%s: pid %d with an error", c.name, pid)
		}
	}
	if tids := tr.Tasks(); len(tids) != 0 {
		t.Fatalf("tasks %v left by failed starts", tids)
	}
	p := startTraced(t, tr, "exit", "4")
	waitNoTasks(t, tr)
	if e, _ := r.waitFor(t, 0, time.Second, "exit", kind(seize.EventExit, p.Pid)); e.ExitCode != 4 {
		t.Fatalf("after failed starts: exit %d, want 4", e.ExitCode)
	}
	// No zombie of a failed start is left behind.
	if z := zombieChildren(); len(z) > len(zombiesBefore) {
		t.Fatalf("zombie children %v after failed starts (before: %v)", z, zombiesBefore)
	}
}

// zombieChildren lists the zombie children of every thread of the test
// process (the tracer thread's included).
func zombieChildren() []int {
	var z []int
	files, _ := filepath.Glob("/proc/self/task/*/children")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, s := range strings.Fields(string(b)) {
			var pid int
			if _, err := fmtSscan(s, "%d", &pid); err == nil && testprog.State(pid) == 'Z' {
				z = append(z, pid)
			}
		}
	}
	return z
}

// A started program's first syscall event is its first syscall after
// execve, as strace shows it: nothing of the start (the TRACEME exec, the
// SIGSTOP/SIGCONT of the hand-over) leaks.
func TestStartFirstSyscallIsAfterExec(t *testing.T) {
	tracee := testprog.Tracee(t)
	tr, r := newTracer(t, seize.Options{Syscalls: true})
	p := startTraced(t, tr, "exit", "0")
	waitNoTasks(t, tr)
	evs := tidEvents(r.snapshot(), p.Pid)
	if len(evs) < 3 || evs[0].Kind != seize.EventAttached || evs[1].Kind != seize.EventSyscallEntry {
		t.Fatalf("first events: want attached, syscall-entry:%s", lastEvents(evs[:min(len(evs), 5)]))
	}
	first := evs[1]
	if first.Nr == uint64(syscall.SYS_EXECVE) {
		t.Fatal("the first syscall reported is the start's execve")
	}
	for _, e := range evs {
		if e.Kind == seize.EventSignal || e.Kind == seize.EventGroupStop || e.Kind == seize.EventContinued || e.Kind == seize.EventInterrupted {
			t.Fatalf("the start leaked: %v", e)
		}
	}
	checkSyscallPairs(t, evs)

	// What strace says the first syscall after execve is.
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skipf("no strace to compare with: %v", err)
	}
	out := filepath.Join(t.TempDir(), "strace.out")
	if b, err := exec.Command("strace", "-qq", "-o", out, tracee, "exit", "0").CombinedOutput(); err != nil {
		t.Fatalf("strace: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "execve(") {
		t.Fatalf("unexpected strace output %q", lines[:min(len(lines), 2)])
	}
	name, _, _ := strings.Cut(lines[1], "(")
	nr, ok := sysabi.SyscallNumber(sysabi.NativeArch(), name)
	if !ok {
		t.Fatalf("strace's first syscall %q is not in sysabi", name)
	}
	if first.Nr != nr {
		t.Fatalf("first syscall %s (%d), strace says %s (%d)", sysabi.SyscallName(sysabi.NativeArch(), first.Nr), first.Nr, name, nr)
	}
}
