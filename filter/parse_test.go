package filter

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/seize-dev/seize/sysabi"
)

const (
	x86 = sysabi.ArchX86_64
	i32 = sysabi.ArchI386
	a64 = sysabi.ArchAArch64
)

// nr returns the number of name on arch, failing the test if there is none.
func nr(t *testing.T, arch sysabi.Arch, name string) uint64 {
	t.Helper()
	n, ok := sysabi.SyscallNumber(arch, name)
	if !ok {
		t.Fatalf("sysabi has no %s system call %q", arch, name)
	}
	return n
}

// parse applies exprs to a new Filter.
func parse(t *testing.T, exprs ...string) *Filter {
	t.Helper()
	f := New()
	for _, e := range exprs {
		if err := f.Parse(e); err != nil {
			t.Fatalf("Parse(%q): %v", e, err)
		}
	}
	return f
}

// selected returns the names of arch's system calls in s.
func selected(s *SyscallSet, arch sysabi.Arch) []string {
	var names []string
	for _, n := range s.Numbers(arch) {
		names = append(names, sysabi.SyscallName(arch, n))
	}
	return names
}

func TestParseTraceSelection(t *testing.T) {
	type check struct {
		arch sysabi.Arch
		name string
		want bool
	}
	tests := []struct {
		exprs  []string
		checks []check
		count  map[sysabi.Arch]int // expected number of named calls selected, if set
	}{
		{[]string{"trace=open,close"}, []check{{x86, "open", true}, {x86, "close", true}, {x86, "read", false}, {i32, "open", true}, {a64, "close", true}, {a64, "openat", false}},
			map[sysabi.Arch]int{x86: 2, i32: 2, a64: 1}},
		{[]string{"open"}, []check{{x86, "open", true}, {x86, "openat", false}}, map[sysabi.Arch]int{x86: 1, i32: 1, a64: 0}},
		{[]string{"t=%file"}, []check{{x86, "open", true}, {x86, "execve", true}, {x86, "read", false}, {a64, "newfstatat", true}, {i32, "stat64", true}}, nil},
		{[]string{"trace=!%net"}, []check{{x86, "socket", false}, {x86, "sendfile", false}, {x86, "open", true}, {i32, "socketcall", false}, {i32, "ipc", true}}, nil},
		{[]string{"trace=/^open"}, []check{{x86, "open", true}, {x86, "openat", true}, {x86, "open_by_handle_at", true}, {x86, "fsopen", false}, {x86, "read", false}}, nil},
		{[]string{"trace=/stat$"}, []check{{x86, "stat", true}, {x86, "fstat", true}, {i32, "oldstat", true}, {x86, "newfstatat", false}, {x86, "statx", false}}, nil},
		{[]string{"trace=!!open"}, []check{{x86, "open", true}, {x86, "close", false}}, nil},
		{[]string{"trace=none"}, []check{{x86, "open", false}, {i32, "exit", false}}, map[sysabi.Arch]int{x86: 0, i32: 0, a64: 0}},
		{[]string{"trace=!all"}, []check{{x86, "open", false}}, map[sysabi.Arch]int{x86: 0}},
		{[]string{"trace=!none"}, []check{{x86, "open", true}, {a64, "read", true}}, nil},
		{[]string{"trace=open,all"}, []check{{x86, "read", true}, {i32, "waitpid", true}}, nil},
		{[]string{"trace=?zzz"}, []check{{x86, "open", false}}, map[sysabi.Arch]int{x86: 0, i32: 0, a64: 0}},
		{[]string{"trace=??zzz,write"}, []check{{x86, "write", true}, {x86, "read", false}}, nil},
		{[]string{"trace=open,,close,"}, []check{{x86, "open", true}, {x86, "close", true}}, nil},
		{[]string{"trace=2"}, []check{{x86, "open", true}, {i32, "fork", true}, {a64, "io_submit", true}, {x86, "close", false}}, nil},
		{[]string{"trace=02"}, []check{{x86, "open", true}}, nil},
		{[]string{"trace=open@64"}, []check{{x86, "open", true}, {i32, "open", false}}, nil},
		{[]string{"trace=open@32"}, []check{{x86, "open", false}, {i32, "open", true}}, nil},
		{[]string{"trace=%file@32"}, []check{{x86, "open", false}, {i32, "open", true}, {i32, "read", false}}, nil},
		{[]string{"trace=?accept@32,read@64"}, []check{{x86, "read", true}, {i32, "read", false}}, nil},
		{[]string{"trace=accept"}, []check{{x86, "accept", true}, {a64, "accept", true}, {i32, "socketcall", true}, {i32, "ipc", false}}, nil},
		// i386 multiplexers are selected by their subcalls.
		{[]string{"trace=accept@32"}, []check{{x86, "accept", false}, {i32, "socketcall", true}}, map[sysabi.Arch]int{x86: 0, i32: 1, a64: 0}},
		{[]string{"trace=send"}, []check{{i32, "socketcall", true}, {x86, "sendto", false}}, map[sysabi.Arch]int{x86: 0, i32: 1, a64: 0}},
		{[]string{"trace=%net"}, []check{{i32, "socketcall", true}, {i32, "socket", true}, {i32, "ipc", false}, {x86, "socket", true}}, nil},
		{[]string{"trace=%memory"}, []check{{i32, "ipc", true}, {i32, "socketcall", false}}, nil},
		{[]string{"trace=/^sem"}, []check{{i32, "ipc", true}, {i32, "semget", true}, {i32, "socketcall", false}}, nil},
		{[]string{"trace=%desc"}, []check{{i32, "socketcall", true}, {i32, "ipc", false}}, nil},
		{[]string{"trace=file"}, []check{{x86, "open", true}, {x86, "read", false}}, nil},
		{[]string{"trace=signal"}, []check{{x86, "rt_sigaction", true}, {x86, "kill", true}, {x86, "read", false}}, nil},
		{[]string{"trace=%network"}, []check{{x86, "socket", true}, {x86, "open", false}}, nil},
		{[]string{"trace=%%stat"}, []check{{x86, "stat", true}, {x86, "lstat", true}, {x86, "fstat", true}, {x86, "newfstatat", true}, {x86, "statx", true}, {i32, "oldstat", true}, {i32, "fstat64", true}, {x86, "statfs", false}}, nil},
		{[]string{"trace=%stat"}, []check{{x86, "stat", true}, {x86, "lstat", false}, {i32, "stat64", true}}, nil},
		{[]string{"trace=%%statfs"}, []check{{x86, "statfs", true}, {x86, "fstatfs", true}, {x86, "ustat", true}, {i32, "statfs64", true}, {x86, "stat", false}}, nil},
		{[]string{"trace=%pure"}, []check{{x86, "getpid", true}, {x86, "getuid", true}, {i32, "getuid32", true}, {x86, "getcwd", false}}, nil},
		{[]string{"trace=%clock"}, []check{{x86, "clock_gettime", true}, {x86, "nanosleep", false}}, nil},
		{[]string{"trace=%creds"}, []check{{x86, "setuid", true}, {x86, "prctl", true}, {x86, "getpid", false}}, nil},
		{[]string{"trace=%ipc"}, []check{{x86, "shmat", true}, {i32, "ipc", true}, {x86, "mq_open", false}}, nil},
		{[]string{"trace=%memory"}, []check{{x86, "mmap", true}, {x86, "brk", true}, {x86, "madvise", true}, {x86, "read", false}}, nil},
		{[]string{"trace=%process"}, []check{{x86, "clone", true}, {x86, "execve", true}, {x86, "wait4", true}, {x86, "kill", true}, {x86, "getpid", false}}, nil},
		{[]string{"trace=%desc"}, []check{{x86, "read", true}, {x86, "openat", true}, {x86, "open", true}, {x86, "stat", false}}, nil},
		// A later -e of the same qualifier replaces the earlier one.
		{[]string{"trace=open", "trace=close"}, []check{{x86, "open", false}, {x86, "close", true}}, nil},
		{[]string{"trace=open", "signal=none", "t=!close"}, []check{{x86, "open", true}, {x86, "close", false}}, nil},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.exprs, " "), func(t *testing.T) {
			f := parse(t, tc.exprs...)
			for _, c := range tc.checks {
				if got := f.Trace.Has(c.arch, nr(t, c.arch, c.name)); got != c.want {
					t.Errorf("Has(%s, %s) = %v, want %v", c.arch, c.name, got, c.want)
				}
			}
			for arch, want := range tc.count {
				if got := selected(&f.Trace, arch); len(got) != want {
					t.Errorf("%s: %d calls selected, want %d: %v", arch, len(got), want, got[:min(len(got), 20)])
				}
			}
		})
	}
}

