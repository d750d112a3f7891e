package filter

import (
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"

	"github.com/seize-dev/seize/sysabi"
)

// SyscallSet is a set of system calls per architecture, as selected by
// -e trace= (and abbrev=, verbose=, raw=): one bitmap indexed by system call
// number for each of x86_64, i386 and aarch64.
//
// As in strace 6.1, a system call without a name in sysabi's tables (an
// unassigned or too new number, x32's numbers, any number of another
// architecture) is always in the set, whatever the expression: strace shows
// such calls raw rather than risk hiding them.
//
// The zero value selects every system call. A SyscallSet is a value: copy
// it freely; it is safe for concurrent readers.
type SyscallSet struct {
	// off has a bit for every system call NOT in the set, so that the zero
	// value is "all". Bits of unnamed numbers are never set.
	off [numArches][setWords]uint64
}

// Has reports whether system call nr of architecture arch is in the set. It
// does not allocate: it is meant for the tracer's hot path.
func (s *SyscallSet) Has(arch sysabi.Arch, nr uint64) bool {
	i := archIndex(arch)
	if i < 0 || nr >= maxNr {
		return true
	}
	return s.off[i][nr/64]&(1<<(nr%64)) == 0
}

// Add puts system call nr of architecture arch in the set, for a tracer that
// needs some calls stopped whatever the user selected (strace's
// --seccomp-bpf always stops execve and exit_group, for example).
func (s *SyscallSet) Add(arch sysabi.Arch, nr uint64) {
	if i := archIndex(arch); i >= 0 && nr < maxNr {
		s.off[i][nr/64] &^= 1 << (nr % 64)
	}
}

// IsAll reports whether every system call is in the set (no filtering).
func (s *SyscallSet) IsAll() bool {
	return s.off == [numArches][setWords]uint64{}
}

// Numbers returns, in increasing order, the named system calls of arch that
// are in the set (unnamed numbers, always in it, are not listed).
func (s *SyscallSet) Numbers(arch sysabi.Arch) []uint64 {
	i := archIndex(arch)
	if i < 0 {
		return nil
	}
	at := &archTables()[i]
	var nrs []uint64
	for nr := uint64(0); nr < maxNr; nr++ {
		if at.names[nr] != "" && s.Has(arch, nr) {
			nrs = append(nrs, nr)
		}
	}
	return nrs
}

// noneSyscalls returns the set of -e trace=none: only unnamed numbers.
func noneSyscalls() SyscallSet {
	var s SyscallSet
	for i := range arches {
		s.off[i] = archTables()[i].named
	}
	return s
}

// syscallSelection accumulates the numbers named by the tokens of one
// expression, before its leading '!'s are applied.
type syscallSelection [numArches][setWords]uint64

func (sel *syscallSelection) add(i int, nr uint64) {
	if nr < maxNr {
		sel[i][nr/64] |= 1 << (nr % 64)
	}
}

// parseSyscallSet parses the value of -e trace= (or abbrev=, verbose=,
// raw=) with the semantics of strace's qualify_syscall_tokens: leading '!'s
// each invert the set; "all" and "none" stand alone; otherwise a
// comma-separated list of names, numbers, classes and /regexes, each of
// which must select something on some architecture unless prefixed by '?',
// optionally restricted to a personality by @64 or @32.
func parseSyscallSet(qual, value string) (SyscallSet, error) {
	s := value
	invert := false
	for strings.HasPrefix(s, "!") {
		invert = !invert
		s = s[1:]
	}
	var sel syscallSelection
	switch s {
	case "none":
	case "all":
		invert = !invert
	default:
		listed := false
		for _, tok := range strings.Split(s, ",") {
			if tok == "" {
				continue // strtok skips empty tokens: "open,,close"
			}
			listed = true
			if err := sel.token(qual, tok); err != nil {
				return SyscallSet{}, err
			}
		}
		if !listed {
			return SyscallSet{}, &ParseError{Qualifier: qual, What: "invalid system call", Token: value,
				Hint: "name at least one system call, %class or /regex, or use all or none"}
		}
	}
	var set SyscallSet
	for i := range arches {
		named := &archTables()[i].named
		for w := range setWords {
			in := sel[i][w]
			if invert {
				in = ^in
			}
			set.off[i][w] = named[w] &^ in
		}
	}
	return set, nil
}

// personalities maps strace's personality designators (the @64 of
// "open@64") to architectures. strace on x86_64 also accepts @x32, which
// seize does not support.
var personalities = map[string][]int{
	"64": {0, 2}, // x86_64, aarch64
	"32": {1},    // i386
}

