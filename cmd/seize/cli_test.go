package main

// End-to-end tests of the seize command: the binary is built once in
// TestMain and run as a user would, against the tracee test program.

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize/internal/testprog"
)

// seizeBin is the seize binary built by TestMain.
var seizeBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "seize-cmd-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// The go command of the toolchain running the tests, whatever PATH is.
	//lint:ignore SA1019 the test binary runs where it was built.
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	seizeBin = filepath.Join(dir, "seize")
	build := exec.Command(goBin, "build", "-o", seizeBin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "building seize: %v\n", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// output collects what a process or a terminal writes, so that a test can
// wait for text to appear.
type output struct {
	mu   sync.Mutex
	buf  []byte
	eof  bool
	more chan struct{} // closed and replaced at every change
}

// newOutput copies r into the buffer until EOF (or EIO: a pty master whose
// slave side is closed).
func newOutput(r io.Reader) *output {
	o := &output{more: make(chan struct{})}
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := r.Read(b)
			o.mu.Lock()
			o.buf = append(o.buf, b[:n]...)
			if err != nil {
				o.eof = true
			}
			close(o.more)
			o.more = make(chan struct{})
			o.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return o
}

// String returns everything collected so far.
func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return string(o.buf)
}

// Len is the number of bytes collected so far: a position to wait from.
func (o *output) Len() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.buf)
}

// since returns the text collected after position from.
func (o *output) since(from int) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if from > len(o.buf) {
		return ""
	}
	return string(o.buf[from:])
}

// tail is the end of the text, short enough for a failure message.
func (o *output) tail() string { return lastLines(o.String(), 20) }

// waitRe waits until re matches the text after position from, and returns
// the submatches and the position just past the match.
func (o *output) waitRe(tb testing.TB, from int, re *regexp.Regexp, timeout time.Duration) ([]string, int) {
	tb.Helper()
	m, end, err := o.find(from, re, timeout)
	if err != nil {
		tb.Fatalf("%v; last lines:\n%s", err, o.tail())
	}
	return m, end
}

// find is waitRe returning an error instead of failing the test.
func (o *output) find(from int, re *regexp.Regexp, timeout time.Duration) ([]string, int, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		o.mu.Lock()
		var text []byte
		if from <= len(o.buf) {
			text = o.buf[from:]
		}
		loc := re.FindSubmatchIndex(text)
		eof, more := o.eof, o.more
		var subs []string
		for i := 0; i < len(loc); i += 2 {
			if loc[i] >= 0 {
				subs = append(subs, string(text[loc[i]:loc[i+1]]))
			} else {
				subs = append(subs, "")
			}
		}
		o.mu.Unlock()
		if loc != nil {
			return subs, from + loc[1], nil
		}
		if eof {
			return nil, from, fmt.Errorf("output ended without %q", re)
		}
		select {
		case <-more:
		case <-deadline.C:
			return nil, from, fmt.Errorf("no %q within %v", re, timeout)
		}
	}
}

// wait waits for the literal text s after position from and returns the
// position just past it.
func (o *output) wait(tb testing.TB, from int, s string, timeout time.Duration) int {
	tb.Helper()
	_, end := o.waitRe(tb, from, regexp.MustCompile(regexp.QuoteMeta(s)), timeout)
	return end
}

