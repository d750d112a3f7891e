package filter

import (
	"math"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/seize-dev/seize/sysabi"
)

// InjectAction says what an -e inject= expression does; an expression has
// at least one.
type InjectAction uint8

// Actions of -e inject= (strace's INJECT_F_* flags).
const (
	// InjectError: the calls fail with Inject.Error without running.
	InjectError InjectAction = 1 << iota
	// InjectRetval: the calls return Inject.Retval without running.
	InjectRetval
	// InjectSignal: Inject.Signal is delivered as the calls return.
	InjectSignal
	// InjectDelayEnter: the task waits Inject.DelayEnter at the entry.
	InjectDelayEnter
	// InjectDelayExit: the task waits Inject.DelayExit at the exit.
	InjectDelayExit
)

// Inject is one -e inject= or -e fault= expression (strace's system call
// tampering, with strace 6.1's syntax and meaning):
//
//	inject=SET:ACTION[:ACTION...][:when=FIRST[..LAST][+[STEP]]]
//	fault=SET[:error=ERRNO][:when=...]
//
// with the actions error=ERRNO (a name such as ENOENT or a number from 1
// to 4095), retval=N, signal=SIG, delay_enter=TIME and delay_exit=TIME
// (microseconds, or a number with the suffix s, ms, us or ns). error and
// retval exclude each other; fault= is inject= that takes only error=,
// ENOSYS by default.
//
// As in strace, the invocations are counted per task and per system call,
// from 1, counting only the calls that are traced (-e trace=); a later
// expression replaces an earlier one for the system calls they share.
type Inject struct {
	// Syscalls is SET, as in -e trace=. Unnamed numbers are never in it
	// (see Has).
	Syscalls SyscallSet
	// Actions says which of the fields below apply.
	Actions    InjectAction
	Error      int           // the errno, 1 to 4095
	Retval     int64         // the value returned (retval=, as the kernel's long)
	Signal     int           // 1 to 64
	DelayEnter time.Duration // how long to hold the task at the call's entry
	DelayExit  time.Duration // how long to hold the task at the call's exit
	// When selects the invocations tampered with.
	When When
}

// Has reports whether the expression applies to system call nr of arch:
// it must be in Syscalls and have a name (strace tampers only with the
// calls of its tables).
func (in *Inject) Has(arch sysabi.Arch, nr uint64) bool {
	i := archIndex(arch)
	if i < 0 || nr >= maxNr || archTables()[i].named[nr/64]&(1<<(nr%64)) == 0 {
		return false
	}
	return in.Syscalls.Has(arch, nr)
}

// Skips reports whether the calls are not run (error= or retval=).
func (in *Inject) Skips() bool { return in.Actions&(InjectError|InjectRetval) != 0 }

// Delays reports whether the expression has a delay.
func (in *Inject) Delays() bool { return in.Actions&(InjectDelayEnter|InjectDelayExit) != 0 }

// When is when=FIRST[..LAST][+[STEP]]: the invocations, counted from 1,
// that are tampered with: FIRST, then every STEP-th after it, up to LAST.
type When struct {
	First uint16 // 1 to 65535
	Last  uint16 // 0: no limit; else FIRST to 65534
	Step  uint16 // 0: FIRST only
}

// EveryCall is the When of an expression without when=: 1+.
var EveryCall = When{First: 1, Step: 1}

// Has reports whether invocation n (from 1) is selected. The zero When
// selects none.
func (w When) Has(n uint64) bool {
	first := uint64(w.First)
	switch {
	case w.First == 0 || n < first:
		return false
	case w.Last != 0 && n > uint64(w.Last):
		return false
	case w.Step == 0:
		return n == first
	}
	return (n-first)%uint64(w.Step) == 0
}

