package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/seize-dev/seize/internal/testprog"
	"golang.org/x/sys/unix"
)

// TestBadInput: every mistake gives one line on stderr that starts with
// "seize: ", says what is wrong and what to do, and exit status 1; never a
// Go panic or stack trace, never a half-started trace.
func TestBadInput(t *testing.T) {
	tracee := testprog.Tracee(t)
	dir := t.TempDir()

	noExec := filepath.Join(dir, "not-executable")
	if err := os.WriteFile(noExec, []byte("#!/bin/sh\nexit 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gone := reapedPid(t, tracee)
	traced, tracerTid, tracer, tracerComm := tracedByTest(t)

	// "{pid}" in a wanted line is the pid of the seize process itself.
	cases := []struct {
		name  string
		args  []string // seize's arguments; nil with shell
		shell string   // a sh -c script that execs seize ("$0")
		skip  string   // reason to skip, if any
		want  string
	}{
		{name: "no arguments", args: []string{},
			want: "seize: nothing to trace: give a command (seize -- CMD ARGS) or a process (seize -p PID) (see seize --help)"},
		{name: "unknown flag", args: []string{"-j", "--", "true"},
			want: "seize: unknown option -j (see seize --help)"},
		{name: "unknown long flag", args: []string{"--bogus", "--", "true"},
			want: `seize: unknown option "--bogus" (see seize --help)`},
		{name: "-o without a file", args: []string{"-o"},
			want: "seize: option -o needs a value (see seize --help)"},
		{name: "-p without a pid", args: []string{"-p"},
			want: "seize: option -p needs a value (see seize --help)"},
		{name: "-p abc", args: []string{"-p", "abc"},
			want: `seize: invalid process id "abc": give a positive number, as shown by ps (see seize --help)`},
		{name: "-p 0", args: []string{"-p", "0"},
			want: `seize: invalid process id "0": give a positive number, as shown by ps (see seize --help)`},
		{name: "-p -5", args: []string{"-p", "-5"},
			want: `seize: invalid process id "-5": give a positive number, as shown by ps (see seize --help)`},
		{name: "pid above pid_max", args: []string{"-p", "4194303"}, skip: existsReason(4194303),
			want: "seize: attach 4194303: no such process; check the pid (ps -e)"},
		{name: "reaped pid", args: []string{"-p", strconv.Itoa(gone)}, skip: existsReason(gone),
			want: fmt.Sprintf("seize: attach %d: no such process; check the pid (ps -e)", gone)},
		{name: "itself", shell: `exec "$0" -p $$`,
			want: "seize: attach {pid}: that is seize itself; give the pid of another process"},
		{name: "kernel thread", args: []string{"-p", "2"}, skip: kthreaddReason(),
			want: "seize: attach 2: that is a kernel thread, which cannot be traced"},
		{name: "already traced", args: []string{"-p", strconv.Itoa(traced)},
			want: fmt.Sprintf(`seize: attach %d: operation not permitted: already traced by pid %d %q; detach that tracer first`, traced, tracer, tracerComm)},
		{name: "command not found", args: []string{"--", "seize-no-such-command"},
			want: "seize: seize-no-such-command: command not found"},
		{name: "command not executable", args: []string{"--", noExec},
			want: "seize: cannot run " + noExec + ": permission denied"},
		{name: "directory as command", args: []string{"--", dir},
			want: "seize: cannot run " + dir + ": is a directory"},
		{name: "output in a missing directory", args: []string{"-o", "/nonexistent-dir/x", "--", tracee, "exit", "0"},
			want: "seize: cannot write the trace to /nonexistent-dir/x: no such file or directory"},
		{name: "misspelt system call", args: []string{"-e", "trace=opne", "--", "true"},
			want: `seize: invalid system call "opne" in -e trace: did you mean "open"?`},
		{name: "unknown signal", args: []string{"-e", "signal=SIGFOO", "--", "true"},
			want: `seize: invalid signal "SIGFOO" in -e signal: use a name such as SIGINT or INT, or a number from 0 to 255`},
		{name: "misspelt status", args: []string{"--status=failde", "--", "true"},
			want: `seize: invalid status "failde" in -e status: did you mean "failed"?`},
		{name: "unsupported qualifier", args: []string{"-equiet=attach", "--", "true"},
			want: `seize: unsupported qualifier "quiet" in -e quiet: seize implements trace, abbrev, verbose, raw, signal, status, inject and fault`},
		{name: "bad sort", args: []string{"-c", "-S", "bogus", "--", "true"},
			want: `seize: invalid -S "bogus": use time, min-time, max-time, avg-time, calls, errors, name or nothing (see seize --help)`},
		{name: "-w without -c", args: []string{"-w", "--", "true"},
			want: "seize: -w needs -c or -C: it chooses what the summary measures (see seize --help)"},
		{name: "-c and -C", args: []string{"-cC", "--", "true"},
			want: "seize: -c and -C cannot be used together (see seize --help)"},
		{name: "-c and -ff", args: []string{"-c", "-ff", "-o", filepath.Join(dir, "x"), "--", "true"},
			want: "seize: -c and -C cannot be used with -ff: the summary has no file of its own (see seize --help)"},
		{name: "bad format", args: []string{"--format", "xml", "--", "true"},
			want: `seize: invalid --format "xml": use text, json or perfetto (see seize --help)`},
		{name: "bad -s", args: []string{"-s", "abc", "--", "true"},
			want: `seize: invalid -s "abc": give the number of bytes of strings to show (see seize --help)`},
		{name: "--seccomp-bpf takes no value", args: []string{"--seccomp-bpf=1", "--", "true"},
			want: `seize: unknown option "--seccomp-bpf=1" (see seize --help)`},
		{name: "-ff file in a missing directory", args: []string{"-ff", "-o", "/nonexistent-dir/x", "--", tracee, "exit", "0"},
			want: "seize: cannot write the trace to /nonexistent-dir/x.{pid}: no such file or directory"},
		{name: "both -p and a command", args: []string{"-p", strconv.Itoa(traced), "--", tracee, "exit", "0"},
			want: "seize: give either a command or -p PID, not both (see seize --help)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.skip != "" {
				t.Skip(tc.skip)
			}
			cmd := exec.Command(seizeBin, tc.args...)
			if tc.shell != "" {
				cmd = exec.Command("/bin/sh", "-c", tc.shell, seizeBin)
			}
			r := runCmd(t, cmd, "")
			want := strings.ReplaceAll(tc.want, "{pid}", strconv.Itoa(r.state.Pid())) + "\n"
			if strings.Contains(r.stderr, "goroutine") || strings.Contains(r.stderr, "panic") {
				t.Fatalf("Go panic or stack trace on stderr:\n%s", lastLines(r.stderr, 20))
			}
			if r.stderr != want {
				t.Errorf("stderr:\n%q\nwant:\n%q", lastLines(r.stderr, 5), want)
			}
			if r.state.ExitCode() != 1 {
				t.Errorf("exit status %v, want 1", r.state)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", lastLines(r.stdout, 5))
			}
		})
	}
	if tp := tracerPid(traced); tp != tracerTid {
		t.Errorf("seize changed the other tracer's hold on %d: TracerPid %d, want %d", traced, tp, tracerTid)
	}
}

