package seize

import (
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize/internal/ptrace"
)

// withInject makes the engine's handler inject f at every syscall entry.
func (e *engine) withInject(t *testing.T, f Fault) {
	h := e.opts.Handler
	e.opts.Handler = func(ev *Event) {
		h(ev)
		if ev.Kind == EventSyscallEntry {
			if err := ev.Inject(f); err != nil {
				t.Errorf("Inject: %v", err)
			}
		}
	}
}

// Event.Inject's signal and delay, stop by stop: the signal rides on the
// restart from the entry stop; a delayed task is not restarted until its
// delay ends; Interrupt holds it at once, and Resume goes on with the
// rest of the delay.
func TestEngineInjectSignalDelay(t *testing.T) {
	e := newEngine(t, Options{})
	tk := e.running(10, 10)
	// An hour: the timer must not fire during the test; delayDone stands
	// for it.
	e.withInject(t, Fault{Signal: syscall.SIGUSR1, DelayEnter: time.Hour})
	e.k.sysinfo[10] = ptrace.SyscallInfo{Op: ptrace.InfoEntry, Nr: 39}
	e.step(t, 10, syscallStop(), "syscall-entry 10 nr=39", "")
	if tk.state != stopped || !tk.inj.armed {
		t.Fatalf("delayed task: state %d armed %v", tk.state, tk.inj.armed)
	}
	// Resume while delayed changes nothing.
	e.afterStop(tk)
	if got := e.k.take(); got != "" {
		t.Fatalf("afterStop during the delay: %q", got)
	}
	// Interrupt: held at once, the delay's rest kept.
	tk.hold = true
	e.holdDelayed(tk)
	if got := e.k.take(); got != "" || tk.inj.armed || tk.inj.wait < 59*time.Minute {
		t.Fatalf("Interrupt during the delay: requests %q armed %v rest %v", got, tk.inj.armed, tk.inj.wait)
	}
	if last := e.events[len(e.events)-1]; last != "interrupted 10" {
		t.Fatalf("last event %q, want interrupted", last)
	}
	stale := tk.inj.gen
	tk.hold = false
	e.afterStop(tk) // Resume: the rest of the delay
	if got := e.k.take(); got != "" || !tk.inj.armed {
		t.Fatalf("Resume: requests %q armed %v", got, tk.inj.armed)
	}
	e.delayDone(tk, stale) // the cancelled timer
	if got := e.k.take(); got != "" {
		t.Fatalf("a cancelled timer restarted the task: %q", got)
	}
	e.delayDone(tk, tk.inj.gen)
	if got := e.k.take(); got != "syscall 10 10" {
		t.Fatalf("end of the delay: %q, want a restart with SIGUSR1", got)
	}
	e.k.sysinfo[10] = ptrace.SyscallInfo{Op: ptrace.InfoExit, Nr: 0}
	e.events = nil
	e.dispatch(10, syscallStop())
	if got := e.k.take(); got != "syscall 10 0" {
		t.Fatalf("exit stop: %q", got)
	}
}
