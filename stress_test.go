package seize_test

// The fault and stress suite: randomized trials of attach, interrupt,
// resume and detach at random moments against programs that spin, sleep
// in the blocking calls S21 is about, stop, fork and churn threads, with
// the tracer ended by SIGINT, SIGTERM, SIGHUP or SIGKILL at a random
// point, mid-attach included. After each trial the program must be as it
// would be untraced: stopped if it was sent SIGSTOP (T), else running
// (R/S), no thread in a ptrace stop (t), TracerPid 0 everywhere, every
// real-time signal queued during the trial delivered exactly once, no
// EINTR seen by the program, and no process left behind.
//
// SEIZE_STRESS_TRIALS=N runs N trials (default stressDefault);
// SEIZE_STRESS_SEED=S replays a run (each failure prints its trial's
// seed, which replays that trial alone with SEIZE_STRESS_TRIALS=1).

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/internal/testprog"
	"golang.org/x/sys/unix"
)

const (
	stressTrialsEnv = "SEIZE_STRESS_TRIALS"
	stressSeedEnv   = "SEIZE_STRESS_SEED"
	stressHelperEnv = "SEIZE_STRESS_HELPER"
	// SEIZE_STRESS_VERBOSE=1 logs every trial's actions.
	stressVerboseEnv = "SEIZE_STRESS_VERBOSE"
	stressDefault    = 200
)

// monoNs is CLOCK_MONOTONIC, the clock the tracee stamps its reports with.
func monoNs() int64 {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Nano()
}

// buildCLI builds cmd/seize into dir.
func buildCLI(dir string) (string, error) {
	//lint:ignore SA1019 the test binary runs where it was built.
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	path := filepath.Join(dir, "seize")
	out, err := exec.Command(goBin, "build", "-o", path, "./cmd/seize").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("building cmd/seize: %v\n%s", err, lastN(string(out), 5))
	}
	return path, nil
}

func lastN(s string, n int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}

// TestStress runs the randomized trials.
func TestStress(t *testing.T) {
	if testing.Short() {
		t.Skip("stress suite skipped in -short mode")
	}
	trials := stressDefault
	if v := os.Getenv(stressTrialsEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			t.Fatalf("%s=%q: want a count", stressTrialsEnv, v)
		}
		trials = n
	}
	seed := time.Now().UnixNano()
	if v := os.Getenv(stressSeedEnv); v != "" {
		s, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: want a number", stressSeedEnv, v)
		}
		seed = s
	}
	cli, err := buildCLI(t.TempDir())
	if err != nil {
		t.Logf("CLI trials replaced by library trials: %v", err)
		cli = ""
	}
	tracee := testprog.Tracee(t)
	start := time.Now()
	failed := 0
	kinds := map[string]int{}
	for i := 0; i < trials; i++ {
		tseed := seed + int64(i)
		var desc string
		ok := t.Run(fmt.Sprintf("trial%03d", i), func(t *testing.T) {
			tr := newTrial(t, tseed, tracee, cli)
			desc = tr.describe()
			kinds[tr.kind]++
			tr.run()
		})
		if !ok {
			failed++
			t.Logf("trial %d failed: %s; replay: %s=1 %s=%d", i, desc, stressTrialsEnv, stressSeedEnv, tseed)
		}
	}
	t.Logf("stress: %d trials (%v), %d failed, %d saw an EINTR, seed %d, %v", trials, kinds, failed, eintrTrials.Load(), seed, time.Since(start).Round(time.Millisecond))
}

