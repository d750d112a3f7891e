package seize

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/seize-dev/seize/internal/ptrace"
	"github.com/seize-dev/seize/internal/wake"
	"github.com/seize-dev/seize/sysabi"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// Options configure a Tracer. The zero value traces threads, not children,
// and does not stop at system calls.
type Options struct {
	// Handler receives every event on the tracer's thread while the task
	// is stopped. It should be quick: every tracee that stops meanwhile
	// waits. It may call the Tracer's and the Task's methods directly.
	Handler func(*Event)
	// FollowForks traces the children that traced processes create with
	// fork, vfork or clone (strace -f). Threads are always traced.
	FollowForks bool
	// Syscalls stops tasks at every system call entry and exit.
	Syscalls bool
	// Spin is how many times the tracer polls for a stop before it blocks
	// in wait4 (SPEC §6: polling saves a cross-CPU wake-up). 0 means the
	// default; negative disables polling.
	Spin int
	// Idle, if set, runs on the tracer thread each time it is about to
	// block for lack of stops: the moment to flush buffered output.
	Idle func()
	// KeepEINTR turns off the restart of system calls that the tracer's
	// own interrupts (attach, Interrupt, Detach) or the signals it makes
	// the kernel queue would make fail with EINTR (S21). With it the
	// program sees what the kernel does: EINTR from epoll_wait and the
	// like.
	KeepEINTR bool
	// NoColocate keeps the tracer thread where the scheduler puts it, with
	// its own policy. By default, while a single task stops at a high rate,
	// the tracer thread pins itself to that task's CPU and runs as
	// SCHED_IDLE so that the kernel keeps the two on one CPU, which makes
	// a stop several times cheaper; the task's own affinity and policy are
	// never touched (colocate.go).
	NoColocate bool
	// Seccomp, if set, is a seccomp-bpf program (classic BPF over struct
	// seccomp_data) that returns SECCOMP_RET_TRACE for the system calls to
	// stop at and SECCOMP_RET_ALLOW for the others, such as
	// filter.SyscallSet.SeccompProgram builds (strace --seccomp-bpf). Start
	// installs it in the program before its first instruction, and tasks
	// under it stop only at those calls: the others run at full speed. It
	// needs Syscalls and FollowForks. A filter cannot be removed: see
	// seccomp.go for what that means for Detach and Close (ErrFiltered),
	// and Task.Filtered.
	Seccomp []bpf.RawInstruction
}

const defaultSpin = 64

// NoSyscall is the Nr of a syscall-exit event whose entry the tracer did
// not see (the task was attached inside the call).
const NoSyscall = ^uint64(0)

// Tracer owns a set of traced tasks on one locked OS thread. Every ptrace
// request and every wait for them happens on that thread (S23: the kernel
// accepts requests only from the thread that attached), and so does the
// Handler: the hot path wait → classify → handle → restart never crosses
// to another goroutine.
//
// The tracer reaps its tracees and the processes it starts: it waits with
// __WALL|__WNOTHREAD, so it sees only its own thread's children and
// tracees, never the host program's other children (S20).
type Tracer struct {
	k      kernel
	opts   Options
	ptopts int
	spin   int
	tid    atomic.Int64 // the tracer thread

	tasks   map[int]*Task // by tid; owned by the tracer thread
	ev      Event
	info    ptrace.SyscallInfo // syscallStop's scratch (no allocation per stop)
	colo    colo               // the thread's placement next to its tracee
	hot     hotTasks           // the tasks that stopped last (wait)
	hotRuns int                // stops in a row found by polling them
	seizing atomic.Int64       // when the PTRACE_SEIZE in progress began (nowNs), 0 if none
	gaveUp  atomic.Bool        // Attach returned ErrAttachBlocked: abandon the attach
	clocks  cpuClocks          // CPUs' scheduler clocks against monotonic (S21)
	cur     *Task              // the task whose stop is being handled
	// early holds tids adopted at their first stop before the event of
	// the clone that made them (S19), until that event comes: by then the
	// task may be gone already and must not be created again.
	early map[int]bool
	sc    seccompState // Options.Seccomp (seccomp.go)
	// needOpts holds tasks that attach seized without PTRACE_O_TRACEEXIT
	// and that had not stopped when it ended (attach.go, S22).
	needOpts map[int]bool
	burst    stopBurst // the stops of a large attach, polled by tid (attach_scale.go)
	// orphans counts processes the tracer started and then detached: it is
	// still their parent and must reap them.
	orphans int
	waiters []chan struct{}
	// release ends the tracer thread after the current commands: its exit
	// detaches every task it still traces (see releaseAll). final says
	// whether a new thread takes over (DetachAll) or not (Close).
	release   bool
	releaseBy time.Time // how long a release waits for interrupts in flight
	final     bool
	released  []chan struct{} // closed once the old thread is gone
	err       error           // first handler panic

	mu       sync.Mutex
	cmds     []*command
	pending  atomic.Bool // cmds is not empty
	sleeping atomic.Bool // the tracer thread is (about to be) in wait4
	kick     chan struct{}
	done     chan struct{} // closed when the tracer thread ends
}

type command struct {
	fn   func()
	ran  bool
	done chan struct{}
}

