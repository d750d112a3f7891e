package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seize-dev/seize/internal/testprog"
)

// -e inject= and -e fault= on real programs: the tracee's "inject N" mode
// makes N chdir("/") calls and prints one line per call:
// "call I r=R errno=E us=US usr1=K".

var reCall = regexp.MustCompile(`^call (\d+) r=(-?\d+) errno=(\d+) us=(\d+) usr1=(\d+)$`)

// call is one line of the tracee's report.
type call struct {
	i, errno, usr1 int
	r              int64
	dur            time.Duration
}

func parseCalls(t *testing.T, stdout string) []call {
	t.Helper()
	var calls []call
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		m := reCall.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("unexpected program output %q", l)
		}
		var c call
		c.i, _ = strconv.Atoi(m[1])
		c.r, _ = strconv.ParseInt(m[2], 10, 64)
		c.errno, _ = strconv.Atoi(m[3])
		us, _ := strconv.Atoi(m[4])
		c.dur = time.Duration(us) * time.Microsecond
		c.usr1, _ = strconv.Atoi(m[5])
		calls = append(calls, c)
	}
	return calls
}

// failed lists the calls that failed with errno.
func failed(calls []call, errno int) []int {
	var f []int
	for _, c := range calls {
		if c.r == -1 && c.errno == errno {
			f = append(f, c.i)
		}
	}
	return f
}

// runTool runs tool (strace or seize) with flags and -o FILE on argv, and
// returns the run with its trace.
func runTool(t *testing.T, tool string, flags []string, argv ...string) result {
	t.Helper()
	out := filepath.Join(t.TempDir(), "trace")
	args := append(append([]string{}, flags...), "-o", out)
	if tool == seizeBin {
		args = append(args, "--")
	}
	r := runCmd(t, exec.Command(tool, append(args, argv...)...), out)
	if !r.state.Success() {
		t.Fatalf("%s %q: %v\n%s", filepath.Base(tool), args, r.state, lastLines(r.stderr, 10))
	}
	return r
}

const (
	chdirOK     = `chdir("/") = 0`
	chdirENOENT = `chdir("/") = -1 ENOENT (No such file or directory) (INJECTED)`
)

// chdirLines returns the trace's lines, padding squeezed, without the
// SIGURG that the Go runtime may send the launching seize process just
// before its execve, which the program then receives (a launch-mode
// artifact, not injection's).
func chdirLines(trace string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(trace), "\n") {
		if !strings.HasPrefix(l, "--- SIGURG {") {
			out = append(out, rePad.ReplaceAllString(l, ") =$1"))
		}
	}
	return out
}

