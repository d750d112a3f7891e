package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Sizes of the workloads at -scale 1.
const (
	getppidCalls = 200000
	// Workload 7 runs untraced, so it can afford a long loop: seize's
	// start-up (~20 ms) then weighs about 1% of a run.
	unselectedCalls = 20000000
	// Workload 8: one thread making calls among many idle traced ones.
	busyIdle      = 1000
	busyCalls     = 20000
	filesCount    = 200
	filesRounds   = 20
	threadsCount  = 4
	threadsIters  = 10000
	filesPerFile  = 6 // openat, fstat, read, read (EOF), write, close
	threadsPerIt  = 3 // getppid, clock_gettime, write
	traceFileName = "trace.out"
)

// Row statuses.
const (
	statusOK          = "ok"
	statusUnavailable = "unavailable" // the tool is missing
	statusUnsupported = "unsupported" // the tool lacks the flag
	statusFailed      = "failed"      // a run failed; later repetitions skipped
)

var workloadNames = []string{"getppid", "files", "threads", "find", "threads10k", "memory", "unselected", "busy"}

// workloadName accepts a workload's number (1-7) or name.
func workloadName(s string) (string, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		if n >= 1 && n <= len(workloadNames) {
			return workloadNames[n-1], true
		}
		return "", false
	}
	for _, w := range workloadNames {
		if s == w {
			return w, true
		}
	}
	return "", false
}

// workload is one traced program and the rows measured on it.
type workload struct {
	Num      int    `json:"num"`
	Name     string `json:"name"`
	Title    string `json:"title"`
	Command  string `json:"command"`
	Syscalls int64  `json:"syscalls,omitempty"` // made by its loop; 0 if unknown
	Rows     []*row `json:"modes"`
	// Kind is "" for the timed workloads (1-4), "attach" or "memory" for
	// those of scale.go (5, 6), which have no Rows.
	Kind   string       `json:"kind,omitempty"`
	Attach []*attachRow `json:"attach,omitempty"`
	Memory *memResult   `json:"memory,omitempty"`
	argv   []string
}

// row is one mode on one workload.
type row struct {
	Mode         string    `json:"mode"`
	Command      string    `json:"command"`
	Status       string    `json:"status"`
	Note         string    `json:"note,omitempty"`
	Runs         []float64 `json:"runs_s"`
	Median       float64   `json:"median_s,omitempty"`
	Min          float64   `json:"min_s,omitempty"`
	Max          float64   `json:"max_s,omitempty"`
	USPerSyscall float64   `json:"us_per_syscall,omitempty"`
	mode         *mode
}

// mode is a way of running a workload: untraced or under a tracer.
type mode struct {
	name    string
	command string // its shape, PROG standing for the workload
	// argv is the command line that runs prog, writing a trace (if any) to out.
	argv func(t *tools, out string, prog []string) []string
	// check says why the mode cannot run here; status is unavailable or
	// unsupported. Run once per bench.
	check func(ctx context.Context, t *tools) (status string, err error)
}

func cat(a ...[]string) []string {
	var r []string
	for _, x := range a {
		r = append(r, x...)
	}
	return r
}

func needStrace(_ context.Context, t *tools) (string, error) {
	if t.straceErr != nil {
		return statusUnavailable, t.straceErr
	}
	return "", nil
}

func needSeize(_ context.Context, t *tools) (string, error) {
	if t.seizeErr != nil {
		return statusUnavailable, t.seizeErr
	}
	return "", nil
}

// needFlags probes that a tool accepts flags by tracing true with them.
func needFlags(need func(context.Context, *tools) (string, error), tool func(*tools) string, flags ...string) func(context.Context, *tools) (string, error) {
	return func(ctx context.Context, t *tools) (string, error) {
		if st, err := need(ctx, t); err != nil {
			return st, err
		}
		argv := cat([]string{tool(t)}, flags, []string{"-o", os.DevNull, "--", "true"})
		if err := probe(ctx, argv...); err != nil {
			// Only a flag beyond -f can be missing; otherwise the tool
			// cannot trace here at all.
			st := statusUnavailable
			if len(flags) > 1 {
				st = statusUnsupported
			}
			return st, fmt.Errorf("%s -o /dev/null -- true failed: %v", strings.Join(cat([]string{filepath.Base(argv[0])}, flags), " "), err)
		}
		return "", nil
	}
}

// straceMode and seizeMode probe their flags on true before the first
// run, so a flag the tool lacks makes the row "unsupported", not failed.
func straceMode(name string, flags ...string) *mode {
	return &mode{
		name:    name,
		command: "strace " + strings.Join(flags, " ") + " -o FILE PROG",
		argv: func(t *tools, out string, prog []string) []string {
			return cat([]string{t.strace}, flags, []string{"-o", out}, prog)
		},
		check: needFlags(needStrace, func(t *tools) string { return t.strace }, flags...),
	}
}

