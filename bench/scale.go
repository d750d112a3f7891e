package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Workloads 5 and 6 measure scale rather than the cost of a stop (issue 5):
//
//	5 threads10k  a tracer attaches (-f -p) to a program with 10,000 threads
//	              asleep in pause(); time from the tracer's start to its
//	              "attached" message, time from SIGINT to its exit, its
//	              peak memory; strace side by side
//	6 memory      seize's memory while it traces 1,000,000 getppid calls:
//	              VmRSS and VmHWM after the attach, after 100,000 calls and
//	              after every further batch of 100,000
//
// Both attach to a running program, as `seize -p` does; the detach must
// leave every thread alive and untraced, which is checked.
const (
	blockedThreads = 10000
	memBatch       = 100000
	memTotal       = 1000000
	scaleTimeout   = 5 * time.Minute
)

// attachRow is one tracer's attach and detach at scale.
type attachRow struct {
	Mode    string    `json:"mode"`
	Command string    `json:"command"`
	Status  string    `json:"status"`
	Note    string    `json:"note,omitempty"`
	Attach  []float64 `json:"attach_s"`
	Detach  []float64 `json:"detach_s"`
	MaxRSS  []int64   `json:"max_rss_kib"` // from wait4's rusage
	// Medians, and the largest peak.
	AttachMedian float64 `json:"attach_median_s,omitempty"`
	DetachMedian float64 `json:"detach_median_s,omitempty"`
	MaxRSSMax    int64   `json:"max_rss_max_kib,omitempty"`
	tool         string
}

// memResult is seize's memory over a long trace.
type memResult struct {
	Command string     `json:"command"`
	Status  string     `json:"status"`
	Note    string     `json:"note,omitempty"`
	Points  []memPoint `json:"points"`
	// Growth is VmRSS after the last batch minus VmRSS after the first.
	GrowthKiB int64 `json:"growth_kib"`
}

// memPoint is seize's memory after Syscalls traced calls.
type memPoint struct {
	Syscalls int64 `json:"syscalls"`
	RSSKiB   int64 `json:"vmrss_kib"`
	HWMKiB   int64 `json:"vmhwm_kib"`
}

// makeScale fills in workload 5 or 6.
func makeScale(w *workload, o *options, t *tools) {
	switch w.Name {
	case "threads10k":
		n := scaled(blockedThreads, o.scale)
		w.Num, w.Kind = 5, "attach"
		w.Title = fmt.Sprintf("attach to and detach from %d threads asleep in pause()", n)
		w.argv = []string{t.workload, "blocked", strconv.FormatInt(n, 10)}
		w.Attach = []*attachRow{
			{Mode: "strace", Command: "strace -f -p PID -o FILE; SIGINT", Status: statusOK, tool: "strace"},
			{Mode: "seize", Command: "seize -f -p PID -o FILE; SIGINT", Status: statusOK, tool: "seize"},
		}
	case "memory":
		batch := scaled(memBatch, o.scale)
		w.Num, w.Kind = 6, "memory"
		w.Syscalls = scaled(memTotal, o.scale) / batch * batch
		w.Title = fmt.Sprintf("seize's memory while tracing %d getppid calls, in batches of %d", w.Syscalls, batch)
		w.argv = []string{t.workload, "batches", strconv.FormatInt(batch, 10)}
		w.Memory = &memResult{Command: "seize -f -p PID -o FILE", Status: statusOK, Points: []memPoint{}}
	}
}

// runScale measures workloads 5 and 6: attach and detach once per
// repetition (a fresh program each time, both tracers on it in turn,
// their order alternating), memory once.
func runScale(ctx context.Context, o *options, t *tools, w *workload, progress io.Writer) error {
	out := filepath.Join(t.dir, traceFileName)
	switch w.Kind {
	case "attach":
		for _, r := range w.Attach {
			switch {
			case r.tool == "strace" && t.straceErr != nil:
				r.Status, r.Note = statusUnavailable, t.straceErr.Error()
			case r.tool == "seize" && t.seizeErr != nil:
				r.Status, r.Note = statusUnavailable, t.seizeErr.Error()
			}
		}
		for i := range o.reps {
			if err := attachRep(ctx, t, w, i, o.reps, out, progress); err != nil {
				return err
			}
		}
	case "memory":
		if t.seizeErr != nil {
			w.Memory.Status, w.Memory.Note = statusUnavailable, t.seizeErr.Error()
			return nil
		}
		if err := measureMemory(ctx, t, w, out, progress); err != nil {
			if ctx.Err() != nil {
				return err
			}
			w.Memory.Status, w.Memory.Note = statusFailed, err.Error()
		}
	}
	return nil
}

