package main

import (
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"testing"
)

var (
	reShapeNum  = regexp.MustCompile(`0x[0-9a-f]+|\d+`)
	reShapeLine = regexp.MustCompile(`^(\d+) +` + // pid
		`(\d\d:\d\d:\d\d(?:\.\d{6})? |\d+\.\d{6} | +\d+\.\d{6} )?` + // -t, -tt, -ttt or -r
		`(.*?)` +
		`( <\d+\.\d{6}>)?$`) // -T
	reShapeUnfinished = regexp.MustCompile(`^([a-z0-9_]+)\((.*) <unfinished \.\.\.>$`)
	reShapeResumed    = regexp.MustCompile(`^<\.\.\. ([a-z0-9_]+) resumed>.*\) += (.*)$`)
)

// TestThreadShapes compares the line shapes strace and seize print for
// threads whose calls interleave, with -T, -r, -t and -tt: "<unfinished ...>"
// lines carry no duration and end the entry part where strace ends it
// (clone3 after its struct, read after the descriptor), "<... NAME
// resumed>" lines follow the same task's unfinished line, carry the
// duration, and calls that never return end "= ?" without one.
func TestThreadShapes(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace not installed")
	}
	prog := progBin(t)
	for _, flags := range [][]string{{"-f", "-T"}, {"-f", "-r"}, {"-f", "-t"}, {"-f", "-tt", "-T"}} {
		t.Run(strings.Join(flags, " "), func(t *testing.T) {
			// Which calls are split depends on timing: a run where the
			// two tools split no call in common is run again.
			var want, got map[string]string
			for attempt := 0; attempt < 3; attempt++ {
				dir := t.TempDir()
				st, _ := traceWith(t, strace, dir, flags, prog, "threads")
				zt, _ := traceWith(t, seizeBin, dir, flags, prog, "threads")
				want = checkShapes(t, "strace", flags, st)
				got = checkShapes(t, "seize", flags, zt)
				if common(want, got) {
					break
				}
			}
			// Where a call's text is cut is the decoder's business, not
			// timing's: a call both tools split (the same text once
			// joined) is cut at the same place.
			same := 0
			for call, entry := range got {
				w, ok := want[call]
				switch {
				case !ok:
				case w != entry:
					t.Errorf("%s\nseize cuts it after %q, strace after %q", trunc(call), entry, w)
				default:
					same++
				}
			}
			t.Logf("%d calls split by both tools, at the same place", same)
			if same == 0 {
				t.Errorf("no call split by both tools (strace %v, seize %v)", keys(want), keys(got))
			}
		})
	}
}

// checkShapes checks the grammar of a -f trace with flags and returns
// the calls split by "<unfinished ...>", joined, with the entry part
// where the split was (numbers and addresses normalised).
func checkShapes(t *testing.T, tool string, flags []string, trace string) map[string]string {
	t.Helper()
	durations := false
	for _, f := range flags {
		durations = durations || f == "-T"
	}
	split := map[string]string{}
	open := map[string]string{}  // pid -> name of its unfinished call
	entry := map[string]string{} // pid -> its entry part
	for _, l := range strings.Split(strings.TrimSuffix(trace, "\n"), "\n") {
		m := reShapeLine.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("%s: line %q has no pid prefix", tool, trunc(l))
			continue
		}
		pid, stamp, body, dur := m[1], m[2], m[3], m[4]
		if (stamp == "") == (len(flags) > 1 && flags[1] != "-T") {
			t.Errorf("%s: line %q: timestamp %q with %v", tool, trunc(l), stamp, flags)
		}
		if u := reShapeUnfinished.FindStringSubmatch(body); u != nil {
			if dur != "" {
				t.Errorf("%s: unfinished line %q has a duration", tool, trunc(l))
			}
			if open[pid] != "" {
				t.Errorf("%s: %q: pid %s still has %s unfinished", tool, trunc(l), pid, open[pid])
			}
			open[pid] = u[1]
			entry[pid] = reShapeNum.ReplaceAllString(u[2], "N")
			continue
		}
		if r := reShapeResumed.FindStringSubmatch(body); r != nil {
			if open[pid] != r[1] {
				t.Errorf("%s: %q resumes %s, but pid %s had %q unfinished", tool, trunc(l), r[1], pid, open[pid])
			} else {
				rest := body[len("<... "+r[1]+" resumed>"):]
				split[r[1]+"("+entry[pid]+reShapeNum.ReplaceAllString(rest, "N")] = entry[pid]
			}
			delete(open, pid)
			if want := durations && r[2] != "?"; (dur != "") != want {
				t.Errorf("%s: resumed line %q: duration %q, want one: %v", tool, trunc(l), dur, want)
			}
			continue
		}
		if strings.HasPrefix(body, "+++ ") {
			delete(open, pid) // an exit ends a call left unfinished
		}
	}
	return split
}

// common reports whether a and b split a call in common.
func common(a, b map[string]string) bool {
	for call := range b {
		if _, ok := a[call]; ok {
			return true
		}
	}
	return false
}

func keys(m map[string]string) []string {
	var s []string
	for k := range m {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}