func TestUnnamedAlwaysSelected(t *testing.T) {
	// strace 6.1 shows system calls it cannot name whatever -e trace= says
	// (checked against strace by TestExpressionsMatchStrace).
	f := parse(t, "trace=none")
	for _, c := range []struct {
		arch sysabi.Arch
		nr   uint64
	}{{x86, 400}, {x86, 1023}, {x86, 1024}, {x86, 0x40000000 | 2}, {x86, 1 << 40}, {a64, 300}, {0x40000028 /* ARM */, 2}, {0, 0}} {
		if !f.Trace.Has(c.arch, c.nr) {
			t.Errorf("Has(%v, %#x) = false for an unnamed system call", c.arch, c.nr)
		}
	}
	if strings.HasPrefix(sysabi.SyscallName(x86, 400), "syscall_") == false {
		t.Fatalf("x86_64 400 has a name now; pick another unassigned number")
	}
	if !f.Raw.Has(x86, 400) || f.Raw.Has(x86, 2) {
		t.Errorf("default raw=none: want unnamed calls raw and named ones not")
	}
}

func TestTablesFit(t *testing.T) {
	for _, a := range arches {
		for n := uint64(maxNr); n < 4*maxNr; n++ {
			if name := sysabi.SyscallName(a, n); !strings.HasPrefix(name, "syscall_") {
				t.Errorf("%s %d (%s) is beyond maxNr: raise maxNr", a, n, name)
			}
		}
	}
}

