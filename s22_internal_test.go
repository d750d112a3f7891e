package seize

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seize-dev/seize/internal/testprog"
)

// newcomer is a process started with a chosen pid, its stdout read line
// by line.
type newcomer struct {
	pid   int
	lines chan string
}

// expect waits for a line starting with prefix.
func (n *newcomer) expect(t *testing.T, prefix string, d time.Duration) string {
	t.Helper()
	end := time.After(d)
	for {
		select {
		case l, ok := <-n.lines:
			if !ok {
				t.Fatalf("pid %d: output ended before %q", n.pid, prefix)
			}
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-end:
			t.Fatalf("pid %d: no %q within %v", n.pid, prefix, d)
		}
	}
}

// startWithPid starts the tracee with args as a process whose pid is
// want, by writing want-1 to /proc/sys/kernel/ns_last_pid just before the
// fork. Other forks on the machine can take the pid first: it retries,
// and returns an error (the test then skips) if it cannot get it. It runs
// off the test goroutine, so it reports instead of failing. The process
// is killed and reaped when the test ends.
func startWithPid(t *testing.T, want int, args ...string) (*newcomer, error) {
	for try := 0; try < 50; try++ {
		r, w, err := os.Pipe()
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile("/proc/sys/kernel/ns_last_pid", []byte(strconv.Itoa(want-1)), 0); err != nil {
			return nil, fmt.Errorf("cannot choose the next pid: %v", err)
		}
		cmd := exec.Command(testprog.Tracee(t), args...)
		cmd.Stdout = w
		err = cmd.Start()
		w.Close()
		if err != nil {
			r.Close()
			return nil, err
		}
		if cmd.Process.Pid != want {
			cmd.Process.Kill()
			cmd.Wait()
			r.Close()
			continue
		}
		t.Cleanup(func() {
			cmd.Process.Kill()
			cmd.Wait()
		})
		n := &newcomer{pid: want, lines: make(chan string, 256)}
		go func() {
			sc := bufio.NewScanner(r)
			for sc.Scan() {
				n.lines <- sc.Text()
			}
			close(n.lines)
			r.Close()
		}()
		return n, nil
	}
	return nil, fmt.Errorf("could not get pid %d for a new process", want)
}

// setHook installs attachHook for the test. The hook runs on the tracer
// thread; fn runs on another goroutine (a child forked by the tracer
// thread would be its child, reaped by its wait loop).
func setHook(t *testing.T, fn func(stage string, tgid, tid int)) {
	attachHook = func(stage string, tgid, tid int) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			fn(stage, tgid, tid)
		}()
		<-done
	}
	t.Cleanup(func() { attachHook = nil })
}

// untracedSoon waits until pid is traced by no one.
func untracedSoon(t *testing.T, pid int, what string) {
	t.Helper()
	end := time.Now().Add(5 * time.Second)
	for testprog.Status(pid, "TracerPid") != "0" {
		if time.Now().After(end) {
			t.Fatalf("%s (pid %d) is still traced by %s", what, pid, testprog.Status(pid, "TracerPid"))
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// S22, S5: the process exits after attach looked at it and its pid is
// reused by another process before the first PTRACE_SEIZE. Attach must
// notice (the leader's start time differs), fail with ErrNoSuchProcess
// and leave the newcomer untouched.
func TestS22AttachPidReused(t *testing.T) {
	old := testprog.Start(t, "pause")
	var nc *newcomer
	var startErr error
	fired := false
	setHook(t, func(stage string, tgid, tid int) {
		if stage != "checked" || fired {
			return
		}
		fired = true
		old.Cmd.Process.Kill()
		old.Cmd.Wait()
		nc, startErr = startWithPid(t, old.Pid, "ticker", "20")
	})
	tr, err := NewTracer(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	err = tr.Attach(old.Pid)
	if startErr != nil {
		t.Skip(startErr)
	}
	if !errors.Is(err, ErrNoSuchProcess) {
		t.Fatalf("Attach of a pid reused meanwhile: %v, want ErrNoSuchProcess", err)
	}
	untracedSoon(t, nc.pid, "the process that reused the pid")
	for i := 0; i < 3; i++ {
		if l := nc.expect(t, "tick", 2*time.Second); !strings.HasSuffix(l, "tstp=0 cont=0") {
			t.Fatalf("the newcomer saw a signal: %q", l)
		}
	}
	if got := tr.Tasks(); len(got) != 0 {
		t.Fatalf("tracer holds %v, want nothing", got)
	}
}

// S22, S5: a thread exits after attach listed it, and its tid is reused
// by another process before attach seizes it. Attach must let the
// newcomer go (it is not a thread of the process: /proc/TGID/task/TID is
// gone) and trace the rest of the process.
func TestS22AttachTidReused(t *testing.T) {
	p := testprog.Start(t, "threadexit")
	var thread int
	if _, err := fmt.Sscanf(p.Expect("thread", 5*time.Second), "thread %d", &thread); err != nil {
		t.Fatal(err)
	}
	var nc *newcomer
	var startErr error
	fired := false
	setHook(t, func(stage string, tgid, tid int) {
		if stage != "listed" || fired {
			return
		}
		fired = true
		p.Stdin.Write([]byte("\n"))
		for end := time.Now().Add(5 * time.Second); ; {
			if _, err := os.Stat(fmt.Sprintf("/proc/%d/task/%d", p.Pid, thread)); err != nil {
				break
			}
			if time.Now().After(end) {
				t.Errorf("thread %d did not exit", thread)
				return
			}
			time.Sleep(time.Millisecond)
		}
		nc, startErr = startWithPid(t, thread, "ticker", "20")
	})
	tr, err := NewTracer(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	err = tr.Attach(p.Pid)
	if startErr != nil {
		t.Skip(startErr)
	}
	if err != nil {
		t.Fatalf("Attach: %v", err)
	}
	untracedSoon(t, nc.pid, "the process that reused the tid")
	if got := tr.Tasks(); len(got) != 1 || got[0] != p.Pid {
		t.Fatalf("tracer holds %v, want only the leader %d", got, p.Pid)
	}
	if l := nc.expect(t, "tick", 2*time.Second); !strings.HasSuffix(l, "tstp=0 cont=0") {
		t.Fatalf("the newcomer saw a signal: %q", l)
	}
	if s := testprog.Status(p.Pid, "TracerPid"); s == "0" {
		t.Fatalf("the process itself is not traced")
	}
}
