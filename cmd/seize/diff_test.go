package main

// Differential tests of the seize command against strace as an oracle:
// the same deterministic program runs under "strace -o" and "seize -o"
// with the same flags, and the traces are compared line by line after
// normalising what differs between two runs (pids, addresses, times,
// random bytes, inode numbers, the directory).

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
)

var (
	buildMu sync.Mutex
	builds  = map[string]string{}
)

// buildC compiles the C program at src (relative to this package) once
// per test binary and returns the executable's path.
func buildC(t *testing.T, src string, flags ...string) string {
	t.Helper()
	if _, err := exec.LookPath("cc"); err != nil {
		t.Skip("no C compiler")
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	key := src + strings.Join(flags, " ")
	if bin, ok := builds[key]; ok {
		return bin
	}
	bin := filepath.Join(filepath.Dir(seizeBin), fmt.Sprintf("prog%d", len(builds)))
	args := append([]string{"-O0", "-w", "-o", bin, src}, flags...)
	if out, err := exec.Command("cc", args...).CombinedOutput(); err != nil {
		t.Fatalf("cc %s: %v\n%s", src, err, out)
	}
	builds[key] = bin
	return bin
}

// callsDir makes an empty directory holding decode's test program as
// ./calls (it re-executes ./calls and works on relative paths).
func callsDir(t *testing.T) string {
	t.Helper()
	bin := buildC(t, "../../decode/testdata/calls.c")
	dir := t.TempDir()
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "calls"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// traceWith runs argv in dir under tool (strace or seize) with flags and
// -o FILE, and returns the trace. Standard input and output are
// /dev/null; the tool's stderr is returned for failure messages.
func traceWith(t *testing.T, tool, dir string, flags []string, argv ...string) (trace, stderr string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "trace")
	args := append(append(append([]string{}, flags...), "-o", out), argv...)
	if tool == seizeBin {
		args = append(append(append([]string{}, flags...), "-o", out, "--"), argv...)
	}
	cmd := exec.Command(tool, args...)
	cmd.Dir = dir
	r := runCmd(t, cmd, out)
	if r.trace == "" {
		t.Fatalf("%s %q: %v\n%s", filepath.Base(tool), args, r.state, lastLines(r.stderr, 10))
	}
	return r.trace, r.stderr
}

var (
	reHex    = regexp.MustCompile(`0x[0-9a-f]{5,}`)
	rePad    = regexp.MustCompile(`\) +=( |$)`)
	reTimes  = regexp.MustCompile(`(tv_sec|tv_nsec|tv_usec|st_atime|st_mtime|st_ctime|si_utime|si_stime)=\d+( /\* \d+\.\d+ s \*/)?`)
	reRandom = regexp.MustCompile(`getrandom\("[^"]*"`)
	reIno    = regexp.MustCompile(`(st_ino|d_ino|stx_ino|_nsec|socket:\[|pipe:\[)=?\d+`)
	reDate   = regexp.MustCompile(` /\* \d{4}-[^*]* \*/`)
	// sysinfo's counters move between two runs.
	reSysinfo  = regexp.MustCompile(`(uptime|loads|freeram|sharedram|bufferram|procs)=(\d+|\[[\d, ]*\])`)
	rePidRes   = regexp.MustCompile(`^(?:\d+ +)?(?:getpid|getppid|gettid|set_tid_address\(.*\)|clone3?\(.*\)|vfork|fork)\(?\)? += (\d+)`)
	rePrefix   = regexp.MustCompile(`^(\d+) +`)
	reSiPid    = regexp.MustCompile(`si_pid=(\d+)`)
	reDuration = regexp.MustCompile(` <\d+\.\d{6}>$`)
	reStamp    = regexp.MustCompile(`^(\d+ +)?(\d\d:\d\d:\d\d(\.\d{6})? |\d+\.\d{6} )?( *\d+\.\d{6} |\(\+ *\d+\.\d{6}\) )?`)
)

// normalise replaces what differs between two runs and joins the halves
// of calls split by "<unfinished ...>" / "<... resumed>", whose places
// depend on timing.
func normalise(trace, dir string) []string {
	lines := strings.Split(strings.TrimSuffix(trace, "\n"), "\n")
	// Timestamps and durations differ at every run; their format is
	// checked elsewhere.
	for i, l := range lines {
		if m := reStamp.FindStringSubmatch(l); m != nil && (m[2] != "" || m[4] != "") {
			l = m[1] + l[len(m[0]):]
		}
		lines[i] = reDuration.ReplaceAllString(l, "")
	}
	lines = mergeResumed(lines)
	// Pids, in order of appearance: prefixes and pid-valued results.
	pids := map[string]string{}
	add := func(p string) {
		if _, ok := pids[p]; !ok {
			pids[p] = fmt.Sprintf("PID%d", len(pids))
		}
	}
	for _, l := range lines {
		if m := rePrefix.FindStringSubmatch(l); m != nil {
			add(m[1])
		}
		if m := rePidRes.FindStringSubmatch(l); m != nil {
			add(m[1])
		}
		if m := reSiPid.FindStringSubmatch(l); m != nil {
			add(m[1])
		}
	}
	var out []string
	for _, l := range lines {
		l = rePrefix.ReplaceAllString(l, "$1 ") // "123   " and "12345 " alike
		l = rePad.ReplaceAllString(l, ") =$1")
		l = strings.ReplaceAll(l, dir, "DIR")
		l = strings.ReplaceAll(l, hexString(dir), "DIR")
		l = reHex.ReplaceAllString(l, "0xADDR")
		l = reTimes.ReplaceAllString(l, "$1=T")
		l = reIno.ReplaceAllString(l, "${1}N")
		l = reDate.ReplaceAllString(l, " /* T */")
		l = reSysinfo.ReplaceAllString(l, "${1}=N")
		l = reRandom.ReplaceAllString(l, `getrandom("RANDOM"`)
		for pid, name := range pids {
			l = regexp.MustCompile(`(^|si_pid=|[(\[ ])`+pid+`([)\],\\]|$| )`).ReplaceAllString(l, "${1}"+name+"${2}")
		}
		out = append(out, l)
	}
	return out
}

var (
	reUnfinished = regexp.MustCompile(`^(\d+ +)?(.*) <unfinished \.\.\.>$`)
	reResumed    = regexp.MustCompile(`^(\d+ +)?<\.\.\. ([a-z_0-9]+) resumed>(.*)$`)
)

// mergeResumed joins "name(a,  <unfinished ...>" and the same task's later
// "<... name resumed>b) = r" into "name(a, b) = r", at the place of the
// first half.
func mergeResumed(lines []string) []string {
	open := map[string]int{} // prefix -> index of its unfinished line
	var out []string
	for _, l := range lines {
		if m := reUnfinished.FindStringSubmatch(l); m != nil {
			open[m[1]] = len(out)
			out = append(out, m[1]+m[2])
			continue
		}
		if m := reResumed.FindStringSubmatch(l); m != nil {
			if i, ok := open[m[1]]; ok {
				delete(open, m[1])
				out[i] += m[3]
				continue
			}
		}
		out = append(out, l)
	}
	return out
}

// compareLines reports how many distinct lines of want are in got, and
// the missing ones.
func compareLines(want, got []string) (matched, total int, missing []string) {
	have := map[string]bool{}
	for _, l := range got {
		have[l] = true
	}
	seen := map[string]bool{}
	for _, l := range want {
		if seen[l] {
			continue
		}
		seen[l] = true
		total++
		if have[l] {
			matched++
		} else {
			missing = append(missing, l)
		}
	}
	return
}

// closestLine is the line of got with the longest common prefix with l.
func closestLine(l string, got []string) string {
	best, bestN := "", -1
	for _, g := range got {
		n := 0
		for n < len(g) && n < len(l) && g[n] == l[n] {
			n++
		}
		if n > bestN {
			best, bestN = g, n
		}
	}
	return best
}

func trunc(s string) string {
	if len(s) > 240 {
		return s[:240] + "..."
	}
	return s
}

// TestDifferentialStrace runs decode's test program, which makes every
// system call seize decodes, under strace and seize with the same flags,
// and compares the traces: syscall lines, signal lines, exit lines, pid
// prefixes, the -z/-Z/-e filters and what the flags add. It logs how many
// distinct lines match exactly.
func TestDifferentialStrace(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace not installed")
	}
	for _, tc := range []struct {
		name  string
		flags []string
		min   float64 // share of distinct strace lines seize must print exactly
	}{
		{"default", nil, 0.97},
		{"follow", []string{"-f"}, 0.95},
		{"x", []string{"-x"}, 0.97},
		{"xx", []string{"-xx"}, 0.97},
		{"s8", []string{"-s", "8"}, 0.97},
		{"s0", []string{"-s", "0"}, 0.97},
		{"s1", []string{"-s", "1"}, 0.97},
		{"v", []string{"-v"}, 0.90},
		{"y", []string{"-y"}, 0.90},
		{"T", []string{"-T"}, 0.97},
		{"tt", []string{"-tt"}, 0.97},
		{"ttt-r", []string{"-ttt", "-r"}, 0.97},
		{"successful", []string{"-z"}, 0.97},
		{"failed", []string{"-Z"}, 0.97},
		{"status-failed-f", []string{"-f", "-e", "status=failed,unfinished"}, 0.95},
		{"trace-file", []string{"-e", "trace=%file,%desc"}, 0.97},
		{"trace-not-memory", []string{"-e", "trace=!%memory,/^rt_sig", "-e", "signal=!SIGCHLD"}, 0.97},
		{"raw", []string{"-e", "raw=read,write,openat,close"}, 0.97},
		{"verbose-none", []string{"-e", "verbose=none"}, 0.97},
		{"verbose-some", []string{"-e", "verbose=!%file,rt_sigaction", "-v"}, 0.97},
		{"qq-f", []string{"-qq", "-f"}, 0.95},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir1, dir2 := callsDir(t), callsDir(t)
			st, _ := traceWith(t, strace, dir1, tc.flags, "./calls")
			zt, zerr := traceWith(t, seizeBin, dir2, tc.flags, "./calls")
			if zt == "" {
				t.Fatalf("seize wrote no trace; stderr:\n%s", lastLines(zerr, 10))
			}
			checkFlagsShape(t, tc.flags, zt)
			want, got := normalise(st, dir1), normalise(zt, dir2)
			matched, total, missing := compareLines(want, got)
			t.Logf("%s: %d of %d distinct strace lines printed exactly by seize (%d lines vs %d)",
				strings.Join(tc.flags, " "), matched, total, len(want), len(got))
			sort.Strings(missing)
			for i, l := range missing {
				if i == 15 {
					t.Logf("... %d more", len(missing)-i)
					break
				}
				t.Logf("strace: %s", trunc(l))
				t.Logf(" seize: %s", trunc(closestLine(l, got)))
			}
			if float64(matched) < tc.min*float64(total) {
				t.Errorf("only %d of %d distinct lines match (want %.0f%%)", matched, total, 100*tc.min)
			}
			if n := len(got); n < len(want)*9/10 || n > len(want)*11/10 {
				t.Errorf("seize printed %d lines, strace %d", n, len(want))
			}
			if !printableText(zt) {
				t.Errorf("seize's trace holds bytes other than printable ASCII and newlines")
			}
		})
	}
}

