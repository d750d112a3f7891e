// Command bench measures what tracing costs a program: untraced, under a
// minimal ptrace loop written in this repo (the floor for any ptrace
// tracer), under strace, and under seize, on the same workloads in one
// run, interleaved and repeated (issue 5, SPEC §6).
//
//	go run ./bench [-n REPS] [-quick] [-out FILE] [-w WORKLOADS] [-modes MODES] [-base DIR]
//
// It builds what it needs into a temporary directory (the seize command
// with the go tool that built bench, the C workloads and the minimal loop
// with cc -O2), runs every mode of every workload once per repetition, and
// prints the median, min and max wall time of each, the cost per system
// call where the workload's count is known, and the ratios seize/strace,
// seize/floor and seize/untraced. The same results go to -out as text and,
// next to it, as JSON.
//
// Workloads (-w takes names or numbers, comma-separated):
//
//	1 getppid  a getppid loop: the pure cost of a syscall stop
//	2 files    openat/fstat/read/write/close over many small files
//	3 threads  4 threads each looping over getppid, clock_gettime, write
//	4 find     find /usr, traced with -e trace=%process (filtering)
//	5 threads10k  attach (-f -p) to 10,000 threads asleep, then SIGINT:
//	           attach time, detach time, peak RSS; strace side by side
//	6 memory   seize's VmRSS while it traces 1,000,000 getppid calls
//	           (after 100,000, then every 100,000: it must stay flat)
//	7 unselected  a getppid loop of 20,000,000 calls, getppid not selected:
//	           untraced, under a one-instruction RET_ALLOW seccomp filter
//	           (seccomp-allow), and strace and seize with --seccomp-bpf
//	           -e trace=%process; the targets section compares seize's
//	           cost per call with RET_ALLOW's (issue 5: at most 2x)
//	8 busy     one thread's 20,000 getppid calls among 1,000 idle traced
//	           threads: untraced, strace -f and seize -f (a tracer whose
//	           every wait walks all its tracees pays for the idle ones)
//
// Modes: untraced; minloop (the minimal loop, unpinned); minloop-pin (the
// same with tracer and program on CPU 0: the best a minimal loop does);
// strace -f -o FILE; seize -f -o FILE; and for find also the filtered
// forms, strace -e trace=%process with and without --seccomp-bpf and
// seize's equivalents. A tool that is missing makes its rows
// "unavailable"; a seize flag that does not exist yet makes its rows
// "unsupported" (probed on every run, so they start working when the flag
// lands). With -base DIR, seize built from the checkout in DIR runs too
// (mode seize-base), interleaved with the rest: a before/after comparison
// in one run. Nothing is asserted: bench measures and reports.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

func main() {
	os.Exit(benchMain(os.Args[1:], os.Stdout, os.Stderr))
}

// options is the parsed command line.
type options struct {
	reps      int
	quick     bool
	out       string          // text results; JSON goes next to it
	workloads []string        // names, in order
	modes     map[string]bool // -modes: only these rows (nil: all)
	scale     float64         // multiplies the workload sizes
	findDir   string          // the tree workload 4 walks
	timeout   time.Duration
	base      string   // -base: another checkout to build seize-base from
	args      []string // as given, for the "reproduce" line
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &options{args: args}
	fs.IntVar(&o.reps, "n", 5, "repetitions of every mode (interleaved); -quick: 2")
	fs.BoolVar(&o.quick, "quick", false, "small workloads and 2 repetitions, for a first look")
	fs.StringVar(&o.out, "out", "", "text results `FILE` (JSON beside it, .json); default bench/results/latest.txt")
	w := fs.String("w", "1,2,3,4,5,6,7,8", "`WORKLOADS` to run: numbers or names (getppid,files,threads,find,threads10k,memory,unselected,busy), comma-separated")
	fs.Float64Var(&o.scale, "scale", 1, "multiply the workload sizes by `F`; -quick: 0.1")
	fs.StringVar(&o.findDir, "find", "/usr", "the `DIR` workload 4 runs find on; -quick: /usr/include")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "give up on a single run after this long")
	modes := fs.String("modes", "", "only these `MODES` (names as in the table, comma-separated), for a focused measurement; default all")
	fs.StringVar(&o.base, "base", "", "also run seize built from the checkout in `DIR` (mode seize-base), for a before/after comparison")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: go run ./bench [-n REPS] [-quick] [-out FILE] [-w WORKLOADS]\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if o.quick {
		if !set["n"] {
			o.reps = 2
		}
		if !set["scale"] {
			o.scale = 0.1
		}
		if !set["find"] {
			o.findDir = "/usr/include"
		}
	}
	if o.reps < 1 {
		return nil, fmt.Errorf("-n must be at least 1")
	}
	if o.scale <= 0 {
		return nil, fmt.Errorf("-scale must be positive")
	}
	for _, s := range strings.Split(*w, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		name, ok := workloadName(s)
		if !ok {
			return nil, fmt.Errorf("unknown workload %q (want 1-8 or getppid, files, threads, find, threads10k, memory, unselected, busy)", s)
		}
		o.workloads = append(o.workloads, name)
	}
	if len(o.workloads) == 0 {
		return nil, fmt.Errorf("-w selects no workload")
	}
	for _, m := range strings.Split(*modes, ",") {
		if m = strings.TrimSpace(m); m != "" {
			if o.modes == nil {
				o.modes = map[string]bool{}
			}
			o.modes[m] = true
		}
	}
	return o, nil
}

func benchMain(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 2
	}
	root, err := repoRoot()
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	if o.out == "" {
		o.out = filepath.Join(root, "bench", "results", "latest.txt")
	}
	// ^C ends the current run (its process group is killed and reaped) and
	// then the whole bench, so no tracee outlives it.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	rep, err := run(ctx, root, o, stderr)
	if err != nil && ctx.Err() != nil {
		err = errors.New("interrupted")
	}
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	text := rep.Text()
	fmt.Fprint(stdout, text)
	jsonPath := strings.TrimSuffix(o.out, filepath.Ext(o.out)) + ".json"
	if err := rep.write(o.out, jsonPath, text); err != nil {
		fmt.Fprintf(stderr, "bench: writing results: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "\nwritten: %s and %s\n", o.out, jsonPath)
	return 0
}

// repoRoot finds the seize module around the working directory, so bench
// runs from the repo root (go run ./bench) or from bench/ (go test).
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		b, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil && strings.Contains(string(b), "module github.com/seize-dev/seize\n") {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("not inside the seize repository (no go.mod of github.com/seize-dev/seize above %s)", dir)
		}
	}
}
