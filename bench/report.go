package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// report is what a bench run measured, printed as text and saved as JSON.
type report struct {
	Date      string      `json:"date"`
	Host      host        `json:"host"`
	Reps      int         `json:"reps"`
	Quick     bool        `json:"quick"`
	Scale     float64     `json:"scale"`
	Reproduce string      `json:"reproduce"`
	Workloads []*workload `json:"workloads"`
	Ratios    []ratio     `json:"ratios"`
	// Targets are issue 5's filtering targets, where measured.
	Targets []target `json:"targets,omitempty"`
	// Processes found still running after the runs (and killed); a bug in
	// a tracer or in bench if not empty.
	Leftovers []int `json:"leftover_pids,omitempty"`
}

type host struct {
	Kernel string `json:"kernel"`
	Arch   string `json:"arch"`
	CPUs   int    `json:"cpus"`
	Go     string `json:"go"`
	Strace string `json:"strace,omitempty"`
	Seize  string `json:"seize,omitempty"` // git describe of the tree
	// /proc/loadavg before and after the runs: other work on the machine
	// makes every number noisier (and cross-CPU wakeups cheaper).
	LoadBefore string `json:"load_before"`
	LoadAfter  string `json:"load_after"`
}

// ratio compares a tracer's median with its strace counterpart (same
// flags), the floor (the better of the two minimal loops) and untraced.
type ratio struct {
	Workload   string   `json:"workload"`
	Mode       string   `json:"mode"`
	VsStrace   *float64 `json:"vs_strace,omitempty"`
	VsFloor    *float64 `json:"vs_floor,omitempty"`
	VsUntraced *float64 `json:"vs_untraced,omitempty"`
}

// target is one of issue 5's bounds on a ratio of medians.
type target struct {
	What  string  `json:"what"`
	Value float64 `json:"value"`
	Limit float64 `json:"limit"`
	Met   bool    `json:"met"`
	Note  string  `json:"note,omitempty"`
}

// addTargets computes, for workloads 4 and 7, seize --seccomp-bpf against
// untraced and against a RET_ALLOW filter.
func (r *report) addTargets(w *workload, med func(string) (float64, bool)) {
	add := func(what string, v, limit float64, note string) {
		r.Targets = append(r.Targets, target{What: what, Value: v, Limit: limit, Met: v <= limit, Note: note})
	}
	if w.Num >= 1 && w.Num <= 3 {
		s, okS := med("seize")
		st, okT := med("strace")
		floor, okF := med("minloop")
		if pin, ok := med("minloop-pin"); ok && (!okF || pin < floor) {
			floor, okF = pin, true
		}
		if okS && okT {
			note := ""
			if w.Name == "threads" {
				// The bound of a two-way split (splitModes).
				var parts []string
				for _, m := range []string{"minloop-split-pin", "seize-split", "seize-split-pin"} {
					if v, ok := med(m); ok {
						parts = append(parts, fmt.Sprintf("%s %.2f", m, v/st))
					}
				}
				if len(parts) > 0 {
					note = "two tracers, half the threads each, / strace: " + strings.Join(parts, ", ")
				}
			}
			add(w.Name+": seize / strace", s/st, 0.33, note)
		}
		if okS && okF {
			add(w.Name+": seize / floor", s/floor, 1.5, "")
		}
		return
	}
	sc, ok := med("seize-seccomp")
	if !ok {
		return
	}
	switch w.Name {
	case "find":
		if u, ok := med("untraced"); ok {
			add("find: seize --seccomp-bpf / untraced", sc/u, 1.1, "")
		}
	case "unselected":
		a, ok := med("seccomp-allow")
		if !ok {
			return
		}
		note := ""
		if u, ok := med("untraced"); ok && w.Syscalls > 0 {
			ns := func(x float64) float64 { return x / float64(w.Syscalls) * 1e9 }
			note = fmt.Sprintf("per call: untraced %.0f ns, RET_ALLOW %.0f ns (+%.0f), seize unselected %.0f ns (+%.0f)",
				ns(u), ns(a), ns(a-u), ns(sc), ns(sc-u))
		}
		add("unselected call: seize --seccomp-bpf / RET_ALLOW filter", sc/a, 2, note)
	}
}

func newReport(o *options, t *tools, ws []*workload) *report {
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	return &report{
		Date: time.Now().UTC().Format("2006-01-02 15:04:05 UTC"),
		Host: host{
			Kernel: strings.TrimSpace(string(kernel)),
			Arch:   runtime.GOARCH,
			CPUs:   runtime.NumCPU(),
			Go:     runtime.Version(),
			Strace: t.straceVers,
			Seize:  t.seizeVers,

			LoadBefore: loadavg(),
		},
		Reps:      o.reps,
		Quick:     o.quick,
		Scale:     o.scale,
		Reproduce: strings.TrimSpace("go run ./bench " + strings.Join(o.args, " ")),
		Workloads: ws,
	}
}