// TestStressNegativeControls shows that the trials' checks can fail: a
// library tracer that keeps the kernel's EINTR and interrupts every task
// again and again makes the program report EINTR (from epoll_wait and
// sigtimedwait, S21), and one that suppresses real-time signals loses
// them. Each check must notice.
func TestStressNegativeControls(t *testing.T) {
	tracee := testprog.Tracee(t)
	t.Run("EINTR", func(t *testing.T) {
		tr := newTrial(t, 1, tracee, "")
		tr.kind, tr.flags, tr.follow, tr.syscalls = "lib", "", false, false
		tr.stopAtStart, tr.stopAt, tr.contAt = false, 0, 0
		tr.end, tr.endAt, tr.rtAt = syscall.SIGINT, 300*time.Millisecond, nil
		tr.keepEINTR, tr.storm = true, true
		tr.run()
	})
	t.Run("lost signals", func(t *testing.T) {
		tr := newTrial(t, 2, tracee, "")
		tr.kind, tr.flags, tr.follow, tr.syscalls = "lib", "", false, false
		tr.stopAtStart, tr.stopAt, tr.contAt = false, 0, 0
		tr.end, tr.endAt = syscall.SIGINT, 200*time.Millisecond
		tr.rtAt = []time.Duration{50 * time.Millisecond, 80 * time.Millisecond, 120 * time.Millisecond}
		tr.dropRT = true
		tr.run()
	})
}

// trial is one randomized run.
type trial struct {
	t      *testing.T
	seed   int64
	rng    *rand.Rand
	tracee string
	cli    string

	kind        string // "lib" (a helper process using the library) or "cli"
	flags       string // stress program flags
	follow      bool
	syscalls    bool
	stopAtStart bool
	stopAt      time.Duration // SIGSTOP during the trial (0: none)
	contAt      time.Duration // SIGCONT after it (0: none)
	end         syscall.Signal
	endAt       time.Duration
	rtAt        []time.Duration
	// Negative controls: the library tracer keeps the kernel's EINTR
	// (Options.KeepEINTR) and interrupts every task over and over, or
	// suppresses real-time signals; the checks must then fail.
	keepEINTR, storm, dropRT bool

	t0      int64 // monoNs at the tracer's start
	mu      sync.Mutex
	actions []string // what happened, with times, for failure reports
	rtSent  []int
	rtAt2   map[int]int64 // when each value was sent (monoNs)
	rtSeen  map[int]int
	eintrs  []eintrLine
}

type eintrLine struct {
	call string
	tid  int
	at   int64 // monoNs
}

func newTrial(t *testing.T, seed int64, tracee, cli string) *trial {
	rng := newRand(seed)
	tr := &trial{t: t, seed: seed, rng: rng, tracee: tracee, cli: cli, rtSeen: map[int]int{}, rtAt2: map[int]int64{}}
	tr.kind = "lib"
	if cli != "" && rng.IntN(2) == 0 {
		tr.kind = "cli"
	}
	var fl []string
	for _, f := range []string{"spin", "fork", "churn"} {
		if rng.IntN(3) == 0 {
			fl = append(fl, f)
		}
	}
	tr.flags = strings.Join(fl, ",")
	tr.follow = rng.IntN(2) == 0
	tr.syscalls = tr.kind == "cli" || rng.IntN(2) == 0
	tr.stopAtStart = rng.IntN(6) == 0
	tr.endAt = time.Duration(rng.IntN(300)) * time.Millisecond
	if rng.IntN(4) == 0 {
		tr.endAt = time.Duration(rng.IntN(3000)) * time.Microsecond // mid-attach
	}
	if !tr.stopAtStart && rng.IntN(5) == 0 {
		tr.stopAt = time.Duration(1+rng.IntN(250)) * time.Millisecond
	}
	if (tr.stopAtStart || tr.stopAt > 0) && rng.IntN(2) == 0 {
		tr.contAt = tr.stopAt + time.Duration(1+rng.IntN(100))*time.Millisecond
	}
	tr.end = []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGKILL}[rng.IntN(4)]
	for n := rng.IntN(9); n > 0; n-- {
		tr.rtAt = append(tr.rtAt, time.Duration(rng.IntN(int(tr.endAt/time.Microsecond)+20000))*time.Microsecond)
	}
	sort.Slice(tr.rtAt, func(i, j int) bool { return tr.rtAt[i] < tr.rtAt[j] })
	return tr
}

