package seize

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/seize-dev/seize/internal/ptrace"
	"golang.org/x/sys/unix"
)

// S22: attach never hangs.
//
// PTRACE_SEIZE takes the target's cred_guard_mutex (ptrace_attach), and
// an execve holds that mutex from prepare_bprm_creds to setup_new_exec.
// In between, de_thread kills the other threads (zap_other_threads) and
// waits until each non-leader is released (notify_count, decremented by
// __exit_signal from release_task) and the old leader is a zombie. A
// traced thread is released only when its tracer reaps it (exit_notify
// does not autoreap a tracee), and one traced with PTRACE_O_TRACEEXIT
// first waits in its PTRACE_EVENT_EXIT stop (do_exit) until the tracer
// restarts it: get_signal has dequeued de_thread's SIGKILL by then, so
// nothing else wakes it. A tracer that seizes a thread of a process while
// it holds other threads of the same process therefore blocks in
// ptrace_attach, for good, if that process is in execve: the exec waits
// for the tracer, the tracer for the exec's mutex, and no signal ends the
// wait (mutex_lock_interruptible fails with -ERESTARTNOINTR, and the call
// is restarted).
//
// seize removes its half of the cycle:
//
//   - attach seizes without PTRACE_O_TRACEEXIT and turns it on once it has
//     seized every thread (enableExitOption), so none of the threads it
//     holds while it seizes can wait in an exit stop. Every other ptrace
//     stop lets de_thread go on: its SIGKILL wakes a tracee in any stop
//     (signal_wake_up with fatal set), a listening one too.
//   - while a PTRACE_SEIZE takes long, a guard goroutine reaps the
//     process's traced zombie threads from another thread: wait4 without
//     __WNOTHREAD reaps the tracees of any thread of the tracer's process
//     (do_wait_pid, is_effectively_child). It hands their statuses to the
//     tracer thread, which reports the exits once the attach is done.
//
// The exec then completes, the mutex is released and the seize returns.
// Its aftermath is sorted out by reconcile: the exec'ing thread took the
// leader's tid (de_thread, exchange_tids) and the old leader vanished
// without a report (release_task).

// Guard timing: a seize normally takes microseconds; one that has taken
// guardAfter is waiting for an execve, and the guard starts reaping.
const (
	guardPeriod = 2 * time.Millisecond
	guardAfter  = 5 * time.Millisecond
	// optionsWait bounds how long attach waits for its tasks' interrupt
	// stops to turn PTRACE_O_TRACEEXIT on; later ones get it at their
	// first stop (fixOptions).
	optionsWait = 10 * time.Millisecond
	// maxRounds bounds the rescans after execs during one attach.
	maxRounds = 8
)

// attachHook, when set (by tests), runs at stages of an attach: "checked"
// (after the /proc checks, before any seize), "listed" (after each listing
// of the threads) and "seized" (after each successful PTRACE_SEIZE).
var attachHook func(stage string, tgid, tid int)

var epoch = time.Now()

// nowNs is a monotonic clock in nanoseconds.
func nowNs() int64 { return int64(time.Since(epoch)) }

// si_code of a child's SIGCHLD for an exit, a kill and a core dump.
const (
	cldExited = 1 // CLD_EXITED
	cldDumped = 3 // CLD_DUMPED
)

// reaped is a tracee's exit status collected by the guard.
type reaped struct {
	tid int
	st  ptrace.Status
}

// attachGuard reaps a process's traced zombie threads while the tracer
// thread is blocked in PTRACE_SEIZE (see above).
type attachGuard struct {
	tgid    int
	tracer  int          // the tracer thread
	since   atomic.Int64 // when the current seize began (nowNs), 0 if none
	blocked atomic.Bool  // some seize took longer than guardAfter
	stop    chan struct{}
	done    chan struct{}
	lister  taskLister

	mu     sync.Mutex // held during a reaping pass and by reconcile
	reaped []reaped
}

func startGuard(tgid, tracer int) *attachGuard {
	g := &attachGuard{tgid: tgid, tracer: tracer, stop: make(chan struct{}), done: make(chan struct{})}
	go g.run()
	return g
}

