package seize

import (
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize/internal/testprog"
	"golang.org/x/sys/unix"
)

// Co-location (colocate.go) moves only the tracer thread: the traced
// program keeps its policy and affinity, a program started while the
// thread is placed inherits neither, and the thread gets its own back
// when it has no tasks left.
func TestColocateLeavesTraceeAlone(t *testing.T) {
	needSchedstat(t)
	prog := testprog.Tracee(t)
	var stops atomic.Int64
	tr, err := NewTracer(&Options{Syscalls: true, Handler: func(*Event) { stops.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	var mask unix.CPUSet
	if err := unix.SchedGetaffinity(0, &mask); err != nil {
		t.Fatal(err)
	}
	// What placement does is tested here, not when: other tests running
	// beside this one must not keep the thread from moving.
	tr.call(func() { tr.colo.ignorePressure = true })
	quiet := &os.ProcAttr{Files: []*os.File{nil, nil, nil}}
	busy, err := tr.Start([]string{prog, "getppid", "1000000000"}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	testprog.KillLater(t, busy)
	tid := int(tr.tid.Load())
	waitPolicy(t, tid, unix.SCHED_IDLE, &stops, "the tracer thread never moved next to a task stopping ~100,000 times a second")
	var one unix.CPUSet
	if err := unix.SchedGetaffinity(tid, &one); err != nil || one.Count() != 1 {
		t.Errorf("placed tracer thread: affinity %v (%v), want one CPU", one, err)
	}
	checkUntouched(t, "the traced program", busy, mask)

	idle, err := tr.Start([]string{prog, "pause"}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	testprog.KillLater(t, idle)
	checkUntouched(t, "a program started by the placed thread", idle, mask)

	unix.Kill(busy, unix.SIGKILL)
	unix.Kill(idle, unix.SIGKILL)
	done := make(chan error, 1)
	go func() { done <- tr.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the killed programs were not reaped")
	}
	// With no task left the thread has its own policy and affinity back.
	var back unix.CPUSet
	tr.call(func() { unix.SchedGetaffinity(0, &back) })
	if a, err := unix.SchedGetAttr(tid, 0); err != nil || a.Policy != unix.SCHED_NORMAL || back != mask {
		t.Errorf("tracer thread without tasks: policy %v, affinity %v (%v); want SCHED_NORMAL, %v", a, back, err, mask)
	}
}

// Under contention SCHED_IDLE would starve the tracer. With a CPU hog on
// every CPU the tracer does not move (other tasks wait for a CPU: PSI),
// and if made to move anyway it sees the contention and moves back.
func TestColocateRetreatsUnderContention(t *testing.T) {
	needSchedstat(t)
	prog := testprog.Tracee(t)
	for cpu := 0; cpu < runtime.NumCPU() && cpu < 8; cpu++ {
		hog := testprog.Start(t, "spin")
		var set unix.CPUSet
		set.Set(cpu)
		if err := unix.SchedSetaffinity(hog.Pid, &set); err != nil {
			t.Fatal(err)
		}
	}
	_, psiErr := os.Stat("/proc/pressure/cpu")
	for _, force := range []bool{false, true} {
		if !force && psiErr != nil {
			continue // no PSI: only the guard keeps the thread from starving
		}
		var stops atomic.Int64
		tr, err := NewTracer(&Options{Syscalls: true, Handler: func(*Event) { stops.Add(1) }})
		if err != nil {
			t.Fatal(err)
		}
		tr.call(func() { tr.colo.ignorePressure = force })
		busy, err := tr.Start([]string{prog, "getppid", "1000000000"}, &os.ProcAttr{Files: []*os.File{nil, nil, nil}})
		if err != nil {
			tr.Close()
			t.Fatal(err)
		}
		time.Sleep(time.Second + time.Duration(b2i(force))*time.Second/2)
		var placements, retreats int
		var placed bool
		err = tr.call(func() { placements, retreats, placed = tr.colo.placements, tr.colo.retreats, tr.colo.cpu >= 0 })
		unix.Kill(busy, unix.SIGKILL)
		tr.Close()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("ignore pressure %v: %d stops beside %d CPU hogs; placed %d times, retreated %d times, placed at the end: %v",
			force, stops.Load(), runtime.NumCPU(), placements, retreats, placed)
		if !force && placements > 0 {
			t.Errorf("placed %d times while every CPU was busy", placements)
		}
		if force && (placements == 0 || retreats == 0) {
			t.Errorf("made to move beside CPU hogs: placed %d times, retreated %d times; want both", placements, retreats)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// followCPU and readStat parse what the kernel writes.
func TestColocateProcParsing(t *testing.T) {
	needSchedstat(t)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var old, one unix.CPUSet
	if err := unix.SchedGetaffinity(0, &old); err != nil {
		t.Fatal(err)
	}
	cpu := -1
	for i := 0; i < 1024 && cpu < 0; i++ {
		if old.IsSet(i) {
			cpu = i
		}
	}
	one.Set(cpu)
	if err := unix.SchedSetaffinity(0, &one); err != nil {
		t.Fatal(err)
	}
	defer unix.SchedSetaffinity(0, &old)
	var c colo
	c.init(true)
	f, err := os.Open("/proc/thread-self/schedstat")
	if err != nil {
		t.Fatal(err)
	}
	c.selfStat = f
	c.place(unix.Gettid()) // follows this thread: opens its files
	defer c.close()
	if c.taskCPU == nil {
		t.Fatal("place did not open the task's stat")
	}
	if got := c.followCPU(); got != cpu || got != lastCPU(unix.Gettid()) {
		t.Errorf("followCPU = %d, lastCPU = %d; the thread is pinned to %d", got, lastCPU(unix.Gettid()), cpu)
	}
	exec1, ok1 := c.readStat(c.taskStat, 0)
	for i := 0; i < 1e6; i++ {
		syscall.Getpid()
	}
	exec2, ok2 := c.readStat(c.taskStat, 0)
	if !ok1 || !ok2 || exec2 <= exec1 {
		t.Errorf("schedstat time on CPU: %d then %d (%v %v), want it to grow", exec1, exec2, ok1, ok2)
	}
	if _, ok := c.readStat(c.selfStat, 1); !ok {
		t.Error("no run_delay in /proc/thread-self/schedstat")
	}
}

func needSchedstat(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/proc/thread-self/schedstat"); err != nil {
		t.Skip("no /proc/thread-self/schedstat (CONFIG_SCHED_INFO): co-location is off")
	}
}

// waitPolicy waits up to 5 s for thread tid to run with policy.
func waitPolicy(t *testing.T, tid int, policy uint32, stops *atomic.Int64, msg string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		a, err := unix.SchedGetAttr(tid, 0)
		if err != nil {
			t.Fatal(err)
		}
		if a.Policy == policy {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s (%d stops in 5 s)", msg, stops.Load())
		}
		time.Sleep(time.Millisecond)
	}
}

// checkUntouched checks that pid runs with the normal policy and the test
// process's affinity.
func checkUntouched(t *testing.T, what string, pid int, mask unix.CPUSet) {
	t.Helper()
	a, err := unix.SchedGetAttr(pid, 0)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(pid, &set); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if a.Policy != unix.SCHED_NORMAL || set != mask {
		t.Errorf("%s: policy %d, affinity %v; want SCHED_NORMAL (0) and %v, as the tracer found them", what, a.Policy, set, mask)
	}
}

// canLeaveIdle is what keeps a placed thread from staying SCHED_IDLE: when
// it says the way back exists, the kernel must allow it.
func TestColocateWayBack(t *testing.T) {
	if !canLeaveIdle(0) {
		t.Skip("no CAP_SYS_NICE and RLIMIT_NICE below 20: co-location stays off here")
	}
	runtime.LockOSThread() // unlocked only if the thread is normal again
	idle := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_IDLE}
	if err := unix.SchedSetAttr(0, &idle, 0); err != nil {
		t.Fatal(err)
	}
	normal := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_NORMAL}
	if err := unix.SchedSetAttr(0, &normal, 0); err != nil {
		t.Fatalf("canLeaveIdle(0) is true but SCHED_IDLE -> SCHED_NORMAL failed: %v", err)
	}
	runtime.UnlockOSThread()
}
