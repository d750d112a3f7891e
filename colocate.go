package seize

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// Co-location (SPEC §6, issue 5). A stop costs ~5 µs when the tracer and
// its tracee share a CPU and several times that when they wake each other
// across CPUs: on a VM an idle vCPU halts, and each wake-up is an IPI to a
// halted vCPU. Moving the tracee would be visible to the program
// (sched_getaffinity, nproc, GOMAXPROCS), so only the tracer thread moves,
// and two settings of its own make the kernel keep the pair together:
//
//   - it pins itself to the CPU the tracee runs on (its own affinity);
//   - it runs as SCHED_IDLE. A CPU whose only runnable tasks are
//     SCHED_IDLE counts as idle when the kernel places a waking task
//     (sched_idle_cpu in select_idle_sibling), so the tracee, restarted by
//     the tracer, wakes on the tracer's CPU rather than on the halted one,
//     and a non-idle task preempts an idle one at once
//     (check_preempt_wakeup_fair): the tracee runs, stops, and the tracer
//     runs again, with no cross-CPU wake-up either way. Pinning alone does
//     not do it (SPEC §6): the restarted tracee goes to the idle CPU.
//
// SCHED_IDLE starves when the CPU has other work: beside a CPU hog a stop
// took 2 ms instead of 10 µs. So the thread moves only while it pays and
// is safe, decided once per window of 10 ms:
//   - stops come fast (10,000 a second) and almost all from one task (a
//     single thread's hot loop; several busy threads do not fit one CPU);
//   - nothing waits for a CPU: the thread itself, with its normal policy,
//     hardly waited (run_delay in /proc/thread-self/schedstat), and no
//     other task did (the "some" total of /proc/pressure/cpu, when there);
//   - once placed, it waits for its CPU only while its tracee runs; if it
//     waited much longer than the tracee ran (the tracee's schedstat),
//     something else holds the CPU: it takes its own policy and affinity
//     back and tries again only after a backoff (0.1 s, doubling to 10 s).
//     The check runs on the thread itself: a starved SCHED_IDLE thread
//     still gets a slice every few ms, and a placed thread checks the
//     clock at every stop.
//
// The restarted tracee may still land on the other CPU (another task was
// runnable on the tracer's at that moment); then its stops are no longer
// there at the first poll after a restart, and the thread moves to the
// tracee's CPU again (at most once a millisecond).
type colo struct {
	enabled bool // Options.NoColocate not set, and the kernel has schedstat
	cpu     int  // the CPU the thread is pinned to; -1 when not placed
	follow  int  // the task it is placed next to

	// The thread's own settings, restored when it stops co-locating.
	mask    unix.CPUSet
	attr    unix.SchedAttr
	haveOld bool

	// The current window.
	winStart int64
	stops    int // stops in the window
	same     int // ... by the same task as the stop before
	last     int // tid of the last stop

	misses   int   // consecutive restarts whose stop was not at the first poll
	lastMove int64 // when the thread last checked where its tracee runs
	offUntil int64 // no placement before this (backoff)
	backoff  int64

	selfStat   *os.File // /proc/thread-self/schedstat
	taskStat   *os.File // the followed task's schedstat
	taskCPU    *os.File // the followed task's stat, for its CPU
	pressure   *os.File // /proc/pressure/cpu
	noPressure bool     // ... is absent (no PSI)
	delay0     uint64   // the thread's run_delay at the window's start
	exec0      uint64   // the followed task's time on a CPU, same
	stall0     uint64   // the "some" CPU pressure total (µs), same
	haveDelay  bool
	haveStall  bool
	statBuf    [1024]byte

	placements int // times the thread moved next to a tracee
	retreats   int // times it left because of contention
	// ignorePressure places the thread even when tasks wait for a CPU (for
	// tests of what placement does, on a busy machine).
	ignorePressure bool
}

const (
	coloWindow     = 10_000_000 // ns
	coloMinStops   = 100        // per window: 10,000 stops a second
	coloSameShare  = 0.9
	coloMinBackoff = 100_000_000    // ns
	coloMaxBackoff = 10_000_000_000 // ns
	coloMissLimit  = 4
	coloMoveEvery  = 1_000_000 // ns
)

func (c *colo) init(enabled bool) {
	c.enabled = enabled
	c.cpu = -1
	c.backoff = coloMinBackoff
}

// stop counts a stop of tid; at the end of a window it decides whether the
// thread should be next to tid.
func (c *colo) stop(tid int) {
	if !c.enabled {
		return
	}
	c.stops++
	if tid == c.last {
		c.same++
	}
	c.last = tid
	if c.stops&7 != 0 && c.cpu < 0 {
		return // a placed thread checks at every stop: starved, few come
	}
	if now := monotonicNs(); now-c.winStart >= coloWindow {
		c.endWindow(now)
	}
}

