package seize_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize"
	"golang.org/x/sys/unix"
)

// Fault injection (Event.Inject) on real processes: the tracee's "inject
// N" mode makes N chdir("/") calls and reports each one's result, errno,
// duration and the SIGUSR1s it has handled so far.

// callLine is one "call I r=R errno=E us=US usr1=K" line of the tracee.
type callLine struct {
	i     int
	r     int64
	errno int
	us    int64
	usr1  int
}

func parseCall(tb testing.TB, l string) callLine {
	tb.Helper()
	var c callLine
	if _, err := fmt.Sscanf(l, "call %d r=%d errno=%d us=%d usr1=%d", &c.i, &c.r, &c.errno, &c.us, &c.usr1); err != nil {
		tb.Fatalf("bad line %q: %v", l, err)
	}
	return c
}

// chdirExit is the exit event of one of the tracee's chdir calls.
type chdirExit struct {
	n        int // which call, from 1
	ret      int64
	errno    syscall.Errno
	injected *seize.Fault // a copy
	at       time.Time
}

// injector traces chdir calls, which only the "inject" tracee makes, and
// injects plan(n) into the n-th (counted by the handler, from 1); nil
// injects nothing. It also notes when syscall exits of the process other
// come.
type injector struct {
	mu      sync.Mutex
	other   int
	n       int
	entries map[int]time.Time
	exits   []chdirExit
	errs    []error
	others  []time.Time // syscall exits of other
}

func newInjector(r *recorder, plan func(n int) *seize.Fault) *injector {
	in := &injector{entries: map[int]time.Time{}}
	r.onEvent = func(ev *seize.Event) {
		in.mu.Lock()
		defer in.mu.Unlock()
		if ev.Task.Pid() == in.other && ev.Kind == seize.EventSyscallExit {
			in.others = append(in.others, time.Now())
		}
		if ev.Nr != unix.SYS_CHDIR {
			return
		}
		switch ev.Kind {
		case seize.EventSyscallEntry:
			in.n++
			in.entries[in.n] = time.Now()
			if f := plan(in.n); f != nil {
				if err := ev.Inject(*f); err != nil {
					in.errs = append(in.errs, fmt.Errorf("call %d: %w", in.n, err))
				}
			}
		case seize.EventSyscallExit:
			x := chdirExit{n: in.n, ret: ev.Ret, errno: ev.Errno, at: time.Now()}
			if ev.Injected != nil {
				f := *ev.Injected
				x.injected = &f
			}
			in.exits = append(in.exits, x)
		}
	}
	return in
}

