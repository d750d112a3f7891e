package seize

import (
	"strconv"

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
//   - S21's estimate of when a sleeping thread went to sleep needs three
//     reads per thread (its stat, its sched, its stat again to see that
//     it did not move). An attach makes it for the first estimateLimit
//     threads it seizes, and compares them with the scheduler's clock of
//     each CPU once per listing (settleSleep), not once per thread. A
//     timed call of a later thread that the attach's interrupt makes
//     return EINTR is rewound with its whole timeout: it returns late by
//     as long as it had slept before the attach, never early (the bound
//     S21 gives when the start of a call is unknown).
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

// sleepNote is when a task went to sleep, on the clock of a CPU.
type sleepNote struct {
	t    *Task
	cpu  int
	exec int64 // se.exec_start, ns of cpu's clock_task
}

// interruptSeized interrupts a task that the attach has just seized.
func (a *attachment) interruptSeized(t *Task) {
	tr := a.tr
	var state byte
	if !tr.opts.KeepEINTR && a.noted < estimateLimit && a.dirfd >= 0 {
		a.noted++
		state = a.noteSleep(t)
	}
	if state == 0 || state == 'S' {
		// Asleep (and noted), or unknown: interrupt must not read.
		state = '?'
	}
	tr.interrupt(t, state)
}

// noteSleep reads the state of a task about to be interrupted and, if it
// is asleep, notes when it went to sleep (see sleptAt) for settleSleep.
// It returns the state, 0 if unknown.
func (a *attachment) noteSleep(t *Task) byte {
	if a.buf == nil {
		a.buf = make([]byte, procBufSize)
	}
	name := strconv.Itoa(t.tid)
	b, err := readProc(a.dirfd, name+"/stat", a.buf)
	if err != nil {
		return 0
	}
	state, cpu, ok := statFields(b)
	if !ok || state != 'S' {
		return state
	}
	exec, ok := schedExecStart(a.dirfd, name+"/sched", a.buf)
	if !ok {
		return state
	}
	// It did not run meanwhile: exec_start is from that CPU's clock.
	if b, err = readProc(a.dirfd, name+"/stat", a.buf); err != nil {
		return state
	}
	if st, cpu2, ok := statFields(b); !ok || st != 'S' || cpu2 != cpu {
		return state
	}
	a.notes = append(a.notes, sleepNote{t: t, cpu: cpu, exec: exec})
	return state
}

// settleSleep turns the notes of one listing into call start times,
// measuring each CPU's clock once, after every note (so that the
// estimates err late, as sleptAt's). No stop of these tasks has been
// handled yet: the tracer thread is still attaching.
func (a *attachment) settleSleep() {
	if len(a.notes) == 0 {
		return
	}
	type offset struct {
		ns int64
		ok bool
	}
	offs := make(map[int]offset)
	for _, n := range a.notes {
		o, seen := offs[n.cpu]
		if !seen {
			o.ns, o.ok = cpuClockOffset(n.cpu, a.buf)
			offs[n.cpu] = o
		}
		t := n.t
		if !o.ok || a.tr.tasks[t.tid] != t || t.entryNs != 0 || t.restartedCall {
			continue
		}
		s := min(n.exec+o.ns, monotonicNs())
		if s == 0 {
			s = -1 // 0 means unknown
		}
		t.callStart = s
	}
	a.notes = a.notes[:0]
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
