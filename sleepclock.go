package seize

import (
	"strconv"

	"golang.org/x/sys/unix"
)

// When did a sleeping call start? (S21)
//
// A call the tracer interrupts, and then restarts, must not return before
// its timeout would have run out untraced. For a call whose start the
// tracer did not see (it attached, or does not stop at calls) the
// scheduler keeps a record: se.exec_start in /proc/TID/sched, set when the
// task was last dequeued, that is when it went to sleep in the call. It is
// on the clock_task of the CPU the task ran on, which leaves out that
// CPU's irq and steal time: the CPUs' clocks differ (by seconds on a VM)
// and each drifts from CLOCK_MONOTONIC. And a sleeping task can be moved
// to another CPU, so the CPU it last ran on does not say which clock the
// record is on.
//
// So the engine measures every CPU the task may run on: the tracer thread
// moves itself for a moment to each (its own affinity only: the tracee
// sees nothing), refreshes its own exec_start (sched_yield updates the
// running task's record) and compares it with CLOCK_MONOTONIC. Each CPU's
// offset gives a candidate time in the past; the latest candidate that is
// not in the future is taken. Every error goes one way, towards a later
// start and so a later return, never an earlier one:
//   - the tracer's record can only lag its clock (the offset comes out
//     smaller, the candidate later);
//   - offsets are measured after the task's record was read: clock_task
//     falls behind CLOCK_MONOTONIC over time, so a later offset is smaller;
//   - a candidate on the wrong CPU's clock is either in the future
//     (discarded) or later than the true one (it is the maximum).
// The price is lateness where the wrong candidate wins: at most the
// difference of two CPUs' offsets, and only for calls that slept longer
// than it. Without /proc/TID/sched (no CONFIG_SCHED_DEBUG) the start is
// unknown and a restarted call waits its whole timeout again.

// sleepRecord is what readSleep noted of a sleeping task.
type sleepRecord struct {
	es   int64       // se.exec_start, ns on some CPU's clock_task; 0 if unknown
	read int64       // monotonicNs when it was read
	cpus unix.CPUSet // the CPUs the task may run on
}

func (r *sleepRecord) known() bool { return r.es != 0 }

// readSleep notes a sleeping task's scheduler record, before an interrupt
// wakes it.
func readSleep(tid int) sleepRecord {
	var r sleepRecord
	if unix.SchedGetaffinity(tid, &r.cpus) != nil {
		return sleepRecord{}
	}
	var buf [procBufSize]byte
	es, ok := schedExecStart(unix.AT_FDCWD, "/proc/"+strconv.Itoa(tid)+"/sched", buf[:])
	if !ok || es == 0 {
		return sleepRecord{}
	}
	r.es, r.read = es, monotonicNs()
	return r
}

// cpuClocks caches each CPU's clock_task - monotonicNs offset, with the
// time it was measured: an offset serves only records read before it.
type cpuClocks struct {
	off map[int]int64
	at  map[int]int64
}

// sleepStart is, on the monotonicNs clock, the latest possible time the
// task of r went to sleep (negative if before this process started; never
// 0); ok is false if unknown.
func (c *cpuClocks) sleepStart(r sleepRecord) (at int64, ok bool) {
	if !r.known() || !c.measure(&r) {
		return 0, false
	}
	now := monotonicNs()
	for cpu := 0; cpu < len(r.cpus)*64; cpu++ {
		if !r.cpus.IsSet(cpu) {
			continue
		}
		if cand := r.es - c.off[cpu]; cand <= now && (!ok || cand > at) {
			at, ok = cand, true
		}
	}
	if ok && at == 0 {
		at = 1
	}
	return at, ok
}

// measure makes sure every CPU of r has an offset measured after r was
// read. It fails if the tracer thread may not run on one of them.
func (c *cpuClocks) measure(r *sleepRecord) bool {
	if c.off == nil {
		c.off, c.at = make(map[int]int64), make(map[int]int64)
	}
	var old unix.CPUSet
	var buf [procBufSize]byte
	moved := false
	ok := true
	for cpu := 0; cpu < len(r.cpus)*64 && ok; cpu++ {
		if !r.cpus.IsSet(cpu) || c.at[cpu] > r.read {
			continue
		}
		if !moved {
			if unix.SchedGetaffinity(0, &old) != nil {
				return false
			}
			moved = true
		}
		var one unix.CPUSet
		one.Set(cpu)
		at := monotonicNs()
		if unix.SchedSetaffinity(0, &one) != nil {
			ok = false
			break
		}
		// A yield makes the scheduler update the running task's record
		// (pick_task_fair: update_curr), which otherwise lags up to a tick.
		unix.Syscall(unix.SYS_SCHED_YIELD, 0, 0, 0)
		ours, good := schedExecStart(unix.AT_FDCWD, "/proc/thread-self/sched", buf[:])
		if !good {
			ok = false
			break
		}
		c.off[cpu], c.at[cpu] = ours-monotonicNs(), at
	}
	if moved {
		unix.SchedSetaffinity(0, &old)
	}
	return ok
}
