package seize_test

import (
	"sort"
	"testing"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/internal/testprog"
)

// With many tasks the tracer polls the few tasks that stopped last by
// their tids, in turn, before it looks at the others (tracer.go, wait):
// two threads that never stop making calls, among 100 idle ones, must
// both be served, neither starved by the other. (When only the last task
// to stop was polled, one that stopped again at once, next to the tracer
// on its CPU, was served up to 9 times as often under load.)
func TestBusyThreadsServedFairly(t *testing.T) {
	p := testprog.Start(t, "busyidle", "100", "2")
	calls := make(map[int]int)
	var tr *seize.Tracer
	tr, err := seize.NewTracer(&seize.Options{Syscalls: true, Handler: func(ev *seize.Event) {
		if ev.Kind == seize.EventSyscallExit {
			calls[ev.Task.Tid()]++
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Attach(p.Pid); err != nil {
		tr.Close()
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	var busy []int
	for _, n := range calls {
		// An idle thread makes a few calls if it was still starting
		// (rseq, set_robust_list, rt_sigprocmask) when attached.
		if n > 20 {
			busy = append(busy, n)
		}
	}
	sort.Ints(busy)
	t.Logf("calls traced per busy thread: %v", busy)
	if len(busy) != 2 {
		t.Fatalf("%d threads made calls, want the 2 busy ones: %v", len(busy), busy)
	}
	if busy[0]*5 < busy[1] {
		t.Fatalf("one busy thread was served %d times, the other %d: starved", busy[0], busy[1])
	}
}
