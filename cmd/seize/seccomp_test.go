package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize/internal/testprog"
)

// --seccomp-bpf (seccomp.go): the same trace, faster; strace's warnings
// where it does not apply; job control as without it; and the program
// keeps working when seize is told to stop, since its filter needs a
// tracer (strace's ENOSYS caveat, shown by the negative control).

// ffLines reads every FILE.PID of a -ff trace and returns their lines with
// numbers replaced by N, sorted: what stays the same from run to run.
func ffLines(t *testing.T, prefix string) []string {
	t.Helper()
	files, err := filepath.Glob(prefix + ".*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no trace files %s.*: %v", prefix, err)
	}
	num := regexp.MustCompile(`\b\d+\b`)
	var lines []string
	for _, f := range files {
		for _, l := range traceLines(readTrace(t, f)) {
			lines = append(lines, num.ReplaceAllString(l, "N"))
		}
	}
	sort.Strings(lines)
	return lines
}

// TestSeccompSameTrace: a program with threads and forked children, traced
// with -f: with --seccomp-bpf the trace of the selected calls is the one
// without it, line for line (per task, -ff), and the program ran under
// the filter.
func TestSeccompSameTrace(t *testing.T) {
	tracee := testprog.Tracee(t)
	const n = 50
	dir := t.TempDir()
	run := func(name string, extra ...string) []string {
		args := append([]string{"-q", "-ff", "-o", filepath.Join(dir, name), "-e", "trace=getppid,gettid", "-e", "signal=none"}, extra...)
		r := runSeize(t, append(args, "--", tracee, "forkmix", strconv.Itoa(n))...)
		if !r.state.Success() || r.stderr != "" {
			t.Fatalf("seize %v: %v; stderr:\n%s", extra, r.state, lastLines(r.stderr, 20))
		}
		return ffLines(t, filepath.Join(dir, name))
	}
	plain := run("plain")
	filtered := run("seccomp", "--seccomp-bpf")
	if got := strings.Count(strings.Join(plain, "\n"), "getppid() "); got != 6*n {
		t.Fatalf("%d getppid lines without --seccomp-bpf, want %d", got, 6*n)
	}
	if strings.Join(plain, "\n") != strings.Join(filtered, "\n") {
		t.Fatalf("traces differ: %d lines without --seccomp-bpf, %d with; first difference: %s", len(plain), len(filtered), firstDiff(plain, filtered))
	}

	// The program runs under the filter only with the option.
	for _, c := range []struct {
		flags []string
		want  string
	}{
		{[]string{"-f", "--seccomp-bpf", "-e", "trace=%process"}, "Seccomp:\t2"},
		{[]string{"-f", "-e", "trace=%process"}, "Seccomp:\t0"},
		{[]string{"--seccomp-bpf", "-e", "trace=%process"}, "Seccomp:\t0"}, // no -f: disabled
	} {
		r := runSeize(t, append(c.flags, "--", "grep", "^Seccomp:", "/proc/self/status")...)
		if !strings.Contains(r.stdout, c.want+"\n") {
			t.Errorf("seize %v: the program's status says %q, want %q", c.flags, r.stdout, c.want)
		}
	}
}

func firstDiff(a, b []string) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return fmt.Sprintf("%q vs %q", a[i], b[i])
		}
	}
	return fmt.Sprintf("%d vs %d lines", len(a), len(b))
}

// TestSeccompWarnings: where --seccomp-bpf does not apply, seize says so
// (strace's cases) and traces every call, as without it.
func TestSeccompWarnings(t *testing.T) {
	tracee := testprog.Tracee(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--seccomp-bpf", "-e", "trace=getppid", "--", tracee, "getppid", "3"},
			"seize: --seccomp-bpf cannot be used without -f/--follow-forks (children inherit the filter and must be traced), disabling\n"},
		{[]string{"-f", "--seccomp-bpf", "--", tracee, "getppid", "3"},
			"seize: --seccomp-bpf: every system call is traced, there is nothing to filter; see -e trace=\n"},
	} {
		r := runSeize(t, c.args...)
		if !r.state.Success() || !strings.HasPrefix(r.stderr, c.want) {
			t.Errorf("seize %v: %v; stderr starts %q, want %q", c.args, r.state, firstLineOf(r.stderr), c.want)
		}
		if got := strings.Count(r.stderr, "getppid() "); got != 3 {
			t.Errorf("seize %v: %d getppid lines, want 3", c.args, got)
		}
	}
	p := testprog.Start(t, "pause")
	a := attachSeize(t, p.Pid, "--seccomp-bpf", "-e", "trace=getppid", "-p", strconv.Itoa(p.Pid))
	if !strings.Contains(a.stderr.String(), "seize: --seccomp-bpf is not enabled for processes attached with -p") {
		t.Errorf("no -p warning; stderr:\n%s", a.stderr.tail())
	}
	a.stop(t, syscall.SIGINT)
}