func TestClassTableNames(t *testing.T) {
	// Every name in classes.txt must be a system call of some architecture:
	// a typo would silently drop it from its classes.
	known := make(map[string]bool)
	for _, n := range allNames() {
		known[n] = true
	}
	for name := range syscallClasses() {
		if !known[name] {
			t.Errorf("classes.txt: %q is no system call of x86_64, i386 or aarch64", name)
		}
	}
	if len(syscallClasses()) < 300 {
		t.Errorf("classes.txt has only %d entries", len(syscallClasses()))
	}
	for _, bad := range []string{"open file", "open %bogus", "open", "open %desc\nopen %file"} {
		if _, err := parseClassTable(bad); err == nil {
			t.Errorf("parseClassTable(%q) accepted", bad)
		}
	}
}

func TestParseSignals(t *testing.T) {
	tests := []struct {
		expr      string
		in, notIn []int
	}{
		{"signal=!SIGCHLD", []int{1, 2, 15, 64, 200}, []int{17}},
		{"s=int,TERM", []int{2, 15}, []int{1, 17, 300}},
		{"signals=sigusr1,SIGusr2", []int{10, 12}, []int{2}},
		{"signal=RTMIN,SIGRT_1,rt_32", []int{32, 33, 64}, []int{31, 34}},
		{"signal=io,abrt,SYS,STKFLT,pwr", []int{29, 6, 31, 16, 30}, []int{7}},
		{"signal=0,05,255", []int{0, 5, 255}, []int{1, 256}},
		{"signal=none", nil, []int{0, 2, 64, 300}},
		{"signal=!none", []int{0, 2, 64, 300}, nil},
		{"signal=!all", nil, []int{2}},
		{"signal=!!9", []int{9}, []int{2}},
		{"signal=!9,10", []int{2, 300, -1}, []int{9, 10}},
	}
	for _, tc := range tests {
		f := parse(t, tc.expr)
		for _, s := range tc.in {
			if !f.Signals.Has(s) {
				t.Errorf("%s: Has(%d) = false", tc.expr, s)
			}
		}
		for _, s := range tc.notIn {
			if f.Signals.Has(s) {
				t.Errorf("%s: Has(%d) = true", tc.expr, s)
			}
		}
	}
	if f := New(); !f.Signals.Has(17) || !f.Signals.Has(0) {
		t.Errorf("default signal set is not all")
	}
}