// lines reads the n call lines of p and reports the handler's errors.
func (in *injector) lines(t *testing.T, p *traced, n int) []callLine {
	t.Helper()
	var lines []callLine
	for i := 1; i <= n; i++ {
		lines = append(lines, parseCall(t, p.expect("call ", 10*time.Second)))
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, err := range in.errs {
		t.Error(err)
	}
	return lines
}

// runInject runs "tracee inject n" under a tracer that injects plan(i)
// into the i-th chdir, and returns the program's n lines.
func runInject(t *testing.T, n int, plan func(i int) *seize.Fault) ([]callLine, *injector) {
	t.Helper()
	tr, r := newTracer(t, seize.Options{Syscalls: true})
	in := newInjector(r, plan)
	p := startTraced(t, tr, "inject", fmt.Sprint(n))
	lines := in.lines(t, p, n)
	r.waitFor(t, 0, 5*time.Second, "exit", kind(seize.EventExit, p.Pid))
	return lines, in
}

// TestInjectChosenCalls: exactly the chosen calls fail with the chosen
// errno or return the chosen value, without running; the others run. An
// injected EINTR reaches the program (the S21 rewind leaves it alone: the
// call's number is -1), and each exit event reports the injected result
// and its Fault.
func TestInjectChosenCalls(t *testing.T) {
	want := map[int]seize.Fault{
		2: {Return: true, Retval: 42},
		3: {Errno: syscall.ENOENT},
		5: {Errno: syscall.ENOENT},
		6: {Errno: syscall.EINTR},
		7: {Errno: syscall.ENOENT},
		9: {Return: true, Retval: -1}, // reads as EPERM to the program
	}
	lines, in := runInject(t, 10, func(i int) *seize.Fault {
		if f, ok := want[i]; ok {
			return &f
		}
		return nil
	})
	for _, c := range lines {
		f, injected := want[c.i]
		wr, we := int64(0), 0
		switch {
		case injected && f.Errno != 0:
			wr, we = -1, int(f.Errno)
		case injected && f.Retval < 0:
			wr, we = -1, int(-f.Retval)
		case injected:
			wr = f.Retval
		}
		if c.r != wr || c.errno != we {
			t.Errorf("call %d: r=%d errno=%d, want r=%d errno=%d", c.i, c.r, c.errno, wr, we)
		}
	}
	if len(in.exits) != len(lines) {
		t.Fatalf("%d chdir exit events for %d calls", len(in.exits), len(lines))
	}
	for _, x := range in.exits {
		f, injected := want[x.n]
		if injected != (x.injected != nil) || injected && *x.injected != f {
			t.Errorf("call %d: exit event Injected=%v, want %v (injected %v)", x.n, x.injected, f, injected)
		}
		wret := int64(0)
		if injected {
			wret = f.Retval
			if f.Errno != 0 {
				wret = -int64(f.Errno)
			}
		}
		if x.ret != wret {
			t.Errorf("call %d: exit event Ret=%d, want %d", x.n, x.ret, wret)
		}
	}
}

// TestInjectSignal: Signal is delivered as the call returns: the program
// has handled no SIGUSR1 after call 2, one after call 3 (whose result is
// its own: a signal alone does not skip the call), and the signal-delivery
// stop comes after call 3's exit stop.
func TestInjectSignal(t *testing.T) {
	lines, _ := runInject(t, 4, func(i int) *seize.Fault {
		if i == 3 {
			return &seize.Fault{Signal: syscall.SIGUSR1}
		}
		return nil
	})
	got := ""
	for _, c := range lines {
		got += fmt.Sprintf("%d:r=%d,usr1=%d ", c.i, c.r, c.usr1)
	}
	if want := "1:r=0,usr1=0 2:r=0,usr1=0 3:r=0,usr1=1 4:r=0,usr1=1 "; got != want {
		t.Errorf("calls: %s\nwant:  %s", got, want)
	}
}

// TestInjectSignalOrder: the SIGUSR1 of an injected signal is reported
// after the exit of the call it was injected into, with si_code SI_KERNEL
// (as strace's signal= shows it), and the call's result is the injected
// error.
func TestInjectSignalOrder(t *testing.T) {
	tr, r := newTracer(t, seize.Options{Syscalls: true})
	n := 0
	r.onEvent = func(ev *seize.Event) {
		if ev.Kind == seize.EventSyscallEntry && ev.Nr == unix.SYS_CHDIR {
			if n++; n == 2 {
				if err := ev.Inject(seize.Fault{Errno: syscall.EACCES, Signal: syscall.SIGUSR1}); err != nil {
					t.Error(err)
				}
			}
		}
	}
	p := startTraced(t, tr, "inject", "3")
	pid := p.Pid
	for i := 1; i <= 3; i++ {
		c := parseCall(t, p.expect("call ", 10*time.Second))
		if i == 2 && (c.r != -1 || c.errno != int(syscall.EACCES) || c.usr1 != 1) {
			t.Errorf("call 2: %+v, want r=-1 errno=EACCES usr1=1", c)
		}
	}
	_, next := r.waitFor(t, 0, 5*time.Second, "second chdir exit", func(e rec) bool {
		return e.Kind == seize.EventSyscallExit && e.Pid == pid && e.Nr == unix.SYS_CHDIR && e.Errno == syscall.EACCES
	})
	sig, _ := r.waitFor(t, next-1, 5*time.Second, "SIGUSR1 after the call", func(e rec) bool {
		return e.Kind == seize.EventSignal && e.Pid == pid
	})
	if sig.Sig != syscall.SIGUSR1 || sig.SiCode != 0x80 {
		t.Errorf("signal %v si_code %#x, want SIGUSR1 SI_KERNEL", sig.Sig, sig.SiCode)
	}
	for _, e := range r.snapshot()[next:] {
		if e.Pid == pid && e.Kind == seize.EventSignal {
			break
		}
		if e.Pid == pid && e.Kind == seize.EventSyscallEntry {
			t.Errorf("a call (nr %d) began before the signal was delivered", e.Nr)
			break
		}
	}
}

// TestInjectDelay: DelayEnter and DelayExit hold only the task they are
// injected into, for at least the delay; the tracer serves another traced
// process meanwhile (its syscall stops keep coming), and calls without a
// delay stay fast.
func TestInjectDelay(t *testing.T) {
	const d = 250 * time.Millisecond
	tr, r := newTracer(t, seize.Options{Syscalls: true})
	in := newInjector(r, func(i int) *seize.Fault {
		switch i {
		case 2:
			return &seize.Fault{DelayEnter: d}
		case 4:
			return &seize.Fault{DelayExit: d}
		}
		return nil
	})
	ticker := startTraced(t, tr, "ticker", "10")
	ticker.expect("ready", 5*time.Second)
	in.mu.Lock()
	in.other = ticker.Pid
	in.mu.Unlock()
	p := startTraced(t, tr, "inject", "5")
	lines := in.lines(t, p, 5)
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, c := range lines {
		delayed := c.i == 2 || c.i == 4
		el := time.Duration(c.us) * time.Microsecond
		switch {
		case c.r != 0:
			t.Errorf("call %d: r=%d errno=%d: a delay alone must not change the result", c.i, c.r, c.errno)
		case delayed && el < d:
			t.Errorf("call %d took %v, want at least %v", c.i, el, d)
		case !delayed && el >= d/2:
			t.Errorf("call %d took %v without a delay", c.i, el)
		}
		if delayed {
			t.Logf("call %d (delay %v) took %v in the program", c.i, d, el)
		}
	}
	// The other process's syscall stops during call 2's delay: from its
	// entry stop to its exit stop.
	var exit2 time.Time
	for _, x := range in.exits {
		if x.n == 2 {
			exit2 = x.at
		}
	}
	from := in.entries[2]
	served := 0
	for _, at := range in.others {
		if at.After(from.Add(10*time.Millisecond)) && at.Before(exit2.Add(-10*time.Millisecond)) {
			served++
		}
	}
	t.Logf("call 2: entry to exit stop %v; %d syscall stops of the other process served meanwhile", exit2.Sub(from), served)
	if exit2.Sub(from) < d {
		t.Errorf("call 2's exit stop came %v after its entry, want at least %v", exit2.Sub(from), d)
	}
	if served < 4 {
		t.Errorf("only %d syscall stops of the ticker were served during the %v delay: the delay blocks the tracer", served, d)
	}
	if len(in.exits) != 5 || in.exits[1].injected == nil || in.exits[3].injected == nil || in.exits[0].injected != nil {
		t.Errorf("exit events' Injected wrong: %+v", in.exits)
	}
}

// TestInjectDelayInterrupt: Interrupt holds a task in an injected delay at
// once; Resume goes on with the rest of the delay, so the call still
// takes the whole delay (plus the hold).
func TestInjectDelayInterrupt(t *testing.T) {
	const d = 600 * time.Millisecond
	tr, r := newTracer(t, seize.Options{Syscalls: true})
	newInjector(r, func(i int) *seize.Fault {
		if i == 1 {
			return &seize.Fault{DelayEnter: d, Errno: syscall.EIO}
		}
		return nil
	})
	p := startTraced(t, tr, "inject", "2")
	_, next := r.waitFor(t, 0, 5*time.Second, "chdir entry", func(e rec) bool {
		return e.Kind == seize.EventSyscallEntry && e.Pid == p.Pid && e.Nr == unix.SYS_CHDIR
	})
	time.Sleep(100 * time.Millisecond)
	asked := time.Now()
	if err := tr.Interrupt(p.Pid); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, next, 5*time.Second, "EventInterrupted", kind(seize.EventInterrupted, p.Pid))
	held := time.Since(asked)
	t.Logf("held %v after Interrupt", held)
	if held > d/2 {
		t.Errorf("Interrupt took %v: it waited for the delay", held)
	}
	time.Sleep(200 * time.Millisecond)
	if err := tr.Resume(p.Pid); err != nil {
		t.Fatal(err)
	}
	c := parseCall(t, p.expect("call 1", 10*time.Second))
	el := time.Duration(c.us) * time.Microsecond
	t.Logf("call 1 took %v (delay %v, held 200ms)", el, d)
	if c.r != -1 || c.errno != int(syscall.EIO) || el < d+200*time.Millisecond-20*time.Millisecond {
		t.Errorf("call 1: %+v (%v), want EIO after at least %v", c, el, d+200*time.Millisecond)
	}
	parseCall(t, p.expect("call 2", 5*time.Second))
}

