package seize

import (
	"syscall"
	"testing"

	"github.com/seize-dev/seize/internal/ptrace"
)

// Benchmarks of the hot path (issue 5): wait → classify → handle →
// restart, on a kernel that answers at once, so that only the engine's
// own work is measured. `go run ./bench` measures the whole, on the real
// kernel. Run: go test -run '^$' -bench . -benchmem

// loopKernel is a fake kernel for the hot path: every poll returns the
// next syscall stop of one of its tasks, alternating entry and exit, the
// way a task in a getppid loop stops. It allocates nothing and records
// nothing but counts.
type loopKernel struct {
	fakeKernel
	tids     []int
	next     int    // index in tids of the next task to stop
	exit     []bool // per task: its next stop is an exit
	restarts int
}

func newLoopKernel(tids ...int) *loopKernel {
	return &loopKernel{fakeKernel: *newFake(), tids: tids, exit: make([]bool, len(tids))}
}

func (k *loopKernel) Poll(flags int) (int, ptrace.Status, error) {
	tid := k.tids[k.next]
	return tid, syscallStop(), nil
}

func (k *loopKernel) Wait(flags int) (int, ptrace.Status, error) { return k.Poll(flags) }

func (k *loopKernel) GetSyscallInfo(tid int, si *ptrace.SyscallInfo) error {
	i := k.next
	if k.exit[i] {
		*si = ptrace.SyscallInfo{Op: ptrace.InfoExit, Arch: 0xc000003e, Nr: 42}
	} else {
		*si = ptrace.SyscallInfo{Op: ptrace.InfoEntry, Arch: 0xc000003e, Nr: uint64(syscall.SYS_GETPPID)}
	}
	return nil
}

func (k *loopKernel) Syscall(tid, sig int) error {
	k.exit[k.next] = !k.exit[k.next]
	k.next = (k.next + 1) % len(k.tids)
	k.restarts++
	return nil
}

func (k *loopKernel) Cont(tid, sig int) error { return k.Syscall(tid, sig) }

// loopTracer is a tracer on a loopKernel with its tasks running, without
// its thread: the benchmark drives wait and dispatch as serve does.
func loopTracer(handler func(*Event), tids ...int) (*Tracer, *loopKernel) {
	k := newLoopKernel(tids...)
	tr := &Tracer{k: k, opts: Options{Syscalls: true, Handler: handler}, tasks: map[int]*Task{}, spin: defaultSpin}
	for _, tid := range tids {
		t := tr.newTask(tid, tids[0])
		t.seenFirstStop = true
		t.state = running
	}
	return tr, k
}

// step is one turn of serve's loop.
func (tr *Tracer) step() {
	if pid, st, ok := tr.wait(); ok {
		tr.dispatch(pid, st)
	}
}

// sink keeps a handler's reads from being optimised away.
var sink uint64

func readingHandler(ev *Event) {
	switch ev.Kind {
	case EventSyscallEntry:
		sink += ev.Nr + ev.Args[0]
	case EventSyscallExit:
		sink += uint64(ev.Ret) + uint64(ev.Task.Tid())
	}
}

// BenchmarkStop is one stop: wait, classify, GetSyscallInfo, handler,
// restart. A traced system call is two of them.
func BenchmarkStop(b *testing.B) {
	for _, c := range []struct {
		name    string
		handler func(*Event)
		tids    []int
	}{
		{"NoHandler", nil, []int{10}},
		{"Handler", readingHandler, []int{10}},
		{"Handler4Tasks", readingHandler, []int{10, 11, 12, 13}},
	} {
		b.Run(c.name, func(b *testing.B) {
			tr, _ := loopTracer(c.handler, c.tids...)
			b.ReportAllocs()
			for b.Loop() {
				tr.step()
			}
		})
	}
}

// BenchmarkClassify is the wait-status decoding alone, over the kinds of
// status a tracer meets (S20).
func BenchmarkClassify(b *testing.B) {
	sts := []ptrace.Status{syscallStop(), sigStop(int(syscall.SIGUSR1)), groupStop(syscall.SIGSTOP), trapStop,
		eventStop(int(syscall.SIGTRAP), ptrace.EventClone), exited(3), ptrace.Status(syscall.SIGKILL)}
	var n int
	for i := 0; b.Loop(); i++ {
		st := sts[i%len(sts)]
		switch {
		case st.Exited() || st.Signaled():
			n++
		case !st.Stopped():
		case st.StopSig() == int(syscall.SIGTRAP)|0x80:
			n += 2
		case st.Event() == 0:
			n += 3
		default:
			n += st.Event()
		}
	}
	sink += uint64(n)
}

// The stops of a traced system call allocate nothing in the engine: at
// hundreds of thousands of stops a second, garbage would cost collections
// and memory (issue 5: flat memory over 1,000,000 syscalls).
func TestHotPathAllocs(t *testing.T) {
	for _, c := range []struct {
		name    string
		handler func(*Event)
	}{{"no handler", nil}, {"handler", readingHandler}} {
		tr, k := loopTracer(c.handler, 10, 11)
		allocs := testing.AllocsPerRun(1000, func() {
			tr.step() // entry of 10
			tr.step() // entry of 11
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per two syscall stops, want 0", c.name, allocs)
		}
		if k.restarts < 2000 || tr.tasks[10].state != running {
			t.Fatalf("%s: %d restarts, task state %d: the loop did not run as expected", c.name, k.restarts, tr.tasks[10].state)
		}
	}
}