func (tr *trial) describe() string {
	s := fmt.Sprintf("%s program=stress[%s] follow=%v syscalls=%v end=%v@%v rt=%d", tr.kind, tr.flags, tr.follow, tr.syscalls, tr.end, tr.endAt, len(tr.rtAt))
	if tr.stopAtStart {
		s += " stopped-at-start"
	}
	if tr.stopAt > 0 {
		s += fmt.Sprintf(" stop@%v", tr.stopAt)
	}
	if tr.contAt > 0 {
		s += fmt.Sprintf(" cont@%v", tr.contAt)
	}
	return s
}

// act records an action at monotonic time ns.
func (tr *trial) act(ns int64, f string, a ...any) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.actions = append(tr.actions, fmt.Sprintf("%+8.2fms %s", float64(ns-tr.t0)/1e6, fmt.Sprintf(f, a...)))
}

// failf fails the trial with its seed, its settings and what happened.
func (tr *trial) failf(f string, a ...any) {
	tr.t.Helper()
	tr.mu.Lock()
	acts := tr.actions
	if len(acts) > 25 {
		acts = append([]string{fmt.Sprintf("[... %d earlier]", len(acts)-25)}, acts[len(acts)-25:]...)
	}
	tr.mu.Unlock()
	tr.t.Fatalf("%s\ntrial seed %d: %s\nactions:\n\t%s", fmt.Sprintf(f, a...), tr.seed, tr.describe(), strings.Join(acts, "\n\t"))
}

// collect reads the program's reports.
func (tr *trial) collect(lines <-chan string) {
	for l := range lines {
		f := strings.Fields(l)
		switch {
		case len(f) == 3 && f[0] == "rt":
			v, _ := strconv.Atoi(f[2])
			tr.mu.Lock()
			tr.rtSeen[v]++
			tr.mu.Unlock()
		case len(f) == 4 && f[0] == "EINTR":
			tid, _ := strconv.Atoi(strings.TrimPrefix(f[2], "tid="))
			at, _ := strconv.ParseInt(strings.TrimPrefix(f[3], "t="), 10, 64)
			tr.mu.Lock()
			tr.eintrs = append(tr.eintrs, eintrLine{f[1], tid, at})
			tr.mu.Unlock()
			tr.act(at, "program: EINTR from %s in thread %d", f[1], tid)
		}
	}
}

