package seize_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/internal/testprog"
	"golang.org/x/sys/unix"
)

// The typed errors of Attach, each provoked on the real kernel: callers
// tell them apart with errors.Is and errors.As only.

// attachErrorIs asserts that err is an *AttachError for pid and
// reports the errors.Is answers for the sentinels and errnos, so that a
// test can say which must hold.
func attachErrorIs(t *testing.T, err error, pid int) map[string]bool {
	t.Helper()
	var ae *seize.AttachError
	if !errors.As(err, &ae) {
		t.Fatalf("Attach(%d) = %v (%T), want an *AttachError", pid, err, err)
	}
	if ae.Pid != pid {
		t.Errorf("AttachError.Pid = %d, want %d", ae.Pid, pid)
	}
	var at *seize.AlreadyTracedError
	return map[string]bool{
		"ErrNoSuchProcess": errors.Is(err, seize.ErrNoSuchProcess),
		"ErrExited":        errors.Is(err, seize.ErrExited),
		"ErrPermission":    errors.Is(err, seize.ErrPermission),
		"ErrAlreadyTraced": errors.Is(err, seize.ErrAlreadyTraced),
		"AlreadyTraced":    errors.As(err, &at),
		"ESRCH":            errors.Is(err, syscall.ESRCH),
		"EPERM":            errors.Is(err, syscall.EPERM),
		"fs.ErrPermission": errors.Is(err, fs.ErrPermission),
	}
}

// wantIs fails unless exactly the names in want are true in got.
func wantIs(t *testing.T, err error, got map[string]bool, want ...string) {
	t.Helper()
	w := make(map[string]bool)
	for _, n := range want {
		w[n] = true
	}
	for n, v := range got {
		if v != w[n] {
			t.Errorf("errors.Is/As(%v, %s) = %v, want %v", err, n, v, w[n])
		}
	}
}

// No such process: a pid that was used and reaped, so certainly free
// unless reused meanwhile. Interrupt, Resume and Detach of a tid the
// tracer does not trace say the same.
func TestErrNoSuchProcess(t *testing.T) {
	cmd := exec.Command(testprog.Tracee(t), "exit", "0")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
		t.Skipf("pid %d was reused already", pid)
	}
	tr, _ := newTracer(t, seize.Options{})
	err := tr.Attach(pid)
	wantIs(t, err, attachErrorIs(t, err, pid), "ErrNoSuchProcess", "ESRCH")
	for name, fn := range map[string]func(int) error{"Interrupt": tr.Interrupt, "Resume": tr.Resume, "Detach": tr.Detach} {
		if err := fn(pid); !errors.Is(err, seize.ErrNoSuchProcess) {
			t.Errorf("%s(%d) of an untraced tid = %v, want ErrNoSuchProcess", name, pid, err)
		}
	}
}

// Exited: the process is there, but a zombie: its exit has happened and
// no thread of it can be seized. (errors_internal_test.go makes a live
// process exit in the middle of Attach.)
func TestErrExitedZombie(t *testing.T) {
	cmd := exec.Command(testprog.Tracee(t), "exit", "0")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	defer cmd.Wait()
	testprog.WaitState(t, pid, "Z", 5*time.Second)
	tr, _ := newTracer(t, seize.Options{})
	err := tr.Attach(pid)
	wantIs(t, err, attachErrorIs(t, err, pid), "ErrExited", "ErrNoSuchProcess", "ESRCH")
	if !strings.Contains(err.Error(), "exited") {
		t.Errorf("message %q does not say the process exited", err)
	}
}