// NewTracer starts a tracer thread. Close it when done.
//
// It sets SA_NOCLDSTOP on the process's SIGCHLD handler, once: without
// it every ptrace stop sends the process a SIGCHLD (sigchld.go). A
// program that asked os/signal for SIGCHLD is then told of its own
// children's exits only, no longer of their stops.
func NewTracer(opts *Options) (*Tracer, error) {
	if err := wake.Install(); err != nil {
		return nil, err
	}
	setNoCldStop()
	tr := &Tracer{
		k:     realKernel{},
		tasks: make(map[int]*Task),
		kick:  make(chan struct{}, 1),
		done:  make(chan struct{}),
	}
	if opts != nil {
		tr.opts = *opts
	}
	tr.ptopts = ptrace.OptSysGood | ptrace.OptClone | ptrace.OptExec | ptrace.OptExit
	if tr.opts.FollowForks {
		tr.ptopts |= ptrace.OptFork | ptrace.OptVfork
	}
	if err := tr.initSeccomp(); err != nil { // seccomp.go
		return nil, err
	}
	switch {
	case tr.opts.Spin == 0:
		tr.spin = defaultSpin
	case tr.opts.Spin > 0:
		tr.spin = tr.opts.Spin
	}
	tr.colo.init(!tr.opts.NoColocate)
	ready := make(chan struct{})
	go tr.loop(ready, 0)
	<-ready
	return tr, nil
}

// call runs fn on the tracer thread and waits for it. From the tracer
// thread itself (inside the Handler) it runs fn at once.
func (tr *Tracer) call(fn func()) error {
	if int64(unix.Gettid()) == tr.tid.Load() {
		fn()
		return nil
	}
	c := &command{fn: fn, done: make(chan struct{})}
	tr.mu.Lock()
	select {
	case <-tr.done:
		tr.mu.Unlock()
		return ErrClosed
	default:
	}
	tr.cmds = append(tr.cmds, c)
	tr.pending.Store(true)
	tr.mu.Unlock()
	select {
	case tr.kick <- struct{}{}:
	default:
	}
	// The wake-up signal can land just before the thread enters wait4 and
	// be lost; resend with backoff until the command has run.
	delay := 100 * time.Microsecond
	timer := time.NewTimer(delay)
	defer timer.Stop()
	for {
		if tr.sleeping.Load() {
			wake.Thread(int(tr.tid.Load()))
		}
		select {
		case <-c.done:
			if !c.ran {
				return ErrClosed
			}
			return nil
		case <-tr.done:
			select {
			case <-c.done:
				if c.ran {
					return nil
				}
			default:
			}
			return ErrClosed
		case <-timer.C:
		}
		if delay < 50*time.Millisecond {
			delay *= 2
		}
		timer.Reset(delay)
	}
}

func (tr *Tracer) runCommands() {
	if !tr.pending.Load() {
		return
	}
	tr.mu.Lock()
	cmds := tr.cmds
	tr.cmds = nil
	tr.pending.Store(false)
	tr.mu.Unlock()
	for _, c := range cmds {
		c.fn()
		c.ran = true
		close(c.done)
	}
}

// loop is the tracer thread. prev is the tid of the thread it replaces
// (DetachAll), whose exit it waits for before serving, so that the
// tasks the old thread released are really untraced by then.
func (tr *Tracer) loop(ready chan<- struct{}, prev int) {
	tr.lockThread(ready, prev, 0, make(chan struct{}))
}

// lockThread locks the goroutine to a thread fit to be the tracer thread
// and serves on it. Unfit threads stay locked until a fit one is found,
// so that the scheduler cannot hand any of them out again meanwhile.
func (tr *Tracer) lockThread(ready chan<- struct{}, prev int, hops int, found chan struct{}) {
	// Never unlocked: when the loop ends the thread exits with it, and the
	// kernel detaches whatever it still traced (exit_ptrace).
	runtime.LockOSThread()
	if hops < 64 && unsuitableThread() {
		go tr.lockThread(ready, prev, hops+1, found)
		<-found
		runtime.UnlockOSThread()
		return
	}
	close(found)
	tr.serve(ready, prev)
}

// unsuitableThread reports whether the current OS thread cannot be a
// tracer thread:
//   - the main thread: Go never terminates it (mexit wedges m0), and the
//     thread's exit is how the tracer lets its tasks go;
//   - a thread that has children: it forked processes for other goroutines
//     before. When a tracer thread is in the same process as a tracee's
//     real parent, the kernel lets the real parent's waits report ptrace
//     stops (wait_consider_task: !ptrace_reparented), so this thread's
//     wait4 could take the stops of another tracer's tracees.
func unsuitableThread() bool {
	if unix.Gettid() == unix.Getpid() {
		return true
	}
	b, err := os.ReadFile("/proc/thread-self/children")
	return err == nil && len(strings.TrimSpace(string(b))) > 0
}

func (tr *Tracer) serve(ready chan<- struct{}, prev int) {
	if prev != 0 {
		waitThreadGone(prev)
	}
	tr.tid.Store(int64(unix.Gettid()))
	for _, c := range tr.released {
		close(c)
	}
	tr.released = nil
	close(ready)
	for {
		tr.runCommands()
		tr.endLinger() // seccomp.go
		if tr.release && tr.releaseDone() {
			break
		}
		if len(tr.tasks) == 0 {
			tr.colo.release()
			for _, w := range tr.waiters {
				close(w)
			}
			tr.waiters = nil
			if tr.orphans == 0 {
				<-tr.kick
				continue
			}
		}
		pid, st, ok := tr.wait()
		if ok {
			if len(tr.needOpts) > 0 {
				tr.fixOptions(pid, st)
			}
			tr.dispatch(pid, st)
		}
	}
	tr.release = false
	tr.colo.close()
	tr.reapOrphans()
	for _, w := range tr.waiters {
		close(w)
	}
	tr.waiters = nil
	if !tr.final {
		// A fresh thread serves what comes next; this one exits now.
		go tr.loop(make(chan struct{}), unix.Gettid())
		return
	}
	old := unix.Gettid()
	tr.mu.Lock()
	cmds := tr.cmds
	tr.cmds = nil
	tr.mu.Unlock()
	go func() {
		waitThreadGone(old)
		tr.mu.Lock()
		close(tr.done)
		tr.mu.Unlock()
		for _, c := range cmds {
			close(c.done)
		}
		for _, c := range tr.released {
			close(c)
		}
	}()
}