// Inject returns the expression that applies to system call nr of arch:
// the last -e inject= or -e fault= that names it, or nil.
func (f *Filter) Inject(arch sysabi.Arch, nr uint64) *Inject {
	for i := len(f.Injects) - 1; i >= 0; i-- {
		if f.Injects[i].Has(arch, nr) {
			return &f.Injects[i]
		}
	}
	return nil
}

// injectOptions is the hint for an option -e inject= does not know.
const injectOptions = "use error=, retval=, signal=, delay_enter=, delay_exit= or when="

// parseInject parses the value of -e inject= (fault false) or -e fault=
// (fault true), like strace's qualify_inject_common.
func parseInject(qual, value string) (Inject, error) {
	fault := qual == "fault"
	in := Inject{When: EveryCall}
	bad := func(what, tok, hint string) error {
		return &ParseError{Qualifier: qual, What: what, Token: tok, Hint: hint}
	}
	// The set is what comes before the first ':'; empty options
	// ("open::error=EIO", a trailing ':') are skipped (strtok).
	name, opts, _ := strings.Cut(value, ":")
	for _, tok := range strings.Split(opts, ":") {
		if tok == "" {
			continue
		}
		key, val, _ := strings.Cut(tok, "=")
		if fault && key != "error" && key != "when" {
			return in, bad("invalid option", tok, "fault= takes error= and when= only; use -e inject= for the others")
		}
		switch key {
		case "when":
			w, ok := parseWhen(val)
			if !ok {
				return in, bad("invalid when", tok, "use FIRST[..LAST][+[STEP]]: FIRST and STEP from 1 to 65535, LAST from FIRST to 65534")
			}
			in.When = w // the last one counts
		case "error", "retval":
			if in.Actions&(InjectError|InjectRetval) != 0 {
				return in, bad("duplicate option", tok, "give one error= or retval=")
			}
			if key == "error" {
				e, ok := parseErrno(val)
				if !ok {
					return in, badErrno(qual, tok, val)
				}
				in.Error, in.Actions = e, in.Actions|InjectError
				break
			}
			r, ok := parseRetval(val)
			if !ok {
				return in, bad("invalid retval", tok, "give an integer: decimal, 0x hexadecimal or 0 octal")
			}
			in.Retval, in.Actions = r, in.Actions|InjectRetval
		case "signal":
			if in.Actions&InjectSignal != 0 {
				return in, bad("duplicate option", tok, "give one signal=")
			}
			sig, ok := 0, val != ""
			if ok {
				sig, ok = signalNumber(val)
			}
			if !ok || sig < 1 || sig > 64 {
				return in, bad("invalid signal", tok, "use a name such as SIGUSR1 or USR1, or a number from 1 to 64")
			}
			in.Signal, in.Actions = sig, in.Actions|InjectSignal
		case "delay_enter", "delay_exit":
			act, d := InjectDelayEnter, &in.DelayEnter
			if key == "delay_exit" {
				act, d = InjectDelayExit, &in.DelayExit
			}
			if in.Actions&act != 0 {
				return in, bad("duplicate option", tok, "give one "+key+"=")
			}
			v, ok := parseDelay(val)
			if !ok {
				return in, bad("invalid delay", tok, "give a time in microseconds, or with the suffix s, ms, us or ns: 1500, 1.5ms")
			}
			*d, in.Actions = v, in.Actions|act
		case "syscall", "poke_enter", "poke_exit":
			return in, bad("unsupported option", tok, "seize implements error=, retval=, signal=, delay_enter=, delay_exit= and when=")
		default:
			return in, bad("invalid option", tok, injectOptions)
		}
	}
	set, err := parseSyscallSet(qual, name)
	if err != nil {
		return in, err
	}
	in.Syscalls = set
	if in.Actions == 0 {
		if !fault {
			return in, bad("nothing to inject in", value, "add :error=ERRNO, :retval=N, :signal=SIG, :delay_enter=TIME or :delay_exit=TIME")
		}
		in.Error, in.Actions = int(syscall.ENOSYS), InjectError
	}
	return in, nil
}