// TestInjectDelayDetach: Detach releases a task in an injected delay at
// once, and the call still returns its injected error (set at the entry
// stop), not ENOSYS.
func TestInjectDelayDetach(t *testing.T) {
	tr, r := newTracer(t, seize.Options{Syscalls: true})
	newInjector(r, func(i int) *seize.Fault {
		if i == 1 {
			return &seize.Fault{DelayEnter: 10 * time.Second, Errno: syscall.EROFS}
		}
		return nil
	})
	p := startTraced(t, tr, "inject", "2")
	r.waitFor(t, 0, 5*time.Second, "chdir entry", func(e rec) bool {
		return e.Kind == seize.EventSyscallEntry && e.Pid == p.Pid && e.Nr == unix.SYS_CHDIR
	})
	time.Sleep(50 * time.Millisecond)
	if err := tr.Detach(p.Pid); err != nil {
		t.Fatal(err)
	}
	c := parseCall(t, p.expect("call 1", 3*time.Second))
	if c.r != -1 || c.errno != int(syscall.EROFS) {
		t.Errorf("call 1 after a detach in its delay: %+v, want EROFS", c)
	}
	if c2 := parseCall(t, p.expect("call 2", 3*time.Second)); c2.r != 0 {
		t.Errorf("call 2 of the detached process: %+v", c2)
	}
}