// waitThreadGone waits, for at most a second, until thread tid of this
// process has exited.
func waitThreadGone(tid int) {
	path := "/proc/self/task/" + strconv.Itoa(tid)
	for i := 0; i < 10000; i++ {
		if _, err := os.Stat(path); err != nil {
			return
		}
		time.Sleep(100 * time.Microsecond)
	}
}

const waitFlags = ptrace.WALL | ptrace.WNOTHREAD

// With hotMin tasks or more, wait polls the tasks that stopped last by
// their tids, up to hotTurns stops in a row (see wait).
const (
	hotMin   = 64
	hotTurns = 64
)

// hotTasks are the last few distinct tasks that stopped, polled in turn
// so that busy tasks are served alternately: polling only the last one,
// a task that stops again at once (next to the tracer on its CPU) would
// be served up to hotTurns times for each stop of another.
type hotTasks struct {
	tids [4]int
	n    int // how many of tids are set
	next int // where the next round of polls starts
}

// stopped notes that tid stopped: it joins the set (replacing the one
// that joined first when the set is full) and the next round starts after
// it.
func (h *hotTasks) stopped(tid int) {
	for i := 0; i < h.n; i++ {
		if h.tids[i] == tid {
			h.next = (i + 1) % h.n
			return
		}
	}
	if h.n < len(h.tids) {
		h.tids[h.n] = tid
		h.n++
		h.next = 0
		return
	}
	copy(h.tids[:], h.tids[1:])
	h.tids[len(h.tids)-1] = tid
	h.next = 0
}

// pick returns the tid to poll at attempt i of a round, 0 if none.
func (h *hotTasks) pick(i int) int {
	if h.n == 0 {
		return 0
	}
	return h.tids[(h.next+i)%h.n]
}

// drop removes tid (gone, or no longer traced).
func (h *hotTasks) drop(tid int) {
	for i := 0; i < h.n; i++ {
		if h.tids[i] == tid {
			copy(h.tids[i:], h.tids[i+1:h.n])
			h.n--
			h.tids[h.n] = 0
			if h.n == 0 || h.next >= h.n {
				h.next = 0
			}
			return
		}
	}
}

// wait returns the next stop or exit, polling briefly before blocking. It
// returns ok=false when woken for a command.
func (tr *Tracer) wait() (int, ptrace.Status, bool) {
	if len(tr.burst.tids) > 0 {
		if pid, st, ok := tr.pollBurst(); ok {
			return pid, st, true
		}
	}
	// A wait for any task walks every tracee: with 10,000 of them that
	// is ~500 µs, every stop. With many tasks, poll the few that stopped
	// last by their tids (O(1)), in turn, and walk only once per round,
	// and at least every hotTurns stops so that no other task waits long
	// (one busy thread among 10,000 idle ones: ~30 µs per call instead of
	// ~550).
	useHot := len(tr.tasks) >= hotMin && tr.hot.n > 0 && tr.hotRuns < hotTurns
	if !useHot {
		tr.hotRuns = 0
	}
	for i := 0; i < tr.spin; i++ {
		var pid int
		var st ptrace.Status
		var err error
		hot := 0
		if useHot && i < tr.spin-1 {
			hot = tr.hot.pick(i)
			if tr.tasks[hot] == nil {
				tr.hot.drop(hot)
				useHot = tr.hot.n > 0
				hot = 0
			}
		}
		if hot != 0 {
			if pid, st, err = tr.k.PollPid(hot, waitFlags); err != nil {
				tr.hot.drop(hot)
				useHot, err = tr.hot.n > 0, nil
			} else if pid > 0 {
				tr.hotRuns++
			}
		} else {
			pid, st, err = tr.k.Poll(waitFlags)
		}
		if i == 0 {
			tr.colo.polled(pid > 0)
		}
		if pid > 0 {
			return pid, st, true
		}
		if err != nil {
			tr.noChildren(err)
			return 0, 0, false
		}
		if tr.pending.Load() {
			return 0, 0, false
		}
	}
	if tr.opts.Idle != nil {
		tr.opts.Idle()
	}
	tr.sleeping.Store(true)
	if tr.pending.Load() {
		tr.sleeping.Store(false)
		return 0, 0, false
	}
	pid, st, err := tr.k.Wait(waitFlags)
	tr.sleeping.Store(false)
	if err != nil {
		if err != syscall.EINTR {
			tr.noChildren(err)
		}
		return 0, 0, false
	}
	return pid, st, true
}

// noChildren handles ECHILD: nothing left to wait for. Tasks still listed
// vanished without a report (should not happen); drop them.
func (tr *Tracer) noChildren(err error) {
	if err != syscall.ECHILD {
		return
	}
	tr.orphans = 0
	for tid, t := range tr.tasks {
		delete(tr.tasks, tid)
		ev := tr.event(EventDetached, t)
		tr.deliver(ev)
	}
}

// reapOrphans reaps the started-then-detached processes that are already
// dead; the living ones are not waited for (Close must not block on them).
func (tr *Tracer) reapOrphans() {
	for tr.orphans > 0 {
		pid, st, err := tr.k.Poll(waitFlags)
		if err != nil || pid <= 0 {
			return
		}
		if !st.Exited() && !st.Signaled() {
			return // a stop, left for the loop
		}
		tr.orphans--
	}
}