// TestInjectWhen: each when= fails exactly the calls strace's manual says
// (the n-th chdir of the task, counted from 1), the program sees ENOENT
// for those and success for the others, and the trace marks exactly
// those lines (INJECTED).
func TestInjectWhen(t *testing.T) {
	tracee := testprog.Tracee(t)
	cases := []struct {
		expr string
		fail []int
	}{
		{"inject=chdir:error=ENOENT:when=3", []int{3}},
		{"inject=chdir:error=ENOENT:when=3+2", []int{3, 5, 7, 9}},
		{"inject=chdir:error=ENOENT:when=2..4", []int{2, 3, 4}},
		{"inject=chdir:error=ENOENT:when=2..9+3", []int{2, 5, 8}},
		{"inject=chdir:error=ENOENT:when=9+", []int{9, 10}},
		{"inject=chdir:error=ENOENT", []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{"inject=chdir:error=ENOENT:when=11", nil},
		{"inject=%file:error=ENOENT:when=4", []int{4}},
		// Only traced calls are tampered with, as in strace.
		{"inject=getpid:error=ENOENT", nil},
	}
	for _, tc := range cases {
		t.Run(tc.expr, func(t *testing.T) {
			r := runTool(t, seizeBin, []string{"-qq", "-e", "trace=chdir", "-e", tc.expr}, tracee, "inject", "10")
			calls := parseCalls(t, r.stdout)
			if len(calls) != 10 {
				t.Fatalf("%d calls reported", len(calls))
			}
			if got := failed(calls, 2); !slices.Equal(got, tc.fail) {
				t.Errorf("calls failed with ENOENT: %v, want %v", got, tc.fail)
			}
			for _, c := range calls {
				if !slices.Contains(tc.fail, c.i) && c.r != 0 {
					t.Errorf("call %d: r=%d errno=%d, want success", c.i, c.r, c.errno)
				}
			}
			var want []string
			for i := 1; i <= 10; i++ {
				if slices.Contains(tc.fail, i) {
					want = append(want, chdirENOENT)
				} else {
					want = append(want, chdirOK)
				}
			}
			if got := chdirLines(r.trace); !slices.Equal(got, want) {
				t.Errorf("trace:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestInjectActions: retval= returns the value and is marked (INJECTED);
// fault= fails with ENOSYS; signal= delivers the signal as the call
// returns (the program has handled it by the time it reports that call),
// shown right after the call with si_code SI_KERNEL; delay_enter= and
// delay_exit= hold the call at least that long and mark it (DELAYED).
func TestInjectActions(t *testing.T) {
	tracee := testprog.Tracee(t)
	const delay = 150 * time.Millisecond
	r := runTool(t, seizeBin, []string{"-qq", "-T", "-e", "trace=chdir",
		"-e", "inject=chdir:retval=42:when=2",
		"-e", "fault=chdir:when=3",
		"-e", "inject=chdir:error=EACCES:signal=SIGUSR1:when=4",
		"-e", "inject=chdir:delay_enter=150ms:when=5",
		"-e", "inject=chdir:delay_exit=150000:error=EIO:when=6",
	}, tracee, "inject", "7")
	// Each later -e inject= replaces the earlier ones for chdir: only the
	// last (when=6) applies. strace does the same; so one run per
	// expression follows.
	calls := parseCalls(t, r.stdout)
	if got := failed(calls, 5); !slices.Equal(got, []int{6}) {
		t.Errorf("with several -e inject= for chdir, EIO calls %v, want [6] (the last expression wins)", got)
	}

	type check struct {
		expr  string
		call  int
		line  string // the call's trace line, without -T's duration
		after string // the next line, if it matters
	}
	checks := []check{
		{"inject=chdir:retval=42:when=2", 2, `chdir("/") = 42 (INJECTED)`, ""},
		{"fault=chdir:when=3", 3, `chdir("/") = -1 ENOSYS (Function not implemented) (INJECTED)`, ""},
		{"inject=chdir:error=EACCES:signal=SIGUSR1:when=4", 4, `chdir("/") = -1 EACCES (Permission denied) (INJECTED)`,
			`--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_KERNEL} ---`},
		{"inject=chdir:signal=USR1:when=2", 2, `chdir("/") = 0`, `--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_KERNEL} ---`},
		{"inject=chdir:delay_enter=150ms:when=5", 5, `chdir("/") = 0 (DELAYED)`, ""},
		// strace 6.1 loses the signal of a delayed call; seize delivers it.
		{"inject=chdir:delay_enter=1ms:signal=USR1:when=3", 3, `chdir("/") = 0 (DELAYED)`, `--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_KERNEL} ---`},
		{"inject=chdir:delay_exit=150000:error=EIO:when=6", 6, `chdir("/") = -1 EIO (Input/output error) (INJECTED) (DELAYED)`, ""},
	}
	for _, ck := range checks {
		t.Run(ck.expr, func(t *testing.T) {
			r := runTool(t, seizeBin, []string{"-qq", "-T", "-e", "trace=chdir", "-e", ck.expr}, tracee, "inject", "7")
			calls := parseCalls(t, r.stdout)
			lines := chdirLines(r.trace)
			idx := -1 // the call's line
			n := 0
			for i, l := range lines {
				if strings.HasPrefix(l, "chdir(") {
					if n++; n == ck.call {
						idx = i
					}
				}
			}
			if idx < 0 || n != 7 {
				t.Fatalf("%d chdir lines:\n%s", n, r.trace)
			}
			m := regexp.MustCompile(`^(.*) <(\d+\.\d{6})>$`).FindStringSubmatch(lines[idx])
			if m == nil || m[1] != ck.line {
				t.Fatalf("call %d: %q, want %q <DUR>", ck.call, lines[idx], ck.line)
			}
			if ck.after != "" && (idx+1 >= len(lines) || lines[idx+1] != ck.after) {
				t.Errorf("after call %d: %q, want %q\n%s", ck.call, lines[min(idx+1, len(lines)-1)], ck.after, r.trace)
			}
			c := calls[ck.call-1]
			for _, o := range calls {
				if o.i != ck.call && o.r != 0 {
					t.Errorf("call %d was changed too: r=%d errno=%d", o.i, o.r, o.errno)
				}
			}
			switch {
			case strings.Contains(ck.line, "= 42 "):
				if c.r != 42 {
					t.Errorf("call %d: r=%d, want 42", c.i, c.r)
				}
			case strings.Contains(ck.line, "= -1 "):
				if c.r != -1 || c.errno == 0 {
					t.Errorf("call %d: r=%d errno=%d, want an error", c.i, c.r, c.errno)
				}
			}
			if ck.after != "" {
				// Handled as the call returned: before the call's own report.
				if c.usr1 != 1 || calls[ck.call-2].usr1 != 0 {
					t.Errorf("SIGUSR1 handled by calls %d/%d: %d/%d, want 0/1", ck.call-1, ck.call, calls[ck.call-2].usr1, c.usr1)
				}
			}
			if strings.Contains(ck.line, "DELAYED") && !strings.Contains(ck.expr, "=1ms") {
				secs, _ := strconv.ParseFloat(m[2], 64)
				traced := time.Duration(secs * float64(time.Second))
				t.Logf("call %d: delay %v, the program measured %v, -T shows %v", c.i, delay, c.dur, traced)
				// -T measures from the entry stop to the exit stop: it
				// covers delay_enter, not delay_exit (as strace's).
				if c.dur < delay || strings.Contains(ck.expr, "delay_enter") && traced < delay {
					t.Errorf("call %d took %v (program) / %v (-T), want at least %v", c.i, c.dur, traced, delay)
				}
				for _, o := range calls {
					if o.i != c.i && o.dur >= delay/2 {
						t.Errorf("call %d took %v without a delay", o.i, o.dur)
					}
				}
			}
		})
	}
}

// TestInjectPerTask: the invocations are counted per task, as in strace:
// with -f, when=2 fails the second chdir of each of two processes.
func TestInjectPerTask(t *testing.T) {
	tracee := testprog.Tracee(t)
	script := fmt.Sprintf("%s inject 3; %s inject 3", tracee, tracee)
	r := runTool(t, seizeBin, []string{"-f", "-qq", "-e", "trace=chdir", "-e", "inject=chdir:error=ENOENT:when=2"}, "/bin/sh", "-c", script)
	calls := parseCalls(t, r.stdout)
	var got []string
	for _, c := range calls {
		got = append(got, fmt.Sprintf("%d:%d", c.i, c.r))
	}
	if want := "1:0 2:-1 3:0 1:0 2:-1 3:0"; strings.Join(got, " ") != want {
		t.Errorf("calls %s, want %s", strings.Join(got, " "), want)
	}
	if n := strings.Count(r.trace, "(INJECTED)"); n != 2 {
		t.Errorf("%d lines (INJECTED), want 2:\n%s", n, r.trace)
	}
}

// TestInjectMatchesStrace: the same program under strace 6.1 and seize
// with the same -e inject= / -e fault= gets the same results, and the
// traces are the same line for line.
func TestInjectMatchesStrace(t *testing.T) {
	needStrace61(t)
	tracee := testprog.Tracee(t)
	script := fmt.Sprintf("%s inject 4; %s inject 4", tracee, tracee)
	cases := []struct {
		flags []string
		argv  []string
	}{
		{[]string{"-e", "trace=chdir", "-e", "inject=chdir:error=ENOENT:when=3+2"}, nil},
		{[]string{"-e", "trace=chdir", "-e", "fault=chdir:when=2..4"}, nil},
		{[]string{"-e", "trace=chdir", "-e", "inject=chdir:retval=42:when=2", "-e", "inject=chdir:error=EACCES:when=5"}, nil},
		{[]string{"-e", "trace=chdir", "-e", "inject=chdir:retval=0x10:when=1..9+4"}, nil},
		{[]string{"-e", "trace=chdir", "-e", "inject=chdir:signal=SIGUSR1:error=EPERM:when=3"}, nil},
		{[]string{"-e", "trace=chdir", "-e", "inject=chdir:delay_exit=1000:when=2", "-e", "inject=getpid:error=EIO"}, nil},
		{[]string{"-e", "trace=chdir", "-e", "inject=chdir:error=ERESTARTSYS:when=2"}, nil},
		{[]string{"-e", "trace=getpid", "-e", "inject=chdir:error=ENOENT"}, nil},
		{[]string{"-f", "-e", "trace=chdir", "-e", "inject=chdir:error=ENOENT:when=2+"}, []string{"/bin/sh", "-c", script}},
	}
	for _, tc := range cases {
		argv := tc.argv
		if argv == nil {
			argv = []string{tracee, "inject", "10"}
		}
		name := strings.Join(tc.flags, " ")
		t.Run(name, func(t *testing.T) {
			flags := append([]string{"-qq"}, tc.flags...)
			st := runTool(t, "strace", flags, argv...)
			se := runTool(t, seizeBin, flags, argv...)
			program := func(s string) string { return regexp.MustCompile(`us=\d+`).ReplaceAllString(s, "us=N") }
			if program(st.stdout) != program(se.stdout) {
				t.Errorf("the program saw different results:\nstrace:\n%s\nseize:\n%s", lastLines(st.stdout, 20), lastLines(se.stdout, 20))
			}
			// Without the launcher's SIGURG (see chdirLines).
			noURG := func(ls []string) []string {
				return slices.DeleteFunc(ls, func(l string) bool { return strings.HasPrefix(l, "--- SIGURG {") })
			}
			want, got := noURG(normalise(st.trace, "/no-such-dir")), noURG(normalise(se.trace, "/no-such-dir"))
			if !slices.Equal(want, got) {
				t.Errorf("traces differ:\nstrace:\n%s\nseize:\n%s", lastLines(strings.Join(want, "\n"), 20), lastLines(strings.Join(got, "\n"), 20))
			}
		})
	}
}

// needStrace61 skips unless strace 6.x is installed.
func needStrace61(t *testing.T) {
	t.Helper()
	out, err := exec.Command("strace", "-V").Output()
	if err != nil || !strings.HasPrefix(string(out), "strace -- version 6.") {
		t.Skip("strace 6 is not installed")
	}
}

// TestInjectJSON: --format json marks the tampered calls with an
// "injected" object naming what was done; other calls have none.
func TestInjectJSON(t *testing.T) {
	tracee := testprog.Tracee(t)
	r := runTool(t, seizeBin, []string{"--format", "json", "-e", "trace=chdir",
		"-e", "inject=chdir:error=ENOENT:signal=SIGUSR1:delay_enter=1ms:delay_exit=2ms:when=2"}, tracee, "inject", "3")
	n := 0
	for _, l := range strings.Split(strings.TrimSpace(r.trace), "\n") {
		var obj map[string]any
		if err := json.Unmarshal([]byte(l), &obj); err != nil {
			t.Fatalf("bad JSON %q: %v", l, err)
		}
		if obj["kind"] != "syscall" {
			continue
		}
		n++
		inj, ok := obj["injected"]
		if n != 2 {
			if ok {
				t.Errorf("call %d has \"injected\": %s", n, l)
			}
			continue
		}
		want := map[string]any{"error": "ENOENT", "signal": "SIGUSR1", "delay_enter": 0.001, "delay_exit": 0.002}
		if m, _ := inj.(map[string]any); fmt.Sprint(m) != fmt.Sprint(want) {
			t.Errorf("call 2: injected = %v, want %v\n%s", inj, want, l)
		}
		if obj["errno"] != "ENOENT" || obj["ret"] != float64(-2) || obj["ret_text"] != "-1 ENOENT (No such file or directory)" {
			t.Errorf("call 2: %s", l)
		}
	}
	if n != 3 {
		t.Errorf("%d syscall objects, want 3:\n%s", n, r.trace)
	}
	r = runTool(t, seizeBin, []string{"--format", "json", "-e", "trace=chdir", "-e", "inject=chdir:retval=7:when=1"}, tracee, "inject", "1")
	if !strings.Contains(r.trace, `"ret":7,"ret_text":"7",`) || !strings.Contains(r.trace, `"injected":{"retval":7}`) {
		t.Errorf("retval=7:\n%s", r.trace)
	}
}

// TestInjectPerfetto: --format perfetto marks a tampered call's slice
// with an "injected" argument naming what was done; other calls have none.
func TestInjectPerfetto(t *testing.T) {
	tracee := testprog.Tracee(t)
	r := runTool(t, seizeBin, []string{"--format", "perfetto", "-e", "trace=chdir",
		"-e", "inject=chdir:error=ENOENT:delay_exit=2ms:when=2"}, tracee, "inject", "3")
	var evs []perfettoEvent
	if err := json.Unmarshal([]byte(r.trace), &evs); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, r.trace)
	}
	var marks []string
	for _, e := range evs {
		if e.Ph == "X" && e.Name == "chdir" {
			var args map[string]any
			json.Unmarshal(e.Args, &args)
			inj, _ := args["injected"].(string)
			marks = append(marks, inj)
		}
	}
	if want := []string{"", "error=ENOENT delay_exit=2ms", ""}; fmt.Sprint(marks) != fmt.Sprint(want) {
		t.Errorf("injected marks of the chdir slices: %q, want %q\n%s", marks, want, r.trace)
	}
}

// TestInjectSkipsTheCall: error= and retval= replace the call: mkdir made
// to fail, or to succeed, creates nothing either way.
func TestInjectSkipsTheCall(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		expr string
		code int
		line string
	}{
		{"inject=mkdir,mkdirat:error=EACCES", 1, `mkdir("DIR/new", 0777) = -1 EACCES (Permission denied) (INJECTED)`},
		{"inject=mkdir,mkdirat:retval=0", 0, `mkdir("DIR/new", 0777) = 0 (INJECTED)`},
	} {
		out := filepath.Join(t.TempDir(), "trace")
		r := runCmd(t, exec.Command(seizeBin, "-qq", "-o", out, "-e", "trace=mkdir,mkdirat", "-e", tc.expr, "--", "mkdir", filepath.Join(dir, "new")), out)
		if r.state.ExitCode() != tc.code {
			t.Errorf("%s: mkdir exited with %v, want %d", tc.expr, r.state, tc.code)
		}
		lines := chdirLines(strings.ReplaceAll(r.trace, dir, "DIR"))
		if !slices.Contains(lines, tc.line) {
			t.Errorf("%s: trace\n%s\nwant the line %s", tc.expr, r.trace, tc.line)
		}
		if _, err := os.Stat(filepath.Join(dir, "new")); err == nil {
			t.Fatalf("%s: the directory was created: the call ran", tc.expr)
		}
	}
	// The control: untampered, the same command creates it.
	runTool(t, seizeBin, []string{"-qq", "-e", "trace=mkdir,mkdirat"}, "mkdir", filepath.Join(dir, "new"))
	if st, err := os.Stat(filepath.Join(dir, "new")); err != nil || !st.IsDir() {
		t.Fatal("mkdir without injection did not create the directory")
	}
}

// TestInjectDocExamples runs the examples of docs/inject.md: each "$ "
// line of a console block, in one directory, with seize on PATH and the
// C locale; what it prints (stdout and stderr) must be the lines that
// follow it.
func TestInjectDocExamples(t *testing.T) {
	doc, err := os.ReadFile("../../docs/inject.md")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	env := append(os.Environ(), "LC_ALL=C", "PATH="+filepath.Dir(seizeBin)+":"+os.Getenv("PATH"))
	var cmd string
	var want []string
	n := 0
	run := func() {
		if cmd == "" {
			return
		}
		n++
		c := exec.Command("/bin/sh", "-c", cmd)
		c.Dir, c.Env = dir, env
		out, _ := c.CombinedOutput()
		if got := strings.TrimRight(string(out), "\n"); got != strings.Join(want, "\n") {
			t.Errorf("$ %s\ngot:\n%s\nwant (docs/inject.md):\n%s", cmd, got, strings.Join(want, "\n"))
		}
		cmd, want = "", nil
	}
	in := false
	for _, l := range strings.Split(string(doc), "\n") {
		switch {
		case l == "```console":
			in = true
		case in && l == "```":
			run()
			in = false
		case in && strings.HasPrefix(l, "$ "):
			run()
			cmd = l[2:]
		case in:
			want = append(want, l)
		}
	}
	if n < 3 {
		t.Fatalf("%d examples found in docs/inject.md", n)
	}
}
