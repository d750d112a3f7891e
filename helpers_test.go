package seize_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/internal/ptrace"
	"github.com/seize-dev/seize/internal/testprog"
)

// rec is a copy of an Event that outlives the handler.
type rec struct {
	Kind     seize.EventKind
	Tid, Pid int
	Nr       uint64
	Args     [6]uint64
	Ret      int64
	Errno    syscall.Errno
	Sig      syscall.Signal
	SiPid    int
	SiCode   int32
	NewTid   int
	OldTid   int
	Status   ptrace.Status
	ExitCode int
}

func (r rec) String() string {
	return fmt.Sprintf("%d %v nr=%d sig=%d sipid=%d new=%d old=%d status=%#x", r.Tid, r.Kind, r.Nr, r.Sig, r.SiPid, r.NewTid, r.OldTid, uint32(r.Status))
}

// recorder collects events; tests wait for the ones they expect.
type recorder struct {
	mu     sync.Mutex
	cond   *sync.Cond
	events []rec
	// onEvent, if set, runs inside the handler (on the tracer thread).
	onEvent func(*seize.Event)
}

func newRecorder() *recorder {
	r := &recorder{}
	r.cond = sync.NewCond(&r.mu)
	return r
}

func (r *recorder) handle(ev *seize.Event) {
	x := rec{Kind: ev.Kind, Tid: ev.Task.Tid(), Pid: ev.Task.Pid(), Nr: ev.Nr, Args: ev.Args, Ret: ev.Ret,
		Errno: ev.Errno, Sig: ev.Sig, NewTid: ev.NewTid, OldTid: ev.OldTid, Status: ev.Status, ExitCode: ev.ExitCode}
	if ev.SigInfo != nil {
		x.SiPid = int(ev.SigInfo.Pid())
		x.SiCode = ev.SigInfo.Code
	}
	if r.onEvent != nil {
		r.onEvent(ev)
	}
	r.mu.Lock()
	r.events = append(r.events, x)
	r.cond.Broadcast()
	r.mu.Unlock()
}

// waitFor waits until an event satisfying match has been recorded after
// index from, and returns it with the index after it.
func (r *recorder) waitFor(t testing.TB, from int, timeout time.Duration, what string, match func(rec) bool) (rec, int) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, func() {
		r.mu.Lock()
		r.cond.Broadcast()
		r.mu.Unlock()
	})
	defer timer.Stop()
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := from; ; {
		for ; i < len(r.events); i++ {
			if match(r.events[i]) {
				return r.events[i], i + 1
			}
		}
		if time.Now().After(deadline) {
			evs := r.events[from:]
			if len(evs) > 20 {
				evs = evs[len(evs)-20:]
			}
			t.Fatalf("no %s within %v; last events: %v", what, timeout, evs)
		}
		r.cond.Wait()
	}
}

func (r *recorder) count(match func(rec) bool) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, e := range r.events {
		if match(e) {
			n++
		}
	}
	return n
}

func (r *recorder) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

func kind(k seize.EventKind, tid int) func(rec) bool {
	return func(e rec) bool { return e.Kind == k && (tid == 0 || e.Tid == tid) }
}

