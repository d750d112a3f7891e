package seize_test

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/internal/testprog"
)

// S1: seizing stops nothing and sends nothing; the real parent's
// waitpid(WUNTRACED|WCONTINUED) sees nothing.
func TestS1SeizeNeverStops(t *testing.T) {
	tracee := testprog.Tracee(t)
	parent := testprog.StartCmd(t, exec.Command(tracee, "parent", tracee, "ticker", "20"), false)
	line := parent.Expect("child", 5*time.Second)
	var child int
	if _, err := fmtSscan(line, "child %d", &child); err != nil {
		t.Fatal(err)
	}
	parent.Expect("tick 2", 5*time.Second)
	tr, r := newTracer(t, seize.Options{})
	if err := tr.Attach(child); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, 0, 5*time.Second, "attach", kind(seize.EventAttached, child))
	if got := testprog.Status(child, "TracerPid"); got == "0" {
		t.Fatalf("TracerPid = %s after attach", got)
	}
	// Ticks go on, and the parent reports nothing but ticks.
	for i := 0; i < 5; i++ {
		select {
		case l := <-parent.Lines:
			if len(l) < 4 || l[:4] != "tick" {
				t.Fatalf("parent/child printed %q while traced", l)
			}
			if l[len(l)-13:] != "tstp=0 cont=0" {
				t.Fatalf("tracee saw a signal: %q", l)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("tracee stopped ticking after seize")
		}
	}
	if n := r.count(kind(seize.EventSignal, 0)); n != 0 {
		t.Fatalf("%d signals delivered to the tracee, want 0", n)
	}
}

// tracerDiesEnv asks TestHelperTracerDies, run in a child test process,
// to attach to a pid: "MODE:PID", MODE "running" or "held".
const tracerDiesEnv = "SEIZE_TEST_TRACER_DIES"

// S1: if the tracer dies right after attaching (here: SIGKILL, no chance
// to detach), the tracee is unaffected: the kernel detaches it, it keeps
// running (even if the tracer held it at an interrupt), received no
// signal, and its real parent saw nothing.
func TestS1TracerDies(t *testing.T) {
	for _, mode := range []string{"running", "held"} {
		t.Run(mode, func(t *testing.T) {
			parent, child := startParentOf(t, "ticker", "20")
			parent.Expect("tick 1", 5*time.Second)
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperTracerDies$", "-test.count=1", "-test.timeout=60s")
			cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s:%d", tracerDiesEnv, mode, child))
			helper := testprog.StartCmd(t, cmd, false)
			if l := helper.Expect("helper:", 10*time.Second); l != "helper: "+mode {
				t.Fatalf("helper: %q", l)
			}
			tp, state, _ := tracerOf(child)
			if _, err := os.Stat(fmt.Sprintf("/proc/%d/task/%d", helper.Pid, tp)); tp == 0 || err != nil {
				t.Fatalf("TracerPid %d, want a thread of the helper %d", tp, helper.Pid)
			}
			if mode == "held" && state != 't' {
				t.Fatalf("state %c while held, want t", state)
			}
			syscall.Kill(helper.Pid, syscall.SIGKILL)
			waitUntraced(t, child)
			for i := 0; i < 5; i++ {
				select {
				case l := <-parent.Lines:
					if !strings.HasPrefix(l, "tick") || !strings.HasSuffix(l, "tstp=0 cont=0") {
						t.Fatalf("after the tracer died: %q", l)
					}
				case <-time.After(2 * time.Second):
					t.Fatalf("tracee stopped ticking after its tracer died (state %c)", testprog.State(child))
				}
			}
			if s := testprog.State(child); s != 'S' && s != 'R' {
				t.Fatalf("state %c, want running or asleep", s)
			}
		})
	}
}

// TestHelperTracerDies is not a test: TestS1TracerDies runs it in a child
// process, which attaches, says so on stdout, and waits to be killed.
func TestHelperTracerDies(t *testing.T) {
	v := os.Getenv(tracerDiesEnv)
	if v == "" {
		return
	}
	mode, pidText, _ := strings.Cut(v, ":")
	pid, err := strconv.Atoi(pidText)
	if err != nil {
		t.Fatal(err)
	}
	held := make(chan struct{}, 1)
	tr, err := seize.NewTracer(&seize.Options{Syscalls: true, Handler: func(ev *seize.Event) {
		if ev.Kind == seize.EventInterrupted {
			held <- struct{}{}
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Attach(pid); err != nil {
		t.Fatal(err)
	}
	if mode == "held" {
		if err := tr.Interrupt(pid); err != nil {
			t.Fatal(err)
		}
		<-held
	}
	fmt.Println("helper:", mode)
	time.Sleep(time.Minute)
}
