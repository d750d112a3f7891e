package filter

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestParseInject(t *testing.T) {
	tests := []struct {
		expr string
		want Inject // Syscalls not compared
	}{
		{"inject=chdir:error=ENOENT", Inject{Actions: InjectError, Error: 2, When: EveryCall}},
		{"inject=chdir:error=enoent", Inject{Actions: InjectError, Error: 2, When: EveryCall}},
		{"inject=chdir:error=02", Inject{Actions: InjectError, Error: 2, When: EveryCall}},
		{"inject=chdir:error=4095", Inject{Actions: InjectError, Error: 4095, When: EveryCall}},
		{"inject=chdir:error=ERESTARTSYS", Inject{Actions: InjectError, Error: 512, When: EveryCall}},
		{"fault=chdir", Inject{Actions: InjectError, Error: 38, When: EveryCall}},
		{"fault=chdir:when=3", Inject{Actions: InjectError, Error: 38, When: When{First: 3}}},
		{"fault=chdir:error=EPERM", Inject{Actions: InjectError, Error: 1, When: EveryCall}},
		{"inject=chdir:retval=42", Inject{Actions: InjectRetval, Retval: 42, When: EveryCall}},
		{"inject=chdir:retval=0x10", Inject{Actions: InjectRetval, Retval: 16, When: EveryCall}},
		{"inject=chdir:retval=010", Inject{Actions: InjectRetval, Retval: 8, When: EveryCall}},
		{"inject=chdir:retval=0", Inject{Actions: InjectRetval, Retval: 0, When: EveryCall}},
		{"inject=chdir:retval=-1", Inject{Actions: InjectRetval, Retval: -1, When: EveryCall}},
		{"inject=chdir:retval=18446744073709551615", Inject{Actions: InjectRetval, Retval: -1, When: EveryCall}},
		{"inject=chdir:signal=USR1", Inject{Actions: InjectSignal, Signal: 10, When: EveryCall}},
		{"inject=chdir:signal=SIGusr1:error=EIO", Inject{Actions: InjectSignal | InjectError, Signal: 10, Error: 5, When: EveryCall}},
		{"inject=chdir:signal=64", Inject{Actions: InjectSignal, Signal: 64, When: EveryCall}},
		{"inject=chdir:delay_enter=1500", Inject{Actions: InjectDelayEnter, DelayEnter: 1500 * time.Microsecond, When: EveryCall}},
		{"inject=chdir:delay_exit=1.5ms", Inject{Actions: InjectDelayExit, DelayExit: 1500 * time.Microsecond, When: EveryCall}},
		{"inject=chdir:delay_exit=2s:delay_enter=7ns", Inject{Actions: InjectDelayExit | InjectDelayEnter, DelayExit: 2 * time.Second, DelayEnter: 7, When: EveryCall}},
		{"inject=chdir:delay_exit=0", Inject{Actions: InjectDelayExit, When: EveryCall}},
		{"inject=chdir:error=EIO:when=2:when=3", Inject{Actions: InjectError, Error: 5, When: When{First: 3}}},
		{"inject=chdir::error=EIO:", Inject{Actions: InjectError, Error: 5, When: EveryCall}},
		{"inject=chdir:error=EIO:when=3+", Inject{Actions: InjectError, Error: 5, When: When{First: 3, Step: 1}}},
		{"inject=chdir:error=EIO:when=3+2", Inject{Actions: InjectError, Error: 5, When: When{First: 3, Step: 2}}},
		{"inject=chdir:error=EIO:when=2..4", Inject{Actions: InjectError, Error: 5, When: When{First: 2, Last: 4, Step: 1}}},
		{"inject=chdir:error=EIO:when=2..4+", Inject{Actions: InjectError, Error: 5, When: When{First: 2, Last: 4, Step: 1}}},
		{"inject=chdir:error=EIO:when=2..8+3", Inject{Actions: InjectError, Error: 5, When: When{First: 2, Last: 8, Step: 3}}},
		{"inject=chdir:error=EIO:when=65535", Inject{Actions: InjectError, Error: 5, When: When{First: 65535}}},
		{"inject=chdir:error=EIO:when=1..65534+65535", Inject{Actions: InjectError, Error: 5, When: When{First: 1, Last: 65534, Step: 65535}}},
		{"inject=chdir:error=EIO:when=+3", Inject{Actions: InjectError, Error: 5, When: When{First: 3}}},
		{"inject=none:error=EIO", Inject{Actions: InjectError, Error: 5, When: EveryCall}},
	}
	for _, tc := range tests {
		f := New()
		if err := f.Parse(tc.expr); err != nil {
			t.Errorf("Parse(%q): %v", tc.expr, err)
			continue
		}
		if len(f.Injects) != 1 {
			t.Errorf("Parse(%q): %d expressions", tc.expr, len(f.Injects))
			continue
		}
		got := f.Injects[0]
		got.Syscalls = SyscallSet{}
		if got != tc.want {
			t.Errorf("Parse(%q):\n got %+v\nwant %+v", tc.expr, got, tc.want)
		}
	}
}

