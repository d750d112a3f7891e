package seize_test

import (
	"os/exec"
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