// token adds what one token of a system call list selects, like strace's
// qualify_syscall.
func (sel *syscallSelection) token(qual, tok string) error {
	body := tok
	ignore := false
	for strings.HasPrefix(body, "?") {
		ignore = true
		body = body[1:]
	}
	pers := []int{0, 1, 2}
	if at := strings.LastIndexByte(body, '@'); at >= 0 {
		d := body[at+1:]
		switch p, ok := personalities[d]; {
		case ok:
			pers = p
		case d == "x32":
			if ignore {
				return nil
			}
			return &ParseError{Qualifier: qual, What: "unsupported personality", Token: tok,
				Hint: "seize does not trace x32 system calls; use @64 or @32"}
		default:
			return &ParseError{Qualifier: qual, What: "invalid personality", Token: tok,
				Hint: "the suffix after @ must be 64 or 32"}
		}
		body = body[:at]
	}

	var (
		found bool
		err   error
	)
	switch {
	case body != "" && body[0] >= '0' && body[0] <= '9':
		found = sel.number(body, pers)
	case strings.HasPrefix(body, "/"):
		found, err = sel.regex(qual, tok, body[1:], pers)
	default:
		found = sel.class(body, pers) || sel.name(body, pers)
	}
	if err != nil || found || ignore {
		return err
	}
	return unknownSyscall(qual, tok, body, len(pers) < numArches)
}

// number handles a decimal number, valid on an architecture if it is below
// the size of its table (strace's qualify_syscall_number). An unnamed number
// is accepted but changes nothing: it is always traced.
func (sel *syscallSelection) number(s string, pers []int) bool {
	nr, err := strconv.ParseUint(s, 10, 31) // strace: string_to_uint, at most INT_MAX
	if err != nil {
		return false
	}
	found := false
	for _, i := range pers {
		if nr < archTables()[i].size {
			sel.add(i, nr)
			found = true
		}
	}
	return found
}

// regex handles /REGEX: every named system call the expression matches
// anywhere in its name (strace uses POSIX extended regexps, seize Go's RE2
// syntax, which reads the usual ERE patterns the same way).
func (sel *syscallSelection) regex(qual, tok, expr string, pers []int) (bool, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		hint := "not a valid regular expression"
		if se, ok := err.(*syntax.Error); ok {
			hint = string(se.Code) + ": " + strconv.Quote(se.Expr)
		}
		return false, &ParseError{Qualifier: qual, What: "invalid regular expression", Token: tok, Hint: hint}
	}
	found := false
	for _, i := range pers {
		at := &archTables()[i]
		for nr, name := range at.names {
			if name != "" && re.MatchString(name) {
				sel.add(i, uint64(nr))
				found = true
			}
		}
		for _, sc := range at.subcalls {
			if re.MatchString(sc.name) {
				sel.add(i, sc.mux)
				found = true
			}
		}
	}
	return found, nil
}

// class handles %CLASS (and the legacy names): it succeeds whenever the
// class exists, even if no system call of the personality is in it.
func (sel *syscallSelection) class(tok string, pers []int) bool {
	c, ok := lookupClass(tok)
	if !ok {
		return false
	}
	for _, i := range pers {
		at := &archTables()[i]
		for nr, name := range at.names {
			if name != "" && at.classes[nr]&c == c {
				sel.add(i, uint64(nr))
			}
		}
		for _, sc := range at.subcalls {
			if sc.cls&c == c {
				sel.add(i, sc.mux)
			}
		}
	}
	return true
}

// name handles a system call name, spelled as sysabi (and strace) spell it,
// or the name of a subcall of an i386 multiplexer.
func (sel *syscallSelection) name(name string, pers []int) bool {
	found := false
	for _, i := range pers {
		if nr, ok := sysabi.SyscallNumber(arches[i], name); ok {
			sel.add(i, nr)
			found = true
		}
		for _, sc := range archTables()[i].subcalls {
			if sc.name == name {
				sel.add(i, sc.mux)
				found = true
			}
		}
	}
	return found
}

// unknownSyscall builds the error for a token that selected nothing.
func unknownSyscall(qual, tok, body string, personality bool) error {
	e := &ParseError{Qualifier: qual, What: "invalid system call", Token: tok}
	switch {
	case strings.HasPrefix(body, "%"):
		e.What = "unknown class"
		if s := suggest(body, ClassNames()); s != "" {
			e.Hint = "did you mean " + strconv.Quote(s) + "?"
		} else {
			e.Hint = "classes are " + strings.Join(ClassNames(), " ")
		}
	case strings.HasPrefix(body, "/"):
		e.Hint = "the regular expression matches no system call name; prefix it with ? to allow that"
	case body != "" && body[0] >= '0' && body[0] <= '9':
		e.Hint = "no architecture has a system call with that number; prefix it with ? to allow that"
	case personality:
		e.Hint = "the personality has no system call of that name; prefix it with ? to allow that"
	default:
		if s := suggest(body, allNames()); s != "" {
			e.Hint = "did you mean " + strconv.Quote(s) + "?"
		} else {
			e.Hint = "see seize --help for classes, or prefix it with ? to ignore it"
		}
	}
	return e
}