func (tr *trial) run() {
	t := tr.t
	cmd := exec.Command(tr.tracee, "stress", tr.flags)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := testprog.StartCmd(t, cmd, true)
	pid := p.Pid
	t.Cleanup(func() { killGroup(pid) })
	var rtmin int
	if _, err := fmt.Sscanf(p.Expect("stress rtmin=", 5*time.Second), "stress rtmin=%d", &rtmin); err != nil {
		t.Fatal(err)
	}
	go tr.collect(p.Lines)
	if tr.stopAtStart {
		syscall.Kill(pid, syscall.SIGSTOP)
		testprog.WaitState(t, pid, "T", 2*time.Second)
	}

	tracer, out := tr.startTracer(pid)
	tr.t0 = monoNs()
	tr.act(tr.t0, "tracer %d started", tracer.Process.Pid)

	// The trial's timeline, in order.
	type step struct {
		at time.Duration
		do func()
	}
	var steps []step
	stopped := tr.stopAtStart
	var stopNs int64
	for i, at := range tr.rtAt {
		v := int(tr.seed%1000)*100 + i
		steps = append(steps, step{at, func() {
			if err := sigqueue(pid, rtmin+v%4, v); err != nil {
				tr.failf("sigqueue: %v", err)
			}
			tr.mu.Lock()
			tr.rtSent = append(tr.rtSent, v)
			tr.rtAt2[v] = monoNs()
			tr.mu.Unlock()
			tr.act(monoNs(), "sigqueue SIGRTMIN+%d value %d", v%4, v)
		}})
	}
	if tr.stopAt > 0 {
		steps = append(steps, step{tr.stopAt, func() {
			stopNs = monoNs()
			syscall.Kill(pid, syscall.SIGSTOP)
			stopped = true
			tr.act(stopNs, "SIGSTOP")
		}})
	}
	if tr.contAt > 0 {
		steps = append(steps, step{tr.contAt, func() {
			syscall.Kill(pid, syscall.SIGCONT)
			stopped = false
			tr.act(monoNs(), "SIGCONT")
		}})
	}
	ended := make(chan struct{})
	var endNs int64
	steps = append(steps, step{tr.endAt, func() {
		endNs = monoNs()
		tracer.Process.Signal(tr.end)
		tr.act(endNs, "tracer sent %v", tr.end)
		close(ended)
	}})
	sort.SliceStable(steps, func(i, j int) bool { return steps[i].at < steps[j].at })
	for _, s := range steps {
		if d := time.Duration(monoNs()-tr.t0) - s.at; d < 0 {
			time.Sleep(-d)
		}
		s.do()
	}
	<-ended

	// The tracer must end promptly, by itself (or by SIGKILL).
	waited := make(chan error, 1)
	go func() { waited <- tracer.Wait() }()
	select {
	case <-waited:
	case <-time.After(10 * time.Second):
		tracer.Process.Kill()
		<-waited
		tr.failf("the tracer did not exit within 10s of %v; its output:\n%s", tr.end, lastN(out.String(), 10))
	}
	tr.act(monoNs(), "tracer exited: %v", tracer.ProcessState)
	ws := tracer.ProcessState.Sys().(syscall.WaitStatus)
	switch {
	case ws.Signaled() && ws.Signal() == tr.end:
		// SIGKILL, or a signal that came before the tracer set up its
		// handling (before it attached anything).
	case ws.Exited() && ws.ExitStatus() == 0 && tr.end != syscall.SIGKILL:
	default:
		tr.failf("tracer ended with %v after %v, want a clean exit; its output:\n%s", tracer.ProcessState, tr.end, lastN(out.String(), 10))
	}
	if strings.Contains(out.String(), "panic") || strings.Contains(out.String(), "goroutine ") {
		tr.failf("Go panic in the tracer:\n%s", lastN(out.String(), 20))
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", tracer.Process.Pid)); err == nil {
		tr.failf("the tracer process %d still exists after it was reaped", tracer.Process.Pid)
	}

	// A SIGSTOP whose delivery-stop a SIGKILLed tracer had collected is
	// lost like any signal (see checkSignals).
	stopMayBeLost := stopped && stopNs != 0 && tr.end == syscall.SIGKILL && stopNs <= endNs &&
		(tr.kind == "lib" || stopNs > endNs-int64(50*time.Millisecond))
	if stopMayBeLost && !anyStopped(pid) {
		tr.t.Logf("the SIGSTOP sent just before the tracer's SIGKILL was lost, tolerated")
		stopped = false
	}
	tr.checkUntraced(pid, stopped)
	everStopped := tr.stopAtStart || tr.stopAt > 0
	if stopped {
		syscall.Kill(pid, syscall.SIGCONT)
		tr.act(monoNs(), "SIGCONT (check)")
	}
	tr.checkSignals(endNs)
	tr.checkEINTR(everStopped, endNs)
	tr.checkNoLeak(pid)
	if os.Getenv(stressVerboseEnv) != "" {
		tr.mu.Lock()
		t.Logf("%s\n\t%s", tr.describe(), strings.Join(tr.actions, "\n\t"))
		tr.mu.Unlock()
	}
}

// startTracer starts the tracer of the trial's kind, attaching to pid.
func (tr *trial) startTracer(pid int) (*exec.Cmd, *lockedBuffer) {
	var cmd *exec.Cmd
	if tr.kind == "cli" {
		args := []string{"-q", "-o", filepath.Join(tr.t.TempDir(), "trace")}
		if tr.follow {
			args = append(args, "-f")
		}
		cmd = exec.Command(tr.cli, append(args, "-p", strconv.Itoa(pid))...)
	} else {
		cmd = exec.Command(os.Args[0], "-test.run=^TestHelperStressTracer$", "-test.count=1", "-test.timeout=60s")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d:%d:%v:%v:%v:%v:%v", stressHelperEnv, pid, tr.seed, tr.follow, tr.syscalls, tr.keepEINTR, tr.storm, tr.dropRT))
	}
	out := &lockedBuffer{}
	r, w, err := os.Pipe()
	if err != nil {
		tr.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		tr.t.Fatal(err)
	}
	w.Close()
	tr.t.Cleanup(func() {
		cmd.Process.Kill()
		r.Close()
	})
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			l := sc.Text()
			out.add(l)
			// The helper's actions: "act OP TID NS".
			if f := strings.Fields(l); len(f) == 4 && f[0] == "act" {
				ns, _ := strconv.ParseInt(f[3], 10, 64)
				tr.act(ns, "tracer: %s %s", f[1], f[2])
			}
		}
	}()
	return cmd, out
}