func TestParseInjectErrors(t *testing.T) {
	tests := []struct{ expr, msg string }{
		{"inject=chdir", `nothing to inject in "chdir" in -e inject: add :error=ERRNO, :retval=N, :signal=SIG, :delay_enter=TIME or :delay_exit=TIME`},
		{"inject=chdir:when=3", `nothing to inject in "chdir:when=3" in -e inject: add :error=ERRNO, :retval=N, :signal=SIG, :delay_enter=TIME or :delay_exit=TIME`},
		{"inject=chdir:error=EPERM:retval=1", `duplicate option "retval=1" in -e inject: give one error= or retval=`},
		{"inject=chdir:error=EPERM:error=EIO", `duplicate option "error=EIO" in -e inject: give one error= or retval=`},
		{"inject=chdir:signal=INT:signal=INT", `duplicate option "signal=INT" in -e inject: give one signal=`},
		{"inject=chdir:delay_exit=1:delay_exit=1", `duplicate option "delay_exit=1" in -e inject: give one delay_exit=`},
		{"fault=chdir:retval=1", `invalid option "retval=1" in -e fault: fault= takes error= and when= only; use -e inject= for the others`},
		{"fault=chdir:signal=USR1", `invalid option "signal=USR1" in -e fault: fault= takes error= and when= only; use -e inject= for the others`},
		{"inject=chdir:error=ENOENTT", `invalid error "error=ENOENTT" in -e inject: did you mean "ENOENT"?`},
		{"inject=chdir:error=0", `invalid error "error=0" in -e inject: use a name such as ENOENT or a number from 1 to 4095`},
		{"inject=chdir:error=4096", `invalid error "error=4096" in -e inject: use a name such as ENOENT or a number from 1 to 4095`},
		{"inject=chdir:error=", `invalid error "error=" in -e inject: use a name such as ENOENT or a number from 1 to 4095`},
		{"inject=chdir:retval=abc", `invalid retval "retval=abc" in -e inject: give an integer: decimal, 0x hexadecimal or 0 octal`},
		{"inject=chdir:retval=08", `invalid retval "retval=08" in -e inject: give an integer: decimal, 0x hexadecimal or 0 octal`},
		{"inject=chdir:retval=18446744073709551616", `invalid retval "retval=18446744073709551616" in -e inject: give an integer: decimal, 0x hexadecimal or 0 octal`},
		{"inject=chdir:signal=0", `invalid signal "signal=0" in -e inject: use a name such as SIGUSR1 or USR1, or a number from 1 to 64`},
		{"inject=chdir:signal=65", `invalid signal "signal=65" in -e inject: use a name such as SIGUSR1 or USR1, or a number from 1 to 64`},
		{"inject=chdir:signal=", `invalid signal "signal=" in -e inject: use a name such as SIGUSR1 or USR1, or a number from 1 to 64`},
		{"inject=chdir:delay_enter=-1", `invalid delay "delay_enter=-1" in -e inject: give a time in microseconds, or with the suffix s, ms, us or ns: 1500, 1.5ms`},
		{"inject=chdir:delay_enter=1.5xs", `invalid delay "delay_enter=1.5xs" in -e inject: give a time in microseconds, or with the suffix s, ms, us or ns: 1500, 1.5ms`},
		{"inject=chdir:error=EIO:when=0", `invalid when "when=0" in -e inject: use FIRST[..LAST][+[STEP]]: FIRST and STEP from 1 to 65535, LAST from FIRST to 65534`},
		{"inject=chdir:error=EIO:when=3..2", `invalid when "when=3..2" in -e inject: use FIRST[..LAST][+[STEP]]: FIRST and STEP from 1 to 65535, LAST from FIRST to 65534`},
		{"inject=chdir:error=EIO:when=3+0", `invalid when "when=3+0" in -e inject: use FIRST[..LAST][+[STEP]]: FIRST and STEP from 1 to 65535, LAST from FIRST to 65534`},
		{"inject=chdir:error=EIO:when=65536", `invalid when "when=65536" in -e inject: use FIRST[..LAST][+[STEP]]: FIRST and STEP from 1 to 65535, LAST from FIRST to 65534`},
		{"inject=chdir:error=EIO:when=1..65535", `invalid when "when=1..65535" in -e inject: use FIRST[..LAST][+[STEP]]: FIRST and STEP from 1 to 65535, LAST from FIRST to 65534`},
		{"inject=chdir:error=EIO:when=3..", `invalid when "when=3.." in -e inject: use FIRST[..LAST][+[STEP]]: FIRST and STEP from 1 to 65535, LAST from FIRST to 65534`},
		{"inject=chdir:error=EIO:when=0x3", `invalid when "when=0x3" in -e inject: use FIRST[..LAST][+[STEP]]: FIRST and STEP from 1 to 65535, LAST from FIRST to 65534`},
		{"inject=chdir:error=EIO:when=", `invalid when "when=" in -e inject: use FIRST[..LAST][+[STEP]]: FIRST and STEP from 1 to 65535, LAST from FIRST to 65534`},
		{"inject=chdir:foo=1", `invalid option "foo=1" in -e inject: use error=, retval=, signal=, delay_enter=, delay_exit= or when=`},
		{"inject=chdir:syscall=getpid:error=EIO", `unsupported option "syscall=getpid" in -e inject: seize implements error=, retval=, signal=, delay_enter=, delay_exit= and when=`},
		{"inject=chdir:poke_enter=@arg1=00", `unsupported option "poke_enter=@arg1=00" in -e inject: seize implements error=, retval=, signal=, delay_enter=, delay_exit= and when=`},
		{"inject=:error=EIO", `invalid system call "" in -e inject: name at least one system call, %class or /regex, or use all or none`},
		{"inject=chdri:error=EIO", `invalid system call "chdri" in -e inject: did you mean "chdir"?`},
		{"fault=%bogus", `unknown class "%bogus" in -e fault: classes are ` + strings.Join(ClassNames(), " ")},
	}
	for _, tc := range tests {
		f := New()
		err := f.Parse(tc.expr)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) = %v, want a *ParseError", tc.expr, err)
			continue
		}
		if err.Error() != tc.msg {
			t.Errorf("Parse(%q):\n got %s\nwant %s", tc.expr, err, tc.msg)
		}
		if len(f.Injects) != 0 {
			t.Errorf("Parse(%q) failed but added an expression", tc.expr)
		}
	}
}