// newTracer returns a tracer recording into a new recorder, closed at the
// end of the test.
func newTracer(t testing.TB, opts seize.Options) (*seize.Tracer, *recorder) {
	t.Helper()
	r := newRecorder()
	opts.Handler = r.handle
	tr, err := seize.NewTracer(&opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	return tr, r
}

// traced is a program started with Tracer.Start, its stdout read line by
// line.
type traced struct {
	Pid   int
	Lines chan string // closed at EOF
	stdin *os.File    // the write end of its stdin, held open
	tb    testing.TB
}

// startTraced starts the tracee with args (the mode first) under tr. The
// program gets its own process group, so that the stop signals of job
// control are not discarded as they are in an orphaned group; its stdin
// is a pipe that the test holds open. It is killed by pid when the test
// ends, before the tracer (its parent) is closed and reaps it.
func startTraced(tb testing.TB, tr *seize.Tracer, args ...string) *traced {
	tb.Helper()
	return startTracedArgv(tb, tr, "", append([]string{testprog.Tracee(tb)}, args...))
}

// startTracedArgv is startTraced for any program, run in dir ("" for the
// current directory).
func startTracedArgv(tb testing.TB, tr *seize.Tracer, dir string, argv []string) *traced {
	tb.Helper()
	inR, inW, err := os.Pipe()
	if err != nil {
		tb.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		tb.Fatal(err)
	}
	pid, err := tr.Start(argv, &os.ProcAttr{
		Dir:   dir,
		Files: []*os.File{inR, outW, os.Stderr},
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	})
	inR.Close()
	outW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		tb.Fatalf("Start %v: %v", argv, err)
	}
	p := &traced{Pid: pid, Lines: make(chan string, 1024), stdin: inW, tb: tb}
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			p.Lines <- sc.Text()
		}
		outR.Close()
		close(p.Lines)
	}()
	tb.Cleanup(func() {
		syscall.Kill(pid, syscall.SIGKILL)
		inW.Close()
	})
	return p
}

// expect waits for a line of the program starting with prefix; other
// lines are skipped.
func (p *traced) expect(prefix string, timeout time.Duration) string {
	p.tb.Helper()
	return expectLine(p.tb, p.Lines, prefix, timeout)
}

// expectLine waits for a line starting with prefix on lines; other lines
// are skipped.
func expectLine(tb testing.TB, lines <-chan string, prefix string, timeout time.Duration) string {
	tb.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				tb.Fatalf("output ended before %q", prefix)
			}
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-deadline:
			tb.Fatalf("no %q within %v", prefix, timeout)
		}
	}
}

// silent fails if a line arrives on lines within d: the process that
// writes them is stopped, and whoever reports on it has nothing to say.
func silent(tb testing.TB, lines <-chan string, d time.Duration, what string) {
	tb.Helper()
	select {
	case l, ok := <-lines:
		if ok {
			tb.Fatalf("%s: got %q", what, l)
		}
	case <-time.After(d):
	}
}

// startParentOf starts tracee mode "parent" running the tracee with args
// (a child whose real parent reports every waitpid result), in a process
// group of its own, and returns it with the child's pid. Both are killed
// by pid when the test ends.
func startParentOf(t *testing.T, args ...string) (*testprog.Proc, int) {
	t.Helper()
	tracee := testprog.Tracee(t)
	cmd := exec.Command(tracee, append([]string{"parent", tracee}, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	parent := testprog.StartCmd(t, cmd, false)
	var child int
	if _, err := fmt.Sscanf(parent.Expect("child", 5*time.Second), "child %d", &child); err != nil {
		t.Fatal(err)
	}
	testprog.KillLater(t, child)
	return parent, child
}

// snapshot returns a copy of the recorded events.
func (r *recorder) snapshot() []rec {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]rec(nil), r.events...)
}

// lastEvents formats at most the last 20 of evs, for failure messages.
func lastEvents(evs []rec) string {
	if len(evs) > 20 {
		evs = evs[len(evs)-20:]
	}
	var sb strings.Builder
	for _, e := range evs {
		sb.WriteString("\n\t")
		sb.WriteString(e.String())
	}
	return sb.String()
}

// taskTids lists /proc/PID/task, or nil when the process is gone.
func taskTids(pid int) []int {
	ents, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	if err != nil {
		return nil
	}
	tids := make([]int, 0, len(ents))
	for _, e := range ents {
		if tid, err := strconv.Atoi(e.Name()); err == nil {
			tids = append(tids, tid)
		}
	}
	sort.Ints(tids)
	return tids
}

// tracerOf returns the TracerPid of a task (the tid of the tracing
// thread, not its process) and its state letter; ok is false when the
// task is gone.
func tracerOf(tid int) (tracer int, state byte, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(tid) + "/status")
	if err != nil {
		return 0, 0, false
	}
	var tp string
	for _, l := range strings.Split(string(b), "\n") {
		k, v, found := strings.Cut(l, ":")
		if !found {
			continue
		}
		v = strings.TrimSpace(v)
		switch k {
		case "TracerPid":
			tp = v
		case "State":
			if v != "" {
				state = v[0]
			}
		}
	}
	n, err := strconv.Atoi(tp)
	if err != nil {
		return 0, state, false
	}
	return n, state, true
}

