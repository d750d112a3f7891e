package main

import (
	"encoding/json"
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

// progBin builds testdata/prog.c.
func progBin(t *testing.T) string {
	t.Helper()
	return buildC(t, "testdata/prog.c", "-lpthread")
}

// TestDifferentialStraceThreads compares seize and strace on a program
// with a thread, a child that stops itself and is continued by its
// parent, and a caught signal: with -f the calls of three tasks
// interleave (strace's <unfinished ...>/<... resumed>, joined before the
// comparison), with -ff each task has its own file.
func TestDifferentialStraceThreads(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace not installed")
	}
	prog := progBin(t)
	for _, flags := range [][]string{{"-f"}, {"-f", "-T"}, {"-f", "-e", "trace=clock_nanosleep,wait4,kill,exit_group"}} {
		t.Run(strings.Join(flags, " "), func(t *testing.T) {
			dir := t.TempDir()
			st, _ := traceWith(t, strace, dir, flags, prog, "timed")
			zt, _ := traceWith(t, seizeBin, dir, flags, prog, "timed")
			want, got := normalise(st, dir), normalise(zt, dir)
			matched, total, missing := compareLines(want, got)
			t.Logf("%d of %d distinct strace lines printed exactly by seize", matched, total)
			for _, l := range missing {
				t.Logf("strace: %s", trunc(l))
				t.Logf(" seize: %s", trunc(closestLine(l, got)))
			}
			// Which of two racing SIGCHLDs comes first, and whether a
			// futex call waits, depend on timing.
			if matched < total-3 {
				t.Errorf("only %d of %d lines match", matched, total)
			}
		})
	}
	t.Run("execthread", func(t *testing.T) {
		// A non-leader thread execs: the leader's pause never returns,
		// "+++ superseded by execve in pid N +++", and the execve resumes
		// under the leader's pid (S17).
		tracee := testprog.Tracee(t)
		dir := t.TempDir()
		st, _ := traceWith(t, strace, dir, []string{"-f"}, tracee, "execthread", tracee, "exit", "4")
		zt, _ := traceWith(t, seizeBin, dir, []string{"-f"}, tracee, "execthread", tracee, "exit", "4")
		want, got := normalise(st, dir), normalise(zt, dir)
		matched, total, missing := compareLines(want, got)
		t.Logf("%d of %d distinct strace lines printed exactly by seize", matched, total)
		for _, l := range missing {
			t.Logf("strace: %s", trunc(l))
			t.Logf(" seize: %s", trunc(closestLine(l, got)))
		}
		if matched < total-2 {
			t.Errorf("only %d of %d lines match", matched, total)
		}
		if !regexp.MustCompile(`(?m)^PID0 \+\+\+ superseded by execve in pid PID\d +\+\+\+$`).MatchString(strings.Join(got, "\n")) {
			t.Errorf("no superseded line:\n%s", lastLines(zt, 20))
		}
	})
	t.Run("ff", func(t *testing.T) {
		dir := t.TempDir()
		if out, err := exec.Command(strace, "-ff", "-o", filepath.Join(dir, "trace"), prog, "timed").CombinedOutput(); err != nil {
			t.Fatalf("strace: %v\n%s", err, out)
		}
		sfiles, _ := filepath.Glob(filepath.Join(dir, "trace.*"))
		zdir := t.TempDir()
		out := filepath.Join(zdir, "trace")
		r := runCmd(t, exec.Command(seizeBin, "-ff", "-o", out, "--", prog, "timed"), "")
		if r.state.ExitCode() != 0 {
			t.Fatalf("exit %v; stderr:\n%s", r.state, lastLines(r.stderr, 10))
		}
		zfiles, _ := filepath.Glob(out + ".*")
		// The tracer writes a task's file until the task is gone: wait for
		// the child's and the thread's last lines too.
		if len(zfiles) != len(sfiles) || len(zfiles) != 3 {
			t.Fatalf("seize wrote %d files %q, strace %d", len(zfiles), zfiles, len(sfiles))
		}
		var ends []string
		for _, f := range zfiles {
			tid, _ := strconv.Atoi(filepath.Ext(f)[1:])
			b := waitFileSuffix(t, f, " +++\n")
			for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
				if regexp.MustCompile(`^\d+ `).MatchString(l) || strings.HasPrefix(l, "[pid") || strings.Contains(l, "unfinished") {
					t.Errorf("%s: line %q has a pid prefix or is split", f, l)
					break
				}
			}
			ends = append(ends, lastLine(string(b)))
			if tid == r.state.Pid() && !strings.HasPrefix(string(b), "execve(") {
				t.Errorf("%s does not start with the program's execve", f)
			}
		}
		sort.Strings(ends)
		if want := "+++ exited with 0 +++|+++ exited with 0 +++|+++ exited with 3 +++"; strings.Join(ends, "|") != want {
			t.Errorf("files end with %q, want %q", ends, want)
		}
	})
}