// TestWhenHas: the invocations each when= selects, as strace 6.1 chose
// them for a program making 14 chdir calls (strace -e inject=chdir:
// error=EPERM:when=W, read off the calls that failed).
func TestWhenHas(t *testing.T) {
	tests := map[string]string{
		"1":      "1",
		"3":      "3",
		"3+":     "3 4 5 6 7 8 9 10 11 12 13 14",
		"3+2":    "3 5 7 9 11 13",
		"3+3":    "3 6 9 12",
		"2..4":   "2 3 4",
		"2..4+":  "2 3 4",
		"2..8+2": "2 4 6 8",
		"2..9+3": "2 5 8",
		"5..5":   "5",
		"20":     "",
	}
	for expr, want := range tests {
		w, ok := parseWhen(expr)
		if !ok {
			t.Errorf("when=%s rejected", expr)
			continue
		}
		var got []string
		for n := uint64(1); n <= 14; n++ {
			if w.Has(n) {
				got = append(got, fmt.Sprint(n))
			}
		}
		if g := strings.Join(got, " "); g != want {
			t.Errorf("when=%s selects %q, want %q", expr, g, want)
		}
	}
	if (When{}).Has(1) {
		t.Error("the zero When selects a call")
	}
	if w := (When{First: 1, Last: 65534, Step: 1}); !w.Has(65534) || w.Has(65535) {
		t.Error("when=1..65534 bounds")
	}
}