func (g *attachGuard) run() {
	defer close(g.done)
	tick := time.NewTicker(guardPeriod)
	defer tick.Stop()
	for {
		select {
		case <-g.stop:
			return
		case <-tick.C:
		}
		if s := g.since.Load(); s != 0 && nowNs()-s > int64(guardAfter) {
			g.blocked.Store(true)
			g.reap()
		}
	}
}

// reap collects the exit of every zombie thread of the process, other
// than the leader, that is a tracee of this process. A zombie has no stop
// left to report, so the wait takes nothing the tracer thread expects.
func (g *attachGuard) reap() {
	g.mu.Lock()
	defer g.mu.Unlock()
	tids, _ := g.lister.list(g.tgid)
	for _, tid := range tids {
		if tid == g.tgid {
			continue // de_thread needs the leader a zombie, not reaped
		}
		// A zombie? waitid with WNOWAIT tells without reaping it (nor
		// taking a stop), in a microsecond where a stat file takes ten
		// and more: this pass may look at 10,000 threads.
		var si unix.Siginfo
		if unix.Waitid(unix.P_PID, tid, &si, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT|unix.WALL, nil) != nil ||
			si.Signo != int32(unix.SIGCHLD) || si.Code < cldExited || si.Code > cldDumped {
			continue
		}
		// Only this tracer's own tracees (wait4 would reap those of any
		// thread of this process).
		if tracer, _ := threadTracer(g.tgid, tid); tracer != g.tracer {
			continue
		}
		var ws unix.WaitStatus
		if p, err := unix.Wait4(tid, &ws, unix.WNOHANG|unix.WALL, nil); err == nil && p == tid {
			g.reaped = append(g.reaped, reaped{tid, ptrace.Status(ws)})
		}
	}
}

// end stops the guard and returns what it reaped.
func (g *attachGuard) end() []reaped {
	close(g.stop)
	<-g.done
	return g.reaped
}

// guardedSeize is PTRACE_SEIZE with the guard watching. Attach's tasks are
// seized without PTRACE_O_TRACEEXIT (see above).
func (tr *Tracer) guardedSeize(g *attachGuard, tid int) error {
	g.since.Store(nowNs())
	tr.seizing.Store(nowNs())
	err := tr.k.Seize(tid, tr.ptopts&^ptrace.OptExit)
	tr.seizing.Store(0)
	g.since.Store(0)
	return err
}

// AttachBlockedAfter bounds how long Attach waits for a PTRACE_SEIZE that
// the kernel holds up (see ErrAttachBlocked).
var AttachBlockedAfter = 5 * time.Second

// attachment is one process being attached.
type attachment struct {
	tr   *Tracer
	pid  int // as given
	tgid int
	// The process's identity (S5): a pidfd, which refers to that process
	// and no other, and the leader's start time, for kernels without
	// pidfd_open (the start time counts clock ticks, so a pid reused
	// within the same tick goes unnoticed there).
	pidfd  int
	start  uint64
	seen   map[int]bool
	seized []*Task
	// ours: some thread was already traced by this tracer (attached
	// before, or auto-attached through TRACECLONE): the process is there.
	ours bool
	// verified: a seized thread was checked to belong to the process
	// first looked at; it pins the tgid (a traced thread is not released
	// before its tracer reaps it, nor its leader before it).
	verified bool
	// suspect: a thread vanished or a seize blocked: the process may have
	// exec'd meanwhile (reconcile).
	suspect bool
	retried map[int]bool

	// Reading /proc at scale (procfs.go).
	lister taskLister
	dirfd  int    // /proc/TGID/task, -1 if not open
	buf    []byte // a stat or sched record
	noted  int    // tasks whose sleep this attach looked at (estimateLimit)
}

func (a *attachment) fail(err error) error { return &AttachError{Pid: a.pid, Err: err} }