// Already traced, by another process: the error names that process (not
// the tid of its tracing thread, which is what /proc shows) and its
// command name, and the process stays with its tracer.
func TestErrAlreadyTraced(t *testing.T) {
	p := testprog.Start(t, "ticker", "50")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperErrors$", "-test.count=1", "-test.timeout=60s")
	cmd.Env = append(os.Environ(), errorsHelperEnv+"=hold:"+strconv.Itoa(p.Pid))
	helper := testprog.StartCmd(t, cmd, false)
	if l := helper.Expect("helper:", 10*time.Second); l != "helper: held" {
		t.Fatalf("helper: %q", l)
	}
	tracerTid, _, _ := tracerOf(p.Pid)
	if _, err := os.Stat(fmt.Sprintf("/proc/%d/task/%d", helper.Pid, tracerTid)); err != nil {
		t.Fatalf("TracerPid %d is not a thread of the helper %d", tracerTid, helper.Pid)
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", helper.Pid))
	if err != nil {
		t.Fatal(err)
	}
	helperComm := strings.TrimSpace(string(b))

	tr, _ := newTracer(t, seize.Options{})
	err = tr.Attach(p.Pid)
	wantIs(t, err, attachErrorIs(t, err, p.Pid), "ErrAlreadyTraced", "AlreadyTraced")
	var at *seize.AlreadyTracedError
	errors.As(err, &at)
	if at.TracerPid != helper.Pid || at.TracerComm != helperComm {
		t.Errorf("AlreadyTracedError{%d, %q}, want {%d, %q}", at.TracerPid, at.TracerComm, helper.Pid, helperComm)
	}
	if tp, _, _ := tracerOf(p.Pid); tp != tracerTid {
		t.Errorf("TracerPid %d after the failed attach, want the helper's %d", tp, tracerTid)
	}
}

// Already traced by another Tracer of the same process: the error names
// this process.
func TestErrAlreadyTracedSameProcess(t *testing.T) {
	p := testprog.Start(t, "ticker", "50")
	tr1, _ := newTracer(t, seize.Options{})
	if err := tr1.Attach(p.Pid); err != nil {
		t.Fatal(err)
	}
	tr2, _ := newTracer(t, seize.Options{})
	err := tr2.Attach(p.Pid)
	wantIs(t, err, attachErrorIs(t, err, p.Pid), "ErrAlreadyTraced", "AlreadyTraced")
	var at *seize.AlreadyTracedError
	errors.As(err, &at)
	if at.TracerPid != os.Getpid() {
		t.Errorf("AlreadyTracedError.TracerPid = %d, want this process, %d", at.TracerPid, os.Getpid())
	}
	if len(tr2.Tasks()) != 0 {
		t.Errorf("the second tracer holds %v", tr2.Tasks())
	}
}

// Not permitted: a tracer running as uid 65534 attaches to a process of
// root's. The helper is this test binary, copied where that user can run
// it, with its credentials dropped at exec (SysProcAttr.Credential).
func TestErrPermission(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to run the helper as another user against a root process")
	}
	p := testprog.Start(t, "ticker", "50")
	dir, err := os.MkdirTemp("", "seize-errors")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	self, err := os.ReadFile("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "seize.test")
	if err := os.WriteFile(bin, self, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^TestHelperErrors$", "-test.count=1", "-test.timeout=60s")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), errorsHelperEnv+"=attach:"+strconv.Itoa(p.Pid), "HOME="+dir, "TMPDIR="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper as uid 65534: %v\n%s", err, lastOutput(out))
	}
	want := "helper: ErrPermission EPERM fs.ErrPermission"
	if !strings.Contains(string(out), want+"\n") {
		t.Fatalf("helper said:\n%s\nwant %q", lastOutput(out), want)
	}
	if tp := testprog.Status(p.Pid, "TracerPid"); tp != "0" {
		t.Errorf("TracerPid %s after a refused attach", tp)
	}
	if l := p.Expect("tick", 2*time.Second); !strings.HasSuffix(l, "tstp=0 cont=0") {
		t.Errorf("the process saw a signal: %q", l)
	}
}

func lastOutput(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}

// errorsHelperEnv asks TestHelperErrors, run in a child process, to do
// "attach:PID" (attach and print which errors match) or "hold:PID"
// (attach, say so, and wait to be killed).
const errorsHelperEnv = "SEIZE_TEST_ERRORS_HELPER"

// TestHelperErrors is not a test: the tests above run it in a child
// process.
func TestHelperErrors(t *testing.T) {
	v := os.Getenv(errorsHelperEnv)
	if v == "" {
		return
	}
	mode, pidText, _ := strings.Cut(v, ":")
	pid, err := strconv.Atoi(pidText)
	if err != nil {
		t.Fatal(err)
	}
	switch mode {
	case "attach":
		tr, err := seize.NewTracer(nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tr.Close()
		err = tr.Attach(pid)
		var ae *seize.AttachError
		if !errors.As(err, &ae) {
			fmt.Printf("helper: Attach = %v (%T)\n", err, err)
			return
		}
		var matched []string
		for _, c := range []struct {
			name string
			err  error
		}{
			{"ErrNoSuchProcess", seize.ErrNoSuchProcess}, {"ErrExited", seize.ErrExited},
			{"ErrAlreadyTraced", seize.ErrAlreadyTraced}, {"ErrPermission", seize.ErrPermission},
			{"EPERM", syscall.EPERM}, {"fs.ErrPermission", fs.ErrPermission},
		} {
			if errors.Is(err, c.err) {
				matched = append(matched, c.name)
			}
		}
		fmt.Printf("%v\nhelper: %s\n", err, strings.Join(matched, " "))
	case "hold":
		// A raw PTRACE_SEIZE from a locked thread, as a debugger would.
		done := make(chan error)
		go func() {
			runtime.LockOSThread()
			done <- unix.PtraceSeize(pid)
			select {} // the thread holds the tracee until the process dies
		}()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		fmt.Println("helper: held")
		time.Sleep(time.Minute)
	}
}
