package seize

import (
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/seize-dev/seize/internal/ptrace"
)

// Attaching to many threads (issue 5: 10,000 threads in 150 ms).
//
// Per thread, attach costs a PTRACE_SEIZE (about 1.5 µs), a tgkill of
// signal 0 that checks the thread group (seized1) and a PTRACE_INTERRUPT
// (5 to 10 µs, most of it waking the thread): the same as strace. What it
// used to read from /proc per thread, 30 to 80 µs, it now reads for a few
// threads only:
//
//   - S21's record of when a sleeping thread went to sleep (its stat for
//     the state, its sched, its CPU mask; sleepclock.go) is read for the
//     first estimateLimit threads it seizes; the CPUs' clocks are measured
//     once for all of them, at the first restart that needs them. A timed
//     call of a later thread that the attach's interrupt makes return
//     EINTR is rewound with its whole timeout: it returns late by as long
//     as it had slept before the attach, never early (the bound S21 gives
//     when the start of a call is unknown).
//   - whether a thread is already in a ptrace stop when it is interrupted
//     (lateTrap) is known only for those threads. The others are taken
//     as not: a thread stopped at the seize (group-stop) traps with
//     PTRACE_EVENT_STOP first, which clears lateTrap anyway (eventStop),
//     and one that reached a ptrace event in the microsecond between its
//     seize and its interrupt is missed, as the per-thread path misses
//     one that reaches it between its stat read and its interrupt.
//
// The interrupt stops then come all at once, and wait4(-1) finds each by
// walking every tracee of the thread (do_wait → ptrace_do_wait): 10,000
// stops over 10,000 tracees took seconds. The tracer collects them, and
// the stop that follows each restart, by tid instead (stopBurst).

// estimateLimit is how many threads of one attach get S21's sleep
// estimate: 128 × 30 to 50 µs ≈ 5 ms.
const estimateLimit = 128

// interruptSeized interrupts a task that the attach has just seized.
func (a *attachment) interruptSeized(t *Task) {
	tr := a.tr
	if !tr.opts.KeepEINTR && a.noted < estimateLimit && a.dirfd >= 0 {
		a.noted++
		state, rec := a.noteSleep(t)
		tr.interruptNoted(t, state, rec)
		return
	}
	// Unknown: interrupt must not read.
	tr.interrupt(t, '?')
}

// noteSleep reads the state of a task about to be interrupted and, if it
// is asleep, the scheduler's record of when it went to sleep. It returns
// the state, 0 if unknown.
func (a *attachment) noteSleep(t *Task) (byte, sleepRecord) {
	if a.buf == nil {
		a.buf = make([]byte, procBufSize)
	}
	name := strconv.Itoa(t.tid)
	b, err := readProc(a.dirfd, name+"/stat", a.buf)
	if err != nil {
		return 0, sleepRecord{}
	}
	state, _, ok := statFields(b)
	if !ok || state != 'S' {
		return state, sleepRecord{}
	}
	var r sleepRecord
	if unix.SchedGetaffinity(t.tid, &r.cpus) != nil {
		return state, sleepRecord{}
	}
	es, ok := schedExecStart(a.dirfd, name+"/sched", a.buf)
	if !ok || es == 0 {
		return state, sleepRecord{}
	}
	r.es, r.read = es, monotonicNs()
	return state, r
}

// stopBurst holds the tasks of a large attach, whose stops come all at
// once: the tracer polls each by tid (wait4(tid) is O(1), do_wait_pid)
// before it waits for any. Each task is polled for burstStops stops (its
// interrupt's, and the first after its restart, which for a thread
// asleep in a call is that call's entry) and dropped after burstMisses
// polls that found nothing, so that the polling ends by itself.
type stopBurst struct {
	tids []int
	left []int8 // stops still expected
	miss []int8 // polls that found none
	next int
}

const (
	burstMin    = 64 // smaller attaches leave their stops to wait4(-1)
	burstStops  = 2
	burstMisses = 2
)

// startBurst polls the tasks an attach seized, in the order it
// interrupted them.
func (tr *Tracer) startBurst(ts []*Task) {
	if len(ts) < burstMin {
		return
	}
	b := &tr.burst
	b.compact() // what an earlier burst left, its tasks polled enough
	for _, t := range ts {
		if tr.tasks[t.tid] == t {
			b.tids = append(b.tids, t.tid)
			b.left = append(b.left, burstStops)
			b.miss = append(b.miss, 0)
		}
	}
}

// pollBurst returns a stop of the burst's tasks, if one is ready; it
// polls each task at most once.
func (tr *Tracer) pollBurst() (int, ptrace.Status, bool) {
	b := &tr.burst
	for tries := len(b.tids); tries > 0; tries-- {
		if b.next >= len(b.tids) {
			b.compact()
			if len(b.tids) == 0 {
				break
			}
		}
		i := b.next
		b.next++
		pid, st, err := tr.k.PollPid(b.tids[i], waitFlags)
		switch {
		case err != nil: // not a tracee of this thread any more
			b.left[i] = 0
		case pid > 0:
			b.left[i]--
			b.miss[i] = 0
			if !st.Stopped() {
				b.left[i] = 0
			}
			return pid, st, true
		default:
			if b.miss[i]++; b.miss[i] >= burstMisses {
				b.left[i] = 0
			}
		}
	}
	return 0, 0, false
}

// compact drops the tasks polled enough and starts a new pass.
func (b *stopBurst) compact() {
	n := 0
	for i, tid := range b.tids {
		if b.left[i] > 0 {
			b.tids[n], b.left[n], b.miss[n] = tid, b.left[i], b.miss[i]
			n++
		}
	}
	b.tids, b.left, b.miss = b.tids[:n], b.left[:n], b.miss[:n]
	if n == 0 {
		b.tids, b.left, b.miss = nil, nil, nil
	}
	b.next = 0
}