// checkUntraced: TracerPid 0 everywhere, no thread in a ptrace stop, and
// stopped threads only if the program was sent SIGSTOP.
func (tr *trial) checkUntraced(pid int, stopped bool) {
	end := time.Now().Add(2 * time.Second)
	for {
		bad := ""
		for _, p := range groupPids(pid) {
			for _, tid := range taskTids(p) {
				tp, st, ok := tracerOf(tid)
				if !ok || st == 'Z' || st == 'X' {
					continue
				}
				switch {
				case tp != 0:
					bad = fmt.Sprintf("task %d of %d still traced by %d (state %c)", tid, p, tp, st)
				case st == 't':
					bad = fmt.Sprintf("task %d of %d in a ptrace stop", tid, p)
				case p == pid && stopped && st != 'T':
					bad = fmt.Sprintf("task %d state %c, want T (the program was sent SIGSTOP)", tid, st)
				case !(p == pid && stopped) && st == 'T':
					bad = fmt.Sprintf("task %d of %d stopped (T) though never sent SIGSTOP, or continued", tid, p)
				}
			}
		}
		if bad == "" {
			return
		}
		if time.Now().After(end) {
			tr.failf("after the tracer exited: %s", bad)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// anyStopped reports whether some thread of pid is stopped (T), waiting
// a little for a group-stop in progress.
func anyStopped(pid int) bool {
	for end := time.Now().Add(200 * time.Millisecond); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		for _, tid := range taskTids(pid) {
			if _, st, ok := tracerOf(tid); ok && st == 'T' {
				return true
			}
		}
	}
	return false
}

// checkSignals: every queued real-time signal delivered exactly once.
//
// One exception, the kernel's: a tracer's wait for a signal-delivery-stop
// clears the stopped task's exit_code, where the signal is kept
// (wait_task_stopped), and only the restart request sets it again
// (ptrace_resume). A tracer killed between the two takes the signal with
// it (S14; strace loses it too). So with SIGKILL, a signal sent shortly
// before the kill, or held by the tracer, may be lost; that is reported,
// not failed.
func (tr *trial) checkSignals(endNs int64) {
	end := time.Now().Add(3 * time.Second)
	// The stop is normally restarted within microseconds; the library
	// helper, though, holds tasks (Interrupt) for up to tens of ms, at
	// whatever stop answered, a signal-delivery-stop included.
	window := int64(50 * time.Millisecond)
	if tr.kind == "lib" {
		window = endNs - tr.t0
	}
	for {
		tr.mu.Lock()
		missing, dup := []int{}, []int{}
		tolerated := 0
		for _, v := range tr.rtSent {
			switch n := tr.rtSeen[v]; {
			case n == 0 && tr.end == syscall.SIGKILL && tr.rtAt2[v] <= endNs && tr.rtAt2[v] > endNs-window && time.Now().After(end.Add(-2500*time.Millisecond)):
				tolerated++
			case n == 0:
				missing = append(missing, v)
			case n > 1:
				dup = append(dup, v)
			}
		}
		extra := len(tr.rtSeen) > len(tr.rtSent)
		tr.mu.Unlock()
		if len(dup) > 0 || extra {
			tr.failf("real-time signals duplicated: %v (sent %v, seen %v)", dup, tr.rtSent, tr.rtSeen)
		}
		if len(missing) == 0 {
			if tolerated > 0 {
				tr.t.Logf("%d real-time signal(s) sent just before the tracer's SIGKILL lost, tolerated", tolerated)
			}
			if tr.dropRT {
				tr.failf("negative control: the tracer suppressed real-time signals, yet all of %v arrived", tr.rtSent)
			}
			return
		}
		if time.Now().After(end) || (tr.dropRT && time.Now().After(end.Add(-2500*time.Millisecond))) {
			if tr.dropRT {
				tr.t.Logf("negative control: lost %v of %v, as expected", missing, tr.rtSent)
				return
			}
			tr.failf("real-time signals lost: %v of %v", missing, tr.rtSent)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// checkEINTR: the program saw no EINTR. After a real stop and SIGCONT,
// epoll_wait and sigtimedwait fail with EINTR untraced too (signal(7)).
// A tracer killed by SIGKILL cannot restart a call its interrupt had
// already broken (S21 needs the tracer alive at the stop): such EINTRs,
// after the kill, are reported but tolerated.
func (tr *trial) checkEINTR(everStopped bool, endNs int64) {
	time.Sleep(50 * time.Millisecond) // let late reports arrive
	tr.mu.Lock()
	eintrs := append([]eintrLine(nil), tr.eintrs...)
	tr.mu.Unlock()
	var bad []string
	tolerated := 0
	for _, e := range eintrs {
		stopProne := e.call == "epoll_wait" || e.call == "sigtimedwait"
		switch {
		case everStopped && stopProne:
		case tr.end == syscall.SIGKILL && e.at >= endNs:
			tolerated++
		default:
			bad = append(bad, fmt.Sprintf("%s (thread %d, %+.2fms)", e.call, e.tid, float64(e.at-tr.t0)/1e6))
		}
	}
	if tolerated > 0 {
		tr.t.Logf("%d EINTR after the tracer's SIGKILL, tolerated", tolerated)
	}
	if tr.keepEINTR {
		if len(bad) == 0 {
			tr.failf("negative control: with KeepEINTR and %d interrupts the program saw no EINTR", tr.count("interrupt"))
		}
		shown := bad
		if len(shown) > 4 {
			shown = append(shown[:4:4], fmt.Sprintf("... (%d in all)", len(bad)))
		}
		tr.t.Logf("negative control: the program saw EINTR, as expected: %s", strings.Join(shown, ", "))
		return
	}
	if len(bad) > 0 {
		eintrTrials.Add(1)
		tr.failf("the program saw EINTR: %s", strings.Join(bad, ", "))
	}
}

// eintrTrials counts trials where the program saw an EINTR it should not
// have (each is a failure).
var eintrTrials atomic.Int64

// count is how many actions mention word.
func (tr *trial) count(word string) int {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	n := 0
	for _, a := range tr.actions {
		if strings.Contains(a, word) {
			n++
		}
	}
	return n
}

// checkNoLeak kills the program's process group and checks that nothing
// of it remains.
func (tr *trial) checkNoLeak(pid int) {
	killGroup(pid)
	end := time.Now().Add(3 * time.Second)
	for {
		left := groupPids(pid)
		live := 0
		for _, p := range left {
			if s := testprog.State(p); s != 'Z' && s != 'X' && s != 0 {
				live++
			}
		}
		if live == 0 {
			return
		}
		if time.Now().After(end) {
			tr.failf("processes of the program's group left after SIGKILL: %v", left)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// killGroup sends SIGKILL to the process group of pid (its leader).
func killGroup(pid int) { syscall.Kill(-pid, syscall.SIGKILL) }

// groupPids lists the processes of process group pgid (/proc scan).
func groupPids(pgid int) []int {
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+2:])
		if len(f) > 3 && f[2] == strconv.Itoa(pgid) {
			pids = append(pids, p)
		}
	}
	return pids
}

// sigqueue queues signal sig with value v to process pid
// (rt_sigqueueinfo with SI_QUEUE, as sigqueue(3) does).
func sigqueue(pid, sig, v int) error {
	var si [128]byte
	*(*int32)(unsafe.Pointer(&si[0])) = int32(sig)
	*(*int32)(unsafe.Pointer(&si[8])) = -1 // SI_QUEUE
	*(*int32)(unsafe.Pointer(&si[16])) = int32(os.Getpid())
	*(*uint32)(unsafe.Pointer(&si[20])) = uint32(os.Getuid())
	*(*int64)(unsafe.Pointer(&si[24])) = int64(v)
	_, _, e := unix.Syscall(unix.SYS_RT_SIGQUEUEINFO, uintptr(pid), uintptr(sig), uintptr(unsafe.Pointer(&si[0])))
	if e != 0 {
		return e
	}
	return nil
}

// lockedBuffer collects a process's output lines.
type lockedBuffer struct {
	mu sync.Mutex
	sb strings.Builder
}

func (b *lockedBuffer) add(l string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sb.WriteString(l)
	b.sb.WriteByte('\n')
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.String()
}

// TestHelperStressTracer is not a test: TestStress runs it in a child
// process as the library-based tracer of a trial. It attaches, then
// interrupts, resumes and detaches threads at random until SIGINT,
// SIGTERM or SIGHUP, when it releases everything and exits 0, as the
// seize command does; SIGKILL ends it anywhere.
func TestHelperStressTracer(t *testing.T) {
	v := os.Getenv(stressHelperEnv)
	if v == "" {
		return
	}
	var pid int
	var seed int64
	var follow, syscalls, keep, storm, dropRT bool
	if _, err := fmt.Sscanf(strings.ReplaceAll(v, ":", " "), "%d %d %t %t %t %t %t", &pid, &seed, &follow, &syscalls, &keep, &storm, &dropRT); err != nil {
		fmt.Println("bad", stressHelperEnv, v, err)
		os.Exit(2)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	var outMu sync.Mutex
	say := func(f string, a ...any) {
		outMu.Lock()
		fmt.Printf(f+"\n", a...)
		outMu.Unlock()
	}
	tr, err := seize.NewTracer(&seize.Options{Syscalls: syscalls, FollowForks: follow, KeepEINTR: keep, Handler: func(ev *seize.Event) {
		if dropRT && ev.Kind == seize.EventSignal && ev.Sig >= 32 {
			ev.SetSignal(0)
		}
	}})
	if err != nil {
		say("NewTracer: %v", err)
		os.Exit(1)
	}
	say("act attach %d %d", pid, monoNs())
	if err := tr.Attach(pid); err != nil {
		say("attach: %v", err)
	}
	say("act attached %d %d", pid, monoNs())
	// As the seize command does: a signal that came during the attach
	// is acted on once it is done.
	done := make(chan struct{})
	go func() {
		<-sigs
		close(done)
		tr.DetachAll()
	}()
	rng := newRand(seed ^ 0x6a09e667)
	held := map[int]bool{}
loop:
	for {
		select {
		case <-done:
			break loop
		case <-time.After(time.Duration(rng.IntN(10000)) * time.Microsecond):
		}
		tids := tr.Tasks()
		if len(tids) == 0 {
			continue
		}
		if storm {
			for _, tid := range tids {
				if tr.Interrupt(tid) == nil {
					say("act interrupt %d %d", tid, monoNs())
				}
				if tr.Resume(tid) == nil {
					say("act resume %d %d", tid, monoNs())
				}
			}
			continue
		}
		tid := tids[rng.IntN(len(tids))]
		switch op := rng.IntN(10); {
		case op < 5:
			if tr.Interrupt(tid) == nil {
				held[tid] = true
				say("act interrupt %d %d", tid, monoNs())
			}
		case op < 9:
			for h := range held {
				if tr.Resume(h) == nil {
					say("act resume %d %d", h, monoNs())
				}
				delete(held, h)
				break
			}
		default:
			if tr.Detach(tid) == nil {
				say("act detach %d %d", tid, monoNs())
			}
		}
	}
	tr.Wait()
	tr.Close()
	say("act released %d %d", pid, monoNs())
	os.Exit(0)
}