// polled tells whether the first poll after a restart found a stop: next to
// its tracee the tracer only runs again once the tracee has stopped.
func (c *colo) polled(found bool) {
	if c.cpu < 0 {
		return
	}
	if found {
		c.misses = 0
		return
	}
	if c.misses++; c.misses < coloMissLimit {
		return
	}
	if now := monotonicNs(); now-c.lastMove >= coloMoveEvery {
		c.lastMove = now
		c.misses = 0
		if cpu := c.followCPU(); cpu >= 0 && cpu != c.cpu {
			c.pin(cpu)
		}
	}
}

func (c *colo) endWindow(now int64) {
	span := now - c.winStart
	busy := c.stops >= coloMinStops && c.stops*coloWindow >= coloMinStops*int(span) &&
		float64(c.same) >= coloSameShare*float64(c.stops)
	if busy && c.selfStat == nil {
		f, err := os.Open("/proc/thread-self/schedstat")
		if err != nil {
			c.enabled = false // no CONFIG_SCHED_INFO: no way to see contention
			return
		}
		c.selfStat = f
	}
	delay, ok := c.readStat(c.selfStat, 1)
	waited := int64(delay - c.delay0) // for a CPU, during the window
	stall, stallOK := c.readPressure()
	pressure := int64(stall-c.stall0) * 1000 // ns some task waited for a CPU
	switch {
	case c.cpu >= 0 && (!ok || c.contended(span, waited)):
		c.release()
		c.retreats++
		c.offUntil = now + c.backoff
		c.backoff = min(2*c.backoff, coloMaxBackoff)
	case c.cpu >= 0 && !busy:
		c.release()
	case c.cpu >= 0 && c.last != c.follow:
		c.place(c.last) // another task took over (a child, a thread)
	case c.cpu >= 0:
		c.backoff = max(c.backoff/2, coloMinBackoff)
	case busy && now >= c.offUntil && (c.ignorePressure ||
		ok && c.haveDelay && waited*5 <= span && (!stallOK || !c.haveStall || pressure*10 <= span)):
		// Nothing else wants the CPUs: neither this thread, with its
		// normal policy, nor any task (PSI, when the kernel has it)
		// waited for one. SCHED_IDLE will not starve it.
		c.place(c.last)
	}
	c.winStart, c.stops, c.same = monotonicNs(), 0, 0
	c.delay0, c.haveDelay = delay, ok
	c.stall0, c.haveStall = stall, stallOK
	if c.cpu >= 0 {
		c.delay0, c.haveDelay = c.readStat(c.selfStat, 1)
		c.exec0, _ = c.readStat(c.taskStat, 0)
	}
}

// contended reports whether the placed thread waited for its CPU much
// longer than its tracee ran during the window.
func (c *colo) contended(span, waited int64) bool {
	exec, ok := c.readStat(c.taskStat, 0)
	if !ok {
		return true // the task is gone: stop here
	}
	return (waited-int64(exec-c.exec0))*5 > span
}

// place moves the thread next to tid.
func (c *colo) place(tid int) {
	if !c.haveOld {
		if unix.SchedGetaffinity(0, &c.mask) != nil {
			return
		}
		a, err := unix.SchedGetAttr(0, 0)
		if err != nil || (a.Policy != unix.SCHED_NORMAL && a.Policy != unix.SCHED_BATCH) || !canLeaveIdle(int(a.Nice)) {
			c.enabled = false // real-time or deadline, or no way back
			return
		}
		c.attr = *a
		c.haveOld = true
	}
	if c.selfStat == nil {
		return // endWindow opens it
	}
	if c.follow != tid {
		c.closeTask()
	}
	if c.taskStat == nil {
		// The thread's own files: /proc/TID/stat sums over the whole
		// thread group (see procStat).
		t := strconv.Itoa(tid)
		dir := "/proc/" + t + "/task/" + t
		f, err := os.Open(dir + "/schedstat")
		if err != nil {
			return
		}
		g, err := os.Open(dir + "/stat")
		if err != nil {
			f.Close()
			return
		}
		c.taskStat, c.taskCPU = f, g
	}
	c.follow = tid
	cpu := c.followCPU()
	if cpu < 0 || !c.mask.IsSet(cpu) {
		return
	}
	if c.cpu >= 0 {
		c.pin(cpu)
		return
	}
	if c.pin(cpu); c.cpu < 0 {
		return
	}
	// SCHED_RESET_ON_FORK: a process Start forks from this thread gets the
	// normal policy back (and Start releases the affinity first).
	idle := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_IDLE, Flags: unix.SCHED_FLAG_RESET_ON_FORK}
	if unix.SchedSetAttr(0, &idle, 0) != nil {
		c.release()
		c.enabled = false
		return
	}
	c.placements++
}

