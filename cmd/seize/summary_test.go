package main

import (
	"encoding/json"
	"math"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// table is a parsed -c summary.
type table struct {
	header, divider string
	rows            []tableRow
	total           tableRow
}

type tableRow struct {
	pct     float64
	seconds float64
	usecs   uint64
	calls   uint64
	errors  uint64
	name    string
}

// parseTable reads strace's -c layout: a header, a divider of dash
// groups that gives the column widths, rows, a divider, the total row.
// Anything else in text (a trace, with -C) is skipped until the header.
func parseTable(t *testing.T, text string) table {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "% time ") {
			start = i
		}
	}
	if start < 0 || len(lines) < start+4 {
		t.Fatalf("no summary table in:\n%s", lastLines(text, 10))
	}
	tb := table{header: lines[start], divider: lines[start+1]}
	if !regexp.MustCompile(`^-+( -+){5}$`).MatchString(tb.divider) {
		t.Fatalf("divider %q is not six groups of dashes", tb.divider)
	}
	var widths []int
	for _, g := range strings.Split(tb.divider, " ") {
		widths = append(widths, len(g))
	}
	parse := func(l string) tableRow {
		var f []string
		pos := 0
		for i, w := range widths {
			if i == len(widths)-1 {
				f = append(f, l[pos:])
				break
			}
			if pos+w > len(l) || (pos+w < len(l) && l[pos+w] != ' ') {
				t.Fatalf("row %q does not fit the columns %v", l, widths)
			}
			f = append(f, l[pos:pos+w])
			pos += w + 1
		}
		var r tableRow
		var err error
		num := func(s string) string { return strings.TrimSpace(s) }
		if r.pct, err = strconv.ParseFloat(num(f[0]), 64); err != nil {
			t.Fatalf("row %q: %% time %q", l, f[0])
		}
		if r.seconds, err = strconv.ParseFloat(num(f[1]), 64); err != nil || !regexp.MustCompile(`^\d+\.\d{6}$`).MatchString(num(f[1])) {
			t.Fatalf("row %q: seconds %q", l, f[1])
		}
		if r.usecs, err = strconv.ParseUint(num(f[2]), 10, 64); err != nil {
			t.Fatalf("row %q: usecs/call %q", l, f[2])
		}
		if r.calls, err = strconv.ParseUint(num(f[3]), 10, 64); err != nil {
			t.Fatalf("row %q: calls %q", l, f[3])
		}
		if e := num(f[4]); e != "" {
			if r.errors, err = strconv.ParseUint(e, 10, 64); err != nil || r.errors == 0 {
				t.Fatalf("row %q: errors %q (0 is printed blank)", l, f[4])
			}
		}
		r.name = f[5]
		return r
	}
	i := start + 2
	for ; i < len(lines) && lines[i] != tb.divider; i++ {
		tb.rows = append(tb.rows, parse(lines[i]))
	}
	if i+1 >= len(lines) {
		t.Fatalf("table has no total row:\n%s", lastLines(text, 10))
	}
	tb.total = parse(lines[i+1])
	if tb.total.name != "total" || tb.total.pct != 100 {
		t.Fatalf("total row %q", lines[i+1])
	}
	return tb
}

// check verifies the table's arithmetic: totals are the sums, the
// percentages add up to 100, usecs/call is seconds/calls.
func (tb table) check(t *testing.T) {
	t.Helper()
	var calls, errors uint64
	var secs, pct float64
	for _, r := range tb.rows {
		calls += r.calls
		errors += r.errors
		secs += r.seconds
		pct += r.pct
		if want := r.seconds / float64(r.calls) * 1e6; math.Abs(float64(r.usecs)-want) > 1.01 {
			t.Errorf("%s: usecs/call %d, seconds/calls gives %.1f", r.name, r.usecs, want)
		}
	}
	if calls != tb.total.calls || errors != tb.total.errors {
		t.Errorf("total row says %d calls %d errors, rows add up to %d and %d", tb.total.calls, tb.total.errors, calls, errors)
	}
	if math.Abs(secs-tb.total.seconds) > 1e-6*float64(len(tb.rows)+1) {
		t.Errorf("total seconds %.6f, rows add up to %.6f", tb.total.seconds, secs)
	}
	if tb.total.seconds > 0 && math.Abs(pct-100) > 0.01*float64(len(tb.rows)+1) {
		t.Errorf("percentages add up to %.2f", pct)
	}
}

