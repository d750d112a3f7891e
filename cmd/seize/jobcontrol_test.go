package main

// Job control through a real interactive bash in a real pseudo-terminal:
// the keystrokes a user types (^Z, fg, bg, ^C) and what the terminal
// shows, with seize in launch mode and in attach mode (S6, S7, S9, S10,
// S12, S14).

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/seize-dev/seize/internal/testprog"
)

// promptMark is bash's PS1: text no program in these tests prints.
const promptMark = "<seize-test-prompt>$ "

// Keystrokes.
const (
	ctrlZ = "\x1a"
	ctrlC = "\x03"
)

// shell is an interactive bash on the slave side of a pty; the test
// types on the master side and reads what the terminal shows.
type shell struct {
	t   *testing.T
	pty *os.File
	cmd *exec.Cmd
	out *output
	pos int // how far the test has read
}

// startShell starts bash with job control in a new pty. $S is seize, $T
// the tracee, so that typed commands stay short.
func startShell(t *testing.T) *shell {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	cmd := exec.Command(bash, "--norc", "--noprofile", "-i")
	cmd.Dir = dir
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"TERM=dumb",
		"LANG=C",
		"PS1=" + promptMark,
		"HISTFILE=/dev/null",
		"S=" + seizeBin,
		"T=" + testprog.Tracee(t),
	}
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 400})
	if err != nil {
		t.Fatal(err)
	}
	sh := &shell{t: t, pty: f, cmd: cmd, out: newOutput(f)}
	t.Cleanup(func() {
		syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		f.Close()
	})
	sh.prompt()
	return sh
}

// send types s.
func (sh *shell) send(s string) {
	sh.t.Helper()
	if _, err := sh.pty.WriteString(s); err != nil {
		sh.t.Fatalf("typing %q: %v", s, err)
	}
}

// expect waits for the text s after what was read so far and moves past it.
func (sh *shell) expect(s string) {
	sh.t.Helper()
	sh.pos = sh.out.wait(sh.t, sh.pos, s, longWait)
}

// expectRe waits for a match of re after what was read so far, moves past
// it and returns the submatches.
func (sh *shell) expectRe(re string) []string {
	sh.t.Helper()
	m, end := sh.out.waitRe(sh.t, sh.pos, regexp.MustCompile(re), longWait)
	sh.pos = end
	return m
}

// prompt waits for bash's next prompt.
func (sh *shell) prompt() { sh.t.Helper(); sh.expect(promptMark) }

// run types a command line and waits for the prompt after it, returning
// what the terminal showed in between.
func (sh *shell) run(line string) string {
	sh.t.Helper()
	from := sh.pos
	sh.send(line + "\n")
	sh.prompt()
	return sh.out.since(from)[:sh.pos-from]
}

// quiet checks that nothing matching re appears for d: the program is
// really stopped.
func (sh *shell) quiet(re string, d time.Duration) {
	sh.t.Helper()
	from := sh.out.Len()
	time.Sleep(d)
	if s := sh.out.since(from); regexp.MustCompile(re).MatchString(s) {
		sh.t.Fatalf("%q while stopped:\n%s", re, lastLines(s, 20))
	}
}

// tick waits for the program's next tick line and returns its tstp and
// cont counts.
func (sh *shell) tick() (tstp, cont int) {
	sh.t.Helper()
	m := sh.expectRe(`tick \d+ tstp=(\d+) cont=(\d+)\r?\n`)
	tstp, _ = strconv.Atoi(m[1])
	cont, _ = strconv.Atoi(m[2])
	return tstp, cont
}

// tickWith waits for a tick line with the given counts (earlier ones may
// still be in the terminal).
func (sh *shell) tickWith(tstp, cont int) {
	sh.t.Helper()
	sh.expectRe(fmt.Sprintf(`tick \d+ tstp=%d cont=%d\r?\n`, tstp, cont))
}