// event resets the reusable Event for kind.
func (tr *Tracer) event(kind EventKind, t *Task) *Event {
	tr.ev = Event{Kind: kind, Task: t}
	return &tr.ev
}

func (tr *Tracer) deliver(ev *Event) {
	if tr.opts.Handler == nil || tr.sc.muted {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			if tr.err == nil {
				tr.err = fmt.Errorf("seize: handler panicked: %v", r)
			}
			tr.releaseAll(true)
		}
	}()
	tr.opts.Handler(ev)
}

func (tr *Tracer) newTask(tid, pid int) *Task {
	t := &Task{tr: tr, tid: tid, pid: pid}
	tr.tasks[tid] = t
	return t
}

// adopt creates the task for a tid that stopped before the event of the
// clone that created it was processed (S19: either order).
func (tr *Tracer) adopt(tid int) *Task {
	pid, err := tr.k.Tgid(tid)
	if err != nil {
		pid = tid
	}
	t := tr.newTask(tid, pid)
	if tr.early == nil {
		tr.early = make(map[int]bool)
	}
	tr.early[tid] = true
	tr.adopted(t)
	return t
}

// adopted decides whether a new child is followed and announces it.
func (tr *Tracer) adopted(t *Task) {
	if !tr.opts.FollowForks && t.Leader() {
		// A process created by clone() without CLONE_THREAD and with an
		// exit signal other than SIGCHLD is reported as EVENT_CLONE even
		// without TRACEFORK; let it go.
		t.unwanted = true
		t.detaching = true
		return
	}
	tr.deliver(tr.event(EventAttached, t))
}

// dispatch classifies one wait status (S20) and acts on it.
func (tr *Tracer) dispatch(tid int, st ptrace.Status) {
	t := tr.tasks[tid]

	if st.Exited() || st.Signaled() {
		if t == nil {
			if tr.orphans > 0 {
				tr.orphans--
			}
			return
		}
		tr.gone(t, st)
		return
	}
	if !st.Stopped() {
		return
	}
	if t != nil && t.state == stopped && st == t.status {
		// A stop already handled, reported again (a safety net: afterStop
		// consumes the stops of the tasks it leaves stopped).
		tr.k.Consume(tid, waitFlags)
		return
	}
	if st.Event() == ptrace.EventExec {
		// The kernel refuses every request on a task that changed its
		// pid in execve while its exec stop is unreported, taking it for
		// the destroyed old leader (looks_like_a_spurious_pid): consume
		// the stop first. An exec stop carries no signal to keep.
		tr.k.Consume(tid, waitFlags)
	}
	tr.colo.stop(tid)
	tr.hot.stopped(tid)
	if t == nil {
		t = tr.adopt(tid)
	}
	t.status = st
	tr.cur = t
	defer func() { tr.cur = nil }()
	t.state = stopped
	first := !t.seenFirstStop
	t.seenFirstStop = true
	// Any stop answers an interrupt (S3).
	t.answering = t.interrupting
	t.atEntry = false
	if t.lateTrap {
		// The kernel clears a pending interrupt trap at any ptrace stop
		// (ptrace_stop): the one after the stop that answered it.
		if t.lateSeen {
			t.lateTrap, t.lateSeen = false, false
		}
		t.lateSeen = !t.lateSeen
	}
	t.interrupting = false
	sig, evn := st.StopSig(), st.Event()
	switch {
	case sig == int(syscall.SIGTRAP)|0x80, evn == ptrace.EventSeccomp:
		tr.syscallStop(t)
	case evn == 0:
		tr.signalStop(t, sig)
	case evn == ptrace.EventStop:
		tr.eventStop(t, syscall.Signal(sig), first)
	default:
		tr.ptraceEvent(t, evn)
	}
	tr.afterStop(tr.cur)
	if c := tr.tasks[tid]; c == nil || c.state == stopped {
		// Left stopped (held, delayed), or let go: a stop only peeked at
		// so far would be reported again (ptrace.Peek). A task let go
		// with PTRACE_DETACH has nothing left to consume, unless the
		// detach failed.
		tr.k.Consume(tid, waitFlags)
	}
	// What was noted of the call for this stop is stale after it, unless
	// the call was restarted: its later restarts count from the same start.
	if c := tr.cur; c != nil {
		c.sleep.es = 0
		if !c.restartedCall {
			c.callStart = 0
		}
	}
}