func seizeMode(name string, flags ...string) *mode {
	return &mode{
		name:    name,
		command: "seize " + strings.Join(flags, " ") + " -o FILE -- PROG",
		argv: func(t *tools, out string, prog []string) []string {
			return cat([]string{t.seize}, flags, []string{"-o", out, "--"}, prog)
		},
		check: needFlags(needSeize, func(t *tools) string { return t.seize }, flags...),
	}
}

// The modes of every workload, then the filtered ones of workload 4.
var (
	baseModes = []*mode{
		{name: "untraced", command: "PROG",
			argv: func(_ *tools, _ string, prog []string) []string { return prog }},
		{name: "minloop", command: "minloop PROG",
			argv: func(t *tools, _ string, prog []string) []string { return cat([]string{t.minloop}, prog) }},
		{name: "minloop-pin", command: "minloop -pin PROG",
			argv: func(t *tools, _ string, prog []string) []string { return cat([]string{t.minloop, "-pin"}, prog) }},
		straceMode("strace", "-f"),
		seizeMode("seize", "-f"),
	}
	// seizeBaseMode (-base DIR) is seize built from another tree, the
	// same way, run interleaved with the others: a before/after comparison
	// in one run.
	seizeBaseMode = &mode{
		name:    "seize-base",
		command: "seize-base -f -o FILE -- PROG",
		argv: func(t *tools, out string, prog []string) []string {
			return cat([]string{t.seizeBase, "-f", "-o", out, "--"}, prog)
		},
		check: func(_ context.Context, t *tools) (string, error) {
			if t.baseErr != nil {
				return statusUnavailable, t.baseErr
			}
			return "", nil
		},
	}
	filterModes = []*mode{
		straceMode("strace-e", "-f", "-e", "trace=%process"),
		straceMode("strace-seccomp", "-f", "--seccomp-bpf", "-e", "trace=%process"),
		seizeMode("seize-e", "-f", "-e", "trace=%process"),
		seizeMode("seize-seccomp", "-f", "--seccomp-bpf", "-e", "trace=%process"),
	}
	// splitModes are workload 3's: its threads split in two halves, two
	// processes of threadsCount/2 threads, each traced by a tracer of its
	// own and run at the same time. They measure what serving tasks from
	// two tracer threads could give (issue 5; docs/performance.md): one
	// process cannot split a program's threads like this, because the
	// kernel makes a new thread the tracee of its creator's tracer, and
	// moving it to another tracer needs a detach during which it runs
	// untraced. "-pin" puts each half and its tracer on a CPU of its own
	// (taskset): the best a two-way split can do on two CPUs, which seize
	// may not do by default, since it changes the program's affinity.
	splitModes = []*mode{
		splitMode("minloop-split-pin", true, func(t *tools, _ string) []string { return []string{t.minloop} }),
		splitMode("seize-split", false, func(t *tools, out string) []string { return []string{t.seize, "-f", "-o", out, "--"} }),
		splitMode("seize-split-pin", true, func(t *tools, out string) []string { return []string{t.seize, "-f", "-o", out, "--"} }),
	}
	// unselectedModes are workload 7's: a getppid loop where getppid is
	// not a selected call, against the cost of a seccomp filter that
	// returns RET_ALLOW (the floor of any seccomp filtering).
	unselectedModes = []*mode{
		baseModes[0],
		{name: "seccomp-allow", command: "workload allow PROG",
			argv: func(t *tools, _ string, prog []string) []string { return cat([]string{t.workload, "allow"}, prog) }},
		straceMode("strace-seccomp", "-f", "--seccomp-bpf", "-e", "trace=%process"),
		seizeMode("seize-seccomp", "-f", "--seccomp-bpf", "-e", "trace=%process"),
	}
)