// TestInjectMisuse: Inject works only at a syscall entry, once per call,
// with a valid Fault.
func TestInjectMisuse(t *testing.T) {
	var errs []string
	var mu sync.Mutex
	n := 0
	tr, r := newTracer(t, seize.Options{Syscalls: true})
	r.onEvent = func(ev *seize.Event) {
		mu.Lock()
		defer mu.Unlock()
		if ev.Nr != unix.SYS_CHDIR {
			return
		}
		check := func(what string, err, want error) {
			if !errors.Is(err, want) {
				errs = append(errs, fmt.Sprintf("%s: %v, want %v", what, err, want))
			}
		}
		if ev.Kind == seize.EventSyscallExit {
			check("at exit", ev.Inject(seize.Fault{Errno: syscall.EIO}), seize.ErrNotSyscallEntry)
			return
		}
		n++
		check("Errno and Return", ev.Inject(seize.Fault{Errno: syscall.EIO, Return: true}), seize.ErrBadFault)
		check("errno 4096", ev.Inject(seize.Fault{Errno: 4096}), seize.ErrBadFault)
		check("signal 65", ev.Inject(seize.Fault{Signal: 65}), seize.ErrBadFault)
		check("negative delay", ev.Inject(seize.Fault{DelayExit: -1}), seize.ErrBadFault)
		check("first", ev.Inject(seize.Fault{Errno: syscall.EIO}), nil)
		check("twice", ev.Inject(seize.Fault{Errno: syscall.EIO}), seize.ErrNotSyscallEntry)
	}
	p := startTraced(t, tr, "inject", "1")
	c := parseCall(t, p.expect("call 1", 5*time.Second))
	r.waitFor(t, 0, 5*time.Second, "exit", kind(seize.EventExit, p.Pid))
	mu.Lock()
	defer mu.Unlock()
	if c.errno != int(syscall.EIO) {
		t.Errorf("call 1: %+v, want EIO", c)
	}
	if n != 1 || len(errs) > 0 {
		t.Errorf("%d entries; %s", n, strings.Join(errs, "; "))
	}
}

// TestInjectDelayKilled: SIGKILL ends a task held in an injected delay at
// once; the delay does not hold its exit up.
func TestInjectDelayKilled(t *testing.T) {
	tr, r := newTracer(t, seize.Options{Syscalls: true})
	newInjector(r, func(i int) *seize.Fault {
		if i == 1 {
			return &seize.Fault{DelayEnter: 10 * time.Second}
		}
		return nil
	})
	p := startTraced(t, tr, "inject", "2")
	_, next := r.waitFor(t, 0, 5*time.Second, "chdir entry", func(e rec) bool {
		return e.Kind == seize.EventSyscallEntry && e.Pid == p.Pid && e.Nr == unix.SYS_CHDIR
	})
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	syscall.Kill(p.Pid, syscall.SIGKILL)
	r.waitFor(t, next, 5*time.Second, "exit after SIGKILL", kind(seize.EventExit, p.Pid))
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("the killed task took %v to exit: the delay held it", el)
	} else {
		t.Logf("exited %v after SIGKILL", el)
	}
}
