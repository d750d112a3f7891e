package seize_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/bpf"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/filter"
	"github.com/seize-dev/seize/internal/testprog"
	"github.com/seize-dev/seize/sysabi"
)

// Options.Seccomp (seccomp.go): programs started under a seccomp-bpf
// filter stop only at the selected calls, with forks and threads; S21
// still holds; a filtered task is never let go while it lives.

// seccompFor builds the filter of an -e trace= expression.
func seccompFor(t testing.TB, expr string) (filter.SyscallSet, []bpf.RawInstruction) {
	t.Helper()
	f := filter.New()
	if err := f.Parse(expr); err != nil {
		t.Fatal(err)
	}
	prog, err := f.Trace.SeccompProgram(nil)
	if err != nil {
		t.Fatal(err)
	}
	return f.Trace, prog
}

// callRec is one syscall entry as the handler saw it.
type callRec struct {
	tid, pid int
	name     string
	filtered bool
}

// traceCalls runs argv under a tracer with opts and returns every entry
// and the number of exits, once the program has exited.
func traceCalls(t *testing.T, opts seize.Options, argv []string) (calls []callRec, exits int, filteredStart bool) {
	t.Helper()
	var mu sync.Mutex
	done := make(chan struct{})
	opts.Handler = func(ev *seize.Event) {
		mu.Lock()
		defer mu.Unlock()
		switch ev.Kind {
		case seize.EventAttached:
			if ev.Task.Started() {
				filteredStart = ev.Task.Filtered()
			}
		case seize.EventSyscallEntry:
			calls = append(calls, callRec{ev.Task.Tid(), ev.Task.Pid(), sysabi.SyscallName(sysabi.Arch(ev.Arch), ev.Nr), ev.Task.Filtered()})
		case seize.EventSyscallExit:
			exits++
		case seize.EventExit:
			if ev.Task.Started() && ev.Task.Leader() {
				close(done)
			}
		}
	}
	opts.Syscalls, opts.FollowForks = true, true
	tr, err := seize.NewTracer(&opts)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	started, err := tr.Start(argv, &os.ProcAttr{Files: []*os.File{nil, nil, os.Stderr}})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		syscall.Kill(started, syscall.SIGKILL)
		t.Fatalf("%v did not exit", argv)
	}
	tr.Wait()
	mu.Lock()
	defer mu.Unlock()
	return calls, exits, filteredStart
}

// perTask counts the calls named name per task, sorted.
func perTask(calls []callRec, name string) []int {
	m := map[int]int{}
	for _, c := range calls {
		if c.name == name {
			m[c.tid]++
		}
	}
	var n []int
	for _, v := range m {
		n = append(n, v)
	}
	sort.Ints(n)
	return n
}

// A program with threads and forked children, traced with -f: under the
// filter every task is filtered and reports exactly the selected calls,
// each with its exit, the same as the unfiltered trace's subset; the
// calls it does not select never stop a filtered task.
func TestSeccompForksThreads(t *testing.T) {
	const n = 300
	argv := []string{testprog.Tracee(t), "forkmix", fmt.Sprint(n)}
	set, prog := seccompFor(t, "trace=getppid")
	all, _, _ := traceCalls(t, seize.Options{}, argv)
	got, exits, filteredStart := traceCalls(t, seize.Options{Seccomp: prog}, argv)
	if !filteredStart {
		t.Fatalf("the started program is not filtered")
	}
	want := perTask(all, "getppid")
	if fmt.Sprint(want) != fmt.Sprint([]int{n, n, n, n, n, n}) {
		t.Fatalf("unfiltered: getppid per task %v, want 6 tasks of %d", want, n)
	}
	if g := perTask(got, "getppid"); fmt.Sprint(g) != fmt.Sprint(want) {
		t.Fatalf("filtered: getppid per task %v, want %v (the unfiltered trace's)", g, want)
	}
	unselected, unfiltered := 0, map[int]bool{}
	for _, c := range got {
		if !c.filtered {
			unfiltered[c.tid] = true
		}
		nr, _ := sysabi.SyscallNumber(sysabi.NativeArch(), c.name)
		if !set.Has(sysabi.NativeArch(), nr) {
			unselected++
			if c.filtered {
				t.Errorf("filtered task %d stopped at %s, which the filter does not select", c.tid, c.name)
			}
		}
	}
	// Every entry reported has its exit, but exit_group's.
	entries := len(got)
	if exits < entries-6 || exits > entries {
		t.Errorf("%d entries, %d exits", entries, exits)
	}
	// Every task ends up filtered. A child that stops before the event of
	// the clone that made it (S19) is traced at every call until that
	// event comes: then unselected calls are reported too (the handler
	// filters, as strace does).
	filtered := map[int]bool{}
	for _, c := range got {
		filtered[c.tid] = filtered[c.tid] || c.filtered
	}
	for tid, f := range filtered {
		if !f {
			t.Errorf("task %d never ran under the filter", tid)
		}
	}
	t.Logf("unfiltered: %d calls; filtered: %d calls, %d of them unselected (by %d tasks not yet known to be filtered)",
		len(all), len(got), unselected, len(unfiltered))
	if len(got) >= len(all)/2 {
		t.Errorf("the filter saved nothing: %d stops against %d", len(got), len(all))
	}
}