// seizeProcess seizes every thread of process tgid (S5, S22).
func (tr *Tracer) seizeProcess(pid, tgid int) error {
	a := &attachment{tr: tr, pid: pid, tgid: tgid, seen: make(map[int]bool), retried: make(map[int]bool), dirfd: -1}
	if fd, err := unix.Open("/proc/"+strconv.Itoa(tgid)+"/task", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0); err == nil {
		a.dirfd = fd
		defer unix.Close(fd)
	}
	var serr error
	if a.pidfd, serr = unix.PidfdOpen(tgid, 0); serr != nil {
		a.pidfd = -1
	} else {
		defer unix.Close(a.pidfd)
	}
	if _, _, a.start, serr = procStat(tgid); serr != nil {
		return a.fail(ErrExited)
	}
	if attachHook != nil {
		attachHook("checked", tgid, 0)
	}
	g := startGuard(tgid, int(tr.tid.Load()))
	var err error
	for round := 0; ; round++ {
		if err = a.seizeAll(g); err != nil {
			break
		}
		g.mu.Lock()
		again := a.reconcile(g)
		g.mu.Unlock()
		if !again || round == maxRounds {
			break
		}
	}
	gone := g.end()
	if err == nil && tr.gaveUp.Load() {
		err = a.fail(ErrAttachBlocked) // Attach has returned it: let go
	}
	if err == nil && len(a.seized) == 0 && !a.ours {
		err = a.fail(ErrExited)
	}
	if err != nil {
		tr.abandon(a.seized)
	} else {
		tr.enableExitOption(a.seized)
		for _, t := range a.seized {
			if tr.tasks[t.tid] == t {
				tr.deliver(tr.event(EventAttached, t))
			}
		}
		tr.startBurst(a.seized)
	}
	// Threads the guard reaped: report their exits now, as the wait loop
	// would have (silently for abandoned ones).
	for _, r := range gone {
		if tr.tasks[r.tid] != nil {
			tr.dispatch(r.tid, r.st)
		}
	}
	return err
}

// seizeAll is S5: seize every tid, interrupting each; rescan until two
// passes find nothing new, or until the process has no more threads than
// the tracer has tasks in it (complete). Threads created meanwhile by
// seized threads arrive through TRACECLONE; the rescans catch those of
// unseized ones.
func (a *attachment) seizeAll(g *attachGuard) error {
	tr := a.tr
	for quiet := 0; quiet < 2; {
		tids, err := a.lister.list(a.tgid)
		if err != nil {
			return nil // the process is gone
		}
		if attachHook != nil {
			attachHook("listed", a.tgid, 0)
		}
		fresh, mine := 0, 0
		for _, tid := range tids {
			if t := tr.tasks[tid]; t != nil {
				if a.seen[tid] {
					mine++
				} else {
					a.ours = true
				}
				continue
			}
			if a.seen[tid] {
				continue
			}
			a.seen[tid] = true
			seized, err := a.seizeOne(g, tid)
			if err != nil {
				return err
			}
			if seized {
				fresh++
				mine++
			}
		}
		// Seized threads stay listed until reaped, even as zombies; one
		// that vanished exec'd, taking the leader's tid.
		if mine < a.live() {
			a.suspect = true
		}
		if fresh == 0 {
			quiet++
		} else {
			quiet = 0
			if !a.suspect && !g.blocked.Load() && a.complete() {
				return nil
			}
		}
	}
	return nil
}

// complete reports whether every thread of the process is one of the
// tracer's tasks, counting instead of listing again (a listing of
// 10,000 threads costs 10 to 40 ms): the process has no thread the
// tracer does not trace if it has as many (Threads: in its status,
// signal->nr_threads) as the tracer has tasks in it. Its tasks are
// threads of it (seized1 checked each) and are all counted: a traced
// thread is not released before its tracer reaps it, and nothing was
// reaped (the guard reaps only after a blocked seize, which makes the
// attach suspect). Any thread made later is made by a traced one, and
// TRACECLONE attaches it. A thread cloned by a traced one meanwhile is
// counted by the kernel and not yet a task: the counts differ and the
// threads are listed again.
func (a *attachment) complete() bool {
	if a.buf == nil {
		a.buf = make([]byte, procBufSize)
	}
	b, err := readProc(unix.AT_FDCWD, "/proc/"+strconv.Itoa(a.tgid)+"/status", a.buf)
	if err != nil {
		return false
	}
	_, rest, ok := strings.Cut(string(b), "\nThreads:\t")
	if !ok {
		return false
	}
	v, _, _ := strings.Cut(rest, "\n")
	n, err := strconv.Atoi(v)
	if err != nil {
		return false
	}
	for _, t := range a.tr.tasks {
		if t.pid == a.tgid {
			n--
		}
	}
	return n == 0
}