func (tr *Tracer) syscallStop(t *Task) {
	// Through the kernel interface a local would escape: one allocation
	// per stop. The scratch field is copied at once, so that a handler
	// that re-enters the tracer cannot change what this stop reads.
	if err := tr.k.GetSyscallInfo(t.tid, &tr.info); err != nil {
		return
	}
	info := tr.info
	if seccompRepeat(t, &info) { // seccomp.go
		return
	}
	switch info.Op {
	case ptrace.InfoEntry, ptrace.InfoSeccomp:
		t.atEntry = true
		if t.restarting {
			// The entry of a call the engine rewound (S21): the program
			// made it once; keep the first entry's arguments and time.
			t.restarting = false
			if t.inSyscall && info.Nr == t.nr {
				return
			}
		}
		t.inSyscall = true
		t.stopEINTR = false
		t.entryNs = monotonicNs()
		t.nr, t.arch, t.args = info.Nr, info.Arch, info.Args
		if t.sc.filtered && info.Op == ptrace.InfoEntry {
			// seccomp.go: resumed with PTRACE_SYSCALL before it was known
			// to be filtered. The seccomp stop that follows, if the filter
			// selects the call, reports it.
			t.sc.atEntry = false
			return
		}
		if !tr.opts.Syscalls {
			return
		}
		ev := tr.event(EventSyscallEntry, t)
		ev.Nr, ev.Arch, ev.Args, ev.IP, ev.SP = info.Nr, info.Arch, info.Args, info.IP, info.SP
		t.sc.reported = true
		tr.deliver(ev)
	case ptrace.InfoExit:
		if info.Rval() == eintr && (t.answering || !t.stopEINTR) {
			switch tr.restartSyscall(t, info.Arch, 0) {
			case restarted:
				return // the program does not see this return
			case expired:
				info.Nr = uint64(timeoutArgs[sysabi.SyscallName(sysabi.Arch(info.Arch), t.nr)].expired)
				info.Args[0] = 0
				if int64(info.Nr) < 0 {
					info.Args[0] = 1
				}
			}
		}
		injected := tr.injectExit(t, &info) // inject.go
		tr.restoreArg(t)
		t.entryNs = 0
		if !tr.opts.Syscalls {
			t.inSyscall = false
			return
		}
		// seccomp.go: a filtered task reports the exits of the entries it
		// reported; an unfiltered one may have just installed the filter.
		if t.sc.filtered && !t.sc.reported {
			t.inSyscall = false
			return
		}
		t.sc.reported = false
		if tr.sc.raw != nil && !t.sc.filtered && info.Rval() == 0 {
			tr.noteInstall(t)
		}
		ev := tr.event(EventSyscallExit, t)
		if t.inSyscall {
			ev.Nr, ev.Arch, ev.Args = t.nr, t.arch, t.args
		} else {
			ev.Nr, ev.Arch = NoSyscall, info.Arch
		}
		t.inSyscall = false
		ev.IP, ev.SP = info.IP, info.SP
		ev.Injected = injected
		ev.Ret = info.Rval()
		if info.IsError() {
			ev.Errno = syscall.Errno(-ev.Ret)
		}
		tr.deliver(ev)
	}
}

func (tr *Tracer) signalStop(t *Task, sig int) {
	if t.stopEINTR && sig == int(syscall.SIGCONT) {
		// The end of a job-control stop: an EINTR from it is genuine.
		t.stopEINTR = false
	} else if !t.stopEINTR && tr.restartSyscall(t, tr.archOf(t), sig) == restarted {
		// A signal the program ignores woke its call (S21); it is
		// delivered (to no effect) and the call goes on.
		t.inSyscall = true
	} else {
		t.inSyscall = false
	}
	t.entryNs = 0
	t.sig = sig
	if t.detaching {
		return
	}
	var si ptrace.SigInfo
	tr.k.GetSigInfo(t.tid, &si)
	ev := tr.event(EventSignal, t)
	ev.Sig = syscall.Signal(sig)
	ev.SigInfo = &si
	tr.deliver(ev)
}

func isStopSignal(sig syscall.Signal) bool {
	switch sig {
	case syscall.SIGSTOP, syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU:
		return true
	}
	return false
}

// eventStop handles PTRACE_EVENT_STOP. It carries the stop signal while a
// group-stop is in effect and SIGTRAP otherwise (do_jobctl_trap).
// afterStop then listens (S6) or, when detaching, detaches with signal 0
// and the kernel re-enters the stop (S13).
func (tr *Tracer) eventStop(t *Task, sig syscall.Signal, first bool) {
	t.lateTrap = false
	if isStopSignal(sig) {
		// Group-stop (S6), or seizing a stopped process (S4).
		t.stopEINTR = true
		if !t.groupStopped {
			t.groupStopped = true
			if !t.detaching {
				ev := tr.event(EventGroupStop, t)
				ev.Sig = sig
				tr.deliver(ev)
			}
		}
		return
	}
	if t.groupStopped && !first {
		// The group-stop ended: SIGCONT arrived while listening (S7). The
		// SIGCONT's delivery-stop, with its sender, comes next.
		t.groupStopped = false
		ev := tr.event(EventContinued, t)
		ev.Sig = syscall.SIGCONT
		ev.SigInfo = tr.pendingSigcont(t)
		tr.deliver(ev)
	}
	// Otherwise an interrupt, the first stop of a seized or new task
	// (S19), or a spurious extra stop: nothing to report. A blocked call
	// that the tracer's interrupt made return EINTR is rewound (S21).
	// An interrupt sent while the task was already stopped traps late,
	// after it restarted: its call may have returned EINTR at once.
	if !t.groupStopped && (t.answering || !t.stopEINTR) {
		tr.restartSyscall(t, tr.archOf(t), 0)
	}
}

// archOf is the audit arch of the task's calls: from its last syscall
// stop, else the tracer's own.
func (tr *Tracer) archOf(t *Task) uint32 {
	if t.arch != 0 {
		return t.arch
	}
	var info ptrace.SyscallInfo
	if tr.k.GetSyscallInfo(t.tid, &info) == nil && info.Arch != 0 {
		return info.Arch
	}
	return uint32(sysabi.NativeArch())
}

// pendingSigcont finds the SIGCONT that ended a group-stop among the
// task's pending signals, without dequeuing it, to tell who sent it (S7).
// It is usually process-wide (kill), else the thread's own (tgkill).
func (tr *Tracer) pendingSigcont(t *Task) *ptrace.SigInfo {
	var buf [8]ptrace.SigInfo
	for _, shared := range []bool{true, false} {
		n, _ := tr.k.PeekSigInfo(t.tid, shared, buf[:])
		for i := 0; i < n; i++ {
			if buf[i].Signo == int32(syscall.SIGCONT) {
				si := buf[i]
				return &si
			}
		}
	}
	return nil
}