// reapedPid returns the pid of a child that has exited and been reaped.
func reapedPid(t *testing.T, tracee string) int {
	t.Helper()
	cmd := exec.Command(tracee, "exit", "0")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// existsReason is a skip reason if pid exists (reused, or a large pid_max).
func existsReason(pid int) string {
	if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
		return fmt.Sprintf("pid %d exists", pid)
	}
	return ""
}

// kthreaddReason is a skip reason if pid 2 is not the kernel's kthreadd
// (a pid namespace).
func kthreaddReason() string {
	b, err := os.ReadFile("/proc/2/comm")
	if err != nil || strings.TrimSpace(string(b)) != "kthreadd" {
		return "pid 2 is not kthreadd here"
	}
	return ""
}

// tracedByTest starts a ticker and seizes it from a thread of the test
// process, as another debugger would. It returns the ticker's pid, the
// tracing thread's tid (what /proc's TracerPid shows) and the test
// process's pid and name (what seize must report). The thread exits at
// the end of the test, which detaches the ticker.
func tracedByTest(t *testing.T) (pid, tracerTid, tracer int, comm string) {
	t.Helper()
	p := testprog.Start(t, "ticker", "50")
	type seized struct {
		tid int
		err error
	}
	done := make(chan seized)
	release := make(chan struct{})
	go func() {
		// Never unlocked: the thread ends with the goroutine, and the
		// kernel detaches its tracees (exit_ptrace).
		runtime.LockOSThread()
		done <- seized{unix.Gettid(), unix.PtraceSeize(p.Pid)}
		<-release
	}()
	s := <-done
	if s.err != nil {
		t.Fatalf("PTRACE_SEIZE %d: %v", p.Pid, s.err)
	}
	t.Cleanup(func() { close(release) })
	b, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Fatal(err)
	}
	if tp := tracerPid(p.Pid); tp != s.tid {
		t.Fatalf("TracerPid %d after seizing from the test's thread %d", tp, s.tid)
	}
	return p.Pid, s.tid, os.Getpid(), strings.TrimSpace(string(b))
}
