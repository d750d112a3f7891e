package seize

import (
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/seize-dev/seize/internal/ptrace"
)

// fakeKernel records the requests the engine makes and answers the
// queries from canned values. It lets the state machine be tested
// stop by stop with recorded wait statuses; the integration tests prove
// the same behaviour on the real kernel.
type fakeKernel struct {
	calls    []string
	msgs     map[int]uint64
	sysinfo  map[int]ptrace.SyscallInfo
	tgids    map[int]int
	listenOK bool
}

func newFake() *fakeKernel {
	return &fakeKernel{msgs: map[int]uint64{}, sysinfo: map[int]ptrace.SyscallInfo{}, tgids: map[int]int{}, listenOK: true}
}

func (k *fakeKernel) log(f string, a ...any) error {
	k.calls = append(k.calls, fmt.Sprintf(f, a...))
	return nil
}
func (k *fakeKernel) Seize(tid, opts int) error { return k.log("seize %d", tid) }
func (k *fakeKernel) Interrupt(tid int) error   { return k.log("interrupt %d", tid) }
func (k *fakeKernel) Listen(tid int) error {
	k.log("listen %d", tid)
	if !k.listenOK {
		return syscall.EINVAL
	}
	return nil
}
func (k *fakeKernel) Cont(tid, sig int) error             { return k.log("cont %d %d", tid, sig) }
func (k *fakeKernel) Syscall(tid, sig int) error          { return k.log("syscall %d %d", tid, sig) }
func (k *fakeKernel) Detach(tid, sig int) error           { return k.log("detach %d %d", tid, sig) }
func (k *fakeKernel) GetEventMsg(tid int) (uint64, error) { return k.msgs[tid], nil }
func (k *fakeKernel) GetSigInfo(tid int, si *ptrace.SigInfo) error {
	return nil
}
func (k *fakeKernel) GetSyscallInfo(tid int, si *ptrace.SyscallInfo) error {
	*si = k.sysinfo[tid]
	return nil
}
func (k *fakeKernel) GetRegs(tid int, r *ptrace.Regs) error { return syscall.ENOSYS }
func (k *fakeKernel) SetRegs(tid int, r *ptrace.Regs) error { return syscall.ENOSYS }
func (k *fakeKernel) PeekSigInfo(tid int, shared bool, buf []ptrace.SigInfo) (int, error) {
	return 0, nil
}
func (k *fakeKernel) Poll(flags int) (int, ptrace.Status, error) { return 0, 0, nil }
func (k *fakeKernel) Consume(tid, flags int)                     {}
func (k *fakeKernel) PollPid(tid, flags int) (int, ptrace.Status, error) {
	return 0, 0, nil
}
func (k *fakeKernel) Wait(flags int) (int, ptrace.Status, error) {
	return 0, 0, syscall.ECHILD
}
func (k *fakeKernel) Tgid(tid int) (int, error) {
	if g, ok := k.tgids[tid]; ok {
		return g, nil
	}
	return tid, nil
}

// take returns and clears the recorded requests.
func (k *fakeKernel) take() string {
	s := strings.Join(k.calls, "; ")
	k.calls = nil
	return s
}

// Wait statuses as the kernel encodes them.
func sigStop(sig int) ptrace.Status              { return ptrace.Status(sig<<8 | 0x7f) }
func eventStop(sig, ev int) ptrace.Status        { return ptrace.Status(ev<<16 | sig<<8 | 0x7f) }
func exited(code int) ptrace.Status              { return ptrace.Status(code << 8) }
func syscallStop() ptrace.Status                 { return sigStop(int(syscall.SIGTRAP) | 0x80) }
func groupStop(sig syscall.Signal) ptrace.Status { return eventStop(int(sig), ptrace.EventStop) }

var trapStop = eventStop(int(syscall.SIGTRAP), ptrace.EventStop) // 0x80057f (S2)

type engine struct {
	*Tracer
	k      *fakeKernel
	events []string
}