// jobs runs "jobs -l" and returns the line of job 1: its pid and state.
func (sh *shell) jobs() (pid int, state string) {
	sh.t.Helper()
	out := sh.run("jobs -l")
	m := regexp.MustCompile(`\[1\][+-]? +(\d+) +(Running|Stopped(?: \([a-z ]+\))?|Done|Killed|Interrupt)`).FindStringSubmatch(out)
	if m == nil {
		sh.t.Fatalf("jobs -l: no job 1 in:\n%s", out)
	}
	pid, _ = strconv.Atoi(m[1])
	return pid, m[2]
}

// lastStatus returns bash's $? for the last foreground job.
func (sh *shell) lastStatus() int {
	sh.t.Helper()
	sh.send("echo status=$?\n")
	m := sh.expectRe(`status=(\d+)\r?\n`)
	sh.prompt()
	n, _ := strconv.Atoi(m[1])
	return n
}

// killLater makes sure pid, a process the test cannot wait for (the
// shell's child, or the launch-mode tracer), is gone when the test ends,
// if it runs exe now: the kill goes through a pidfd taken now, so it
// cannot reach another process that reuses the pid later.
func killLater(t *testing.T, pid int, exe string) {
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	if p, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); err == nil && p == exe {
		testprog.KillLater(t, pid)
	}
}