// attachRep starts the program once and runs every tracer on it.
func attachRep(ctx context.Context, t *tools, w *workload, rep, reps int, out string, progress io.Writer) error {
	prog, pid, err := startProgram(ctx, w.argv, nil)
	if err != nil {
		for _, r := range w.Attach {
			if r.Status == statusOK {
				r.Status, r.Note = statusFailed, "the program did not start: "+err.Error()
			}
		}
		return nil
	}
	defer prog.kill()
	line := fmt.Sprintf("rep %d/%d %-8s", rep+1, reps, w.Name)
	n := len(w.Attach)
	for k := range n {
		r := w.Attach[(k+rep)%n]
		if r.Status != statusOK {
			continue
		}
		var argv []string
		if r.tool == "seize" {
			argv = []string{t.seize, "-f", "-p", strconv.Itoa(pid), "-o", out}
		} else {
			argv = []string{t.strace, "-f", "-p", strconv.Itoa(pid), "-o", out}
		}
		a, d, rss, err := attachDetach(ctx, argv, pid)
		os.Remove(out)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			r.Status, r.Note = statusFailed, err.Error()
			line += fmt.Sprintf(" %s=FAILED", r.Mode)
			continue
		}
		r.Attach = append(r.Attach, a.Seconds())
		r.Detach = append(r.Detach, d.Seconds())
		r.MaxRSS = append(r.MaxRSS, rss)
		line += fmt.Sprintf(" %s=%.3fs/%.3fs/%dMiB", r.Mode, a.Seconds(), d.Seconds(), rss/1024)
	}
	fmt.Fprintln(progress, line)
	return nil
}

// program is a workload started in its own process group.
type program struct {
	cmd   *exec.Cmd
	lines *bufio.Scanner
	stdin io.WriteCloser
}

func (p *program) kill() {
	if p.stdin != nil {
		p.stdin.Close()
	}
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	p.cmd.Wait()
}

// startProgram starts argv and waits for its "ready PID" line; with
// stdin set it gets a pipe for input and no "ready" is awaited.
func startProgram(ctx context.Context, argv []string, stdin *io.WriteCloser) (*program, int, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, 0, err
	}
	p := &program{cmd: cmd, lines: bufio.NewScanner(stdout)}
	if stdin != nil {
		if p.stdin, err = cmd.StdinPipe(); err != nil {
			return nil, 0, err
		}
		*stdin = p.stdin
	}
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	if stdin != nil {
		return p, cmd.Process.Pid, nil
	}
	ready := make(chan error, 1)
	go func() {
		if !p.lines.Scan() {
			ready <- fmt.Errorf("exited before it was ready")
			return
		}
		if !strings.HasPrefix(p.lines.Text(), "ready ") {
			ready <- fmt.Errorf("printed %q, not ready", p.lines.Text())
			return
		}
		ready <- nil
	}()
	select {
	case err = <-ready:
	case <-time.After(scaleTimeout):
		err = fmt.Errorf("not ready after %v", scaleTimeout)
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		p.kill()
		return nil, 0, err
	}
	return p, cmd.Process.Pid, nil
}

// tracer is a tracer attached to a program, its stderr watched for the
// "attached" message.
type tracer struct {
	cmd      *exec.Cmd
	attached chan time.Time
	tail     *tailBuffer
	done     chan struct{} // stderr at EOF
}

// startTracer starts argv and returns once it has printed its "attached"
// message, with the time that took.
func startTracer(ctx context.Context, argv []string) (*tracer, time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, 0, err
	}
	tr := &tracer{cmd: cmd, attached: make(chan time.Time, 1), tail: &tailBuffer{max: 4096}, done: make(chan struct{})}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	go func() {
		defer close(tr.done)
		sc := bufio.NewScanner(stderr)
		seen := false
		for sc.Scan() {
			l := sc.Text()
			if !seen && strings.Contains(l, " attached") {
				seen = true
				tr.attached <- time.Now()
			}
			tr.tail.Write([]byte(l + "\n"))
		}
	}()
	select {
	case at := <-tr.attached:
		return tr, at.Sub(start), nil
	case <-tr.done:
		err = errors.New("exited without attaching")
	case <-time.After(scaleTimeout):
		err = fmt.Errorf("no attached message after %v", scaleTimeout)
	case <-ctx.Done():
		err = ctx.Err()
	}
	tr.kill()
	if l := tr.tail.lastLine(); l != "" {
		err = fmt.Errorf("%v: %s", err, l)
	}
	return nil, 0, err
}