// waitEOF waits until the writer closed its end.
func (o *output) waitEOF(tb testing.TB, timeout time.Duration) {
	tb.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		o.mu.Lock()
		eof, more := o.eof, o.more
		o.mu.Unlock()
		if eof {
			return
		}
		select {
		case <-more:
		case <-deadline.C:
			tb.Fatalf("output not closed within %v; last lines:\n%s", timeout, o.tail())
		}
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("[... %d lines]", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// Generous bounds for a noisy 2-CPU machine; the tests assert strictly and
// only wait this long when something is wrong.
const (
	longWait  = 10 * time.Second
	shortWait = 5 * time.Second
)

// result is how a seize run ended.
type result struct {
	state  *os.ProcessState
	stdout string
	stderr string
	trace  string // the -o file, if any
}

// runSeize runs seize with args to completion; see runCmd.
func runSeize(t *testing.T, args ...string) result {
	t.Helper()
	trace := ""
	for i, a := range args {
		if a == "-o" && i+1 < len(args) {
			trace = args[i+1]
		}
	}
	return runCmd(t, exec.Command(seizeBin, args...), trace)
}

// runCmd runs cmd (seize, or a shell that execs it) to completion. Its
// stdout and stderr are regular files, not pipes, so that cmd.Wait returns
// when the process (the program, in launch mode) exits, as a shell would
// see it, without waiting for the tracer to close its copies: what the
// files hold at that moment is what a user would see. trace, if set, is
// the -o file to read then.
func runCmd(t *testing.T, cmd *exec.Cmd, trace string) result {
	t.Helper()
	dir := t.TempDir()
	stdout, err := os.Create(filepath.Join(dir, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	defer stdout.Close()
	stderr, err := os.Create(filepath.Join(dir, "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-done:
		case <-time.After(longWait):
			syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
		}
	}()
	cmd.Wait()
	close(done)
	var r result
	r.state = cmd.ProcessState
	b, _ := os.ReadFile(stdout.Name())
	r.stdout = string(b)
	b, _ = os.ReadFile(stderr.Name())
	r.stderr = string(b)
	if trace != "" {
		b, _ = os.ReadFile(trace)
		r.trace = string(b)
	}
	if ws := r.state.Sys().(syscall.WaitStatus); ws.Signaled() && ws.Signal() == syscall.SIGKILL {
		t.Fatalf("%q did not finish within %v; stderr:\n%s", cmd.Args, longWait, lastLines(r.stderr, 20))
	}
	return r
}

// attached is a seize -p process started by a test.
type attached struct {
	cmd    *exec.Cmd
	stderr *output
}

// attachSeize starts seize with args (which attach to pid) and waits for
// its "Process PID attached" message.
func attachSeize(t *testing.T, pid int, args ...string) *attached {
	t.Helper()
	cmd := exec.Command(seizeBin, args...)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	a := &attached{cmd: cmd, stderr: newOutput(r)}
	t.Cleanup(func() {
		syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		r.Close()
	})
	a.stderr.waitRe(t, 0, regexp.MustCompile(fmt.Sprintf(`seize: Process %d attached\b`, pid)), longWait)
	return a
}

// stop sends sig to seize and waits for it to exit; it returns the exit
// code.
func (a *attached) stop(t *testing.T, sig syscall.Signal) int {
	t.Helper()
	if err := a.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	a.stderr.waitEOF(t, longWait)
	a.cmd.Wait()
	ws := a.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		t.Fatalf("seize died by %v on %v; stderr:\n%s", ws.Signal(), sig, a.stderr.tail())
	}
	return ws.ExitStatus()
}

// tracerPid is /proc/PID/status's TracerPid, the tid of the thread that
// traces pid (0 if none), or -1 if pid is gone.
func tracerPid(pid int) int {
	s := testprog.Status(pid, "TracerPid")
	if s == "" {
		return -1
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// tracerProcess is the pid of the process whose thread traces pid: 0 if
// none, -1 if unknown.
func tracerProcess(pid int) int {
	tid := tracerPid(pid)
	if tid <= 0 {
		return tid
	}
	tg, err := strconv.Atoi(testprog.Status(tid, "Tgid"))
	if err != nil {
		return -1
	}
	return tg
}

// traceLines splits a trace into lines, without the final newline.
func traceLines(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// lastLine is the last line of s.
func lastLine(s string) string {
	l := traceLines(s)
	return l[len(l)-1]
}

// syscallLine is a finished syscall line without prefix: name(args) = ret.
var syscallLine = regexp.MustCompile(`^([a-z_0-9]+)\((.*?)\)( +)= (.+)$`)

// TestExitCode: launch mode exits with the program's exit status (S15), and
// the trace, on stderr, runs from the program's execve to its exit line.
func TestExitCode(t *testing.T) {
	tracee := testprog.Tracee(t)
	r := runSeize(t, "--", tracee, "exit", "3")
	if got := r.state.ExitCode(); got != 3 {
		t.Fatalf("exit code %d (%v), want 3; stderr:\n%s", got, r.state, lastLines(r.stderr, 20))
	}
	lines := traceLines(r.stderr)
	if !strings.HasPrefix(lines[0], "execve(") || !strings.HasSuffix(lines[0], " = 0") {
		t.Errorf("first line %q, want the program's execve(...) = 0", lines[0])
	}
	if l := lines[len(lines)-1]; l != "+++ exited with 3 +++" {
		t.Errorf("last line %q, want +++ exited with 3 +++", l)
	}
	if l := lines[len(lines)-2]; !strings.HasPrefix(l, "exit_group(3)") || !strings.HasSuffix(l, " = ?") {
		t.Errorf("line before the exit %q, want exit_group(3) = ?", l)
	}
	if strings.Contains(r.stderr, "seize:") {
		t.Errorf("launch mode printed seize messages:\n%s", lastLines(r.stderr, 20))
	}
}

// TestKilledBySignal: when the program dies by a signal, so does seize's
// process, by the same signal (S15), and the trace says so. Whether SIGSEGV
// dumps core is the kernel's choice (RLIMIT_CORE, core_pattern): the trace
// must agree with what the parent saw, so the test runs both with the
// inherited limit and with "ulimit -c unlimited".
func TestKilledBySignal(t *testing.T) {
	tracee := testprog.Tracee(t)
	for _, tc := range []struct {
		name  string
		sig   syscall.Signal
		sname string
		core  bool // ulimit -c unlimited
		lines []string
	}{
		{"SIGSEGV", syscall.SIGSEGV, "SIGSEGV", false, []string{"+++ killed by SIGSEGV (core dumped) +++", "+++ killed by SIGSEGV +++"}},
		{"SIGSEGV-ulimit-core", syscall.SIGSEGV, "SIGSEGV", true, []string{"+++ killed by SIGSEGV (core dumped) +++", "+++ killed by SIGSEGV +++"}},
		{"SIGTERM", syscall.SIGTERM, "SIGTERM", false, []string{"+++ killed by SIGTERM +++"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "trace")
			args := []string{"-o", out, "--", tracee, "raise", strconv.Itoa(int(tc.sig))}
			cmd := exec.Command(seizeBin, args...)
			if tc.core {
				cmd = exec.Command("/bin/sh", append([]string{"-c", `ulimit -c unlimited 2>/dev/null; exec "$@"`, "sh", seizeBin}, args...)...)
			}
			cmd.Dir = dir // for a core file
			r := runCmd(t, cmd, out)
			ws := r.state.Sys().(syscall.WaitStatus)
			if !ws.Signaled() || ws.Signal() != tc.sig {
				t.Fatalf("seize ended with %v, want killed by %v; stderr:\n%s", r.state, tc.sig, lastLines(r.stderr, 10))
			}
			last := lastLine(r.trace)
			ok := false
			for _, l := range tc.lines {
				ok = ok || last == l
			}
			if !ok {
				t.Errorf("last trace line %q, want one of %q", last, tc.lines)
			}
			if ws.CoreDump() != strings.Contains(last, "core dumped") {
				t.Errorf("trace says %q, the parent saw core dump %v", last, ws.CoreDump())
			}
			want := fmt.Sprintf("--- %s {si_signo=%s, si_code=SI_TKILL, si_pid=%d, si_uid=%d} ---",
				tc.sname, tc.sname, r.state.Pid(), os.Getuid())
			if !strings.Contains(r.trace, "\n"+want+"\n") {
				t.Errorf("trace lacks %q; last lines:\n%s", want, lastLines(r.trace, 5))
			}
		})
	}
}

// TestLineShape: syscall lines are "name(args) = ret" with " = " aligned
// at column 40 unless the call is longer, and a failing call shows the
// errno's name and text.
func TestLineShape(t *testing.T) {
	ls, err := exec.LookPath("ls")
	if err != nil {
		t.Skip("no ls")
	}
	out := filepath.Join(t.TempDir(), "trace")
	r := runSeize(t, "-o", out, "--", ls, "/nonexistent-seize-test")
	if r.state.ExitCode() != 2 {
		t.Fatalf("ls exited %v, want 2; stderr:\n%s", r.state, lastLines(r.stderr, 20))
	}
	lines := traceLines(r.trace)
	if !strings.HasPrefix(lines[0], "execve(") {
		t.Errorf("first line %q, want the program's execve", lines[0])
	}
	n, short, enoent := 0, 0, false
	for _, l := range lines {
		if strings.HasPrefix(l, "+++ ") || strings.HasPrefix(l, "--- ") {
			continue
		}
		m := syscallLine.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("line %q is not name(args) = ret", l)
			continue
		}
		n++
		call := len(m[1]) + 1 + len(m[2]) + 1
		eq := strings.Index(l, " = ")
		if want := max(call, column-1); eq != want {
			t.Errorf("line %q: \" = \" at %d, want %d", l, eq, want)
		}
		if call < column-1 {
			short++
		}
		if strings.HasSuffix(l, "= -1 ENOENT (No such file or directory)") &&
			(strings.Contains(l, "stat") || strings.HasPrefix(l, "open")) {
			enoent = true
		}
	}
	if n < 10 || short == 0 {
		t.Errorf("%d syscall lines, %d short ones; want a whole ls run", n, short)
	}
	if !enoent {
		t.Errorf("no failing stat/open with = -1 ENOENT (No such file or directory); last lines:\n%s", lastLines(r.trace, 20))
	}
	// ls's own complaint goes to its stderr, not into the trace.
	if !strings.Contains(r.stderr, "/nonexistent-seize-test") {
		t.Errorf("ls's error message missing from stderr: %q", r.stderr)
	}
	// (The trace shows it inside ls's write(2, "ls: cannot access ..."),
	// escaped; never as a line of its own.)
	if regexp.MustCompile(`(?m)^ls: `).MatchString(r.trace) {
		t.Errorf("the program's output leaked into the trace file")
	}
}

// column is strace's alignment column for " = " (format's -a 40).
const column = 40

// TestOutputFile: -o writes the trace to the file, and the program's
// stdout and stderr stay its own; the exit line is in the file by the time
// the parent sees the program exit (S10: the tracer reaps first).
func TestOutputFile(t *testing.T) {
	tracee := testprog.Tracee(t)
	for i := 0; i < 10; i++ {
		out := filepath.Join(t.TempDir(), "trace")
		r := runSeize(t, "-o", out, "--", tracee, "exit", "3")
		if r.state.ExitCode() != 3 {
			t.Fatalf("exit code %v, want 3", r.state)
		}
		if l := lastLine(r.trace); l != "+++ exited with 3 +++" {
			t.Fatalf("run %d: when the parent saw the exit, the trace ended with %q", i, l)
		}
		if r.stderr != "" {
			t.Fatalf("stderr with -o: %q, want nothing", lastLines(r.stderr, 5))
		}
	}
	// The program's own output goes to its stdout, not into the trace.
	out := filepath.Join(t.TempDir(), "trace")
	r := runSeize(t, "-o", out, "--", tracee, "parent", tracee, "exit", "7")
	if !strings.Contains(r.stdout, "parent saw exited 7") {
		t.Errorf("program stdout %q lacks its own output", r.stdout)
	}
	if regexp.MustCompile(`(?m)^(parent saw|child )`).MatchString(r.trace) {
		t.Errorf("program output mixed into the trace file:\n%s", lastLines(r.trace, 10))
	}
	if !strings.Contains(r.trace, "write(1, ") {
		t.Errorf("trace lacks the program's write(1, ...) calls; last lines:\n%s", lastLines(r.trace, 10))
	}
}

// TestStderrCompleteAtExit: on stderr too, every line of the trace is
// written when the parent sees the program exit.
func TestStderrCompleteAtExit(t *testing.T) {
	tracee := testprog.Tracee(t)
	for i := 0; i < 10; i++ {
		r := runSeize(t, "--", tracee, "exit", "4")
		if r.state.ExitCode() != 4 {
			t.Fatalf("exit code %v, want 4", r.state)
		}
		if l := lastLine(r.stderr); l != "+++ exited with 4 +++" {
			t.Fatalf("run %d: when the parent saw the exit, stderr ended with %q", i, l)
		}
	}
}

// TestFollowForks: -f traces the children too, with pid prefixes once
// there is more than one process, and says when it attaches to one.
func TestFollowForks(t *testing.T) {
	tracee := testprog.Tracee(t)
	childRe := regexp.MustCompile(`(?m)^child (\d+)$`)

	t.Run("stderr", func(t *testing.T) {
		r := runSeize(t, "-f", "--", tracee, "parent", tracee, "exit", "5")
		if r.state.ExitCode() != 0 {
			t.Fatalf("exit %v, want 0; stderr:\n%s", r.state, lastLines(r.stderr, 20))
		}
		m := childRe.FindStringSubmatch(r.stdout)
		if m == nil || !strings.Contains(r.stdout, "parent saw exited 5") {
			t.Fatalf("program output %q", r.stdout)
		}
		child, _ := strconv.Atoi(m[1])
		parent := r.state.Pid()
		if !strings.Contains(r.stderr, fmt.Sprintf("seize: Process %d attached\n", child)) {
			t.Errorf("no \"seize: Process %d attached\"; stderr:\n%s", child, lastLines(r.stderr, 20))
		}
		cp := fmt.Sprintf("[pid %5d] ", child)
		pp := fmt.Sprintf("[pid %5d] ", parent)
		// The parent may make no syscall while its child lives (when the
		// child runs first to its end), so only the child's lines are sure
		// to carry a prefix.
		for _, want := range []string{"\n" + cp + "execve(", "\n" + cp + "exit_group(5)", "\n" + cp + "+++ exited with 5 +++\n"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("stderr lacks %q; last lines:\n%s", want[1:], lastLines(r.stderr, 20))
			}
		}
		for _, l := range traceLines(r.stderr) {
			if strings.HasPrefix(l, "[pid ") && !strings.HasPrefix(l, cp) && !strings.HasPrefix(l, pp) {
				t.Errorf("line %q: prefix of neither %d nor %d", l, parent, child)
			}
		}
		// Once the child is gone, the parent's lines lose the prefix
		// again, as with strace.
		sigchld := "\n--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=" + m[1] + ", "
		if !strings.Contains(r.stderr, sigchld) {
			t.Errorf("stderr lacks %q; last lines:\n%s", sigchld[1:], lastLines(r.stderr, 20))
		}
		if l := lastLine(r.stderr); l != "+++ exited with 0 +++" {
			t.Errorf("last line %q, want +++ exited with 0 +++", l)
		}
		if lines := traceLines(r.stderr); !strings.HasPrefix(lines[0], "execve(") {
			t.Errorf("first line %q, want execve(", lines[0])
		}
	})

	t.Run("file", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "trace")
		r := runSeize(t, "-f", "-o", out, "--", tracee, "parent", tracee, "exit", "5")
		if r.state.ExitCode() != 0 {
			t.Fatalf("exit %v, want 0; stderr:\n%s", r.state, lastLines(r.stderr, 20))
		}
		m := childRe.FindStringSubmatch(r.stdout)
		if m == nil {
			t.Fatalf("program output %q", r.stdout)
		}
		child, _ := strconv.Atoi(m[1])
		parent := r.state.Pid()
		if !strings.Contains(r.stderr, fmt.Sprintf("seize: Process %d attached\n", child)) {
			t.Errorf("no \"seize: Process %d attached\" on stderr: %q", child, r.stderr)
		}
		// strace -f -o: every line carries "PID " padded to 5 columns.
		pfx := func(pid int) string { return fmt.Sprintf("%-5d ", pid) }
		lines := traceLines(r.trace)
		for _, l := range lines {
			if !strings.HasPrefix(l, pfx(parent)) && !strings.HasPrefix(l, pfx(child)) {
				t.Fatalf("line %q has no pid prefix of %d or %d", l, parent, child)
			}
		}
		if !strings.HasPrefix(lines[0], pfx(parent)+"execve(") {
			t.Errorf("first line %q", lines[0])
		}
		if l := lines[len(lines)-1]; l != pfx(parent)+"+++ exited with 0 +++" {
			t.Errorf("last line %q", l)
		}
		for _, want := range []string{pfx(child) + "execve(", pfx(child) + "+++ exited with 5 +++"} {
			if !strings.Contains(r.trace, want) {
				t.Errorf("trace lacks %q", want)
			}
		}
		// Alignment counts the prefix, as strace's column does. (The
		// last ") = " of a line ends its call: decoded arguments may hold
		// ") " and " = " themselves.)
		endCall := regexp.MustCompile(`^(.*\)) +=( |$)`)
		for _, l := range lines {
			m := endCall.FindStringSubmatchIndex(l)
			if m == nil {
				continue
			}
			callEnd, eq := m[3], m[4]-2
			if want := max(callEnd, column-1); eq != want {
				t.Errorf("line %q: \" = \" at %d, want %d", l, eq, want)
			}
		}
	})
}

// TestAttachDetach: seize -p on a running program reports its syscalls;
// SIGINT, SIGTERM or SIGHUP makes seize detach and exit 0, and the program
// goes on as if never traced: no signal seen, no tracer (S1, S14).
func TestAttachDetach(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			p := testprog.Start(t, "ticker", "20")
			a := attachSeize(t, p.Pid, "-p", strconv.Itoa(p.Pid))
			if tp := tracerProcess(p.Pid); tp != a.cmd.Process.Pid {
				t.Fatalf("traced by process %d, want seize's pid %d", tp, a.cmd.Process.Pid)
			}
			// Syscall lines on stderr: the ticker's nanosleep and write.
			a.stderr.waitRe(t, 0, regexp.MustCompile(`(?m)^write\(1, "tick \d+ tstp=0 cont=0\\n", \d+\) += \d+$`), shortWait)
			a.stderr.waitRe(t, 0, regexp.MustCompile(`(?m)^(clock_)?nanosleep\(`), shortWait)
			if code := a.stop(t, sig); code != 0 {
				t.Fatalf("seize exited %d on %v, want 0; stderr:\n%s", code, sig, a.stderr.tail())
			}
			if want := fmt.Sprintf("seize: Process %d detached\n", p.Pid); !strings.HasSuffix(a.stderr.String(), want) {
				t.Errorf("stderr does not end with %q:\n%s", want, a.stderr.tail())
			}
			if tp := tracerPid(p.Pid); tp != 0 {
				t.Fatalf("after detach TracerPid %d, want 0", tp)
			}
			// Still ticking, and it never saw a signal.
			for i := 0; i < 3; i++ {
				l := p.Expect("tick", shortWait)
				if !strings.HasSuffix(l, " tstp=0 cont=0") {
					t.Fatalf("after detach: %q, want tstp=0 cont=0", l)
				}
			}
			if s := testprog.State(p.Pid); s != 'S' && s != 'R' {
				t.Fatalf("after detach state %c, want running or sleeping", s)
			}
		})
	}
}