// splitMode runs two tracers at once, each on half of workload 3's
// threads (see splitModes), through sh; the run fails if either does.
func splitMode(name string, pin bool, tracer func(t *tools, out string) []string) *mode {
	shape := strings.Join(tracer(&tools{minloop: "minloop", seize: "seize"}, "FILE.N"), " ")
	cmd := shape + " PROG/2"
	if pin {
		cmd = "taskset -c N " + cmd
	}
	return &mode{
		name:    name,
		command: "2 × " + cmd,
		argv: func(t *tools, out string, prog []string) []string {
			half := append([]string(nil), prog...)
			half[2] = strconv.Itoa(threadsCount / 2) // workload threads COUNT ITERS
			var cmds []string
			for i := range 2 {
				c := cat(tracer(t, fmt.Sprintf("%s.%d", out, i)), half)
				if pin {
					c = cat([]string{"taskset", "-c", strconv.Itoa(i)}, c)
				}
				for j, a := range c {
					c[j] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
				}
				cmds = append(cmds, strings.Join(c, " "))
			}
			script := cmds[0] + " & p=$!; " + cmds[1] + "; s=$?; wait $p || exit 1; exit $s"
			return []string{"sh", "-c", script}
		},
		check: func(ctx context.Context, t *tools) (string, error) {
			if pin {
				if _, err := exec.LookPath("taskset"); err != nil {
					return statusUnavailable, err
				}
			}
			if shape == "seize -f -o FILE.N --" {
				return needSeize(ctx, t)
			}
			return "", nil
		},
	}
}

func scaled(n int, scale float64) int64 {
	return max(1, int64(math.Round(float64(n)*scale)))
}

// makeWorkloads prepares the selected workloads (workload 2's files are
// written into the tools' directory).
func makeWorkloads(o *options, t *tools) ([]*workload, error) {
	var ws []*workload
	for _, name := range o.workloads {
		w := &workload{Name: name}
		switch name {
		case "getppid":
			n := scaled(getppidCalls, o.scale)
			w.Num, w.Title, w.Syscalls = 1, "getppid loop: the cost of a stop", n
			w.argv = []string{t.workload, "getppid", strconv.FormatInt(n, 10)}
		case "files":
			dir := filepath.Join(t.dir, "files")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, err
			}
			for i := range filesCount {
				body := fmt.Sprintf("file %d of the decode-heavy workload\n", i)
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d", i)), []byte(body), 0o644); err != nil {
					return nil, err
				}
			}
			rounds := scaled(filesRounds, o.scale)
			// Each round ends with the openat that fails on the missing file.
			w.Num, w.Syscalls = 2, rounds*(filesCount*filesPerFile+1)
			w.Title = fmt.Sprintf("decode-heavy: openat/fstat/read/write/close over the %d files in DIR, %d times", filesCount, rounds)
			w.argv = []string{t.workload, "files", dir, strconv.FormatInt(rounds, 10)}
		case "threads":
			iters := scaled(threadsIters, o.scale)
			w.Num, w.Title, w.Syscalls = 3, "4 threads: getppid/clock_gettime/write loops", threadsCount*threadsPerIt*iters
			w.argv = []string{t.workload, "threads", strconv.Itoa(threadsCount), strconv.FormatInt(iters, 10)}
		case "find":
			w.Num, w.Title = 4, "find, traced with -e trace=%process (filtering)"
			w.argv = []string{"find", o.findDir}
		case "threads10k", "memory":
			makeScale(w, o, t)
		case "busy":
			n := scaled(busyCalls, o.scale)
			w.Num, w.Syscalls = 8, n
			w.Title = fmt.Sprintf("one thread's getppid loop among %d idle traced threads (a wait for any walks every tracee)", busyIdle)
			w.argv = []string{t.workload, "busy", strconv.Itoa(busyIdle), strconv.FormatInt(n, 10)}
		case "unselected":
			n := scaled(unselectedCalls, o.scale)
			w.Num, w.Syscalls = 7, n
			w.Title = "getppid loop where getppid is not selected (-e trace=%process): unselected calls against a RET_ALLOW filter"
			w.argv = []string{t.workload, "getppid", strconv.FormatInt(n, 10)}
		}
		w.Command = strings.Join(w.argv, " ")
		w.Command = strings.ReplaceAll(w.Command, filepath.Join(t.dir, "files"), "DIR")
		w.Command = strings.ReplaceAll(w.Command, t.dir+"/", "")
		if w.Kind != "" {
			ws = append(ws, w)
			continue
		}
		modes := baseModes
		if o.base != "" {
			modes = cat2(baseModes, []*mode{seizeBaseMode})
		}
		if name == "find" {
			modes = cat2(modes, filterModes)
		}
		if name == "threads" {
			modes = cat2(modes, splitModes)
		}
		if name == "unselected" {
			modes = unselectedModes
		}
		if name == "busy" {
			// The minimal loops follow no threads.
			modes = []*mode{baseModes[0], baseModes[3], baseModes[4]}
			if o.base != "" {
				modes = append(modes, seizeBaseMode)
			}
		}
		for _, m := range modes {
			if o.modes != nil && !o.modes[m.name] {
				continue
			}
			w.Rows = append(w.Rows, &row{Mode: m.name, Command: m.command, Status: statusOK, Runs: []float64{}, mode: m})
		}
		ws = append(ws, w)
	}
	return ws, nil
}