func (tr *tracer) kill() {
	syscall.Kill(-tr.cmd.Process.Pid, syscall.SIGKILL)
	<-tr.done
	tr.cmd.Wait()
}

// stop sends SIGINT and waits for the exit; it returns how long that took
// and the tracer's peak RSS in KiB.
func (tr *tracer) stop(ctx context.Context) (time.Duration, int64, error) {
	start := time.Now()
	if err := tr.cmd.Process.Signal(os.Interrupt); err != nil {
		tr.kill()
		return 0, 0, err
	}
	exited := make(chan error, 1)
	go func() {
		<-tr.done
		exited <- tr.cmd.Wait()
	}()
	var err error
	select {
	case err = <-exited:
	case <-time.After(scaleTimeout):
		tr.kill()
		return 0, 0, fmt.Errorf("still running %v after SIGINT", scaleTimeout)
	case <-ctx.Done():
		tr.kill()
		return 0, 0, ctx.Err()
	}
	d := time.Since(start)
	if ws, ok := tr.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGINT {
		err = nil // strace detaches, then dies of the SIGINT it was sent
	}
	var rss int64
	if ru, ok := tr.cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss
	}
	if err != nil {
		if l := tr.tail.lastLine(); l != "" {
			err = fmt.Errorf("%v: %s", err, l)
		}
	}
	return d, rss, err
}

// attachDetach runs one tracer on the program pid: attach, SIGINT, exit.
// Every thread must be alive and untraced afterwards.
func attachDetach(ctx context.Context, argv []string, pid int) (attach, detach time.Duration, rss int64, err error) {
	before, err := threads(pid)
	if err != nil {
		return 0, 0, 0, err
	}
	tr, attach, err := startTracer(ctx, argv)
	if err != nil {
		return 0, 0, 0, err
	}
	if n := traced(pid); n != len(before) {
		tr.kill()
		return 0, 0, 0, fmt.Errorf("%d of %d threads traced after the attached message", n, len(before))
	}
	detach, rss, err = tr.stop(ctx)
	if err != nil {
		return 0, 0, 0, err
	}
	after, err := threads(pid)
	if err != nil || len(after) != len(before) {
		return 0, 0, 0, fmt.Errorf("%d threads before, %d after the detach (%v)", len(before), len(after), err)
	}
	if n := traced(pid); n != 0 {
		return 0, 0, 0, fmt.Errorf("%d threads still traced after the detach", n)
	}
	return attach, detach, rss, nil
}

// threads lists the tids of pid.
func threads(pid int) ([]string, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/task")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Readdirnames(-1)
}

// traced counts the threads of pid that have a tracer.
func traced(pid int) int {
	tids, _ := threads(pid)
	n := 0
	for _, tid := range tids {
		if v := statusField("/proc/"+strconv.Itoa(pid)+"/task/"+tid+"/status", "TracerPid"); v != 0 {
			n++
		}
	}
	return n
}

