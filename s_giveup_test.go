package seize_test

import (
	"testing"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/internal/testprog"
)

// S14, S22: Close needs no stop from the tasks it releases. A vfork parent
// sleeps killably until its (untraced) child execs, so no interrupt could
// stop it; Close releases it at once all the same, and the program goes
// on unharmed.
func TestCloseReleasesUnstoppableTask(t *testing.T) {
	p := testprog.Start(t, "vfork", "1500")
	r := newRecorder()
	tr, err := seize.NewTracer(&seize.Options{Handler: r.handle, Syscalls: true})
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
	if err != nil {
		t.Fatalf("Close = %v", err)
	}
	if took > 500*time.Millisecond {
		t.Fatalf("Close took %v; the vfork child sleeps 1.5s", took)
	}
	if tp := testprog.Status(p.Pid, "TracerPid"); tp != "0" {
		t.Fatalf("TracerPid %s after Close", tp)
	}
	p.Expect("vforked", 10*time.Second)
	if l := p.Expect("vfork child exited", 10*time.Second); l != "vfork child exited 3" {
		t.Fatalf("%q, want the child's exit 3", l)
	}
}