// TestFilterInject: a later expression replaces an earlier one for the
// calls they share; unnamed numbers are never tampered with; -e trace= is
// not changed.
func TestFilterInject(t *testing.T) {
	f := parse(t, "trace=openat", "inject=chdir,getpid:error=EPERM", "fault=getpid:when=2", "inject=%file:retval=3")
	if in := f.Inject(x86, nr(t, x86, "getpid")); in == nil || in.Error != 38 || in.When != (When{First: 2}) {
		t.Errorf("getpid: %+v, want the fault= expression", in)
	}
	if in := f.Inject(x86, nr(t, x86, "chdir")); in == nil || in.Actions != InjectRetval {
		t.Errorf("chdir (in %%file): %+v, want the retval= expression", in)
	}
	if in := f.Inject(x86, nr(t, x86, "getppid")); in != nil {
		t.Errorf("getppid: %+v, want none", in)
	}
	if in := f.Inject(i32, nr(t, i32, "getpid")); in == nil || in.Error != 38 {
		t.Errorf("i386 getpid: %+v", in)
	}
	g := parse(t, "inject=all:error=EPERM")
	if in := g.Inject(x86, 1000); in != nil {
		t.Errorf("unnamed number 1000 tampered with: %+v", in)
	}
	if !g.Trace.IsAll() || f.Trace.Has(x86, nr(t, x86, "chdir")) {
		t.Error("inject= changed -e trace=")
	}
}

// TestInjectParseMatchesStrace: seize accepts exactly the -e inject= and
// -e fault= expressions strace 6.1 accepts (seize rejects syscall= and
// poke_*=, which it does not implement).
func TestInjectParseMatchesStrace(t *testing.T) {
	needStrace(t)
	exprs := []string{
		"inject=chdir", "inject=chdir:error=EPERM:retval=1", "fault=chdir:retval=1", "fault=chdir",
		"fault=chdir:signal=USR1", "fault=chdir:error=EIO:when=2+", "inject=chdir:error=EPERM:when=0",
		"inject=chdir:error=FOO", "inject=chdir:error=eperm", "inject=:error=EPERM",
		"inject=chdir:error=EPERM:when=3..2", "inject=chdir:error=EPERM:when=3+0",
		"inject=chdir:error=EPERM:when=65535", "inject=chdir:error=EPERM:when=65536",
		"inject=chdir:error=EPERM:when=1..65535", "inject=chdir:error=EPERM:when=1..65534",
		"inject=chdir:delay_enter=-1", "inject=chdir:delay_enter=1.5ms", "inject=chdir:delay_enter=1.5xs",
		"inject=chdir:delay_exit=3s", "inject=chdir:delay_exit=0", "inject=chdir:delay_exit=1e3",
		"inject=chdir:error=4096", "inject=chdir:error=4095", "inject=chdir:error=0",
		"inject=chdir:signal=0", "inject=chdir:signal=65", "inject=chdir:signal=64", "inject=chdir:signal=usr2",
		"inject=chdir:error=EPERM:error=EPERM", "inject=chdir:error=EPERM:when=2:when=3",
		"inject=chdir:retval=-1", "inject=chdir:retval=0x10", "inject=chdir:retval=abc", "inject=chdir:retval=08",
		"inject=none:error=EPERM", "inject=chdir:error=EPERM:", "inject=chdir::error=EPERM",
		"inject=chdir:error=EPERM:when=3+", "inject=chdir:error=EPERM:when=3..",
		"inject=chdir:error=EPERM:when=3..5+0", "inject=chdir:error=ERESTARTSYS",
		"inject=chdir:error=EPERM:when=+3", "inject=chdir:error=EPERM:when=3:5",
		"inject=bogus:error=EPERM", "inject=chdir:error=EPERM:when=03", "inject=chdir:error=EPERM:when=0x3",
		"inject=chdir:error=02", "inject=%file,!chdir:error=EIO", "inject=/^chd:signal=SIGUSR1:when=2..9+3",
		"inject=chdir:foo=1",
	}
	for _, e := range exprs {
		out, err := exec.Command("strace", "-qq", "-o", "/dev/null", "-e", "trace=chdir", "-e", e, "/bin/true").CombinedOutput()
		straceOK := err == nil
		if !straceOK && !strings.HasPrefix(string(out), "strace: invalid") {
			t.Fatalf("strace -e %s: %v: %s", e, err, out)
		}
		perr := New().Parse(e)
		if (perr == nil) != straceOK {
			t.Errorf("-e %s: strace accepts: %v (%s); seize: %v", e, straceOK, strings.TrimSpace(string(out)), perr)
		}
	}
}