// ptraceEvent handles fork, clone, exec and exit events.
func (tr *Tracer) ptraceEvent(t *Task, evn int) {
	msg, err := tr.k.GetEventMsg(t.tid)
	if err != nil {
		return
	}
	switch evn {
	case ptrace.EventFork, ptrace.EventVfork, ptrace.EventClone:
		child := tr.tasks[int(msg)]
		kind := NewProcess
		if evn == ptrace.EventVfork {
			kind = NewVfork
		}
		if tr.early[int(msg)] {
			delete(tr.early, int(msg))
			if child == nil {
				return // adopted early, and already gone
			}
		} else if child == nil {
			pid := int(msg)
			if evn == ptrace.EventClone {
				if p, err := tr.k.Tgid(int(msg)); err == nil {
					pid = p
				}
			}
			child = tr.newTask(int(msg), pid)
			if t.detaching {
				child.detaching = true
			} else {
				tr.adopted(child)
			}
		}
		if t.sc.filtered {
			child.sc.filtered = true // inherited at the clone (seccomp.go)
		}
		if !child.Leader() {
			kind = NewThread
		}
		if !t.detaching && !child.unwanted {
			ev := tr.event(EventNewTask, t)
			ev.NewTid, ev.NewKind = child.tid, kind
			tr.deliver(ev)
		}
	case ptrace.EventExec:
		// S17: reported under the leader's tid; msg is the tid that called
		// execve. That thread becomes the leader; the old leader's task is
		// gone and will never report an exit.
		old := int(msg)
		if old != t.tid {
			if execer := tr.tasks[old]; execer != nil {
				delete(tr.tasks, old)
				execer.tid = t.tid
				execer.state = stopped
				execer.seenFirstStop = true
				execer.detaching = execer.detaching || t.detaching
				tr.tasks[t.tid] = execer
				t = execer
				tr.cur = t
			}
		}
		if !t.detaching {
			ev := tr.event(EventExec, t)
			ev.OldTid = old
			ev.Nr, ev.Arch, ev.Args = t.nr, t.arch, t.args
			tr.deliver(ev)
		}
	case ptrace.EventExit:
		// S18: even SIGKILL passes here; the task waits for us.
		t.exiting = true
		t.inSyscall = false
		if !t.detaching {
			ev := tr.event(EventExiting, t)
			ev.Status = ptrace.Status(msg)
			fillExit(ev)
			tr.deliver(ev)
		}
	}
}

func fillExit(ev *Event) {
	if ev.Status.Exited() {
		ev.ExitCode = ev.Status.ExitCode()
	} else {
		ev.Sig = ev.Status.TermSig()
		ev.Core = ev.Status.CoreDump()
	}
}

// gone handles a task's final wait status.
func (tr *Tracer) gone(t *Task, st ptrace.Status) {
	delete(tr.tasks, t.tid)
	dropSock(t)
	if t.unwanted {
		return
	}
	ev := tr.event(EventExit, t)
	ev.Status = st
	fillExit(ev)
	tr.deliver(ev)
}

// afterStop restarts, holds or detaches a task once its stop is handled.
func (tr *Tracer) afterStop(t *Task) {
	if tr.tasks[t.tid] != t || t.state != stopped {
		return // released by the handler
	}
	switch {
	case t.detaching:
		tr.detachNow(t)
	case t.hold:
		tr.announceHold(t)
	case t.groupStopped:
		tr.listen(t)
	case tr.delayed(t): // an injected delay (inject.go)
	default:
		tr.restart(t)
	}
}

func (tr *Tracer) announceHold(t *Task) {
	tr.deliver(tr.event(EventInterrupted, t))
}

func (tr *Tracer) restart(t *Task) {
	sig := t.sig
	t.sig = 0
	if t.restarting && (t.fix.active || t.sock.fd > 0) {
		tr.refreshTimeout(t) // S21: time held counts (restart.go)
	}
	var err error
	if tr.syscallStops(t) { // seccomp.go
		err = tr.k.Syscall(t.tid, sig)
	} else {
		err = tr.k.Cont(t.tid, sig)
	}
	// ESRCH: killed meanwhile (SIGKILL); its exit comes through wait.
	_ = err
	t.state = running
	if t.sock.fd > 0 && !t.restarting {
		// Past the restarted receive's entry stop: it reads the timeout
		// when it starts.
		restoreSock(t)
	}
}

func (tr *Tracer) listen(t *Task) {
	if err := tr.k.Listen(t.tid); err != nil {
		// Not in a group-stop after all (a SIGCONT raced in): run it.
		tr.restart(t)
		return
	}
	t.state = listening
}

// detachNow detaches a stopped task, passing the signal of a
// signal-delivery-stop so that it is not lost (S13, S14). At a group-stop
// it passes 0 and the kernel puts the task back in the stop.
func (tr *Tracer) detachNow(t *Task) {
	sig := t.sig
	t.sig = 0
	if t.restarting && (t.fix.active || t.sock.fd > 0) {
		tr.refreshTimeout(t) // S21: time held counts (restart.go)
	}
	if t.atEntry {
		tr.reenter(t)
	}
	tr.k.Detach(t.tid, sig)
	if t.sock.fd > 0 {
		restoreSock(t)
	}
	delete(tr.tasks, t.tid)
	if t.started && t.Leader() {
		tr.orphans++
	}
	if !t.unwanted {
		tr.deliver(tr.event(EventDetached, t))
	}
}