// The options are checked: the filter needs Syscalls and FollowForks.
func TestSeccompOptions(t *testing.T) {
	_, prog := seccompFor(t, "trace=getppid")
	for _, o := range []seize.Options{
		{Seccomp: prog, FollowForks: true},
		{Seccomp: prog, Syscalls: true},
		{Seccomp: []bpf.RawInstruction{}, Syscalls: true, FollowForks: true},
	} {
		if tr, err := seize.NewTracer(&o); err == nil {
			tr.Close()
			t.Errorf("NewTracer accepted Seccomp with Syscalls=%v FollowForks=%v len=%d", o.Syscalls, o.FollowForks, len(o.Seccomp))
		}
	}
}

// A filtered task is never released while it lives: Detach and DetachAll
// refuse (ErrFiltered); Close stops reporting and keeps resuming it until
// it exits, so that its selected calls go on working (write and
// nanosleep here: without a tracer they would fail with ENOSYS, and it
// would print nothing).
func TestSeccompNoDetach(t *testing.T) {
	_, prog := seccompFor(t, "trace=write,nanosleep,clock_nanosleep")
	tr, r := newTracer(t, seize.Options{Syscalls: true, FollowForks: true, Seccomp: prog})
	p := startTraced(t, tr, "ticker", "30")
	p.expect("tick 1 ", 5*time.Second)
	if err := tr.Detach(p.Pid); !errors.Is(err, seize.ErrFiltered) {
		t.Fatalf("Detach of a filtered task: %v, want ErrFiltered", err)
	}
	if err := tr.DetachAll(); !errors.Is(err, seize.ErrFiltered) {
		t.Fatalf("DetachAll with a filtered task: %v, want ErrFiltered", err)
	}
	p.expect("tick 3 ", 5*time.Second)
	closed := make(chan error, 1)
	go func() { closed <- tr.Close() }()
	// Close lingers: the program keeps its tracer, its calls work, and
	// the handler hears nothing more.
	time.Sleep(50 * time.Millisecond)
	n := r.len()
	start := time.Now()
	for i := 0; i < 5; i++ {
		p.expect("tick ", 5*time.Second)
	}
	if el := time.Since(start); el < 100*time.Millisecond {
		t.Fatalf("5 ticks of 30ms in %v: its nanosleep fails", el)
	}
	if tp := testprog.Status(p.Pid, "TracerPid"); tp == "0" || tp == "" {
		t.Fatalf("the program is not traced while Close lingers (TracerPid %q)", tp)
	}
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while the filtered program runs", err)
	default:
	}
	if m := r.len(); m != n {
		t.Fatalf("%d events after Close began", m-n)
	}
	syscall.Kill(p.Pid, syscall.SIGTERM)
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return after the program exited")
	}
}

