package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// realProgram is a program of the system traced by TestDifferentialRealPrograms.
type realProgram struct {
	argv []string
	// min is the share of strace's distinct lines seize must print
	// exactly. What differs between two runs is normalised away, but
	// not everything: ps reads the /proc files of other processes
	// (strace's or seize's own among them), sleeps and futex waits race.
	min float64
}

// realPrograms are the programs of the list, those that start
// threads, and (with SEIZE_REAL_MORE=1) a wider set of everyday tools.
func realPrograms(t *testing.T) []realProgram {
	progs := []realProgram{
		{[]string{"ls", "-la", "/"}, 0.98},
		{[]string{"sh", "-c", "echo hi | cat"}, 0.97},
		{[]string{"ps", "aux"}, 0.90},
		{[]string{"git", "--version"}, 0.98},
		{[]string{"curl", "-s", "file:///etc/hostname"}, 0.97},
	}
	if py := realPython(t); py != "" {
		progs = append(progs,
			realProgram{[]string{py, "-c", "pass"}, 0.97},
			realProgram{[]string{py, "-c", "import threading; t = threading.Thread(target=print); t.start(); t.join()"}, 0.95})
	}
	if os.Getenv("SEIZE_REAL_MORE") != "" {
		for _, argv := range [][]string{
			{"tar", "cf", "/dev/null", "/etc/hostname"}, {"find", "/etc", "-maxdepth", "1"}, {"id"}, {"date"},
			{"stat", "/"}, {"df", "/"}, {"perl", "-e", "1"}, {"sort", "/etc/passwd"}, {"getent", "passwd", "root"},
			{"sleep", "0.01"}, {"uname", "-a"}, {"du", "-s", "/etc"}, {"bash", "-c", "true"}, {"awk", "BEGIN{print 1}"},
		} {
			progs = append(progs, realProgram{argv, 0.95})
		}
	}
	return progs
}

// realPython is the python3 interpreter itself: python3 on PATH may be a
// shell script (pyenv's shims) whose trace is that of bash.
func realPython(t *testing.T) string {
	if _, err := exec.LookPath("python3"); err != nil {
		return ""
	}
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		t.Logf("python3: %v", err)
		return ""
	}
	return strings.TrimSpace(string(out))
}

// TestDifferentialRealPrograms traces programs of the system under
// strace -f and seize -f and compares the distinct lines after
// normalising (pids, addresses, times, random bytes): the system calls
// real programs make print as strace prints them. It logs the matched
// counts (SEIZE_REAL_VERBOSE=1 lists every line that differs).
func TestDifferentialRealPrograms(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace not installed")
	}
	verbose := os.Getenv("SEIZE_REAL_VERBOSE") != ""
	allMatched, allTotal := 0, 0
	for _, p := range realPrograms(t) {
		path, err := exec.LookPath(p.argv[0])
		if err != nil {
			continue
		}
		argv := append([]string{path}, p.argv[1:]...)
		t.Run(filepath.Base(p.argv[0])+"_"+strings.Join(p.argv[1:min(2, len(p.argv))], ""), func(t *testing.T) {
			dir := t.TempDir()
			st, _ := traceWith(t, strace, dir, []string{"-f"}, argv...)
			zt, _ := traceWith(t, seizeBin, dir, []string{"-f"}, argv...)
			want, got := normalise(st, dir), normalise(zt, dir)
			matched, total, missing := compareLines(want, got)
			allMatched += matched
			allTotal += total
			t.Logf("%s: %d of %d distinct strace lines printed exactly by seize (%d lines vs %d)",
				strings.Join(p.argv, " "), matched, total, len(want), len(got))
			sort.Strings(missing)
			for i, l := range missing {
				if i == 10 && !verbose {
					t.Logf("... %d more", len(missing)-i)
					break
				}
				t.Logf("strace: %s", trunc(l))
				t.Logf(" seize: %s", trunc(closestLine(l, got)))
			}
			if float64(matched) < p.min*float64(total) {
				t.Errorf("only %d of %d distinct lines match (want %.0f%%)", matched, total, 100*p.min)
			}
			if !printableText(zt) {
				t.Errorf("seize's trace holds bytes other than printable ASCII and newlines")
			}
		})
	}
	t.Logf("all programs: %d of %d distinct strace lines printed exactly by seize", allMatched, allTotal)
}
