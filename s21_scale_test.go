package seize_test

import (
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/internal/testprog"
)

// S21 at scale: an attach to more threads than it estimates the sleep of
// (seize.EstimateLimit) interrupts every one of them in a timed
// epoll_wait. No call returns EINTR or before its timeout; the threads
// whose sleep the attach noted (the lowest tids after the leader) return
// close to it, the others late by about what they had slept before the
// attach (their start unknown, the restarted call waits its whole
// timeout again), and by no more than their timeout.
func TestS21AttachManyThreads(t *testing.T) {
	n := seize.EstimateLimit + 72
	const timeout, before = 400.0, 60 * time.Millisecond
	p := testprog.Start(t, "blockthreads", fmt.Sprint(n), fmt.Sprint(timeout))
	time.Sleep(before) // every thread is into its first call
	tr, r := newTracer(t, seize.Options{})
	if err := tr.Attach(p.Pid); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, 0, 5*time.Second, "attach", kind(seize.EventAttached, p.Pid))
	late := make(map[int]float64) // by tid: the first call's lateness
	deadline := time.After(10 * time.Second)
	for len(late) < n {
		select {
		case l, ok := <-p.Lines:
			if !ok {
				t.Fatal("tracee output ended")
			}
			var tid int
			var i, ret int64
			var errno int
			var ms float64
			if _, err := fmt.Sscanf(strings.TrimPrefix(l, "epoll_wait "), "%d %d r=%d errno=%d ms=%f", &tid, &i, &ret, &errno, &ms); err != nil {
				t.Fatalf("bad line %q: %v", l, err)
			}
			switch {
			case errno == int(syscall.EINTR):
				t.Fatalf("thread %d: EINTR: %q", tid, l)
			case ret != 0 || errno != 0:
				t.Fatalf("thread %d: %q, want the timeout's return", tid, l)
			case ms < timeout-0.5:
				t.Fatalf("thread %d returned after %.1fms, before its %.0fms timeout", tid, ms, timeout)
			}
			if i == 0 {
				late[tid] = ms - timeout
			}
		case <-deadline:
			t.Fatalf("%d of %d threads returned", len(late), n)
		}
	}
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	tids := make([]int, 0, n)
	for tid := range late {
		tids = append(tids, tid)
	}
	slices.Sort(tids)
	var noted, rest []float64
	for i, tid := range tids {
		if i < seize.EstimateLimit {
			noted = append(noted, late[tid])
		} else {
			rest = append(rest, late[tid])
		}
	}
	slices.Sort(noted)
	slices.Sort(rest)
	t.Logf("lateness: noted median %.1fms max %.1fms; others median %.1fms max %.1fms", noted[len(noted)/2], noted[len(noted)-1], rest[len(rest)/2], rest[len(rest)-1])
	// The lateness of the first group is mostly the tracer putting back
	// 128 arguments at once when the restarted calls return together
	// (their exit stops); the others' adds the sleep before the attach.
	if nm, rm := noted[len(noted)/2], rest[len(rest)/2]; nm > rm-float64(before/time.Millisecond)/2 {
		t.Errorf("noted threads returned %.1fms late (median), the others %.1fms: the estimate saved less than half the %v slept before the attach", nm, rm, before)
	}
	if m := rest[len(rest)-1]; m > timeout {
		t.Errorf("a thread returned %.1fms late; want at most what it slept before the attach", m)
	}
}