func TestParseStatus(t *testing.T) {
	all := []Status{StatusSuccessful, StatusFailed, StatusUnfinished, StatusUnavailable, StatusDetached}
	tests := []struct {
		expr string
		in   []Status
	}{
		{"status=failed", []Status{StatusFailed}},
		{"status=Successful,DETACHED", []Status{StatusSuccessful, StatusDetached}},
		{"status=!failed", []Status{StatusSuccessful, StatusUnfinished, StatusUnavailable, StatusDetached}},
		{"status=none", nil},
		{"status=all", all},
		{"status=unfinished,unavailable", []Status{StatusUnfinished, StatusUnavailable}},
	}
	for _, tc := range tests {
		f := parse(t, tc.expr)
		for _, st := range all {
			if got, want := f.Status.Has(st), slices.Contains(tc.in, st); got != want {
				t.Errorf("%s: Has(%v) = %v, want %v", tc.expr, st, got, want)
			}
		}
	}
	if f := New(); !f.Status.Has(StatusFailed) {
		t.Errorf("default status set is not all")
	}
	if StatusFailed.String() != "failed" || Status(0x60).String() != "status_0x60" {
		t.Errorf("Status.String: %q %q", StatusFailed.String(), Status(0x60).String())
	}
}

func TestParseOtherSets(t *testing.T) {
	f := parse(t, "raw=open", "abbrev=none", "v=!%file", "x=read")
	if f.Raw.Has(x86, nr(t, x86, "open")) || !f.Raw.Has(x86, nr(t, x86, "read")) {
		t.Errorf("x=read did not replace raw=open")
	}
	if f.Abbrev.Has(x86, nr(t, x86, "read")) {
		t.Errorf("abbrev=none selects read")
	}
	if f.Verbose.Has(x86, nr(t, x86, "open")) || !f.Verbose.Has(x86, nr(t, x86, "read")) {
		t.Errorf("v=!%%file wrong")
	}
	if !f.Trace.IsAll() {
		t.Errorf("trace changed by other qualifiers")
	}
	f.Trace.Add(x86, 2)
	if !f.Trace.IsAll() {
		t.Errorf("Add changed a full set")
	}
	g := parse(t, "trace=close")
	g.Trace.Add(x86, nr(t, x86, "execve"))
	if got := selected(&g.Trace, x86); !slices.Equal(got, []string{"close", "execve"}) {
		t.Errorf("after Add: %v", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ expr, msg string }{
		{"trace=opne", `invalid system call "opne" in -e trace: did you mean "open"?`},
		{"opne", `invalid system call "opne" in -e trace: did you mean "open"?`},
		{"trace=open,clsoe", `invalid system call "clsoe" in -e trace: did you mean "close"?`},
		{"trace=Open", `invalid system call "Open" in -e trace: did you mean "open"?`},
		{"trace=xyzzyq", `invalid system call "xyzzyq" in -e trace: see seize --help for classes, or prefix it with ? to ignore it`},
		{"trace=%fiel", `unknown class "%fiel" in -e trace: did you mean "%file"?`},
		{"trace=%NET", `unknown class "%NET" in -e trace: did you mean "%net"?`},
		{"trace=%bogus", `unknown class "%bogus" in -e trace: classes are %file %process %net %network %signal %ipc %desc %memory %creds %stat %lstat %fstat %%stat %statfs %fstatfs %%statfs %clock %pure`},
		{"trace=", `invalid system call "" in -e trace: name at least one system call, %class or /regex, or use all or none`},
		{"trace=,", `invalid system call "," in -e trace: name at least one system call, %class or /regex, or use all or none`},
		{"trace=/zzz", `invalid system call "/zzz" in -e trace: the regular expression matches no system call name; prefix it with ? to allow that`},
		{"trace=/(", `invalid regular expression "/(" in -e trace: missing closing ): "("`},
		{"trace=?/(", `invalid regular expression "?/(" in -e trace: missing closing ): "("`},
		{"trace=99999", `invalid system call "99999" in -e trace: no architecture has a system call with that number; prefix it with ? to allow that`},
		{"trace=2x", `invalid system call "2x" in -e trace: no architecture has a system call with that number; prefix it with ? to allow that`},
		{"trace=newfstatat@32", `invalid system call "newfstatat@32" in -e trace: the personality has no system call of that name; prefix it with ? to allow that`},
		{"trace=open@foo", `invalid personality "open@foo" in -e trace: the suffix after @ must be 64 or 32`},
		{"trace=?open@x", `invalid personality "?open@x" in -e trace: the suffix after @ must be 64 or 32`},
		{"trace=open@x32", `unsupported personality "open@x32" in -e trace: seize does not trace x32 system calls; use @64 or @32`},
		{"trace=all,zzz", `invalid system call "zzz" in -e trace: see seize --help for classes, or prefix it with ? to ignore it`},
		{"raw=opne", `invalid system call "opne" in -e raw: did you mean "open"?`},
		{"foo=bar", `unknown qualifier "foo" in -e trace: use trace=, signal=, status=, abbrev=, verbose= or raw=`},
		{"read=3", `unsupported qualifier "read" in -e read: seize implements trace, abbrev, verbose, raw, signal, status, inject and fault`},
		{"signal=SIGINTT", `invalid signal "SIGINTT" in -e signal: did you mean "SIGINT"?`},
		{"signal=tem", `invalid signal "tem" in -e signal: did you mean "SIGTERM"?`},
		{"signal=IOT", `invalid signal "IOT" in -e signal: strace does not accept this alias either; use SIGABRT`},
		{"signal=sigrtmax", `invalid signal "sigrtmax" in -e signal: strace does not accept this alias either; use SIGRT_32`},
		{"signal=foo", `invalid signal "foo" in -e signal: use a name such as SIGINT or INT, or a number from 0 to 255`},
		{"signal=256", `invalid signal "256" in -e signal: use a name such as SIGINT or INT, or a number from 0 to 255`},
		{"signal=", `invalid signal "" in -e signal: name at least one signal, or use all or none`},
		{"status=faild", `invalid status "faild" in -e status: did you mean "failed"?`},
		{"status=", `invalid status "" in -e status: use successful, failed, unfinished, unavailable or detached`},
		{"trace=\n\x1b[31m", `invalid system call "\n\x1b[31m" in -e trace: see seize --help for classes, or prefix it with ? to ignore it`},
	}
	for _, tc := range tests {
		f := parse(t, "trace=close", "signal=INT", "status=failed")
		before := *f
		err := f.Parse(tc.expr)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) = %v, want a *ParseError", tc.expr, err)
			continue
		}
		if err.Error() != tc.msg {
			t.Errorf("Parse(%q):\n got %s\nwant %s", tc.expr, err, tc.msg)
		}
		if strings.ContainsAny(err.Error(), "\n\r") {
			t.Errorf("Parse(%q): message is not one line: %q", tc.expr, err)
		}
		if !reflect.DeepEqual(*f, before) {
			t.Errorf("Parse(%q) failed but changed the filter", tc.expr)
		}
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"open", "openat", "close", "read"}
	for s, want := range map[string]string{
		"opne": "open", "opena": "open", "OPEN": "open", "clos": "close", "raed": "read",
		"xyz": "", "ab": "", "o": "", "openatxx": "openat", "": "",
	} {
		if got := suggest(s, names); got != want {
			t.Errorf("suggest(%q) = %q, want %q", s, got, want)
		}
	}
	if d := editDistance("kitten", "sitting", 10); d != 3 {
		t.Errorf("editDistance(kitten, sitting) = %d", d)
	}
	if d := editDistance("ca", "ac", 10); d != 1 {
		t.Errorf("editDistance(ca, ac) = %d, want 1 (transposition)", d)
	}
}

func TestClassNames(t *testing.T) {
	want := []string{"%file", "%process", "%net", "%network", "%signal", "%ipc", "%desc", "%memory", "%creds",
		"%stat", "%lstat", "%fstat", "%%stat", "%statfs", "%fstatfs", "%%statfs", "%clock", "%pure"}
	if got := ClassNames(); !slices.Equal(got, want) {
		t.Errorf("ClassNames() = %v", got)
	}
	for _, c := range want {
		if err := New().Parse("trace=" + c); err != nil {
			t.Errorf("trace=%s: %v", c, err)
		}
	}
}