func cat2(a, b []*mode) []*mode { return append(append([]*mode{}, a...), b...) }

// run builds the tools, then measures every mode of every workload once
// per repetition, modes interleaved (their order rotates each time) so
// that drift on the machine spreads over all of them.
func run(ctx context.Context, root string, o *options, progress io.Writer) (*report, error) {
	t, err := buildTools(ctx, root, o.base)
	if err != nil {
		return nil, err
	}
	defer t.close()
	ws, err := makeWorkloads(o, t)
	if err != nil {
		return nil, err
	}
	rep := newReport(o, t, ws)

	// Availability, once per mode.
	checked := map[*mode]error{}
	statuses := map[*mode]string{}
	for _, w := range ws {
		for _, r := range w.Rows {
			if r.mode.check == nil {
				continue
			}
			if _, done := checked[r.mode]; !done {
				st, err := r.mode.check(ctx, t)
				checked[r.mode], statuses[r.mode] = err, st
			}
			if err := checked[r.mode]; err != nil {
				r.Status, r.Note = statuses[r.mode], err.Error()
			}
		}
	}

	// A warm-up run of each workload, untraced: fills the page cache (find)
	// and proves the workload itself works before anything is timed.
	for _, w := range ws {
		if w.Kind != "" {
			continue // scale.go: a program that runs until told
		}
		if _, err := runOnce(ctx, o.timeout, w.argv, ""); err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("interrupted")
			}
			for _, r := range w.Rows {
				r.Status, r.Note = statusFailed, "the workload fails untraced: "+err.Error()
			}
		}
	}

	out := filepath.Join(t.dir, traceFileName)
	for i := range o.reps {
		for _, w := range ws {
			if w.Kind != "" {
				continue // measured after these (runScale)
			}
			var line strings.Builder
			fmt.Fprintf(&line, "rep %d/%d %-8s", i+1, o.reps, w.Name)
			n := len(w.Rows)
			for k := range n {
				r := w.Rows[(k+i)%n]
				if r.Status != statusOK {
					continue
				}
				argv := r.mode.argv(t, out, w.argv)
				d, err := runOnce(ctx, o.timeout, argv, out)
				if ctx.Err() != nil {
					return nil, fmt.Errorf("interrupted")
				}
				if err != nil {
					r.Status, r.Note = statusFailed, err.Error()
					fmt.Fprintf(&line, " %s=FAILED", r.Mode)
					continue
				}
				r.Runs = append(r.Runs, d.Seconds())
				fmt.Fprintf(&line, " %s=%.3fs", r.Mode, d.Seconds())
			}
			fmt.Fprintln(progress, line.String())
		}
	}
	// Workloads 5 and 6 after the timed ones: 10,000 threads weigh on the
	// machine while they exist.
	for _, w := range ws {
		if w.Kind == "" {
			continue
		}
		if err := runScale(ctx, o, t, w, progress); err != nil {
			return nil, fmt.Errorf("interrupted")
		}
	}
	rep.Leftovers = reapLeftovers(t.dir)
	rep.finish()
	return rep, nil
}

// runOnce runs argv to completion and returns its wall time: from before
// the start to after the exit has been reaped and its stderr has reached
// EOF. The program and any tracer share a new process group, killed on a
// timeout or ^C. stderr is a pipe on purpose: seize's detached tracer
// holds it until it exits, so its time (the final flush included) is
// counted as strace's is; the trace file out is removed afterwards.
func runOnce(ctx context.Context, timeout time.Duration, argv []string, out string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return 0, err
	}
	defer devnull.Close()
	stderr := &tailBuffer{max: 4096}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdout = devnull
	cmd.Stderr = stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		// The leader is not reaped yet, so its pid still names the group.
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	err = cmd.Run()
	d := time.Since(start)
	if out != "" {
		os.Remove(out)
	}
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("timed out after %v", timeout)
		}
		msg := fmt.Sprintf("%s: %v", filepath.Base(argv[0]), err)
		if tail := stderr.lastLine(); tail != "" {
			msg += ": " + tail
		}
		return d, errors.New(msg)
	}
	return d, nil
}

// tailBuffer keeps the end of what a command writes to stderr.
type tailBuffer struct {
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) lastLine() string {
	s := strings.TrimSpace(string(t.b))
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// reapLeftovers finds processes still running a program from dir or
// naming it on their command line (a tracer or tracee that outlived its
// run), kills them by pid, and returns their pids. It should find none.
func reapLeftovers(dir string) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		exe, _ := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if strings.HasPrefix(exe, dir+"/") || strings.Contains(string(cmdline), dir+"/") {
			pids = append(pids, pid)
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	return pids
}
