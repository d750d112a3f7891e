package format

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seize-dev/seize/sysabi"
)

// Summary counts system calls for strace's -c table: per architecture and
// call, the number of calls, how many failed, and the time spent.
type Summary struct {
	rows map[sumKey]*SummaryRow
}

// sumKey is a row: by name, as i386's socketcall counts as the subcalls
// it makes (socket, connect), as in strace.
type sumKey struct {
	arch sysabi.Arch
	name string
}

// SummaryRow is one line of the table: system call Nr of Arch, printed as
// Name, finished Calls times, of which Errors failed, taking Time in all,
// Min and Max at the least and most.
type SummaryRow struct {
	Arch     sysabi.Arch
	Nr       uint64
	Name     string
	Calls    uint64
	Errors   uint64
	Time     time.Duration // total
	Min, Max time.Duration
}

// Add counts one finished call of nr, printed as name, that took d and
// failed or not.
func (s *Summary) Add(arch sysabi.Arch, nr uint64, name string, d time.Duration, failed bool) {
	if s.rows == nil {
		s.rows = make(map[sumKey]*SummaryRow)
	}
	k := sumKey{arch, name}
	r := s.rows[k]
	if r == nil {
		r = &SummaryRow{Arch: arch, Nr: nr, Name: name, Min: d}
		s.rows[k] = r
	}
	d = max(d, 0)
	r.Calls++
	if failed {
		r.Errors++
	}
	r.Time += d
	r.Min = min(r.Min, d)
	r.Max = max(r.Max, d)
}

// Empty reports whether no call was counted.
func (s *Summary) Empty() bool { return len(s.rows) == 0 }

// SortBy is the order of the table's rows (strace's -S).
type SortBy uint8

// Orders of the rows. Ties keep system call number order.
const (
	SortTime    SortBy = iota // total time, longest first (the default)
	SortMinTime               // shortest call, longest first
	SortMaxTime               // longest call, longest first
	SortAvgTime               // average time, longest first
	SortCalls                 // number of calls, most first
	SortErrors                // number of errors, most first
	SortName                  // system call name
	SortNothing               // system call number
)

// ParseSortBy reads a -S argument with strace's names and aliases: time,
// min-time, max-time, avg-time, calls, errors, name, nothing.
func ParseSortBy(s string) (SortBy, bool) {
	switch s {
	case "time", "time_percent", "time-percent", "time_total", "time-total", "total_time", "total-time",
		"wall_total", "wall-total", "total_wall", "total-wall":
		return SortTime, true
	case "min_time", "min-time", "shortest", "time_min", "time-min", "wall_min", "wall-min", "min_wall", "min-wall":
		return SortMinTime, true
	case "longest", "max_time", "max-time", "time_max", "time-max", "wall_max", "wall-max", "max_wall", "max-wall":
		return SortMaxTime, true
	case "avg_time", "avg-time", "time_avg", "time-avg", "wall_avg", "wall-avg", "avg_wall", "avg-wall":
		return SortAvgTime, true
	case "calls", "count":
		return SortCalls, true
	case "error", "errors":
		return SortErrors, true
	case "name", "syscall", "syscall_name", "syscall-name":
		return SortName, true
	case "none", "nothing":
		return SortNothing, true
	}
	return 0, false
}

// Rows returns the rows of arch in the order by.
func (s *Summary) Rows(arch sysabi.Arch, by SortBy) []*SummaryRow {
	var rows []*SummaryRow
	for k, r := range s.rows {
		if k.arch == arch {
			rows = append(rows, r)
		}
	}
	slices.SortFunc(rows, func(a, b *SummaryRow) int {
		if c := cmpUint(a.Nr, b.Nr); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name) // socketcall's subcalls
	})
	desc := func(f func(*SummaryRow) int64) func(a, b *SummaryRow) int {
		return func(a, b *SummaryRow) int {
			x, y := f(a), f(b)
			switch {
			case x > y:
				return -1
			case x < y:
				return 1
			}
			return 0
		}
	}
	var cmp func(a, b *SummaryRow) int
	switch by {
	case SortTime:
		cmp = desc(func(r *SummaryRow) int64 { return int64(r.Time) })
	case SortMinTime:
		cmp = desc(func(r *SummaryRow) int64 { return int64(r.Min) })
	case SortMaxTime:
		cmp = desc(func(r *SummaryRow) int64 { return int64(r.Max) })
	case SortAvgTime:
		cmp = desc(func(r *SummaryRow) int64 { return int64(r.Time) / int64(r.Calls) })
	case SortCalls:
		cmp = desc(func(r *SummaryRow) int64 { return int64(r.Calls) })
	case SortErrors:
		cmp = desc(func(r *SummaryRow) int64 { return int64(r.Errors) })
	case SortName:
		cmp = func(a, b *SummaryRow) int { return strings.Compare(a.Name, b.Name) }
	}
	if cmp != nil {
		slices.SortStableFunc(rows, cmp)
	}
	return rows
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Arches returns the architectures with counted calls, the native one
// first, as strace orders its personalities.
func (s *Summary) Arches() []sysabi.Arch {
	var arches []sysabi.Arch
	for k := range s.rows {
		if !slices.Contains(arches, k.arch) {
			arches = append(arches, k.arch)
		}
	}
	native := sysabi.NativeArch()
	slices.SortFunc(arches, func(a, b sysabi.Arch) int {
		switch {
		case a == b:
			return 0
		case a == native:
			return -1
		case b == native:
			return 1
		}
		return cmpUint(uint64(a), uint64(b))
	})
	return arches
}