// The caveat itself, which the above avoids: without its tracer a
// filtered program's selected calls fail with ENOSYS. Here the tracer
// thread's process is a child that dies by SIGKILL.
func TestSeccompENOSYSWithoutTracer(t *testing.T) {
	if os.Getenv("SEIZE_TEST_SECCOMP_CHILD") != "" {
		_, prog := seccompFor(t, "trace=nanosleep,clock_nanosleep")
		tr, err := seize.NewTracer(&seize.Options{Syscalls: true, FollowForks: true, Seccomp: prog})
		if err != nil {
			t.Fatal(err)
		}
		pid, err := tr.Start([]string{testprog.Tracee(t), "ticker", "30"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("child %d\n", pid)
		select {}
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := exec.Command(exe, "-test.run=^TestSeccompENOSYSWithoutTracer$")
	c.Env = append(os.Environ(), "SEIZE_TEST_SECCOMP_CHILD=1")
	cmd := testprog.StartCmd(t, c, false)
	var child int
	if _, err := fmt.Sscanf(cmd.Expect("child ", 10*time.Second), "child %d", &child); err != nil {
		t.Fatal(err)
	}
	testprog.KillLater(t, child)
	cmd.Expect("tick 2 ", 5*time.Second)
	syscall.Kill(cmd.Pid, syscall.SIGKILL)
	// ticker's nanosleep now fails at once: ticks come back to back.
	cmd.Expect("tick ", 5*time.Second)
	start := time.Now()
	for i := 0; i < 20; i++ {
		cmd.Expect("tick ", 5*time.Second)
	}
	if el := time.Since(start); el > 450*time.Millisecond { // 600ms with a working nanosleep
		t.Fatalf("20 ticks took %v after the tracer died: nanosleep still sleeps; the ENOSYS caveat did not show", el)
	}
}

// S21 under the filter: interrupts make no blocking call fail with EINTR
// or return early, whether the call is selected (resumed with
// PTRACE_SYSCALL) or not (PTRACE_CONT, rewound at the interrupt's stop).
func TestSeccompS21(t *testing.T) {
	const timeout = 150
	for _, call := range []string{"epoll_wait", "sigtimedwait", "recvmsg"} {
		for _, selected := range []bool{true, false} {
			sc := call
			if call == "sigtimedwait" {
				sc = "rt_sigtimedwait"
			}
			expr := "trace=getppid"
			if selected {
				expr = "trace=" + sc
			}
			name := call + "/" + strings.TrimPrefix(expr, "trace=")
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				_, prog := seccompFor(t, expr)
				tr, r := newTracer(t, seize.Options{Syscalls: true, FollowForks: true, Seccomp: prog})
				p := startTraced(t, tr, "blockcall", call, fmt.Sprint(timeout))
				p.expect("ready", 5*time.Second)
				next := 0
				for i := 0; i < 60; i++ {
					time.Sleep(time.Duration(2+i%11) * time.Millisecond)
					if err := tr.Interrupt(p.Pid); err != nil {
						t.Fatal(err)
					}
					_, next = r.waitFor(t, next, 5*time.Second, "interrupted", kind(seize.EventInterrupted, p.Pid))
					if err := tr.Resume(p.Pid); err != nil {
						t.Fatal(err)
					}
				}
				returns, eintrs := 0, 0
				for returns < 3 {
					l := p.expect(call+" ", 5*time.Second)
					b := parseBlock(t, call, l)
					if b.errno == int(syscall.EINTR) {
						eintrs++
						t.Errorf("%s: EINTR: %q", name, l)
						continue
					}
					if want := expiry[call]; b.errno != int(want) || (want == 0 && b.r != 0) {
						t.Fatalf("%s returned r=%d errno=%d, want the timeout's", call, b.r, b.errno)
					}
					if b.ms < timeout-0.5 {
						t.Fatalf("%s returned after %.1fms, before its %dms timeout", call, b.ms, timeout)
					}
					returns++
				}
				entries := r.count(func(e rec) bool { return e.Kind == seize.EventSyscallEntry })
				t.Logf("%s: %d entries reported", name, entries)
				if selected == (entries == 0) {
					t.Errorf("selected=%v but %d entries reported", selected, entries)
				}
			})
		}
	}
}

// Start installs the filter without no_new_privs when the program may
// (CAP_SYS_ADMIN: root here), and with it when the kernel requires it (a
// program started as nobody). Either way the program runs under the
// filter from its first instruction.
func TestSeccompNoNewPrivs(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to start a program as nobody")
	}
	_, prog := seccompFor(t, "trace=getppid")
	for _, c := range []struct {
		name string
		cred *syscall.Credential
		nnp  string
	}{
		{"root", nil, "0"},
		{"nobody", &syscall.Credential{Uid: 65534, Gid: 65534}, "1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr, r := newTracer(t, seize.Options{Syscalls: true, FollowForks: true, Seccomp: prog})
			outR, outW, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			pid, err := tr.Start([]string{testprog.Tracee(t), "pause"}, &os.ProcAttr{
				Dir:   "/",
				Files: []*os.File{nil, outW, os.Stderr},
				Sys:   &syscall.SysProcAttr{Credential: c.cred},
			})
			outW.Close()
			if err != nil {
				t.Fatal(err)
			}
			testprog.KillLater(t, pid)
			t.Cleanup(func() { outR.Close() })
			buf := make([]byte, 64)
			if n, _ := outR.Read(buf); !strings.HasPrefix(string(buf[:n]), "ready") {
				t.Fatalf("the program says %q, want ready", buf[:n])
			}
			if s := testprog.Status(pid, "Seccomp"); s != "2" {
				t.Errorf("Seccomp: %q, want 2 (filter)", s)
			}
			if s := testprog.Status(pid, "NoNewPrivs"); s != c.nnp {
				t.Errorf("NoNewPrivs: %q, want %s", s, c.nnp)
			}
			if n := r.count(kind(seize.EventSyscallEntry, 0)); n != 0 {
				t.Errorf("%d calls reported, none selected", n)
			}
		})
	}
}

// An i386 program started under the filter: Start does not inject
// (x86-64's syscall instruction is not how a 32-bit task enters the
// kernel) and traces it at every call instead; it runs normally.
func TestSeccompI386Start(t *testing.T) {
	dir := t.TempDir()
	src := dir + "/getpid32.c"
	if err := os.WriteFile(src, []byte(`void _start(void) {
	__asm__ volatile("mov $20, %eax; int $0x80; mov $1, %eax; mov $7, %ebx; int $0x80");
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := dir + "/getpid32"
	if out, err := exec.Command("cc", "-m32", "-nostdlib", "-static", "-fno-pic", "-o", bin, src).CombinedOutput(); err != nil {
		t.Skipf("cannot build an i386 program: %v\n%s", err, out)
	}
	_, prog := seccompFor(t, "trace=getpid")
	calls, _, filtered := traceCalls(t, seize.Options{Seccomp: prog}, []string{bin})
	if filtered {
		t.Errorf("the i386 program is reported filtered")
	}
	if len(calls) == 0 || calls[0].name != "getpid" {
		t.Errorf("calls %v, want getpid first", calls)
	}
}