// live counts the tasks of this attach still traced under their tid.
func (a *attachment) live() int {
	n := 0
	for _, t := range a.seized {
		if a.tr.tasks[t.tid] == t {
			n++
		}
	}
	return n
}

// seizeOne seizes one thread and checks that it is the process's.
func (a *attachment) seizeOne(g *attachGuard, tid int) (bool, error) {
	tr := a.tr
	if tr.gaveUp.Load() {
		// Attach has returned ErrAttachBlocked: let go of what this
		// attach seized (the caller abandons it).
		return false, a.fail(ErrAttachBlocked)
	}
	for {
		err := tr.guardedSeize(g, tid)
		if g.blocked.Load() {
			a.suspect = true
		}
		switch {
		case err == nil:
			if attachHook != nil {
				attachHook("seized", a.tgid, tid)
			}
			return a.seized1(tid)
		case errors.Is(err, syscall.ESRCH):
			return false, nil // exited meanwhile
		case errors.Is(err, syscall.EPERM):
			// EPERM with the task gone, or from a zombie leader, means it
			// exited; a thread auto-attached through TRACECLONE is already
			// ours.
			state, _, _, serr := procStat(tid)
			if serr != nil || state == 'Z' || state == 'X' {
				return false, nil
			}
			st, _ := procStatus(tid)
			tp := ""
			if st != nil {
				tp = st["TracerPid"]
			}
			if tp == strconv.Itoa(int(tr.tid.Load())) {
				a.ours = true
				return false, nil
			}
			// A seize that waited for an exec found the task it had looked
			// up dead (ptrace_attach checks exit_state), and the tid now
			// names the exec'd thread: seize that, once.
			if tp == "0" && !a.retried[tid] {
				a.retried[tid] = true
				a.suspect = true
				continue
			}
			// Another tracer seized it after attach looked at /proc.
			if n, _ := strconv.Atoi(tp); n != 0 {
				if len(a.seized) == 0 {
					return false, a.fail(alreadyTraced(n))
				}
				return false, a.fail(fmt.Errorf("thread %d: %w", tid, alreadyTraced(n)))
			}
			if len(a.seized) == 0 {
				return false, a.fail(ErrPermission)
			}
			return false, a.fail(fmt.Errorf("thread %d: %w", tid, ErrPermission))
		default:
			if len(a.seized) == 0 {
				return false, a.fail(err)
			}
			return false, a.fail(fmt.Errorf("thread %d: %w", tid, err))
		}
	}
}