// newEngine returns a tracer on a fake kernel, without its thread: the
// test drives dispatch directly, as the loop would.
func newEngine(t *testing.T, opts Options) *engine {
	e := &engine{k: newFake()}
	opts.Syscalls = true
	opts.Handler = func(ev *Event) {
		s := fmt.Sprintf("%v %d", ev.Kind, ev.Task.Tid())
		switch ev.Kind {
		case EventSignal, EventGroupStop:
			s += fmt.Sprintf(" sig=%d", ev.Sig)
		case EventNewTask:
			s += fmt.Sprintf(" new=%d", ev.NewTid)
		case EventExec:
			s += fmt.Sprintf(" old=%d", ev.OldTid)
		case EventSyscallEntry, EventSyscallExit:
			s += fmt.Sprintf(" nr=%d", ev.Nr)
		}
		e.events = append(e.events, s)
	}
	e.Tracer = &Tracer{k: e.k, opts: opts, tasks: map[int]*Task{}}
	return e
}

// running adds a task that the engine has seen and restarted.
func (e *engine) running(tid, pid int) *Task {
	t := e.newTask(tid, pid)
	t.seenFirstStop = true
	t.state = running
	return t
}

func (e *engine) step(t *testing.T, tid int, st ptrace.Status, wantEvents, wantCalls string) {
	t.Helper()
	e.events = nil
	e.dispatch(tid, st)
	if got := strings.Join(e.events, "; "); got != wantEvents {
		t.Errorf("status %#x for %d: events %q, want %q", uint32(st), tid, got, wantEvents)
	}
	if got := e.k.take(); got != wantCalls {
		t.Errorf("status %#x for %d: requests %q, want %q", uint32(st), tid, got, wantCalls)
	}
}

// S6, S7: a stop signal is injected, the group-stop is held with LISTEN,
// and SIGCONT ends it: continued, then the SIGCONT is delivered.
func TestEngineGroupStopListenContinue(t *testing.T) {
	e := newEngine(t, Options{})
	e.running(10, 10)
	e.step(t, 10, sigStop(int(syscall.SIGTSTP)), "signal 10 sig=20", "syscall 10 20")
	e.step(t, 10, groupStop(syscall.SIGTSTP), "group-stop 10 sig=20", "listen 10")
	e.step(t, 10, trapStop, "continued 10", "syscall 10 0")
	e.step(t, 10, sigStop(int(syscall.SIGCONT)), "signal 10 sig=18", "syscall 10 18")
}

// S8: the group-stop is never restarted with CONT/SYSCALL; a second
// EVENT_STOP while listening (another stop signal) is not reported twice.
func TestEngineGroupStopReportedOnce(t *testing.T) {
	e := newEngine(t, Options{})
	e.running(10, 10)
	e.step(t, 10, groupStop(syscall.SIGSTOP), "group-stop 10 sig=19", "listen 10")
	e.step(t, 10, groupStop(syscall.SIGSTOP), "", "listen 10")
}

// S13: detaching a listening task interrupts it first, then detaches with
// signal 0 at the re-trap, so that the kernel re-enters the stop.
func TestEngineDetachListening(t *testing.T) {
	e := newEngine(t, Options{})
	tk := e.running(10, 10)
	e.step(t, 10, groupStop(syscall.SIGSTOP), "group-stop 10 sig=19", "listen 10")
	e.detach(tk)
	if got := e.k.take(); got != "interrupt 10" {
		t.Fatalf("detach of a listening task: %q, want interrupt first", got)
	}
	e.step(t, 10, groupStop(syscall.SIGSTOP), "detached 10", "detach 10 0")
	if len(e.tasks) != 0 {
		t.Fatal("task still listed after detach")
	}
}

// S13, S14: a signal whose delivery-stop answers the interrupt of a
// detach is passed on by the detach, not lost.
func TestEngineDetachPassesSignal(t *testing.T) {
	e := newEngine(t, Options{})
	tk := e.running(10, 10)
	e.detach(tk)
	e.k.take()
	e.step(t, 10, sigStop(int(syscall.SIGUSR1)), "detached 10", "detach 10 10")
}

// S3: the interrupt is answered by whatever stop comes next; the task is
// held there, reported once.
func TestEngineInterruptAnsweredBySyscallStop(t *testing.T) {
	e := newEngine(t, Options{})
	tk := e.running(10, 10)
	tk.hold, tk.interrupting = true, true
	e.k.sysinfo[10] = ptrace.SyscallInfo{Op: ptrace.InfoEntry, Nr: 110}
	e.step(t, 10, syscallStop(), "syscall-entry 10 nr=110; interrupted 10", "")
	if tk.interrupting {
		t.Fatal("interrupt still pending after the answering stop")
	}
}