// WriteTable writes strace's -c table, one per architecture with calls:
//
//	% time     seconds  usecs/call     calls    errors syscall
//	------ ----------- ----------- --------- --------- ----------------
//	 43.51    0.000546         546         1           execve
//	...
//	------ ----------- ----------- --------- --------- ----------------
//	100.00    0.001255           8       145        19 total
//
// Column widths grow with the numbers as strace's do; an error count of 0
// is blank. A table for a non-native architecture (an i386 tracee on
// x86-64) is headed "System call usage summary for 32 bit mode:".
func (s *Summary) WriteTable(w io.Writer, by SortBy) error {
	bw := bufio.NewWriter(w)
	for i, arch := range s.Arches() {
		if i > 0 || arch != sysabi.NativeArch() {
			mode := "32 bit"
			if arch != sysabi.ArchI386 {
				mode = arch.String()
			}
			fmt.Fprintf(bw, "System call usage summary for %s mode:\n", mode)
		}
		writeTable(bw, s.Rows(arch, by))
	}
	return bw.Flush()
}

func seconds(d time.Duration) float64 { return d.Seconds() }

// usecs is strace's (uint64_t)(ts_float(avg) * 1e6).
func usecs(total time.Duration, calls uint64) uint64 {
	if calls == 0 {
		return 0
	}
	avg := time.Duration(int64(total) / int64(calls))
	return uint64(seconds(avg) * 1e6)
}

func writeTable(w *bufio.Writer, rows []*SummaryRow) {
	var total time.Duration
	var calls, errors, maxAvg uint64
	nameMax := 0
	for _, r := range rows {
		total += r.Time
		calls += r.Calls
		errors += r.Errors
		maxAvg = max(maxAvg, usecs(r.Time, r.Calls))
		nameMax = max(nameMax, len(r.Name))
	}
	wPct := 6
	wSec := max(11, len(strconv.FormatFloat(seconds(total), 'f', 6, 64)))
	wAvg := max(11, len(strconv.FormatUint(maxAvg, 10)))
	wCalls := max(9, len(strconv.FormatUint(calls, 10)))
	wErr := max(9, len(strconv.FormatUint(errors, 10)))
	wName := max(16, nameMax+1)

	fmt.Fprintf(w, "%*s %*s %*s %*s %*s %s\n", wPct, "% time", wSec, "seconds", wAvg, "usecs/call", wCalls, "calls", wErr, "errors", "syscall")
	divider := func() {
		for i, n := range []int{wPct, wSec, wAvg, wCalls, wErr, wName} {
			if i > 0 {
				w.WriteByte(' ')
			}
			w.WriteString(strings.Repeat("-", n))
		}
		w.WriteByte('\n')
	}
	divider()
	errs := func(n uint64) string {
		if n == 0 {
			return "" // C's %.0lu prints nothing for 0
		}
		return strconv.FormatUint(n, 10)
	}
	for _, r := range rows {
		pct := 100 * seconds(r.Time)
		if pct != 0 {
			pct /= seconds(total)
		}
		if math.IsNaN(pct) || math.IsInf(pct, 0) {
			pct = 0
		}
		fmt.Fprintf(w, "%*.2f %*.6f %*d %*d %*s %s\n", wPct, pct, wSec, seconds(r.Time), wAvg, usecs(r.Time, r.Calls),
			wCalls, r.Calls, wErr, errs(r.Errors), r.Name)
	}
	divider()
	var avg uint64
	if calls > 0 {
		avg = uint64(seconds(total) / float64(calls) * 1e6)
	}
	fmt.Fprintf(w, "%*.2f %*.6f %*d %*d %*s %s\n", wPct, 100.0, wSec, seconds(total), wAvg, avg, wCalls, calls, wErr, errs(errors), "total")
}
