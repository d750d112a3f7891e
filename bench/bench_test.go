package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSmoke runs the whole bench once in a tiny size: every tool built,
// every mode of every workload run once, results written. It checks that
// each mode produced a number, never what the number is.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every tracer on every workload; skipped in -short")
	}
	for _, tool := range []string{"strace", "cc"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	dir := t.TempDir()
	// Workload 4 walks a small tree of its own, not /usr.
	tree := filepath.Join(dir, "tree")
	for i := range 10 {
		d := filepath.Join(tree, fmt.Sprintf("d%d", i))
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "f"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "results.txt")
	var stdout, stderr bytes.Buffer
	start := time.Now()
	code := benchMain([]string{"-quick", "-n", "1", "-scale", "0.002", "-find", tree, "-out", out}, &stdout, &stderr)
	t.Logf("bench took %v", time.Since(start).Round(time.Millisecond))
	if code != 0 {
		t.Fatalf("bench exited %d; stderr:\n%s", code, tail(stderr.String(), 20))
	}

	text, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), "ratios of medians") || !strings.Contains(stdout.String(), string(text)) {
		t.Errorf("text results missing or not what was printed:\n%s", tail(string(text), 20))
	}
	b, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("results.json: %v", err)
	}

	var names []string
	for _, w := range rep.Workloads {
		names = append(names, w.Name)
		if w.Kind != "" {
			checkScale(t, w)
			continue
		}
		want := []string{"untraced", "minloop", "minloop-pin", "strace", "seize"}
		if w.Name == "find" {
			want = append(want, "strace-e", "strace-seccomp", "seize-e", "seize-seccomp")
		}
		if w.Name == "threads" {
			want = append(want, "minloop-split-pin", "seize-split", "seize-split-pin")
		}
		if w.Name == "unselected" {
			want = []string{"untraced", "seccomp-allow", "strace-seccomp", "seize-seccomp"}
		}
		if w.Name == "busy" {
			want = []string{"untraced", "strace", "seize"}
		}
		var got []string
		for _, r := range w.Rows {
			got = append(got, r.Mode)
			switch {
			case r.Status == statusOK:
				if len(r.Runs) != 1 || r.Runs[0] <= 0 || r.Median <= 0 || r.Min <= 0 || r.Max <= 0 {
					t.Errorf("%s %s: runs %v median %v min %v max %v, want one positive time", w.Name, r.Mode, r.Runs, r.Median, r.Min, r.Max)
				}
				if w.Syscalls > 0 && r.USPerSyscall <= 0 {
					t.Errorf("%s %s: no cost per syscall", w.Name, r.Mode)
				}
			case r.Status == statusUnsupported && strings.Contains(r.Mode, "-"):
				// A filtering flag the tool does not have (yet).
				t.Logf("%s %s: %s: %s", w.Name, r.Mode, r.Status, r.Note)
			default:
				t.Errorf("%s %s did not run: %s: %s", w.Name, r.Mode, r.Status, r.Note)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: modes %v, want %v", w.Name, got, want)
		}
		found := false
		if w.Name == "unselected" {
			for _, q := range rep.Targets {
				found = found || strings.HasPrefix(q.What, "unselected call:") && q.Value > 0
			}
		}
		for _, q := range rep.Ratios {
			if q.Workload == w.Name && q.Mode == "seize" {
				found = true
				noFloor := w.Name == "busy" // no minimal loop follows threads
				if q.VsStrace == nil || (q.VsFloor == nil) != noFloor || q.VsUntraced == nil || *q.VsStrace <= 0 || (!noFloor && *q.VsFloor <= 0) || *q.VsUntraced <= 0 {
					t.Errorf("%s: seize ratios incomplete: %+v", w.Name, q)
				}
			}
		}
		if !found {
			t.Errorf("%s: no seize ratios", w.Name)
		}
	}
	if !slices.Equal(names, workloadNames) {
		t.Errorf("workloads %v, want %v", names, workloadNames)
	}
	if len(rep.Leftovers) > 0 {
		t.Errorf("processes outlived their runs: %v", rep.Leftovers)
	}
}

func TestFlags(t *testing.T) {
	var stderr bytes.Buffer
	o, err := parseFlags([]string{"-quick", "-w", "4,1,threads"}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if o.reps != 2 || o.scale != 0.1 || o.findDir != "/usr/include" {
		t.Errorf("-quick: reps %d scale %v find %s, want 2 0.1 /usr/include", o.reps, o.scale, o.findDir)
	}
	if want := []string{"find", "getppid", "threads"}; !slices.Equal(o.workloads, want) {
		t.Errorf("-w: %v, want %v", o.workloads, want)
	}
	o, err = parseFlags([]string{"-quick", "-n", "7", "-find", "/tmp"}, &stderr)
	if err != nil || o.reps != 7 || o.findDir != "/tmp" || len(o.workloads) != len(workloadNames) {
		t.Errorf("explicit flags beat -quick: %+v, %v", o, err)
	}
	for _, bad := range [][]string{{"-w", "9"}, {"-w", "nope"}, {"-n", "0"}, {"-scale", "0"}, {"extra"}} {
		if _, err := parseFlags(bad, &stderr); err == nil {
			t.Errorf("%v: accepted", bad)
		}
	}
}

// checkScale checks that workloads 5 and 6 produced numbers (never what
// they are).
func checkScale(t *testing.T, w *workload) {
	t.Helper()
	switch w.Kind {
	case "attach":
		var modes []string
		for _, r := range w.Attach {
			modes = append(modes, r.Mode)
			if r.Status != statusOK {
				t.Errorf("%s %s did not run: %s: %s", w.Name, r.Mode, r.Status, r.Note)
				continue
			}
			if len(r.Attach) != 1 || r.Attach[0] <= 0 || r.Detach[0] <= 0 || r.MaxRSS[0] <= 0 || r.AttachMedian <= 0 {
				t.Errorf("%s %s: attach %v detach %v rss %v, want one positive of each", w.Name, r.Mode, r.Attach, r.Detach, r.MaxRSS)
			}
		}
		if want := []string{"strace", "seize"}; !slices.Equal(modes, want) {
			t.Errorf("%s: tracers %v, want %v", w.Name, modes, want)
		}
	case "memory":
		m := w.Memory
		if m == nil || m.Status != statusOK {
			t.Fatalf("%s did not run: %+v", w.Name, m)
		}
		if len(m.Points) < 3 || m.Points[len(m.Points)-1].Syscalls != w.Syscalls {
			t.Errorf("%s: points %+v, want one after the attach and one per batch up to %d", w.Name, m.Points, w.Syscalls)
		}
		for _, p := range m.Points {
			if p.RSSKiB <= 0 || p.HWMKiB < p.RSSKiB {
				t.Errorf("%s: point %+v: VmRSS must be positive and at most VmHWM", w.Name, p)
			}
		}
	default:
		t.Errorf("%s: unknown kind %q", w.Name, w.Kind)
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