// waitFileSuffix waits until the file at path ends with suffix and
// returns its contents.
func waitFileSuffix(t *testing.T, path, suffix string) []byte {
	t.Helper()
	deadline := time.Now().Add(shortWait)
	for {
		b, _ := os.ReadFile(path)
		if strings.HasSuffix(string(b), suffix) {
			return b
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not end with %q:\n%s", path, suffix, lastLines(string(b), 5))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// perfettoEvent is one Trace Event.
type perfettoEvent struct {
	Ph   string          `json:"ph"`
	Name string          `json:"name"`
	Cat  string          `json:"cat"`
	Pid  int             `json:"pid"`
	Tid  int             `json:"tid"`
	Ts   *float64        `json:"ts"`
	Dur  *float64        `json:"dur"`
	ID   *int            `json:"id"`
	Bp   string          `json:"bp"`
	S    string          `json:"s"`
	Args json.RawMessage `json:"args"`
}

// TestPerfetto checks the Perfetto trace of a program with a thread, a
// stopped and continued child and a signal: it parses as Trace Event
// JSON; every thread and process is named; there is one complete slice
// per system call of the text trace, and the slices of the sleeps last
// what -T says they last; stops, signals, exits, process lifetimes and
// fork arrows are there.
func TestPerfetto(t *testing.T) {
	prog := progBin(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "trace.json")
	r := runCmd(t, exec.Command(seizeBin, "-f", "--format", "perfetto", "-o", out, "--", prog, "timed"), "")
	if r.state.ExitCode() != 0 {
		t.Fatalf("exit %v; stderr:\n%s", r.state, lastLines(r.stderr, 10))
	}
	b := waitFileSuffix(t, out, "\n]\n")
	if !printableText(string(b)) {
		t.Errorf("the trace holds bytes other than printable ASCII and newlines")
	}
	var evs []perfettoEvent
	if err := json.Unmarshal(b, &evs); err != nil {
		t.Fatalf("not a Trace Event JSON array: %v", err)
	}
	text, _ := traceWith(t, seizeBin, t.TempDir(), []string{"-f", "-T"}, prog, "timed")

	threadNames := map[int]string{}
	procNames := map[int]string{}
	slices := map[string][]float64{} // syscall -> durations (µs)
	lifetimes := map[int][2]float64{}
	flows := map[int][2]perfettoEvent{}
	var instants, stops []perfettoEvent
	for i, e := range evs {
		if e.Ph != "M" && (e.Ts == nil || *e.Ts < 0) {
			t.Errorf("event %d (%s %s) has no valid ts", i, e.Ph, e.Name)
			continue
		}
		if e.Pid <= 0 || e.Tid <= 0 {
			t.Errorf("event %d (%s %s): pid %d tid %d", i, e.Ph, e.Name, e.Pid, e.Tid)
		}
		switch e.Ph {
		case "M":
			var a struct{ Name string }
			json.Unmarshal(e.Args, &a)
			switch e.Name {
			case "thread_name":
				threadNames[e.Tid] = a.Name
			case "process_name":
				procNames[e.Pid] = a.Name
			}
		case "X":
			if e.Dur == nil || *e.Dur < 0 {
				t.Errorf("slice %s without a valid dur", e.Name)
				continue
			}
			switch e.Cat {
			case "syscall":
				var a struct{ Args, Ret string }
				if err := json.Unmarshal(e.Args, &a); err != nil || a.Ret == "" {
					t.Errorf("slice %s: args %s", e.Name, e.Args)
				}
				slices[e.Name] = append(slices[e.Name], *e.Dur)
			case "jobctl":
				stops = append(stops, e)
			default:
				t.Errorf("slice %s of category %q", e.Name, e.Cat)
			}
		case "b", "e":
			lt := lifetimes[*e.ID]
			lt[map[string]int{"b": 0, "e": 1}[e.Ph]] = *e.Ts
			lifetimes[*e.ID] = lt
		case "s", "f":
			fl := flows[*e.ID]
			fl[map[string]int{"s": 0, "f": 1}[e.Ph]] = e
			flows[*e.ID] = fl
		case "i":
			instants = append(instants, e)
		default:
			t.Errorf("event phase %q", e.Ph)
		}
	}
	// Names: "comm tid" for every thread with slices.
	for _, e := range evs {
		if e.Ph == "X" {
			if n := threadNames[e.Tid]; !regexp.MustCompile(`^\S+ ` + strconv.Itoa(e.Tid) + `$`).MatchString(n) {
				t.Errorf("thread %d is named %q, want \"comm %d\"", e.Tid, n, e.Tid)
			}
			if procNames[e.Pid] == "" {
				t.Errorf("process %d has no name", e.Pid)
			}
		}
	}
	if len(threadNames) != 3 || len(procNames) != 2 {
		t.Errorf("%d threads %v, %d processes %v named; want 3 and 2", len(threadNames), threadNames, len(procNames), procNames)
	}
	// One slice per call of the text trace.
	textCalls := map[string][]float64{}
	reCall := regexp.MustCompile(`^(?:\d+ +)?([a-z_0-9]+)\(.* <(\d+\.\d+)>$`)
	for _, l := range mergeResumed(strings.Split(strings.TrimSuffix(text, "\n"), "\n")) {
		if m := reCall.FindStringSubmatch(l); m != nil {
			d, _ := strconv.ParseFloat(m[2], 64)
			textCalls[m[1]] = append(textCalls[m[1]], d*1e6)
		} else if m := regexp.MustCompile(`^(?:\d+ +)?([a-z_0-9]+)\(.*\) += \?$`).FindStringSubmatch(l); m != nil {
			textCalls[m[1]] = append(textCalls[m[1]], -1)
		}
	}
	for name, ds := range textCalls {
		// Whether pthread_join waits, and whether the child's SIGCHLD
		// interrupts (and restarts) a wait4, depend on timing.
		if name == "futex" || name == "wait4" {
			if d := len(slices[name]) - len(ds); d < -2 || d > 2 {
				t.Errorf("%s: %d slices, %d calls in the text trace", name, len(slices[name]), len(ds))
			}
			continue
		}
		if len(slices[name]) != len(ds) {
			t.Errorf("%s: %d slices, %d calls in the text trace", name, len(slices[name]), len(ds))
		}
	}
	for name := range slices {
		if textCalls[name] == nil {
			t.Errorf("%s: slices but no call in the text trace", name)
		}
	}
	// The sleeps (30, 30, 30, 20, 10 ms) last what -T says, within the
	// noise of two runs.
	pd, td := slices["clock_nanosleep"], textCalls["clock_nanosleep"]
	sort.Float64s(pd)
	sort.Float64s(td)
	if len(pd) != 5 || len(td) != 5 {
		t.Fatalf("clock_nanosleep: %d slices, %d -T values; want 5", len(pd), len(td))
	}
	for i, want := range []float64{10e3, 20e3, 30e3, 30e3, 30e3} {
		if pd[i] < want || pd[i] > want+20e3 || td[i] < want {
			t.Errorf("sleep of %.0f µs: slice %.0f µs, -T %.0f µs", want, pd[i], td[i])
		}
		if d := pd[i] - td[i]; d > 10e3 || d < -10e3 {
			t.Errorf("sleep of %.0f µs: slice %.0f µs, -T %.0f µs: more than 10 ms apart", want, pd[i], td[i])
		}
	}
	// The child's stop, the signals, the exits.
	if len(stops) != 1 || stops[0].Name != "stopped (SIGSTOP)" || *stops[0].Dur <= 0 {
		t.Errorf("stop slices %+v, want one \"stopped (SIGSTOP)\"", stops)
	}
	var names []string
	for _, e := range instants {
		names = append(names, e.Name)
	}
	for _, want := range []string{"SIGUSR1", "SIGSTOP", "SIGCONT", "SIGCHLD", "exited with 3", "exited with 0", "thread", "clone", "exec " + filepath.Base(prog)} {
		found := false
		for _, n := range names {
			found = found || n == want
		}
		if !found {
			t.Errorf("no instant %q among %q", want, names)
		}
	}
	// Lifetimes of both processes, begun and ended; an arrow per new task.
	if len(lifetimes) != 2 {
		t.Errorf("%d process lifetimes, want 2", len(lifetimes))
	}
	for pid, lt := range lifetimes {
		if lt[1] <= lt[0] {
			t.Errorf("process %d: lifetime %v", pid, lt)
		}
	}
	if len(flows) != 2 {
		t.Errorf("%d flows, want 2 (the thread and the child)", len(flows))
	}
	for id, fl := range flows {
		if fl[0].Ph != "s" || fl[1].Ph != "f" || fl[1].Bp != "e" || *fl[1].Ts < *fl[0].Ts || fl[0].Tid == fl[1].Tid {
			t.Errorf("flow %d: %+v", id, fl)
		}
	}
}

// TestHostileOutput: a program that writes terminal escape sequences, a
// bell, a C1 CSI byte and invalid UTF-8, opens a file named with them,
// and runs with them in its argv, cannot send any of them to the
// terminal or file through seize, in any format.
func TestHostileOutput(t *testing.T) {
	prog := progBin(t)
	evil := "\x1b]0;argv\x07\x9b\xff"
	for _, tc := range []struct {
		name  string
		flags []string
		want  string // the escaped write, in the trace
	}{
		{"text", nil, `write(1, "\33[2J\7 clear+bell \377\376\303( \23331m csi \33"..., 42) = 42`},
		{"x", []string{"-x"}, `write(1, "\x1b\x5b\x32\x4a\x07`},
		{"xx-s100", []string{"-xx", "-s", "100"}, `\x1b\x5d\x30\x3b\x74\x69\x74\x6c\x65\x07\x0a", 42) = 42`},
		{"v-y", []string{"-v", "-y"}, `"\33[31mred\7\377", O_RDONLY) = -1 ENOENT`},
		{"json", []string{"--format", "json"}, `"str":"\u001b[2J\u0007 clear+bell \ufffd\ufffd\ufffd( \ufffd31m csi \u001b","truncated":true,"hex":"1b5b324a07`},
		{"perfetto", []string{"--format", "perfetto"}, `"args":"1, \"\\33[2J\\7 clear+bell`},
		{"stderr", []string{"-f"}, `\33]0;argv\7\233\377`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "trace")
			args := append(append([]string{}, tc.flags...), "-o", out, "--", prog, "hostile", evil)
			if tc.name == "stderr" {
				args = append(append([]string{}, tc.flags...), "--", prog, "hostile", evil)
				out = ""
			}
			cmd := exec.Command(seizeBin, args...)
			cmd.Dir = dir
			r := runCmd(t, cmd, out)
			if r.state.ExitCode() != 0 {
				t.Fatalf("exit %v; stderr:\n%q", r.state, lastLines(r.stderr, 10))
			}
			trace := r.trace
			if out == "" {
				trace = r.stderr
			} else if tc.name == "perfetto" {
				trace = string(waitFileSuffix(t, out, "\n]\n"))
			}
			if !strings.Contains(r.stdout, "\x1b[2J\x07") {
				t.Errorf("the program's own output lost its bytes: %q", r.stdout)
			}
			for i := 0; i < len(trace); i++ {
				if c := trace[i]; c != '\n' && (c < 0x20 || c > 0x7e) {
					lo := max(0, i-40)
					t.Fatalf("byte %#x at %d in the trace: %q", c, i, trace[lo:min(len(trace), i+40)])
				}
			}
			if !strings.Contains(trace, tc.want) {
				t.Errorf("trace lacks %s; it has:\n%s", tc.want, lastLines(trace, 8))
			}
		})
	}
}

// TestTimestamps checks -t, -tt, -ttt and -r against the clock: each
// line's time lies within the run, and -r adds up.
func TestTimestamps(t *testing.T) {
	prog := progBin(t)
	for _, tc := range []struct {
		flag string
		re   *regexp.Regexp
	}{
		{"-t", regexp.MustCompile(`^(?:\d+ +)?(\d\d):(\d\d):(\d\d) ()`)},
		{"-tt", regexp.MustCompile(`^(?:\d+ +)?(\d\d):(\d\d):(\d\d)\.(\d{6}) `)},
		{"-ttt", regexp.MustCompile(`^(?:\d+ +)?(\d{10})\.(\d{6}) `)},
		{"-r", regexp.MustCompile(`^(?:\d+ +)? {0,5}(\d+)\.(\d{6}) `)},
	} {
		t.Run(tc.flag, func(t *testing.T) {
			before := time.Now()
			trace, _ := traceWith(t, seizeBin, t.TempDir(), []string{tc.flag}, prog, "timed")
			after := time.Now()
			var sum time.Duration
			for _, l := range strings.Split(strings.TrimSuffix(trace, "\n"), "\n") {
				m := tc.re.FindStringSubmatch(l)
				if m == nil {
					t.Fatalf("line %q does not start with a %s timestamp", l, tc.flag)
				}
				n := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
				var at time.Time
				switch tc.flag {
				case "-t", "-tt":
					y, mo, d := before.Date()
					at = time.Date(y, mo, d, n(1), n(2), n(3), n(4)*1000, time.Local)
				case "-ttt":
					at = time.Unix(int64(n(1)), int64(n(2))*1000)
				case "-r":
					sum += time.Duration(n(1))*time.Second + time.Duration(n(2))*time.Microsecond
					continue
				}
				if at.Before(before.Truncate(time.Second)) || at.After(after) {
					t.Errorf("line %q: %v is not within the run (%v to %v)", l, at, before, after)
				}
			}
			if tc.flag == "-r" && (sum < 120*time.Millisecond || sum > after.Sub(before)) {
				t.Errorf("-r adds up to %v; the sleeps take 120ms, the run %v", sum, after.Sub(before))
			}
		})
	}
}

// TestRestartSyscall: a call interrupted by a stop and resumed by the
// kernel shows as strace's "restart_syscall(<... resuming interrupted
// clock_nanosleep ...>)".
func TestRestartSyscall(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "trace")
	cmd := exec.Command(seizeBin, "-o", out, "--", progBin(t), "restart")
	r := runCmd(t, cmd, out)
	if r.state.ExitCode() != 0 {
		t.Fatalf("exit %v; stderr %q", r.state, r.stderr)
	}
	for _, want := range []string{
		"clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=200000000}, NULL) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)\n" +
			"--- SIGSTOP {si_signo=SIGSTOP, si_code=SI_USER, ",
		"\n--- stopped by SIGSTOP ---\n",
		// Then = 0, or = ? ERESTART_RESTARTBLOCK again if the child's
		// SIGCHLD interrupts it too (then "resuming interrupted
		// restart_syscall", as strace says).
		"\nrestart_syscall(<... resuming interrupted clock_nanosleep ...>) = ",
	} {
		if !strings.Contains(r.trace, want) {
			t.Errorf("trace lacks %q:\n%s", want, lastLines(r.trace, 12))
		}
	}
}