// detach releases t now if it is stopped, or interrupts it and releases it
// at its next stop (S13). Running tasks are interrupted all at once by the
// callers before any stop is collected (S14).
func (tr *Tracer) detach(t *Task) {
	t.detaching = true
	switch t.state {
	case stopped:
		if tr.inHandler(t) {
			return // afterStop detaches it
		}
		tr.detachNow(t)
	case listening, running:
		if !t.interrupting {
			tr.interrupt(t, 0)
		}
	}
}

// inHandler reports whether t's current stop is being handled, in which
// case afterStop will act on it.
func (tr *Tracer) inHandler(t *Task) bool { return tr.cur == t }

// releaseAll lets every task go in the state it is in, without stopping
// any (S12, S14). Tasks the tracer holds in a stop are detached with
// PTRACE_DETACH, passing the signal of a signal-delivery-stop. Every other
// task, running or listening, is released by the exit of the tracer
// thread: exit_ptrace unlinks each tracee where it is, puts a group-stopped
// one back in its stop, and wakes nothing else, so a task asleep in a
// system call stays in it, with no interrupt and no EINTR (S21); a stop
// the task reached meanwhile keeps its signal (ptrace_stop returns it).
// Interrupting everything first, as strace does, is not needed, and a
// vfork parent sleeping until its child execs cannot hold it up.
func (tr *Tracer) releaseAll(final bool) {
	if tr.linger(final) { // seccomp.go: filtered tasks cannot be let go
		return
	}
	for _, t := range tr.sortedTasks() {
		t.detaching = true
		if t.state == stopped && !tr.inHandler(t) {
			tr.detachNow(t)
		}
		// In the handler: afterStop detaches it.
	}
	tr.release = true
	tr.final = tr.final || final
	tr.releaseBy = time.Now().Add(time.Second)
	if tr.tid.Load() != 0 {
		time.AfterFunc(time.Second, func() {
			tr.pending.Store(true)
			wake.Thread(int(tr.tid.Load()))
		})
	}
}

// releaseDone reports whether the release can end the thread now. Stops
// already queued are handled first (a task that stopped meanwhile is
// detached there, its EINTR rewound), and so are the answers to
// interrupts in flight: left alone, such an interrupt would wake its task
// out of its call with EINTR when the thread exits. Then every task left,
// running or listening, is let go by the thread's exit.
func (tr *Tracer) releaseDone() bool {
	// The answers to interrupts first, each by its tid: Poll walks every
	// tracee to find a stopped one, and a release right after an attach
	// of 10,000 threads finds 10,000 such stops (O(n²) otherwise).
	var answers []int
	for tid, t := range tr.tasks {
		if t.inFlight() {
			answers = append(answers, tid)
		}
	}
	sort.Ints(answers)
	for _, tid := range answers {
		if pid, st, err := tr.k.PollPid(tid, waitFlags); err == nil && pid > 0 {
			tr.dispatch(pid, st)
		}
	}
	for {
		pid, st, err := tr.k.Poll(waitFlags)
		if err != nil || pid <= 0 {
			break
		}
		tr.dispatch(pid, st)
	}
	if time.Now().Before(tr.releaseBy) {
		for _, t := range tr.tasks {
			if t.inFlight() {
				return false
			}
		}
	}
	for _, t := range tr.sortedTasks() {
		delete(tr.tasks, t.tid)
		// A receive rewound but not yet back in its call would keep the
		// shortened timeout for good: put it back now (the call may wait
		// its whole timeout again, as after any detach).
		dropSock(t)
		if t.started && t.Leader() {
			tr.orphans++
		}
		if !t.unwanted {
			tr.deliver(tr.event(EventDetached, t))
		}
	}
	return true
}

func (tr *Tracer) sortedTasks() []*Task {
	ts := make([]*Task, 0, len(tr.tasks))
	for _, t := range tr.tasks {
		ts = append(ts, t)
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].tid < ts[j].tid })
	return ts
}

// Attach seizes every thread of each pid (S1, S5): the processes keep
// running, receive no signal, and their parents notice nothing. A stopped
// process stays stopped (S4).
//
// Attach does not hang (S22). A thread that exits meanwhile is skipped; a
// zombie leader is skipped and its live threads seized; a process that
// exits during the attach gives ErrNoSuchProcess, or the threads seized
// before it went, whose exits follow; a pid or tid reused meanwhile by
// another process is recognized (by a pidfd of the process and the
// thread's membership of it) and that process left untouched. A process
// that execs during the attach ends up traced as the new image under its
// pid; attach avoids the deadlock that seizing it can cause (see
// attach.go). Tasks attached are seized without PTRACE_O_TRACEEXIT,
// which is set at their first stop, normally before Attach returns (soon
// after, for a process of 64 threads or more): a task killed before that
// stop reports EventExit without EventExiting.
func (tr *Tracer) Attach(pids ...int) error {
	var current atomic.Int64
	run := func() error {
		tr.gaveUp.Store(false)
		for _, pid := range pids {
			current.Store(int64(pid))
			if err := tr.attach(pid); err != nil {
				return err
			}
		}
		return nil
	}
	if int64(unix.Gettid()) == tr.tid.Load() {
		return run() // from the Handler
	}
	res := make(chan error, 1)
	go func() {
		var err error
		if cerr := tr.call(func() { err = run() }); cerr != nil {
			err = cerr
		}
		res <- err
	}()
	// A seize the kernel holds up (ErrAttachBlocked) must not hold the
	// caller for good.
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-res:
			return err
		case <-tick.C:
			if since := tr.seizing.Load(); since != 0 && time.Duration(nowNs()-since) > AttachBlockedAfter {
				tr.gaveUp.Store(true)
				return &AttachError{Pid: int(current.Load()), Err: ErrAttachBlocked}
			}
		}
	}
}