// canLeaveIdle reports whether the thread, once SCHED_IDLE, may return to
// its normal policy at nice: the kernel treats SCHED_IDLE as nice 20 and
// allows the way back only within RLIMIT_NICE or with CAP_SYS_NICE
// (__sched_setscheduler: can_nice). Without either, a thread that went
// idle would stay idle, starving under contention.
func canLeaveIdle(nice int) bool {
	var r unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NICE, &r) == nil && r.Cur >= uint64(20-nice) {
		return true
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	return unix.Capget(&hdr, &data[0]) == nil && data[0].Effective&(1<<unix.CAP_SYS_NICE) != 0
}

func (c *colo) pin(cpu int) {
	var one unix.CPUSet
	one.Set(cpu)
	if unix.SchedSetaffinity(0, &one) == nil {
		c.cpu = cpu
	}
}

// release gives the thread its own policy and affinity back.
func (c *colo) release() {
	if c.cpu >= 0 && c.haveOld {
		old := c.attr
		old.Size = unix.SizeofSchedAttr
		unix.SchedSetAttr(0, &old, 0)
		unix.SchedSetaffinity(0, &c.mask)
	}
	c.cpu = -1
	c.misses = 0
	c.closeTask()
}

func (c *colo) closeTask() {
	if c.taskStat != nil {
		c.taskStat.Close()
		c.taskCPU.Close()
		c.taskStat, c.taskCPU = nil, nil
	}
}

// followCPU is the CPU the followed task last ran on, field 39 of its
// /proc/TID/stat (kept open: a read costs a few µs, an open more).
func (c *colo) followCPU() int {
	if c.taskCPU == nil {
		return -1
	}
	n, err := c.taskCPU.ReadAt(c.statBuf[:], 0)
	if n == 0 && err != nil {
		return -1
	}
	b := c.statBuf[:n]
	// comm may hold spaces and parentheses: fields start after the last ')'.
	i := len(b) - 1
	for i >= 0 && b[i] != ')' {
		i--
	}
	if i < 0 {
		return -1
	}
	b = b[i+1:]
	for field := 2; field < 39; field++ { // b starts with the space before field 3
		for len(b) > 0 && b[0] == ' ' {
			b = b[1:]
		}
		if field == 38 {
			break
		}
		for len(b) > 0 && b[0] != ' ' {
			b = b[1:]
		}
	}
	cpu, ok := 0, false
	for len(b) > 0 && b[0] >= '0' && b[0] <= '9' {
		cpu = cpu*10 + int(b[0]-'0')
		b = b[1:]
		ok = true
	}
	if !ok {
		return -1
	}
	return cpu
}

// close releases the thread and closes the files (the thread ends, or a
// new one takes over).
func (c *colo) close() {
	c.release()
	if c.selfStat != nil {
		c.selfStat.Close()
		c.selfStat = nil
	}
	if c.pressure != nil {
		c.pressure.Close()
		c.pressure = nil
	}
	c.haveOld, c.haveDelay, c.haveStall = false, false, false
}

// readPressure returns the "some" total of /proc/pressure/cpu: how long,
// in µs, at least one task waited for a CPU.
func (c *colo) readPressure() (uint64, bool) {
	if c.pressure == nil {
		if c.noPressure {
			return 0, false
		}
		f, err := os.Open("/proc/pressure/cpu")
		if err != nil {
			c.noPressure = true
			return 0, false
		}
		c.pressure = f
	}
	n, err := c.pressure.ReadAt(c.statBuf[:], 0)
	if n == 0 && err != nil {
		return 0, false
	}
	b := c.statBuf[:n]
	const key = "total="
	for i := 0; i+len(key) <= len(b) && b[i] != '\n'; i++ {
		if string(b[i:i+len(key)]) != key {
			continue
		}
		var v uint64
		ok := false
		for _, d := range b[i+len(key):] {
			if d < '0' || d > '9' {
				break
			}
			v, ok = v*10+uint64(d-'0'), true
		}
		return v, ok
	}
	return 0, false
}

// readStat returns field i (0: time on the CPU, 1: time waiting for one)
// of a schedstat file.
func (c *colo) readStat(f *os.File, i int) (uint64, bool) {
	if f == nil {
		return 0, false
	}
	n, err := f.ReadAt(c.statBuf[:], 0)
	if n == 0 && err != nil {
		return 0, false
	}
	b := c.statBuf[:n]
	for ; i > 0; i-- {
		for len(b) > 0 && b[0] != ' ' {
			b = b[1:]
		}
		for len(b) > 0 && b[0] == ' ' {
			b = b[1:]
		}
	}
	var v uint64
	ok := false
	for len(b) > 0 && b[0] >= '0' && b[0] <= '9' {
		v = v*10 + uint64(b[0]-'0')
		b = b[1:]
		ok = true
	}
	return v, ok
}