// TestSummary compares seize -c with strace -c for the same
// deterministic program: the same layout (header and column widths), the
// same system calls with the same numbers of calls and errors, and a
// table whose arithmetic holds. Times differ by nature (two runs; and
// strace samples its process's system time in ticks, seize reads each
// thread's CPU clock).
func TestSummary(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace not installed")
	}
	for _, flags := range [][]string{{"-c"}, {"-c", "-f"}, {"-c", "-w", "-e", "trace=%file"}} {
		t.Run(strings.Join(flags, " "), func(t *testing.T) {
			st, _ := traceWith(t, strace, callsDir(t), flags, "./calls")
			zt, zerr := traceWith(t, seizeBin, callsDir(t), flags, "./calls")
			want, got := parseTable(t, st), parseTable(t, zt)
			if !strings.HasPrefix(zt, "% time ") {
				t.Errorf("-c output starts with %q, want the table only", strings.SplitN(zt, "\n", 2)[0])
			}
			if zerr != "" && len(flags) == 1 {
				t.Errorf("stderr: %s", lastLines(zerr, 5))
			}
			got.check(t)
			if got.header != want.header || got.divider != want.divider {
				t.Errorf("header/divider\n%s\n%s\nwant\n%s\n%s", got.header, got.divider, want.header, want.divider)
			}
			compareTables(t, want, got)
			// Default order: time, longest first.
			for i := 1; i < len(got.rows); i++ {
				if got.rows[i].seconds > got.rows[i-1].seconds {
					t.Errorf("row %d (%s) has more time than the row before", i, got.rows[i].name)
					break
				}
			}
		})
	}
}

// TestSummarySort checks -S: calls, errors, name; and that -C prints the
// trace then the table.
func TestSummarySort(t *testing.T) {
	for _, tc := range []struct {
		by   string
		less func(a, b tableRow) bool // a must not come after b
	}{
		{"calls", func(a, b tableRow) bool { return a.calls >= b.calls }},
		{"errors", func(a, b tableRow) bool { return a.errors >= b.errors }},
		{"name", func(a, b tableRow) bool { return a.name <= b.name }},
		{"max-time", nil},
		{"nothing", nil},
	} {
		t.Run(tc.by, func(t *testing.T) {
			zt, _ := traceWith(t, seizeBin, callsDir(t), []string{"-C", "-S", tc.by}, "./calls")
			if !strings.HasPrefix(zt, "execve(") {
				t.Errorf("-C: trace does not start with the program's execve: %q", strings.SplitN(zt, "\n", 2)[0])
			}
			tb := parseTable(t, zt)
			tb.check(t)
			if tc.less == nil {
				return
			}
			for i := 1; i < len(tb.rows); i++ {
				if !tc.less(tb.rows[i-1], tb.rows[i]) {
					t.Errorf("-S %s: %s before %s", tc.by, tb.rows[i-1].name, tb.rows[i].name)
				}
			}
		})
	}
}

