package seize_test

import (
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/internal/ptrace"
)

// rec is a copy of an Event that outlives the handler.
type rec struct {
	Kind     seize.EventKind
	Tid, Pid int
	Nr       uint64
	Args     [6]uint64
	Ret      int64
	Errno    syscall.Errno
	Sig      syscall.Signal
	SiPid    int
	SiCode   int32
	NewTid   int
	OldTid   int
	Status   ptrace.Status
	ExitCode int
}

func (r rec) String() string {
	return fmt.Sprintf("%d %v nr=%d sig=%d sipid=%d new=%d old=%d status=%#x", r.Tid, r.Kind, r.Nr, r.Sig, r.SiPid, r.NewTid, r.OldTid, uint32(r.Status))
}

// recorder collects events; tests wait for the ones they expect.
type recorder struct {
	mu     sync.Mutex
	cond   *sync.Cond
	events []rec
	// onEvent, if set, runs inside the handler (on the tracer thread).
	onEvent func(*seize.Event)
}

func newRecorder() *recorder {
	r := &recorder{}
	r.cond = sync.NewCond(&r.mu)
	return r
}

func (r *recorder) handle(ev *seize.Event) {
	x := rec{Kind: ev.Kind, Tid: ev.Task.Tid(), Pid: ev.Task.Pid(), Nr: ev.Nr, Args: ev.Args, Ret: ev.Ret,
		Errno: ev.Errno, Sig: ev.Sig, NewTid: ev.NewTid, OldTid: ev.OldTid, Status: ev.Status, ExitCode: ev.ExitCode}
	if ev.SigInfo != nil {
		x.SiPid = int(ev.SigInfo.Pid())
		x.SiCode = ev.SigInfo.Code
	}
	if r.onEvent != nil {
		r.onEvent(ev)
	}
	r.mu.Lock()
	r.events = append(r.events, x)
	r.cond.Broadcast()
	r.mu.Unlock()
}

// waitFor waits until an event satisfying match has been recorded after
// index from, and returns it with the index after it.
func (r *recorder) waitFor(t testing.TB, from int, timeout time.Duration, what string, match func(rec) bool) (rec, int) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, func() {
		r.mu.Lock()
		r.cond.Broadcast()
		r.mu.Unlock()
	})
	defer timer.Stop()
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := from; ; {
		for ; i < len(r.events); i++ {
			if match(r.events[i]) {
				return r.events[i], i + 1
			}
		}
		if time.Now().After(deadline) {
			evs := r.events[from:]
			if len(evs) > 20 {
				evs = evs[len(evs)-20:]
			}
			t.Fatalf("no %s within %v; last events: %v", what, timeout, evs)
		}
		r.cond.Wait()
	}
}

func (r *recorder) count(match func(rec) bool) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, e := range r.events {
		if match(e) {
			n++
		}
	}
	return n
}

func (r *recorder) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

func kind(k seize.EventKind, tid int) func(rec) bool {
	return func(e rec) bool { return e.Kind == k && (tid == 0 || e.Tid == tid) }
}

// newTracer returns a tracer recording into a new recorder, closed at the
// end of the test.
func newTracer(t testing.TB, opts seize.Options) (*seize.Tracer, *recorder) {
	t.Helper()
	r := newRecorder()
	opts.Handler = r.handle
	tr, err := seize.NewTracer(&opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	return tr, r
}