// seized1 records a seized tid after checking its identity (S5: tid and
// start time). A traced thread keeps its tid until the tracer reaps it,
// so a check made now cannot be overtaken by a reuse of the tid.
func (a *attachment) seized1(tid int) (bool, error) {
	tr := a.tr
	if a.verified && unix.Tgkill(a.tgid, tid, 0) == nil {
		// The tid names a thread of the process (do_tkill checks the
		// thread group), a verified one, and keeps naming it: neither
		// the thread nor its leader is released before the tracer reaps
		// it. No /proc read (procfs.go); the rare cases (the thread
		// exec'd or is gone, the tid was reused) take the path below.
		t := tr.newTask(tid, a.tgid)
		a.interruptSeized(t)
		a.seized = append(a.seized, t)
		return true, nil
	}
	state, _, start, err := procStatIn(a.tgid, tid)
	if err != nil {
		if tg, terr := tgidOf(tid); terr == nil && tg != a.tgid {
			// The tid was reused by another process between the listing
			// and the seize: let it go, untouched.
			tr.letGo(tid, tg)
			return false, nil
		}
		// The tid is gone although traced: the seize waited for an
		// execve by this thread, which took the leader's tid. reconcile
		// moves it there.
		t := tr.newTask(tid, a.tgid)
		a.seized = append(a.seized, t)
		a.suspect = true
		return true, nil
	}
	if !a.verified {
		if !a.sameProcess() {
			// The process looked at is gone and its pid reused (no thread
			// of it was traced to pin the pid): not ours to trace.
			tr.letGo(tid, a.tgid)
			return false, a.fail(ErrExited)
		}
		a.verified = true
	}
	t := tr.newTask(tid, a.tgid)
	t.startTime = start
	tr.interrupt(t, state)
	a.seized = append(a.seized, t)
	return true, nil
}

// sameProcess reports whether the process first looked at still lives,
// so that pid tgid still names it.
func (a *attachment) sameProcess() bool {
	if a.pidfd >= 0 {
		return !errors.Is(unix.PidfdSendSignal(a.pidfd, 0, nil, 0), syscall.ESRCH)
	}
	_, _, s, err := procStat(a.tgid)
	return err == nil && s == a.start
}

// letGo lets go of a task seized by mistake: it is interrupted and
// detached, unreported, at its first stop.
func (tr *Tracer) letGo(tid, tgid int) {
	t := tr.newTask(tid, tgid)
	t.unwanted = true
	t.detaching = true
	tr.interrupt(t, 0)
}

// reconcile repairs the task table after an execve during the attach, and
// reports whether the threads must be scanned again. Called with g.mu
// held, so that the guard reaps nothing meanwhile.
func (a *attachment) reconcile(g *attachGuard) bool {
	tr := a.tr
	if a.suspect {
		a.suspect = false
		reapedTid := make(map[int]bool, len(g.reaped))
		for _, r := range g.reaped {
			reapedTid[r.tid] = true
		}
		// One listing, not a stat of /proc/TID per task (10,000 of them).
		listed, lerr := a.lister.list(a.tgid)
		for _, t := range a.seized {
			if tr.tasks[t.tid] != t || t.tid == a.tgid || reapedTid[t.tid] {
				continue
			}
			if lerr == nil {
				if _, found := slices.BinarySearch(listed, t.tid); found {
					continue
				}
			} else if _, err := os.Stat("/proc/" + strconv.Itoa(t.tid)); err == nil {
				continue
			}
			// Traced, not reaped, and gone: t exec'd and now has the
			// leader's tid (S17). Its EVENT_EXEC may or may not come (it
			// may have been seized after its exec): move it now and
			// interrupt it, so that it stops either way. The old leader's
			// task is gone without an exit report, as in ptraceEvent.
			if old := tr.tasks[a.tgid]; old != nil {
				a.drop(old)
			}
			delete(tr.tasks, t.tid)
			t.tid = a.tgid
			tr.tasks[t.tid] = t
			t.seenFirstStop = false
			_, _, t.startTime, _ = procStat(t.tid)
			tr.interrupt(t, 0)
			a.seen[t.tid] = true
			break
		}
	}
	// The leader we seized died in another thread's execve (de_thread
	// releases it silently) and its tid now names the exec'd thread,
	// which no one traces: drop the stale task and seize again.
	if old := tr.tasks[a.tgid]; old != nil && a.has(old) {
		st, err := procStatus(a.tgid)
		if err == nil && st["TracerPid"] != strconv.Itoa(int(tr.tid.Load())) {
			a.drop(old)
			a.seen[a.tgid] = false
			return true
		}
	}
	return false
}

func (a *attachment) has(t *Task) bool {
	for _, s := range a.seized {
		if s == t {
			return true
		}
	}
	return false
}