// TestSummaryJSON: with --format json, -c writes one "summary" object
// whose counts are those of the text table.
func TestSummaryJSON(t *testing.T) {
	text, _ := traceWith(t, seizeBin, callsDir(t), []string{"-c"}, "./calls")
	tb := parseTable(t, text)
	js, _ := traceWith(t, seizeBin, callsDir(t), []string{"-c", "--format", "json"}, "./calls")
	lines := strings.Split(strings.TrimSuffix(js, "\n"), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d JSON lines with -c, want one summary object", len(lines))
	}
	var s struct {
		V        int    `json:"v"`
		Kind     string `json:"kind"`
		Syscalls []struct {
			Name    string  `json:"name"`
			Calls   uint64  `json:"calls"`
			Errors  uint64  `json:"errors"`
			Seconds float64 `json:"seconds"`
		} `json:"syscalls"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &s); err != nil {
		t.Fatal(err)
	}
	if s.V != 1 || s.Kind != "summary" {
		t.Fatalf("v=%d kind=%q", s.V, s.Kind)
	}
	var got, want []string
	for _, r := range s.Syscalls {
		got = append(got, r.Name+" "+strconv.FormatUint(r.Calls, 10)+" "+strconv.FormatUint(r.Errors, 10))
	}
	for _, r := range tb.rows {
		want = append(want, r.name+" "+strconv.FormatUint(r.calls, 10)+" "+strconv.FormatUint(r.errors, 10))
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("JSON summary differs from the table:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// compareTables checks that got has want's system calls with the same
// numbers of calls and errors, and the same totals.
func compareTables(t *testing.T, want, got table) {
	t.Helper()
	byName := map[string]tableRow{}
	for _, r := range got.rows {
		byName[r.name] = r
	}
	same := 0
	for _, w := range want.rows {
		g, ok := byName[w.name]
		switch {
		case !ok:
			t.Errorf("%s: in strace's table, not in seize's", w.name)
		case g.calls != w.calls || g.errors != w.errors:
			t.Errorf("%s: %d calls %d errors, strace %d and %d", w.name, g.calls, g.errors, w.calls, w.errors)
		default:
			same++
		}
		delete(byName, w.name)
	}
	for name := range byName {
		t.Errorf("%s: in seize's table, not in strace's", name)
	}
	if got.total.calls != want.total.calls || got.total.errors != want.total.errors {
		t.Errorf("total %d calls %d errors, strace %d and %d", got.total.calls, got.total.errors, want.total.calls, want.total.errors)
	}
	t.Logf("%d of %d rows with strace's calls and errors", same, len(want.rows))
}

// TestSummarySystemTime: -c counts the system CPU time of each call, as
// strace does, and -w the wall-clock time between entry and exit. Calls
// that keep the kernel busy (reading /dev/zero, getrandom) have system
// time; a 50 ms sleep has next to none, but 50 ms of wall-clock time,
// though another thread of the process keeps the kernel busy meanwhile
// (seize reads each thread's own clock; strace's process-wide rusage
// gives the sleep the other thread's time).
func TestSummarySystemTime(t *testing.T) {
	prog := progBin(t)
	rows := func(flags ...string) map[string]tableRow {
		text, _ := traceWith(t, seizeBin, t.TempDir(), flags, prog, "cpu")
		tb := parseTable(t, text)
		tb.check(t)
		m := map[string]tableRow{}
		for _, r := range tb.rows {
			m[r.name] = r
		}
		for _, name := range []string{"read", "getrandom", "clock_nanosleep"} {
			if _, ok := m[name]; !ok {
				t.Fatalf("%v: no %s row:\n%s", flags, name, lastLines(text, 25))
			}
		}
		return m
	}
	cpu, wall := rows("-f", "-c"), rows("-f", "-c", "-w")
	const ms = 1e-3
	// Clearing 256 MiB and generating 16 MiB of random bytes take tens of
	// milliseconds of CPU on any machine; under load, wall time only grows.
	for _, name := range []string{"read", "getrandom"} {
		if s := cpu[name].seconds; s < 2*ms {
			t.Errorf("-c: %s: %.6f s of system time, want at least 2 ms", name, s)
		}
		if cpu[name].seconds > wall[name].seconds*1.5+5*ms {
			t.Errorf("%s: %.6f s of system time, more than its %.6f s of wall-clock time", name, cpu[name].seconds, wall[name].seconds)
		}
	}
	if s := cpu["clock_nanosleep"].seconds; s > 2*ms {
		t.Errorf("-c: clock_nanosleep of 50 ms: %.6f s of system time, want next to none", s)
	}
	if s := wall["clock_nanosleep"].seconds; s < 50*ms {
		t.Errorf("-c -w: clock_nanosleep of 50 ms took %.6f s", s)
	}
}
