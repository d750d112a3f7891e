package main

import (
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

// TestDifferentialRealPrograms traces common programs under strace -f and
// seize -f and compares the distinct syscall lines after normalising.
func TestDifferentialRealPrograms(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace not installed")
	}
	progs := [][]string{
		{"ls", "-la", "/"},
		{"sh", "-c", "echo hi | cat"},
		{"/root/.pyenv/versions/3.12.1/bin/python3", "-c", "pass"},
		{"ps", "aux"},
		{"git", "--version"},
	}
	if os.Getenv("SEIZE_REAL_MORE") != "" {
		progs = append(progs, [][]string{
			{"/root/.pyenv/versions/3.12.1/bin/python3", "-c", "import threading; t=threading.Thread(target=lambda:None); t.start(); t.join()"},
			{"curl", "-s", "file:///etc/hostname"},
			{"tar", "cf", "/dev/null", "/etc/hostname"},
			{"find", "/etc", "-maxdepth", "1"},
			{"id"}, {"date"}, {"stat", "/"}, {"df", "/"}, {"perl", "-e", "1"},
			{"sort", "/etc/passwd"}, {"getent", "passwd", "root"}, {"sleep", "0.01"}, {"uname", "-a"},
			{"du", "-s", "/etc/ssl"}, {"bash", "-c", "true"}, {"awk", "BEGIN{print 1}"},
		}...)
	}
	verbose := os.Getenv("SEIZE_REAL_VERBOSE") != ""
	tm, tt := 0, 0
	for _, argv := range progs {
		path, err := exec.LookPath(argv[0])
		if err != nil {
			continue
		}
		argv := append([]string{path}, argv[1:]...)
		t.Run(strings.ReplaceAll(strings.Join(argv, "_"), "/", ""), func(t *testing.T) {
			dir := t.TempDir()
			st, _ := traceWith(t, strace, dir, []string{"-f"}, argv...)
			zt, _ := traceWith(t, seizeBin, dir, []string{"-f"}, argv...)
			want, got := normalise(st, dir), normalise(zt, dir)
			matched, total, missing := compareLines(want, got)
			tm += matched
			tt += total
			t.Logf("%s: %d of %d distinct strace lines printed exactly by seize (%d lines vs %d)",
				strings.Join(argv, " "), matched, total, len(want), len(got))
			sort.Strings(missing)
			for i, l := range missing {
				if i == 30 && !verbose {
					t.Logf("... %d more", len(missing)-i)
					break
				}
				t.Logf("strace: %s", trunc(l))
				t.Logf(" seize: %s", trunc(closestLine(l, got)))
			}
		})
	}
	t.Logf("all: %d of %d", tm, tt)
}
