package main

// System CPU time of a call, for -c and -C without -w.
//
// strace measures it with the rusage that wait4 returns at each stop:
// ru_stime of the whole thread group (the kernel's wait_task_stopped calls
// getrusage(p, RUSAGE_BOTH)), sampled by ticks and shared by every thread.
// seize reads the stopped thread's own CPU clock instead: the first field
// of /proc/TID/schedstat is the thread's sum_exec_runtime in nanoseconds,
// final while the thread is stopped. Between a call's entry stop and its
// exit stop the thread runs only in the kernel, so the difference is the
// call's system time, per thread and to the nanosecond. (A thread CPU-time
// clock id, (~tid<<3)|6, would be cheaper, but the kernel's lookup_task
// only accepts it for threads of the caller's own process.)
//
// A task keeps its file open (up to maxOpenClocks of them, so that a
// program with thousands of threads does not exhaust seize's descriptors;
// the others open and close it at each sample); a stop costs one pread.
// Without
// schedstat (CONFIG_SCHED_INFO off: it reads "0 0 0"), the stime field of
// /proc/TID/stat, in clock ticks, is used instead.

import (
	"bytes"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// userHZ is the unit of /proc/TID/stat's times (USER_HZ, sysconf's
// _SC_CLK_TCK): 100 on every Linux architecture seize supports.
const userHZ = 100

// maxOpenClocks is how many tasks keep their CPU clock file open.
const maxOpenClocks = 256

// openClocks counts the open clock files. Only the tracer thread's
// handler touches it (under printer.mu).
var openClocks int

// cpuClock reads one task's CPU time.
type cpuClock struct {
	fd    int  // /proc/TID/schedstat or /proc/TID/stat, or -1
	ticks bool // fd is /proc/TID/stat: system time in ticks
	tid   int  // the tid fd was opened for
	buf   [512]byte
}

// newCPUClock returns a closed clock.
func newCPUClock() cpuClock { return cpuClock{fd: -1} }

// read returns tid's CPU time; false when it cannot be read (the task is
// gone).
func (c *cpuClock) read(tid int) (time.Duration, bool) {
	for try := 0; try < 2; try++ {
		if c.fd < 0 || c.tid != tid {
			if !c.open(tid) {
				return 0, false
			}
		}
		d, ok := c.sample()
		if ok && openClocks > maxOpenClocks {
			c.close() // over the cap: open it again next time
		}
		if ok {
			return d, true
		}
		// After an execve by a non-leader thread the task carries the
		// leader's tid and the old file reads ESRCH: reopen.
		c.close()
	}
	return 0, false
}

func (c *cpuClock) open(tid int) bool {
	c.close()
	dir := "/proc/" + strconv.Itoa(tid) + "/"
	fd, err := unix.Open(dir+"schedstat", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err == nil {
		openClocks++
		c.fd, c.tid, c.ticks = fd, tid, false
		if n, err := unix.Pread(fd, c.buf[:], 0); err == nil && !bytes.HasPrefix(c.buf[:n], []byte("0 0 0")) {
			return true
		}
		c.close()
	}
	fd, err = unix.Open(dir+"stat", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	openClocks++
	c.fd, c.tid, c.ticks = fd, tid, true
	return true
}

// sample reads the open file.
func (c *cpuClock) sample() (time.Duration, bool) {
	n, err := unix.Pread(c.fd, c.buf[:], 0)
	if err != nil || n <= 0 {
		return 0, false
	}
	b := c.buf[:n]
	if !c.ticks {
		ns, ok := firstUint(b)
		return time.Duration(ns), ok
	}
	// stat: "pid (comm) state ..." where comm may hold anything; fields
	// are counted after the last ')'. stime is field 15, the 13th after it.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	fields := bytes.Fields(b[i+1:])
	if len(fields) < 13 {
		return 0, false
	}
	t, ok := firstUint(fields[12])
	return time.Duration(t) * time.Second / userHZ, ok
}

// firstUint parses the decimal number at the start of b.
func firstUint(b []byte) (uint64, bool) {
	var v uint64
	i := 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		v = v*10 + uint64(b[i]-'0')
	}
	return v, i > 0
}

func (c *cpuClock) close() {
	if c.fd >= 0 {
		unix.Close(c.fd)
		c.fd = -1
		openClocks--
	}
}

// cpuEntry samples t's CPU time at a counted call's entry.
func (p *printer) cpuEntry(t *task) {
	if t.clock == nil {
		c := newCPUClock()
		t.clock = &c
	}
	t.cpuStart, t.cpuOK = t.clock.read(t.tid)
}

// summaryTime is what -c counts for t's call that ends now: its system
// CPU time, or the wall-clock time wall between its stops with -w (or
// when the CPU time could not be read).
func (p *printer) summaryTime(t *task, wall time.Duration) time.Duration {
	if !p.cpu || !t.cpuOK || t.clock == nil {
		return wall
	}
	t.cpuOK = false
	end, ok := t.clock.read(t.tid)
	if !ok {
		return wall
	}
	return end - t.cpuStart
}
