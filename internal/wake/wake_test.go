package wake

import (
	"errors"
	"runtime"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestWakeInterruptsWait4 blocks a locked thread in wait4 on a sleeping
// child and shows that Thread makes it return EINTR, while Go's own
// SA_RESTART handlers would have restarted it.
func TestWakeInterruptsWait4(t *testing.T) {
	if err := Install(); err != nil {
		t.Fatal(err)
	}
	tidc := make(chan int)
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		pid, err := syscall.ForkExec("/bin/sleep", []string{"sleep", "5"}, &syscall.ProcAttr{})
		if err != nil {
			errc <- err
			return
		}
		defer func() {
			syscall.Kill(pid, syscall.SIGKILL)
			var st syscall.WaitStatus
			syscall.Wait4(pid, &st, 0, nil)
		}()
		tidc <- unix.Gettid()
		var st syscall.WaitStatus
		_, err = syscall.Wait4(pid, &st, 0, nil)
		errc <- err
	}()
	tid := <-tidc
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	if err := Thread(tid); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, syscall.EINTR) {
			t.Fatalf("wait4 returned %v, want EINTR", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Fatalf("wake took %v", d)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("wait4 was not interrupted")
	}
}