// checkFlagsShape checks what the flags add to each line, before
// normalise removes it.
func checkFlagsShape(t *testing.T, flags []string, trace string) {
	t.Helper()
	has := func(f string) bool {
		for _, x := range flags {
			if x == f {
				return true
			}
		}
		return false
	}
	var re *regexp.Regexp
	switch {
	case has("-tt"):
		re = regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{6} `)
	case has("-ttt") && has("-r"):
		re = regexp.MustCompile(`^\d{10}\.\d{6} \(\+ +\d+\.\d{6}\) `)
	case has("-T"):
		re = regexp.MustCompile(`( <\d+\.\d{6}>| = \?|^\+\+\+ .* \+\+\+|^--- .* ---)$`)
	case has("-f"):
		re = regexp.MustCompile(`^\d+ +`)
	case has("-Z"):
		re = regexp.MustCompile(`( = -1 E[A-Z]+ \(.*\)| = \? ERESTART[A-Z_]+ \(.*\)|^\+\+\+ .* \+\+\+|^--- .* ---)$`)
	case has("-z"):
		re = regexp.MustCompile(`( = [0-9x][0-9a-fx]*( .*)?| = \?|^\+\+\+ .* \+\+\+|^--- .* ---)$`)
	default:
		return
	}
	for _, l := range strings.Split(strings.TrimSuffix(trace, "\n"), "\n") {
		if !re.MatchString(l) {
			t.Errorf("line %q does not match %s", trunc(l), re)
			return
		}
	}
}

// hexString is s as -xx prints it.
func hexString(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "\\x%02x", s[i])
	}
	return b.String()
}

// printableText reports whether s is printable ASCII and newlines only.
func printableText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '\n' && (c < 0x20 || c > 0x7e) {
			return false
		}
	}
	return true
}

// TestDifferentialStraceI386 compares a 32-bit program's trace (int $0x80
// calls, no C library): the i386 personality through the whole command,
// including -c's table for it.
func TestDifferentialStraceI386(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace not installed")
	}
	bin := filepath.Join(t.TempDir(), "calls32")
	out, err := exec.Command("cc", "-m32", "-nostdlib", "-static", "-fno-pic", "-fno-stack-protector",
		"-O1", "-w", "-o", bin, "../../decode/testdata/calls32.c").CombinedOutput()
	if err != nil {
		t.Skipf("cannot build an i386 program: %v\n%s", err, out)
	}
	for _, flags := range [][]string{nil, {"-c"}} {
		dir := t.TempDir()
		st, _ := traceWith(t, strace, dir, flags, bin)
		zt, _ := traceWith(t, seizeBin, dir, flags, bin)
		if len(flags) > 0 {
			// strace heads a non-native personality's table.
			if !strings.Contains(zt, "System call usage summary for 32 bit mode:\n") {
				t.Errorf("-c: no 32-bit heading:\n%s", lastLines(zt, 5))
			}
			// The last table is the 32-bit one.
			compareTables(t, parseTable(t, st), parseTable(t, zt))
			continue
		}
		want, got := normalise(st, dir), normalise(zt, dir)
		matched, total, missing := compareLines(want, got)
		t.Logf("i386: %d of %d distinct strace lines printed exactly by seize", matched, total)
		for _, l := range missing {
			t.Logf("strace: %s", trunc(l))
			t.Logf(" seize: %s", trunc(closestLine(l, got)))
		}
		if float64(matched) < 0.95*float64(total) {
			t.Errorf("only %d of %d lines match", matched, total)
		}
	}
}