func (tr *Tracer) attach(pid int) error {
	fail := func(err error) error { return &AttachError{Pid: pid, Err: err} }
	if pid <= 0 {
		return fail(ErrNoSuchProcess)
	}
	status, err := procStatus(pid)
	if err != nil {
		return fail(ErrNoSuchProcess)
	}
	tgid, _ := strconv.Atoi(status["Tgid"])
	if tgid == os.Getpid() {
		return fail(ErrSelf)
	}
	// TracerPid is the tracing thread's tid (task_pid_nr_ns in
	// fs/proc/array.c), ours being tr.tid; name the other tracer's process.
	if tp, _ := strconv.Atoi(status["TracerPid"]); tp != 0 && tp != int(tr.tid.Load()) {
		return fail(alreadyTraced(tp))
	}
	if _, flags, _, err := procStat(pid); err == nil && flags&0x00200000 != 0 { // PF_KTHREAD
		return fail(ErrKernelThread)
	}
	return tr.seizeProcess(pid, tgid) // attach.go
}

// abandon detaches tasks seized by a failed attach.
func (tr *Tracer) abandon(ts []*Task) {
	for _, t := range ts {
		t.detaching = true
		t.unwanted = true
	}
}

// Interrupt stops a task at its next stop of any kind (S2, S3) and holds
// it there; an EventInterrupted tells when. Resume releases it.
func (tr *Tracer) Interrupt(tid int) error {
	var err error
	if cerr := tr.call(func() {
		t := tr.tasks[tid]
		if t == nil {
			err = ErrNoSuchProcess
			return
		}
		t.hold = true
		if t.state != stopped && !t.interrupting {
			err = tr.interrupt(t, 0)
		}
		tr.holdDelayed(t) // inject.go
	}); cerr != nil {
		return cerr
	}
	return err
}

// Resume releases a task held by Interrupt. A task in a group-stop goes
// back to listening: it stays stopped until SIGCONT.
func (tr *Tracer) Resume(tid int) error {
	var err error
	if cerr := tr.call(func() {
		t := tr.tasks[tid]
		if t == nil {
			err = ErrNoSuchProcess
			return
		}
		t.hold = false
		if t.state == stopped && !tr.inHandler(t) {
			tr.afterStop(t)
		}
	}); cerr != nil {
		return cerr
	}
	return err
}

// Detach releases one task in the state it is in (S12): stopped stays
// stopped, running runs, a task asleep in a syscall stays in it. A running
// task is released at its next stop, which comes quickly. A task under
// the Options.Seccomp filter cannot be released: ErrFiltered.
func (tr *Tracer) Detach(tid int) error {
	var err error
	if cerr := tr.call(func() {
		t := tr.tasks[tid]
		if t == nil {
			err = ErrNoSuchProcess
			return
		}
		if t.sc.filtered {
			err = ErrFiltered // seccomp.go
			return
		}
		tr.detach(t)
	}); cerr != nil {
		return cerr
	}
	return err
}

// DetachAll releases every task in the state it is in, without stopping
// any of them (see releaseAll), and returns once they are untraced. The
// tracer stays usable. From inside the Handler it only schedules the
// release. While a task runs under the Options.Seccomp filter it releases
// nothing and returns ErrFiltered.
func (tr *Tracer) DetachAll() error { return tr.releaseWait(false) }

func (tr *Tracer) releaseWait(final bool) error {
	gone := make(chan struct{})
	inHandler := int64(unix.Gettid()) == tr.tid.Load()
	var refused error
	err := tr.call(func() {
		if !final && tr.anyFiltered() {
			refused = ErrFiltered // seccomp.go: DetachAll refuses, Close lingers
			return
		}
		tr.releaseAll(final)
		tr.released = append(tr.released, gone)
	})
	if err == nil {
		err = refused
	}
	if err != nil || inHandler {
		return err
	}
	<-gone
	return nil
}

// waiter returns a channel closed once the tracer has no tasks left.
func (tr *Tracer) waiter() (chan struct{}, error) {
	w := make(chan struct{})
	err := tr.call(func() {
		if len(tr.tasks) == 0 {
			close(w)
			return
		}
		tr.waiters = append(tr.waiters, w)
	})
	return w, err
}

// Wait blocks until the tracer has no tasks left: they exited or were
// detached. It returns the first error of the tracer (a handler panic).
func (tr *Tracer) Wait() error {
	w, err := tr.waiter()
	if err != nil {
		return err
	}
	<-w
	return tr.err
}

// Close releases every task as DetachAll does and ends the tracer.
// Processes the tracer started keep running; the tracer reaps those that
// already exited, and the others become children of another thread of
// this process. From inside the Handler it only schedules the release.
// Tasks under the Options.Seccomp filter cannot be released: Close stops
// calling the Handler, keeps resuming them until they exit, and returns
// then (seccomp.go).
func (tr *Tracer) Close() error {
	select {
	case <-tr.done:
		return tr.err
	default:
	}
	if err := tr.releaseWait(true); err != nil && err != ErrClosed {
		return err
	}
	return tr.err
}

// Tasks returns the tids of the traced tasks.
func (tr *Tracer) Tasks() []int {
	var tids []int
	tr.call(func() {
		for _, t := range tr.sortedTasks() {
			tids = append(tids, t.tid)
		}
	})
	return tids
}