// statusField reads a numeric field of a /proc status file ("VmRSS" is in
// KiB); -1 if it cannot be read.
func statusField(path, name string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && k == name {
			f := strings.Fields(v)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return -1
}

// measureMemory traces the batches program with seize and reads seize's
// VmRSS and VmHWM after the attach and after every batch.
func measureMemory(ctx context.Context, t *tools, w *workload, out string, progress io.Writer) error {
	var stdin io.WriteCloser
	prog, pid, err := startProgram(ctx, w.argv, &stdin)
	if err != nil {
		return fmt.Errorf("the program did not start: %v", err)
	}
	defer prog.kill()
	defer os.Remove(out)
	tr, _, err := startTracer(ctx, []string{t.seize, "-f", "-p", strconv.Itoa(pid), "-o", out})
	if err != nil {
		return err
	}
	status := "/proc/" + strconv.Itoa(tr.cmd.Process.Pid) + "/status"
	point := func(n int64) {
		w.Memory.Points = append(w.Memory.Points, memPoint{Syscalls: n, RSSKiB: statusField(status, "VmRSS"), HWMKiB: statusField(status, "VmHWM")})
	}
	point(0)
	batch, _ := strconv.ParseInt(w.argv[len(w.argv)-1], 10, 64)
	done := make(chan bool)
	for n := int64(0); n < w.Syscalls; n += batch {
		if _, err := io.WriteString(stdin, "go\n"); err != nil {
			tr.kill()
			return fmt.Errorf("the program stopped reading: %v", err)
		}
		go func() { done <- prog.lines.Scan() && prog.lines.Text() == "done" }()
		var ok bool
		select {
		case ok = <-done:
		case <-time.After(scaleTimeout):
		case <-ctx.Done():
			tr.kill()
			<-done
			return ctx.Err()
		}
		if !ok {
			tr.kill()
			return fmt.Errorf("no \"done\" after a batch")
		}
		point(n + batch)
	}
	if _, _, err := tr.stop(ctx); err != nil {
		return err
	}
	ps := w.Memory.Points
	if len(ps) >= 3 {
		w.Memory.GrowthKiB = ps[len(ps)-1].RSSKiB - ps[1].RSSKiB
	}
	last := ps[len(ps)-1]
	fmt.Fprintf(progress, "memory   %d syscalls: VmRSS %d KiB (after %d: %d KiB), VmHWM %d KiB\n", last.Syscalls, last.RSSKiB, ps[1].Syscalls, ps[1].RSSKiB, last.HWMKiB)
	return nil
}

// finishScale computes the medians of workload 5.
func finishScale(w *workload) {
	for _, r := range w.Attach {
		if len(r.Attach) == 0 {
			continue
		}
		r.AttachMedian, r.DetachMedian = median(r.Attach), median(r.Detach)
		for _, x := range r.MaxRSS {
			r.MaxRSSMax = max(r.MaxRSSMax, x)
		}
	}
}

// scaleText is the report of workloads 5 and 6.
func scaleText(b *strings.Builder, w *workload) {
	fmt.Fprintf(b, "\nworkload %d %s: %s\n  PROG = %s\n", w.Num, w.Name, w.Title, w.Command)
	switch w.Kind {
	case "attach":
		fmt.Fprintf(b, "  %-8s %10s %10s %10s %10s %11s  %s\n", "tracer", "attach", "(min)", "detach", "(min)", "max RSS", "command")
		for _, r := range w.Attach {
			if r.Status != statusOK || len(r.Attach) == 0 {
				continue
			}
			fmt.Fprintf(b, "  %-8s %9.0fms %9.0fms %9.0fms %9.0fms %7.1f MiB  %s\n", r.Mode,
				r.AttachMedian*1e3, minOf(r.Attach)*1e3, r.DetachMedian*1e3, minOf(r.Detach)*1e3, float64(r.MaxRSSMax)/1024, r.Command)
		}
		for _, r := range w.Attach {
			if r.Status != statusOK {
				fmt.Fprintf(b, "  %s: %s: %s\n", r.Mode, strings.ToUpper(r.Status), r.Note)
			}
		}
		b.WriteString("  attach: from the tracer's start to its \"attached\" message; detach: from SIGINT to its exit\n" +
			"  (every thread checked alive and untraced); max RSS: wait4's ru_maxrss; medians of the repetitions\n")
	case "memory":
		m := w.Memory
		if m.Status != statusOK {
			fmt.Fprintf(b, "  seize: %s: %s\n", strings.ToUpper(m.Status), m.Note)
			return
		}
		fmt.Fprintf(b, "  %12s %12s %12s   (%s)\n", "syscalls", "VmRSS", "VmHWM", m.Command)
		for _, p := range m.Points {
			fmt.Fprintf(b, "  %12d %8.1f MiB %8.1f MiB\n", p.Syscalls, float64(p.RSSKiB)/1024, float64(p.HWMKiB)/1024)
		}
		if len(m.Points) >= 3 {
			fmt.Fprintf(b, "  growth of VmRSS from %d to %d syscalls: %+.1f MiB\n", m.Points[1].Syscalls, m.Points[len(m.Points)-1].Syscalls, float64(m.GrowthKiB)/1024)
		}
	}
}

func minOf(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs[1:] {
		m = min(m, x)
	}
	return m
}