// loadavg is the 1, 5 and 15 minute load averages.
func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// finish computes the statistics of every row and the ratios.
func (r *report) finish() {
	r.Host.LoadAfter = loadavg()
	for _, w := range r.Workloads {
		if w.Kind != "" {
			finishScale(w)
			continue
		}
		for _, x := range w.Rows {
			if len(x.Runs) == 0 {
				continue
			}
			x.Median, x.Min, x.Max = median(x.Runs), slices.Min(x.Runs), slices.Max(x.Runs)
			if w.Syscalls > 0 {
				x.USPerSyscall = x.Median / float64(w.Syscalls) * 1e6
			}
		}
		med := func(mode string) (float64, bool) {
			for _, x := range w.Rows {
				if x.Mode == mode && x.Status == statusOK && len(x.Runs) > 0 {
					return x.Median, true
				}
			}
			return 0, false
		}
		floor, haveFloor := med("minloop")
		if pin, ok := med("minloop-pin"); ok && (!haveFloor || pin < floor) {
			floor, haveFloor = pin, true
		}
		untraced, haveUntraced := med("untraced")
		r.addTargets(w, med)
		for _, x := range w.Rows {
			tool, _, _ := strings.Cut(x.Mode, "-")
			if tool != "seize" && tool != "strace" {
				continue
			}
			m, ok := med(x.Mode)
			if !ok {
				continue
			}
			q := ratio{Workload: w.Name, Mode: x.Mode}
			if tool == "seize" {
				counterpart := "strace" + strings.TrimPrefix(x.Mode, "seize")
				if _, ok := med(counterpart); !ok {
					counterpart = "strace" // seize-base, seize-split: same flags as seize
				}
				if s, ok := med(counterpart); ok {
					q.VsStrace = ptr(m / s)
				}
			}
			if haveFloor {
				q.VsFloor = ptr(m / floor)
			}
			if haveUntraced {
				q.VsUntraced = ptr(m / untraced)
			}
			r.Ratios = append(r.Ratios, q)
		}
	}
}

func ptr(x float64) *float64 { return &x }

// secs prints a wall time with about four significant digits.
func secs(x float64) string {
	switch {
	case x >= 100:
		return fmt.Sprintf("%.1f", x)
	case x >= 10:
		return fmt.Sprintf("%.2f", x)
	case x >= 1:
		return fmt.Sprintf("%.3f", x)
	}
	return fmt.Sprintf("%.4f", x)
}

func ratioText(x *float64) string {
	if x == nil {
		return "-"
	}
	if *x >= 100 {
		return fmt.Sprintf("%.0f", *x)
	}
	return fmt.Sprintf("%.2f", *x)
}

// Text is the report as the table bench prints.
func (r *report) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "seize bench, %s\n", r.Date)
	fmt.Fprintf(&b, "host: linux %s %s, %d CPUs; %s", r.Host.Kernel, r.Host.Arch, r.Host.CPUs, r.Host.Go)
	if r.Host.Strace != "" {
		fmt.Fprintf(&b, "; %s", r.Host.Strace)
	}
	if r.Host.Seize != "" {
		fmt.Fprintf(&b, "; seize %s", r.Host.Seize)
	}
	fmt.Fprintf(&b, "\nload average before %s, after %s\n", r.Host.LoadBefore, r.Host.LoadAfter)
	fmt.Fprintf(&b, "%d repetitions, modes interleaved; wall seconds per run (start to reaped exit)\n", r.Reps)
	fmt.Fprintf(&b, "reproduce: %s\n", r.Reproduce)
	for _, w := range r.Workloads {
		if w.Kind != "" {
			scaleText(&b, w)
			continue
		}
		fmt.Fprintf(&b, "\nworkload %d %s: %s\n  PROG = %s", w.Num, w.Name, w.Title, w.Command)
		if w.Syscalls > 0 {
			fmt.Fprintf(&b, "  (%d syscalls in its loop)", w.Syscalls)
		}
		b.WriteString("\n")
		fmt.Fprintf(&b, "  %-17s %9s %9s %9s %11s  %s\n", "mode", "median", "min", "max", "µs/syscall", "command")
		for _, x := range w.Rows {
			if x.Status != statusOK || len(x.Runs) == 0 {
				continue
			}
			per := "-"
			if x.USPerSyscall > 0 {
				per = fmt.Sprintf("%.2f", x.USPerSyscall)
			}
			fmt.Fprintf(&b, "  %-17s %9s %9s %9s %11s  %s\n", x.Mode, secs(x.Median), secs(x.Min), secs(x.Max), per, x.Command)
		}
		// Rows without numbers, with the reason, below the table.
		for _, x := range w.Rows {
			if x.Status != statusOK {
				fmt.Fprintf(&b, "  %s: %s: %s\n", x.Mode, strings.ToUpper(x.Status), x.Note)
			}
		}
	}
	b.WriteString("\nratios of medians (floor = best minimal loop: the faster of minloop and minloop-pin;\n" +
		"/strace compares with strace given the same flags)\n")
	fmt.Fprintf(&b, "  %-9s %-17s %8s %8s %10s\n", "workload", "mode", "/strace", "/floor", "/untraced")
	for _, q := range r.Ratios {
		fmt.Fprintf(&b, "  %-9s %-17s %8s %8s %10s\n", q.Workload, q.Mode, ratioText(q.VsStrace), ratioText(q.VsFloor), ratioText(q.VsUntraced))
	}
	if len(r.Targets) > 0 {
		b.WriteString("\ntargets (issue 5, ratios of medians)\n")
		for _, q := range r.Targets {
			verdict := "met"
			if !q.Met {
				verdict = "NOT met"
			}
			fmt.Fprintf(&b, "  %-58s %6.2f  (target <= %.2g: %s)\n", q.What, q.Value, q.Limit, verdict)
			if q.Note != "" {
				fmt.Fprintf(&b, "    %s\n", q.Note)
			}
		}
	}
	if len(r.Leftovers) > 0 {
		fmt.Fprintf(&b, "\nWARNING: processes outlived their runs and were killed: %v\n", r.Leftovers)
	}
	return b.String()
}

// write saves the text table and the JSON.
func (r *report) write(textPath, jsonPath, text string) error {
	if err := os.MkdirAll(filepath.Dir(textPath), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(textPath, []byte(text), 0o644); err != nil {
		return err
	}
	j, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(jsonPath, append(j, '\n'), 0o644)
}