// TestAttachFormats: with -p, the JSON stream says how the task came
// ("attach") and went ("detached", with the call in progress written with
// status "detached"), and -c prints the table when seize detaches.
func TestAttachFormats(t *testing.T) {
	t.Run("json", func(t *testing.T) {
		p := testprog.Start(t, "ticker", "20")
		out := filepath.Join(t.TempDir(), "trace")
		a := attachSeize(t, p.Pid, "--format", "json", "-o", out, "-p", strconv.Itoa(p.Pid))
		for i := 0; i < 4; i++ { // the first may come before the attach
			p.Expect("tick", shortWait)
		}
		if code := a.stop(t, syscall.SIGINT); code != 0 {
			t.Fatalf("seize exited %d", code)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		objs := parseJSONLinesLoose(t, string(b))
		first, last := objs[0], objs[len(objs)-1]
		if first["kind"] != "attached" || first["how"] != "attach" || fmt.Sprint(first["tid"]) != strconv.Itoa(p.Pid) {
			t.Errorf("first object %v, want attached/attach of %d", first, p.Pid)
		}
		if last["kind"] != "detached" {
			t.Errorf("last object %v, want detached", last)
		}
		writes := 0
		for _, o := range objs {
			if o["name"] == "write" && o["status"] == "successful" {
				writes++
			}
		}
		if writes < 2 {
			t.Errorf("%d successful writes in the JSON, want the ticks", writes)
		}
		// A call in progress at the detach (the ticker's sleep, unless
		// it was between calls) is written with status "detached", just
		// before the "detached" object.
		for i, o := range objs {
			if o["status"] == "detached" && (i+1 >= len(objs) || objs[i+1]["kind"] != "detached") {
				t.Errorf("object %d %v: status detached, not followed by the detach", i, o)
			}
		}
	})
	t.Run("summary", func(t *testing.T) {
		p := testprog.Start(t, "ticker", "20")
		out := filepath.Join(t.TempDir(), "trace")
		a := attachSeize(t, p.Pid, "-c", "-o", out, "-p", strconv.Itoa(p.Pid))
		for i := 0; i < 4; i++ { // the first may come before the attach
			p.Expect("tick", shortWait)
		}
		if code := a.stop(t, syscall.SIGTERM); code != 0 {
			t.Fatalf("seize exited %d", code)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		tb := parseTable(t, string(b))
		tb.check(t)
		found := false
		for _, r := range tb.rows {
			found = found || r.name == "write" && r.calls >= 2
		}
		if !found {
			t.Errorf("no write row with the ticks:\n%s", b)
		}
	})
}

// parseJSONLinesLoose parses JSON Lines without requiring every kind of
// value to appear.
func parseJSONLinesLoose(t *testing.T, s string) []map[string]any {
	t.Helper()
	var objs []map[string]any
	for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		var o map[string]any
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatalf("bad JSON line %q: %v", trunc(l), err)
		}
		objs = append(objs, o)
	}
	if len(objs) < 2 {
		t.Fatalf("%d JSON objects", len(objs))
	}
	return objs
}
