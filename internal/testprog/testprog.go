// Package testprog builds and runs the small C programs that seize's tests
// trace. They are compiled with the machine's cc at test time and cached
// by source hash, so that a test binary builds them once.
package testprog

import (
	"bufio"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

//go:embed src/tracee.c
var traceeSource []byte

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// Tracee returns the path of the compiled tracee program (see tracee.c for
// its modes). It skips the test when no C compiler is available.
func Tracee(tb testing.TB) string {
	tb.Helper()
	if _, err := Build(); err != nil {
		if _, err := exec.LookPath("cc"); err != nil {
			tb.Skipf("no C compiler (cc) to build test programs: %v", err)
		}
		tb.Fatalf("building tracee: %v", buildErr)
	}
	return buildPath
}

// Build compiles the tracee program, once per process, and returns its
// path: Tracee for code that has no testing.TB (examples).
func Build() (string, error) {
	buildOnce.Do(func() { buildPath, buildErr = build("tracee", traceeSource) })
	return buildPath, buildErr
}

func build(name string, src []byte) (string, error) {
	sum := sha256.Sum256(src)
	dir := filepath.Join(os.TempDir(), "seize-testprog-"+hex.EncodeToString(sum[:8]))
	out := filepath.Join(dir, name)
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	srcPath := filepath.Join(dir, name+".c")
	if err := os.WriteFile(srcPath, src, 0o644); err != nil {
		return "", err
	}
	tmp := fmt.Sprintf("%s.tmp%d", out, os.Getpid())
	cmd := exec.Command("cc", "-O2", "-Wall", "-pthread", "-o", tmp, srcPath, "-lm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("cc: %v\n%s", err, b)
	}
	return out, os.Rename(tmp, out)
}

// Proc is a running tracee started by a test.
type Proc struct {
	Pid   int            // its process id
	Cmd   *exec.Cmd      // the command that started it
	Lines chan string    // its stdout, line by line; closed at EOF
	Stdin io.WriteCloser // its stdin
	tb    testing.TB
}

// Start runs the tracee with args (the mode first), as a child of the test
// process, and waits for its "ready" line. The tracee is killed and reaped
// by pid when the test ends.
func Start(tb testing.TB, args ...string) *Proc {
	tb.Helper()
	return StartCmd(tb, exec.Command(Tracee(tb), args...), true)
}

// StartCmd starts cmd with its stdout read line by line into Lines. If
// waitReady, it waits for the "ready" line first.
func StartCmd(tb testing.TB, cmd *exec.Cmd, waitReady bool) *Proc {
	tb.Helper()
	if cmd.SysProcAttr == nil {
		// A process group of its own, whose parent (the test) is in
		// another group of the same session: never orphaned, so stop
		// signals with their default action stop it. In an orphaned
		// group (a test run by a process that left its session, such as
		// a daemon or a shell's background job whose shell exited) the
		// kernel discards SIGTSTP, SIGTTIN and SIGTTOU.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if cmd.Stderr == nil {
		cmd.Stderr = os.Stderr
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	p := &Proc{Pid: cmd.Process.Pid, Cmd: cmd, Lines: make(chan string, 1024), Stdin: in, tb: tb}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.Lines <- sc.Text()
		}
		close(p.Lines)
	}()
	tb.Cleanup(func() {
		syscall.Kill(p.Pid, syscall.SIGKILL)
		cmd.Wait()
	})
	if waitReady {
		p.Expect("ready", 10*time.Second)
	}
	return p
}

// Expect waits for a line starting with prefix and returns it; other lines
// are skipped.
func (p *Proc) Expect(prefix string, timeout time.Duration) string {
	p.tb.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case l, ok := <-p.Lines:
			if !ok {
				p.tb.Fatalf("pid %d: output ended before %q", p.Pid, prefix)
			}
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-deadline:
			p.tb.Fatalf("pid %d: no %q within %v", p.Pid, prefix, timeout)
		}
	}
}

// State returns the state letter of /proc/PID/stat (R, S, T, t, Z, ...).
func State(pid int) byte {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return 0
	}
	return s[i+2]
}

// Status returns a field of /proc/PID/status, such as "TracerPid".
func Status(pid int, field string) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && k == field {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// WaitState polls until pid's state is one of states, or fails the test.
func WaitState(tb testing.TB, pid int, states string, timeout time.Duration) byte {
	tb.Helper()
	end := time.Now().Add(timeout)
	for {
		s := State(pid)
		if s != 0 && strings.IndexByte(states, s) >= 0 {
			return s
		}
		if time.Now().After(end) {
			tb.Fatalf("pid %d: state %q, want one of %q after %v", pid, s, states, timeout)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// WChan returns the kernel function pid's main thread sleeps in.
func WChan(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/wchan", pid))
	return string(b)
}

// Syscall returns the syscall number pid is blocked in (from
// /proc/PID/syscall), or -1 when running, or -2 when unknown.
func Syscall(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/syscall", pid))
	if err != nil {
		return -2
	}
	f := strings.Fields(string(b))
	if len(f) == 0 || f[0] == "running" {
		return -1
	}
	var n int
	if _, err := fmt.Sscanf(f[0], "%d", &n); err != nil {
		return -2
	}
	return n
}

// KillLater makes sure the process pid is killed when the test ends. It
// holds a pidfd from now on, so the kill can only reach that process: a
// kill by pid number at the end of a test may hit an unrelated process
// that got the number after this one was reaped (by the tracer, by its
// own parent), and pids wrap quickly while tests create thousands of
// threads. A process already gone is left alone.
func KillLater(tb testing.TB, pid int) {
	fd, _, errno := syscall.Syscall(434 /* SYS_PIDFD_OPEN, every architecture */, uintptr(pid), 0, 0)
	if errno != 0 {
		return // gone already (ESRCH)
	}
	tb.Cleanup(func() {
		syscall.Syscall6(424 /* SYS_PIDFD_SEND_SIGNAL */, fd, uintptr(syscall.SIGKILL), 0, 0, 0, 0)
		syscall.Close(int(fd))
	})
}
