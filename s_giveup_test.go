package seize_test

import (
	"strings"
	"testing"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/internal/testprog"
)

// S22 (bounded waits): Close cannot wait forever for a task that never
// stops. A vfork parent sleeps killably until its (untraced) child execs,
// so an interrupt cannot stop it; Close gives up after DetachTimeout, the
// kernel detaches the task, and the program goes on unharmed.
func TestCloseGivesUpOnUnstoppableTask(t *testing.T) {
	p := testprog.Start(t, "vfork", "1500")
	r := newRecorder()
	tr, err := seize.NewTracer(&seize.Options{Handler: r.handle, DetachTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Attach(p.Pid); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, 0, 5*time.Second, "attach", kind(seize.EventAttached, p.Pid))
	p.Stdin.Write([]byte("go\n"))
	testprog.WaitState(t, p.Pid, "D", 5*time.Second)
	start := time.Now()
	err = tr.Close()
	took := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "gave up") {
		t.Fatalf("Close = %v, want a gave-up error", err)
	}
	if took > 3*time.Second {
		t.Fatalf("Close took %v with a 300ms DetachTimeout", took)
	}
	if tp := testprog.Status(p.Pid, "TracerPid"); tp != "0" {
		t.Fatalf("TracerPid %s after Close", tp)
	}
	p.Expect("vforked", 10*time.Second)
	if l := p.Expect("vfork child exited", 10*time.Second); l != "vfork child exited 3" {
		t.Fatalf("%q, want the child's exit 3", l)
	}
}