// waitGone waits until pid no longer exists (or is a zombie).
func waitGone(t *testing.T, pid int, timeout time.Duration) {
	t.Helper()
	end := time.Now().Add(timeout)
	for {
		s := testprog.State(pid)
		if s == 0 || s == 'Z' || s == 'X' {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("pid %d still there (state %c) after %v", pid, s, timeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// How long "nothing happens" is watched: several tick periods.
const stoppedWindow = 400 * time.Millisecond

// TestLaunchJobControl: seize -- PROG typed at an interactive bash is one
// job, the program itself, and ^Z, jobs, fg, bg, kill -STOP/-CONT from
// elsewhere and ^C behave as without seize (S9, S6, S7, S10, S15).
func TestLaunchJobControl(t *testing.T) { launchJobControl(t, "") }

// launchJobControl is TestLaunchJobControl with more seize flags (extra,
// starting with a space); with -ff among them the trace is FILE.PID.
func launchJobControl(t *testing.T, extra string) {
	sh := startShell(t)
	trace := filepath.Join(t.TempDir(), "trace")
	sh.send("$S -o " + trace + extra + " -- $T ticker 100\n")
	m := sh.expectRe(`ready (\d+)\r?\n`)
	pid, _ := strconv.Atoi(m[1])
	if strings.Contains(extra, " -ff") {
		trace += "." + m[1]
	}
	killLater(t, pid, testprog.Tracee(t))
	// seize execs the program once its tracer, a process of its own, has
	// seized it: the program is the shell's job and is traced from its
	// first instruction.
	tracer := tracerProcess(pid)
	if tracer <= 0 || tracer == pid {
		t.Fatalf("program %d: traced by process %d, want the tracer's pid", pid, tracer)
	}
	killLater(t, tracer, seizeBin)
	if tstp, cont := sh.tick(); tstp != 0 || cont != 0 {
		t.Fatalf("first tick: tstp=%d cont=%d", tstp, cont)
	}

	// ^Z: the program's own SIGTSTP handler runs, then it stops and bash
	// takes the terminal back (S9).
	sh.send(ctrlZ)
	sh.expect("handler SIGTSTP")
	sh.expectRe(`\[1\]\+ +Stopped +\$S -o`)
	sh.prompt()
	testprog.WaitState(t, pid, "tT", shortWait)
	if jp, st := sh.jobs(); jp != pid || st != "Stopped" {
		t.Fatalf("jobs -l: job 1 is %d %q, want %d Stopped", jp, st, pid)
	}
	sh.quiet(`tick \d+ tstp=`, stoppedWindow)
	if s := testprog.State(pid); s != 't' && s != 'T' {
		t.Fatalf("state %c while stopped, want t or T", s)
	}
	if tp := tracerProcess(pid); tp != tracer {
		t.Fatalf("traced by process %d while stopped, want %d", tp, tracer)
	}

	// fg: it resumes in the foreground, having seen SIGCONT, and a second
	// ^Z works as the first.
	sh.send("fg\n")
	sh.tickWith(1, 1)
	sh.send(ctrlZ)
	sh.expect("handler SIGTSTP")
	sh.expectRe(`\[1\]\+ +Stopped`)
	sh.prompt()
	testprog.WaitState(t, pid, "tT", shortWait)

	// bg: it runs in the background while the prompt is usable.
	sh.send("bg\n")
	sh.prompt()
	sh.tickWith(2, 2)
	if out := sh.run("echo sum=$((40+2))"); !strings.Contains(out, "sum=42") {
		t.Fatalf("prompt not usable while the job runs in the background:\n%s", out)
	}
	sh.tick()
	if jp, st := sh.jobs(); jp != pid || st != "Running" {
		t.Fatalf("jobs -l after bg: %d %q, want %d Running", jp, st, pid)
	}

	// kill -STOP and -CONT from another terminal: the shell sees the job
	// stop and run again (S10), and so does the program.
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	// Once the stop is in the trace, the real parent has been told too
	// (ptrace_stop notifies both); jobs' output then follows any tick
	// written before the stop.
	waitFileContains(t, trace, "\n--- stopped by SIGSTOP ---\n", longWait)
	if jp, st := sh.jobs(); jp != pid || !strings.HasPrefix(st, "Stopped") {
		t.Fatalf("jobs -l after kill -STOP: %d %q, want %d Stopped", jp, st, pid)
	}
	sh.quiet(`tick \d+ tstp=`, stoppedWindow)
	if s := testprog.State(pid); s != 't' && s != 'T' {
		t.Fatalf("state %c after kill -STOP, want t or T", s)
	}
	if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	sh.tickWith(2, 3)
	if jp, st := sh.jobs(); jp != pid || st != "Running" {
		t.Fatalf("jobs -l after kill -CONT: %d %q, want %d Running", jp, st, pid)
	}

	// ^C in the foreground ends it; bash reports death by SIGINT.
	sh.send("fg\n")
	sh.tick()
	sh.send(ctrlC)
	sh.prompt()
	if st := sh.lastStatus(); st != 128+int(syscall.SIGINT) {
		t.Fatalf("$? = %d after ^C, want %d", st, 128+int(syscall.SIGINT))
	}
	waitGone(t, pid, shortWait)
	// The trace is complete once the shell has seen the exit.
	b, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	tr := string(b)
	if l := lastLine(tr); l != "+++ killed by SIGINT +++" {
		t.Errorf("trace ends with %q, want +++ killed by SIGINT +++", l)
	}
	for _, want := range []string{
		"--- SIGTSTP {si_signo=SIGTSTP, si_code=SI_KERNEL} ---", // ^Z
		"--- SIGTSTP {si_signo=SIGTSTP, si_code=SI_TKILL, ",     // the handler's raise
		"--- stopped by SIGTSTP ---",
		"--- SIGCONT {si_signo=SIGCONT, si_code=SI_USER, ",
		"--- SIGSTOP {si_signo=SIGSTOP, si_code=SI_USER, si_pid=" + strconv.Itoa(os.Getpid()) + ", ",
		"--- stopped by SIGSTOP ---",
		"--- SIGINT {si_signo=SIGINT, si_code=SI_KERNEL} ---",
	} {
		if !strings.Contains(tr, "\n"+want) {
			t.Errorf("trace lacks %q", want)
		}
	}
	if n := strings.Count(tr, "\n--- stopped by SIGTSTP ---\n"); n != 2 {
		t.Errorf("%d \"stopped by SIGTSTP\" lines, want 2", n)
	}
	// The tracer goes away with its last tracee.
	waitGone(t, tracer, shortWait)
}

// TestAttachJobControl: seize -p on a job of an interactive bash changes
// nothing for the user: ^Z runs the program's handler and stops it, fg and
// bg resume it. When seize is told to stop, it detaches and leaves the
// program as it was: running if it ran, stopped if it was stopped, and
// the shell's job control goes on working (S6, S7, S12, S14).
func TestAttachJobControl(t *testing.T) {
	sh := startShell(t)
	sh.send("$T ticker 100\n")
	m := sh.expectRe(`ready (\d+)\r?\n`)
	pid, _ := strconv.Atoi(m[1])
	killLater(t, pid, testprog.Tracee(t))
	sh.tick()

	dir := t.TempDir()
	trace1 := filepath.Join(dir, "trace1")
	a := attachSeize(t, pid, "-o", trace1, "-p", strconv.Itoa(pid))
	if tp := tracerProcess(pid); tp != a.cmd.Process.Pid {
		t.Fatalf("traced by process %d, want seize's pid %d", tp, a.cmd.Process.Pid)
	}

	// ^Z: handler, stop, prompt.
	sh.send(ctrlZ)
	sh.expect("handler SIGTSTP")
	sh.expectRe(`\[1\]\+ +Stopped +\$T ticker 100`)
	sh.prompt()
	testprog.WaitState(t, pid, "tT", shortWait)
	if jp, st := sh.jobs(); jp != pid || st != "Stopped" {
		t.Fatalf("jobs -l: job 1 is %d %q, want %d Stopped", jp, st, pid)
	}
	sh.quiet(`tick \d+ tstp=`, stoppedWindow)

	// fg, then ^Z and bg.
	sh.send("fg\n")
	sh.tickWith(1, 1)
	sh.send(ctrlZ)
	sh.expect("handler SIGTSTP")
	sh.expectRe(`\[1\]\+ +Stopped`)
	sh.prompt()
	testprog.WaitState(t, pid, "tT", shortWait)
	sh.send("bg\n")
	sh.prompt()
	sh.tickWith(2, 2)
	if out := sh.run("echo sum=$((40+2))"); !strings.Contains(out, "sum=42") {
		t.Fatalf("prompt not usable while the job runs in the background:\n%s", out)
	}

	// Detach while it runs: it goes on running, untraced, unsignalled.
	if code := a.stop(t, syscall.SIGINT); code != 0 {
		t.Fatalf("seize exited %d on SIGINT; stderr:\n%s", code, a.stderr.tail())
	}
	if want := fmt.Sprintf("seize: Process %d detached\n", pid); !strings.HasSuffix(a.stderr.String(), want) {
		t.Errorf("seize's stderr does not end with %q:\n%s", want, a.stderr.tail())
	}
	if tp := tracerPid(pid); tp != 0 {
		t.Fatalf("TracerPid %d after detach, want 0", tp)
	}
	sh.tickWith(2, 2)
	sh.tickWith(2, 2)
	if jp, st := sh.jobs(); jp != pid || st != "Running" {
		t.Fatalf("jobs -l after detach: %d %q, want %d Running", jp, st, pid)
	}
	tr1 := readTrace(t, trace1)
	for _, want := range []string{
		"--- SIGTSTP {si_signo=SIGTSTP, si_code=SI_KERNEL} ---",
		"--- SIGTSTP {si_signo=SIGTSTP, si_code=SI_TKILL, ",
		"--- stopped by SIGTSTP ---",
		"--- SIGCONT {si_signo=SIGCONT, si_code=SI_USER, ",
	} {
		if !strings.Contains(tr1, "\n"+want) {
			t.Errorf("trace lacks %q", want)
		}
	}
	if n := strings.Count(tr1, "\n--- stopped by SIGTSTP ---\n"); n != 2 {
		t.Errorf("%d \"stopped by SIGTSTP\" lines, want 2", n)
	}

	// Attach again, bring it to the foreground and ^Z it, then detach
	// while it is stopped: it stays stopped until the shell's fg.
	trace2 := filepath.Join(dir, "trace2")
	a = attachSeize(t, pid, "-o", trace2, "-p", strconv.Itoa(pid))
	sh.send("fg\n")
	_, cont := sh.tick()
	sh.send(ctrlZ)
	sh.expect("handler SIGTSTP")
	sh.expectRe(`\[1\]\+ +Stopped`)
	sh.prompt()
	testprog.WaitState(t, pid, "tT", shortWait)
	// Detach once seize has seen the group-stop and listens (S6, S13), not
	// while the stop is still on its way.
	waitFileContains(t, trace2, "\n--- stopped by SIGTSTP ---\n", longWait)
	if code := a.stop(t, syscall.SIGTERM); code != 0 {
		t.Fatalf("seize exited %d on SIGTERM; stderr:\n%s", code, a.stderr.tail())
	}
	if tp := tracerPid(pid); tp != 0 {
		t.Fatalf("TracerPid %d after detach, want 0", tp)
	}
	sh.quiet(`tick \d+ tstp=`, stoppedWindow)
	if s := testprog.State(pid); s != 'T' {
		t.Fatalf("state %c after detaching a stopped program, want T", s)
	}
	if jp, st := sh.jobs(); jp != pid || st != "Stopped" {
		t.Fatalf("jobs -l after detach: %d %q, want %d Stopped", jp, st, pid)
	}
	sh.send("fg\n")
	tstp, cont2 := sh.tick()
	if tstp != 3 || cont2 <= cont {
		t.Fatalf("after fg: tstp=%d cont=%d, want tstp=3 and cont > %d", tstp, cont2, cont)
	}
	sh.send(ctrlC)
	sh.prompt()
	if st := sh.lastStatus(); st != 128+int(syscall.SIGINT) {
		t.Fatalf("$? = %d after ^C, want %d", st, 128+int(syscall.SIGINT))
	}
}

// waitFileContains polls the file at path (a trace seize flushes when it
// is idle) until it contains s.
func waitFileContains(t *testing.T, path, s string, timeout time.Duration) {
	t.Helper()
	end := time.Now().Add(timeout)
	for {
		b, _ := os.ReadFile(path)
		if strings.Contains(string(b), s) {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("%s lacks %q after %v; last lines:\n%s", path, s, timeout, lastLines(string(b), 15))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func readTrace(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestStraceJobControlForComparison shows, in the test log only, what ^Z
// does to a program under strace's default mode (strace issue #96, S9).
// It asserts nothing about strace.
func TestStraceJobControlForComparison(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("no strace")
	}
	sh := startShell(t)
	sh.send(strace + " -o " + filepath.Join(t.TempDir(), "trace") + " $T ticker 100\n")
	m := sh.expectRe(`ready (\d+)\r?\n`)
	pid, _ := strconv.Atoi(m[1])
	killLater(t, pid, testprog.Tracee(t))
	if tp := tracerProcess(pid); tp > 0 {
		killLater(t, tp, strace)
		defer func() { t.Logf("strace (pid %d) state %c", tp, testprog.State(tp)) }()
	}
	sh.tick()
	from := sh.out.Len()
	sh.send(ctrlZ)
	_, _, err = sh.out.find(from, regexp.MustCompile(`Stopped`), 2*time.Second)
	time.Sleep(300 * time.Millisecond)
	t.Logf("after ^Z under strace: the shell saw Stopped: %v; the program's SIGTSTP handler ran: %v; program state %c; terminal:\n%s",
		err == nil, strings.Contains(sh.out.since(from), "handler SIGTSTP"), testprog.State(pid),
		strings.ReplaceAll(sh.out.since(from), "\r", ""))
	if err == nil {
		from = sh.out.Len()
		sh.send("fg\n")
		time.Sleep(500 * time.Millisecond)
		t.Logf("after fg: program state %c; terminal:\n%s", testprog.State(pid), strings.ReplaceAll(sh.out.since(from), "\r", ""))
	}
}

// TestAttachSuspend: ^Z on `seize -p PID` at an interactive bash stops
// seize like any job, but never the process it traces: seize detaches
// first (the process runs on, untraced), stops with SIGTSTP so that the
// shell shows it Stopped, and attaches again when fg or bg continues it.
func TestAttachSuspend(t *testing.T) {
	p, sh, trace, sz := seizeTickerInShell(t)
	waitFileContains(t, trace, "write(1, \"tick ", longWait)

	// ^Z: seize lets go, says so, and stops; the shell shows it Stopped.
	sh.send(ctrlZ)
	sh.expect(fmt.Sprintf("seize: Process %d detached", p.Pid))
	sh.expect("seize: stopped; the process runs on untraced until seize is continued (fg or bg)")
	sh.expectRe(`\[1\]\+ +Stopped +\$S -o `)
	sh.prompt()
	testprog.WaitState(t, sz, "T", shortWait)
	if tp := tracerPid(p.Pid); tp != 0 {
		t.Fatalf("TracerPid %d while seize is stopped, want 0", tp)
	}
	// The process goes on: fresh ticks arrive while seize stays stopped.
	drain(p.Lines)
	p.Expect("tick ", shortWait)
	p.Expect("tick ", shortWait)
	if s := testprog.State(sz); s != 'T' {
		t.Fatalf("seize's state %c, want T (stopped)", s)
	}
	before := strings.Count(readTrace(t, trace), "write(1, \"tick ")

	// fg: seize attaches again and the trace goes on.
	sh.send("fg\n")
	sh.expect(fmt.Sprintf("seize: Process %d attached", p.Pid))
	if tp := tracerProcess(p.Pid); tp != sz {
		t.Fatalf("traced by %d after fg, want seize (%d)", tp, sz)
	}
	waitFor(t, longWait, "the trace to go on after fg", func() bool {
		return strings.Count(readTrace(t, trace), "write(1, \"tick ") > before+1
	})

	// ^Z and bg: seize traces on in the background.
	sh.send(ctrlZ)
	sh.expectRe(`\[1\]\+ +Stopped +\$S -o `)
	sh.prompt()
	sh.send("bg\n")
	sh.prompt()
	waitFor(t, longWait, "seize to attach again after bg", func() bool { return tracerProcess(p.Pid) == sz })
	if jp, st := sh.jobs(); jp != sz || st != "Running" {
		t.Fatalf("jobs -l after bg: %d %q, want %d Running", jp, st, sz)
	}

	// SIGINT: seize detaches and exits 0; the process runs on.
	syscall.Kill(sz, syscall.SIGINT)
	sh.send("wait; echo status=$?\n")
	sh.expect("status=0")
	sh.prompt()
	if tp := tracerPid(p.Pid); tp != 0 {
		t.Fatalf("TracerPid %d after seize exited, want 0", tp)
	}
	drain(p.Lines)
	p.Expect("tick ", shortWait)
	tr := readTrace(t, trace)
	if n := strings.Count(tr, "write(1, \"tick "); n < before+2 {
		t.Fatalf("%d tick writes in the trace, want more than %d", n, before+1)
	}
}

// seizeTickerInShell starts a ticker (a tick every 50 ms) and, in the
// foreground of an interactive bash, `seize -o TRACE -p` on it; it returns
// the ticker, the shell, the trace file and seize's pid once attached.
func seizeTickerInShell(t *testing.T) (*testprog.Proc, *shell, string, int) {
	t.Helper()
	p := testprog.Start(t, "ticker", "50")
	sh := startShell(t)
	trace := filepath.Join(t.TempDir(), "trace")
	sh.send(fmt.Sprintf("$S -o %s -p %d\n", trace, p.Pid))
	sh.expect(fmt.Sprintf("seize: Process %d attached", p.Pid))
	sz := tracerProcess(p.Pid)
	if sz <= 0 {
		t.Fatalf("pid %d not traced after seize said attached", p.Pid)
	}
	killLater(t, sz, seizeBin)
	return p, sh, trace, sz
}

// drain empties ch of what is already in it.
func drain(ch chan string) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

// waitFor polls cond until it holds, failing the test after timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestAttachSuspendTraceeExits: a process that exits while seize is
// stopped by ^Z is mentioned when fg continues seize, which then ends
// with status 0 (every process it traced has exited), instead of waiting.
func TestAttachSuspendTraceeExits(t *testing.T) {
	p, sh, _, sz := seizeTickerInShell(t)
	sh.send(ctrlZ)
	sh.expectRe(`\[1\]\+ +Stopped +\$S -o `)
	sh.prompt()
	testprog.WaitState(t, sz, "T", shortWait)
	syscall.Kill(p.Pid, syscall.SIGKILL)
	p.Cmd.Wait() // reaped: the pid names nothing now
	sh.send("fg\n")
	sh.expect(fmt.Sprintf("seize: Process %d exited while seize was stopped", p.Pid))
	sh.prompt()
	if st := sh.lastStatus(); st != 0 {
		t.Fatalf("seize exited %d, want 0", st)
	}
}