func firstLineOf(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// TestSeccompJobControl: TestLaunchJobControl with the program under the
// filter (its sleep, write and signal calls selected, the others not).
func TestSeccompJobControl(t *testing.T) {
	launchJobControl(t, " -ff --seccomp-bpf -e trace=clock_nanosleep,nanosleep,write,tgkill,kill")
}

// TestSeccompStop: seize told to stop (SIGTERM) in --seccomp-bpf mode ends
// the trace, sends the program the signal (S14: here sh, which dies of
// it), and stays to serve the filtered child, which goes on working: its
// write and nanosleep are selected calls. Killed with SIGKILL instead,
// seize leaves the child's selected calls failing with ENOSYS: it prints
// nothing more (the negative control).
func TestSeccompStop(t *testing.T) {
	tracee := testprog.Tracee(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			trace := filepath.Join(t.TempDir(), "trace")
			cmd := exec.Command(seizeBin, "-f", "--seccomp-bpf", "-e", "trace=write,nanosleep,clock_nanosleep", "-o", trace,
				"--", "sh", "-c", tracee+" ticker 30; exit 0")
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			errR, errW, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stdout, cmd.Stderr = w, errW
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			w.Close()
			errW.Close()
			out, stderr := newOutput(r), newOutput(errR)
			t.Cleanup(func() {
				syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				cmd.Wait()
			})
			m, _ := out.waitRe(t, 0, regexp.MustCompile(`ready (\d+)\n`), longWait)
			pid, _ := strconv.Atoi(m[1])
			killLater(t, pid, tracee)
			tracer := tracerProcess(pid)
			if tracer <= 0 {
				t.Fatalf("ticker %d is not traced", pid)
			}
			killLater(t, tracer, seizeBin)
			_, from := out.waitRe(t, 0, regexp.MustCompile(`tick 2 `), longWait)

			syscall.Kill(tracer, sig)
			if sig == syscall.SIGKILL {
				// No tracer: write fails with ENOSYS, nothing is printed.
				time.Sleep(100 * time.Millisecond)
				from = out.Len()
				time.Sleep(300 * time.Millisecond)
				if s := out.since(from); strings.Contains(s, "tick") {
					t.Fatalf("ticks after the tracer was killed: the ENOSYS caveat did not show:\n%s", s)
				}
				return
			}
			cmd.Wait() // sh, the launched program, dies of it (S14)
			if ws := cmd.ProcessState.Sys().(syscall.WaitStatus); !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
				t.Errorf("sh: %v, want killed by SIGTERM (S14)", cmd.ProcessState)
			}
			stderr.wait(t, 0, "seize: the trace ends here; seize stays, silently, until the programs under its seccomp filter exit", longWait)
			n := len(readTrace(t, trace))
			start := time.Now()
			_, from = out.waitRe(t, from, regexp.MustCompile(`tick \d+ `), longWait)
			for i := 0; i < 5; i++ {
				_, from = out.waitRe(t, from, regexp.MustCompile(`tick \d+ `), longWait)
			}
			if el := time.Since(start); el < 120*time.Millisecond {
				t.Fatalf("5 ticks of 30ms in %v: nanosleep fails", el)
			}
			if tp := tracerProcess(pid); tp != tracer {
				t.Fatalf("ticker traced by %d after the stop, want %d (the tracer stays)", tp, tracer)
			}
			if m := len(readTrace(t, trace)); m != n {
				t.Fatalf("the trace grew by %d bytes after it ended", m-n)
			}
			syscall.Kill(pid, syscall.SIGKILL)
			waitGone(t, tracer, shortWait)
		})
	}
}

// TestSeccompAsNobody: without CAP_SYS_ADMIN the launcher sets
// no_new_privs before it installs the filter (the kernel requires it);
// as root it does not.
func TestSeccompAsNobody(t *testing.T) {
	bin := nobodyBin(t)
	args := []string{"-f", "--seccomp-bpf", "-e", "trace=%process", "--", "grep", "-E", "^(Seccomp|NoNewPrivs):", "/proc/self/status"}
	cmd := exec.Command(bin, args...)
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	r := runCmd(t, cmd, "")
	if !r.state.Success() || !strings.Contains(r.stdout, "NoNewPrivs:\t1\n") || !strings.Contains(r.stdout, "Seccomp:\t2\n") {
		t.Errorf("as nobody: %v; the program's status:\n%s\nstderr:\n%s", r.state, r.stdout, lastLines(r.stderr, 5))
	}
	r = runSeize(t, args...)
	if !r.state.Success() || !strings.Contains(r.stdout, "NoNewPrivs:\t0\n") || !strings.Contains(r.stdout, "Seccomp:\t2\n") {
		t.Errorf("as root: %v; the program's status:\n%s", r.state, r.stdout)
	}
}

// TestSeccompStopsOnlyAtSelected: the launched program is recognised as
// filtered once the launcher installed the filter, and stops only at the
// selected calls: 20,000 unselected getppid calls cost it far less than
// under syscall stops (about 0.1 µs each against 10 or more; the bound
// is a factor of 3 for a loaded machine).
func TestSeccompStopsOnlyAtSelected(t *testing.T) {
	tracee := testprog.Tracee(t)
	timed := func(extra ...string) time.Duration {
		best := time.Duration(1 << 62)
		for i := 0; i < 2; i++ {
			start := time.Now()
			r := runSeize(t, append(append([]string{"-f", "-e", "trace=getpid", "-o", os.DevNull}, extra...), "--", tracee, "getppid", "20000")...)
			if d := time.Since(start); r.state.Success() && d < best {
				best = d
			}
		}
		return best
	}
	plain, filtered := timed(), timed("--seccomp-bpf")
	t.Logf("20,000 unselected getppid: %v with syscall stops, %v with --seccomp-bpf", plain, filtered)
	if filtered*3 > plain {
		t.Fatalf("--seccomp-bpf: %v, not much faster than %v: the program still stops at every call", filtered, plain)
	}
}