// TestAttachThreads: attaching to a multi-threaded process says how many
// threads were seized.
func TestAttachThreads(t *testing.T) {
	p := testprog.Start(t, "threads", "4")
	a := attachSeize(t, p.Pid, "-p", strconv.Itoa(p.Pid))
	if !strings.Contains(a.stderr.String(), fmt.Sprintf("seize: Process %d attached with 4 threads\n", p.Pid)) {
		t.Fatalf("stderr: %q, want \"Process %d attached with 4 threads\"", a.stderr.tail(), p.Pid)
	}
	if code := a.stop(t, syscall.SIGINT); code != 0 {
		t.Fatalf("seize exited %d", code)
	}
	entries, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", p.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		tid, _ := strconv.Atoi(e.Name())
		if tp := tracerPid(tid); tp != 0 {
			t.Errorf("thread %d: TracerPid %d after detach", tid, tp)
		}
	}
	if d := strings.Count(a.stderr.String(), " detached\n"); d != 4 {
		t.Errorf("%d \"detached\" messages, want 4:\n%s", d, a.stderr.tail())
	}
}

// TestAttachOutputFile: with -p and -o, the trace goes to the file and the
// messages to stderr.
func TestAttachOutputFile(t *testing.T) {
	p := testprog.Start(t, "ticker", "20")
	out := filepath.Join(t.TempDir(), "trace")
	a := attachSeize(t, p.Pid, "-o", out, "-p", strconv.Itoa(p.Pid))
	p.Expect("tick", shortWait)
	p.Expect("tick", shortWait)
	if code := a.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("seize exited %d", code)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^write\(1, "tick `).Match(b) {
		t.Errorf("trace file lacks the ticker's writes:\n%s", lastLines(string(b), 10))
	}
	if regexp.MustCompile(`(?m)^(seize:|tick )`).Match(b) {
		t.Errorf("trace file holds messages or program output:\n%s", lastLines(string(b), 10))
	}
	if got := a.stderr.String(); strings.Contains(got, "write(") {
		t.Errorf("syscall lines on stderr with -o: %s", lastLines(got, 5))
	}
}

// TestAttachSamePidTwice: a pid given twice is attached once.
func TestAttachSamePidTwice(t *testing.T) {
	p := testprog.Start(t, "ticker", "20")
	a := attachSeize(t, p.Pid, "-o", filepath.Join(t.TempDir(), "trace"), "-p", fmt.Sprintf("%d,%d", p.Pid, p.Pid))
	if code := a.stop(t, syscall.SIGINT); code != 0 {
		t.Fatalf("seize exited %d; stderr:\n%s", code, a.stderr.tail())
	}
	want := fmt.Sprintf("seize: Process %d attached\nseize: Process %d detached\n", p.Pid, p.Pid)
	if got := a.stderr.String(); got != want {
		t.Fatalf("stderr:\n%s\nwant:\n%s", got, want)
	}
}