func badErrno(qual, tok, val string) error {
	e := &ParseError{Qualifier: qual, What: "invalid error", Token: tok,
		Hint: "use a name such as ENOENT or a number from 1 to 4095"}
	if s := suggest(strings.ToUpper(val), errnoNames()); s != "" {
		e.Hint = "did you mean " + strconv.Quote(s) + "?"
	}
	return e
}

// errnoNames lists the names error= accepts, for suggestions.
func errnoNames() []string {
	var names []string
	for e := 1; e <= maxErrno; e++ {
		if n := sysabi.ErrnoName(e); n != "" {
			names = append(names, n)
		}
	}
	return names
}

const maxErrno = 4095

// parseErrno reads error=: a decimal number from 1 to 4095 or an errno
// name, case-insensitive (strace's find_errno_by_name).
func parseErrno(s string) (int, bool) {
	if n, ok := parseDecimal(s, maxErrno); ok {
		return n, n >= 1
	}
	return sysabi.ErrnoNumber(s)
}

// parseDecimal reads an unsigned decimal number of at most max, with an
// optional leading '+', as strace's string_to_uint_upto does.
func parseDecimal(s string, max int) (int, bool) {
	s = strings.TrimPrefix(s, "+")
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || n > uint64(max) {
		return 0, false
	}
	return int(n), true
}

// parseWhen reads FIRST[..LAST][+[STEP]] as strace's parse_inject_token.
func parseWhen(s string) (When, bool) {
	num := func(s string) (int, string, bool) {
		i := 0
		if i < len(s) && s[i] == '+' {
			i++
		}
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		n, ok := parseDecimal(s[:j], math.MaxUint16)
		return n, s[j:], ok && j > i
	}
	first, rest, ok := num(s)
	if !ok || first < 1 {
		return When{}, false
	}
	w := When{First: uint16(first)}
	bounded := false
	if strings.HasPrefix(rest, "..") {
		var last int
		last, rest, ok = num(rest[2:])
		if !ok || last < first || last == math.MaxUint16 {
			return When{}, false
		}
		w.Last, bounded = uint16(last), true
	}
	switch {
	case rest == "":
		if bounded {
			w.Step = 1 // F..L == F..L+1
		}
		return w, true // F == F..INF+0
	case rest[0] != '+':
		return When{}, false
	case rest == "+":
		w.Step = 1
		return w, true
	}
	step, ok := parseDecimal(rest[1:], math.MaxUint16)
	if !ok || step < 1 {
		return When{}, false
	}
	w.Step = uint16(step)
	return w, true
}

// parseRetval reads retval= as strtoull with base 0 does: decimal, 0x
// hexadecimal or 0 octal, a '-' wrapping around.
func parseRetval(s string) (int64, bool) {
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	base := 10
	switch {
	case len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X"):
		base, s = 16, s[2:]
	case len(s) > 1 && s[0] == '0':
		base, s = 8, s[1:]
	}
	if s == "" || strings.ContainsAny(s, "_+-") {
		return 0, false
	}
	u, err := strconv.ParseUint(s, base, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		u = -u
	}
	return int64(u), true
}

// parseDelay reads strace's time specification: a non-negative decimal
// number, integer or floating-point, and an optional unit s, ms, us or ns
// (microseconds without one).
func parseDelay(s string) (time.Duration, bool) {
	i := 0
	for i < len(s) && strings.IndexByte("eE.-+0123456789", s[i]) >= 0 {
		i++
	}
	num, unit := s[:i], s[i:]
	// "1e3s" reads as a float; a unit cannot start with e, so there is
	// no ambiguity with the suffixes.
	scale := map[string]float64{"": 1e3, "s": 1e9, "ms": 1e6, "us": 1e3, "ns": 1}[unit]
	if scale == 0 || num == "" {
		return 0, false
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) || v*scale >= math.MaxInt64 {
		return 0, false
	}
	return time.Duration(v * scale), true
}