// isOwnThread reports whether tid is a thread of the test process: a
// TracerPid naming one means this process traces the task.
func isOwnThread(tid int) bool {
	_, err := os.Stat("/proc/self/task/" + strconv.Itoa(tid))
	return tid > 0 && err == nil
}

// within runs fn and fails the test if it does not return in time. fn
// must not call t.Fatal (it runs on another goroutine).
func within(t testing.TB, d time.Duration, what string, fn func()) time.Duration {
	t.Helper()
	done := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
		return time.Since(start)
	case <-time.After(d):
		t.Fatalf("%s did not finish within %v (hang)", what, d)
		return 0
	}
}

// noLine fails if p prints a line starting with any of prefixes within d;
// other lines are consumed and ignored.
func noLine(t testing.TB, p *testprog.Proc, d time.Duration, prefixes ...string) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case l, ok := <-p.Lines:
			if !ok {
				return
			}
			for _, pre := range prefixes {
				if strings.HasPrefix(l, pre) {
					t.Fatalf("pid %d printed %q", p.Pid, l)
				}
			}
		case <-deadline:
			return
		}
	}
}

// cpuTicks returns utime+stime of a process, in clock ticks.
func cpuTicks(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return -1
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return -1
	}
	f := strings.Fields(s[i+2:])
	if len(f) < 13 {
		return -1
	}
	u, _ := strconv.Atoi(f[11])
	k, _ := strconv.Atoi(f[12])
	return u + k
}

// siginfoAt returns the siginfo of the stop the task is in. It must run on
// the tracer thread (in the Handler); the raw siginfo tells what kind of
// stop it is: si_code<<8|0x7f is the wait status of a ptrace stop
// (ptrace_do_notify), e.g. 0x8005 for an interrupt's EVENT_STOP, 0x85 for
// a syscall stop; for a signal-delivery-stop si_signo is the signal.
func siginfoAt(tid int) (ptrace.SigInfo, error) {
	var si ptrace.SigInfo
	err := ptrace.GetSigInfo(tid, &si)
	return si, err
}

// rawTrace runs fn on a new locked OS thread, which may then trace with
// internal/ptrace directly; the thread ends with fn, so the kernel
// detaches whatever it still traces.
func rawTrace(t testing.TB, fn func() error) {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		errc <- fn()
	}()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("raw tracer thread hung")
	}
}

// rawWait waits on the current (raw tracer) thread for a stop or exit of
// tid, polling so that a wrong expectation fails instead of hanging.
func rawWait(tid int, timeout time.Duration) (ptrace.Status, error) {
	end := time.Now().Add(timeout)
	for {
		p, st, err := ptrace.Wait4(tid, ptrace.WALL|ptrace.WNOTHREAD|ptrace.WNOHANG)
		if err != nil && err != syscall.EINTR {
			return 0, fmt.Errorf("wait4 %d: %w", tid, err)
		}
		if p == tid {
			return st, nil
		}
		if time.Now().After(end) {
			return 0, errNoStop
		}
		time.Sleep(200 * time.Microsecond)
	}
}

var errNoStop = fmt.Errorf("no stop")

// waitForOK is waitFor without failing: it reports whether a match came.
func (r *recorder) waitForOK(from int, timeout time.Duration, match func(rec) bool) (rec, bool) {
	deadline := time.Now().Add(timeout)
	for {
		r.mu.Lock()
		for i := from; i < len(r.events); i++ {
			if match(r.events[i]) {
				e := r.events[i]
				r.mu.Unlock()
				return e, true
			}
		}
		r.mu.Unlock()
		if time.Now().After(deadline) {
			return rec{}, false
		}
		time.Sleep(time.Millisecond)
	}
}