// S17: a non-leader execve is reported under the leader's tid with the
// old tid in the message; the exec'ing task takes the leader's tid and its
// syscall exit pairs with its entry.
func TestEngineNonLeaderExec(t *testing.T) {
	e := newEngine(t, Options{})
	e.running(10, 10)
	e.running(11, 10)
	e.k.sysinfo[11] = ptrace.SyscallInfo{Op: ptrace.InfoEntry, Nr: 59}
	e.step(t, 11, syscallStop(), "syscall-entry 11 nr=59", "syscall 11 0")
	e.k.msgs[10] = uint64(syscall.SIGKILL)
	e.step(t, 10, eventStop(int(syscall.SIGTRAP), ptrace.EventExit), "exiting 10", "syscall 10 0")
	e.k.msgs[10] = 11
	e.step(t, 10, eventStop(int(syscall.SIGTRAP), ptrace.EventExec), "exec 10 old=11", "syscall 10 0")
	if _, ok := e.tasks[11]; ok {
		t.Fatal("old tid 11 still listed after exec")
	}
	e.k.sysinfo[10] = ptrace.SyscallInfo{Op: ptrace.InfoExit}
	e.step(t, 10, syscallStop(), "syscall-exit 10 nr=59", "syscall 10 0")
	e.step(t, 10, exited(0), "exit 10", "")
}

// S19: a new child's first stop may come before its parent's fork event;
// the child is adopted once and followed from its first stop.
func TestEngineChildBeforeForkEvent(t *testing.T) {
	e := newEngine(t, Options{FollowForks: true})
	e.running(10, 10)
	e.step(t, 20, trapStop, "attached 20", "syscall 20 0")
	e.step(t, 20, exited(0), "exit 20", "")
	e.k.msgs[10] = 20
	e.step(t, 10, eventStop(int(syscall.SIGTRAP), ptrace.EventFork), "", "syscall 10 0")
	if len(e.tasks) != 1 {
		t.Fatalf("%d tasks, want only the parent: an exited early child came back", len(e.tasks))
	}
	// And the usual order: event first, then the child's stop.
	e.k.msgs[10] = 21
	e.step(t, 10, eventStop(int(syscall.SIGTRAP), ptrace.EventFork), "attached 21; new-task 10 new=21", "syscall 10 0")
	e.step(t, 21, trapStop, "", "syscall 21 0")
}

// Without FollowForks, a process created by clone without CLONE_THREAD is
// let go at its first stop; threads are followed.
func TestEngineUnwantedChildDetached(t *testing.T) {
	e := newEngine(t, Options{})
	e.running(10, 10)
	e.k.msgs[10] = 30
	e.step(t, 10, eventStop(int(syscall.SIGTRAP), ptrace.EventClone), "", "syscall 10 0")
	e.step(t, 30, trapStop, "", "detach 30 0")
	// The child stopped before the clone event and was let go; the event
	// must not bring it back.
	e.step(t, 32, trapStop, "", "detach 32 0")
	e.k.msgs[10] = 32
	e.step(t, 10, eventStop(int(syscall.SIGTRAP), ptrace.EventClone), "", "syscall 10 0")
	if len(e.tasks) != 1 {
		t.Fatalf("%d tasks, want only the parent", len(e.tasks))
	}
	e.k.msgs[10] = 31
	e.k.tgids[31] = 10
	e.step(t, 10, eventStop(int(syscall.SIGTRAP), ptrace.EventClone), "attached 31; new-task 10 new=31", "syscall 10 0")
}

// S18: SIGKILL gives no delivery-stop, only the exit event, then death.
func TestEngineSigkill(t *testing.T) {
	e := newEngine(t, Options{})
	e.running(10, 10)
	e.k.msgs[10] = uint64(syscall.SIGKILL)
	e.step(t, 10, eventStop(int(syscall.SIGTRAP), ptrace.EventExit), "exiting 10", "syscall 10 0")
	e.step(t, 10, ptrace.Status(syscall.SIGKILL), "exit 10", "")
}

// A LISTEN refused because SIGCONT raced in restarts the task instead of
// leaving it stuck.
func TestEngineListenRefused(t *testing.T) {
	e := newEngine(t, Options{})
	e.running(10, 10)
	e.k.listenOK = false
	e.step(t, 10, groupStop(syscall.SIGSTOP), "group-stop 10 sig=19", "listen 10; syscall 10 0")
}