// drop forgets a task of this attach that no longer exists.
func (a *attachment) drop(t *Task) {
	if a.tr.tasks[t.tid] == t {
		delete(a.tr.tasks, t.tid)
	}
	for i, s := range a.seized {
		if s == t {
			a.seized = append(a.seized[:i], a.seized[i+1:]...)
			break
		}
	}
}

// optionSetter is the kernel's PTRACE_SETOPTIONS; the state-machine
// tests' fake kernel has none.
type optionSetter interface {
	SetOptions(tid, opts int) error
}

func (realKernel) SetOptions(tid, opts int) error { return ptrace.SetOptions(tid, opts) }

func (tr *Tracer) setOptions(tid int) error {
	if k, ok := tr.k.(optionSetter); ok {
		return k.SetOptions(tid, tr.ptopts)
	}
	return nil
}

// enableExitOption turns PTRACE_O_TRACEEXIT on for the tasks an attach
// seized without it. PTRACE_SETOPTIONS needs a stop: the tasks in their
// interrupt stop get it now; attach waits up to optionsWait for the
// others, then leaves them to fixOptions at their first stop. An attach
// of burstMin threads or more leaves them all to fixOptions: the request
// costs a microsecond or two per thread, 10 to 20 ms of a 10,000-thread
// attach, and the burst handles every first stop soon after.
func (tr *Tracer) enableExitOption(ts []*Task) {
	pending := append([]*Task(nil), ts...)
	deadline := time.Now().Add(optionsWait)
	for len(pending) > 0 && len(ts) < burstMin {
		rest := pending[:0]
		for _, t := range pending {
			if tr.tasks[t.tid] == t && tr.setOptions(t.tid) != nil {
				rest = append(rest, t)
			}
		}
		pending = rest
		if len(pending) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Microsecond)
	}
	for _, t := range pending {
		if tr.tasks[t.tid] != t {
			continue
		}
		if tr.needOpts == nil {
			tr.needOpts = make(map[int]bool)
		}
		tr.needOpts[t.tid] = true
	}
}

// fixOptions sets the full options at the first stop of a task attach
// left without PTRACE_O_TRACEEXIT, and of the children such a task made
// before that stop (they inherit its options: ptrace_init_task). It runs
// before dispatch, only while such tasks exist.
func (tr *Tracer) fixOptions(tid int, st ptrace.Status) {
	if !st.Stopped() {
		delete(tr.needOpts, tid)
		return
	}
	evn := st.Event()
	need := tr.needOpts[tid] || tr.tasks[tid] == nil
	if evn == ptrace.EventExec {
		// S17: a thread that exec'd stops under the leader's tid.
		if msg, err := tr.k.GetEventMsg(tid); err == nil && tr.needOpts[int(msg)] {
			delete(tr.needOpts, int(msg))
			need = true
		}
	}
	if !need {
		return
	}
	delete(tr.needOpts, tid)
	tr.setOptions(tid)
	switch evn {
	case ptrace.EventFork, ptrace.EventVfork, ptrace.EventClone:
		if msg, err := tr.k.GetEventMsg(tid); err == nil {
			if c := tr.tasks[int(msg)]; c == nil || !c.seenFirstStop {
				tr.needOpts[int(msg)] = true
			}
		}
	}
}

// threadTracer is the TracerPid of thread tid of process tgid.
func threadTracer(tgid, tid int) (int, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(tgid) + "/task/" + strconv.Itoa(tid) + "/status")
	if err != nil {
		return 0, err
	}
	_, rest, ok := strings.Cut(string(b), "\nTracerPid:")
	if !ok {
		return 0, fmt.Errorf("no TracerPid in /proc/%d/task/%d/status", tgid, tid)
	}
	v, _, _ := strings.Cut(rest, "\n")
	return strconv.Atoi(strings.TrimSpace(v))
}

// procStatIn is procStat for a thread of process tgid: it fails if tid
// is not one (proc_task_lookup checks the thread group).
func procStatIn(tgid, tid int) (byte, uint64, uint64, error) {
	return procStatPath("/proc/" + strconv.Itoa(tgid) + "/task/" + strconv.Itoa(tid) + "/stat")
}
