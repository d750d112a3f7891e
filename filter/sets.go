package filter

import (
	"strconv"
	"strings"

	"github.com/seize-dev/seize/sysabi"
)

// maxSignal is the largest signal number -e signal= accepts, as in strace
// (which reads numbers up to 255 although Linux stops at 64).
const maxSignal = 255

// SignalSet is the set of signals selected by -e signal=: the signals whose
// delivery is printed ("--- SIGCHLD {...} ---"). The zero value selects
// every signal.
type SignalSet struct {
	off  [(maxSignal + 1) / 64]uint64 // signals NOT in the set
	rest bool                         // whether numbers beyond 0..255 are NOT in it
}

// Has reports whether signal sig is in the set. It does not allocate.
func (s *SignalSet) Has(sig int) bool {
	if sig < 0 || sig > maxSignal {
		return !s.rest
	}
	return s.off[sig/64]&(1<<(sig%64)) == 0
}

// Status is a system call's return status, as -e status= names them.
type Status uint8

// Return statuses of -e status=.
const (
	// StatusSuccessful is a call that returned without an error code.
	StatusSuccessful Status = 1 << iota
	// StatusFailed is a call that returned an error code.
	StatusFailed
	// StatusUnfinished is a call that never returned, for example because
	// another thread called execve.
	StatusUnfinished
	// StatusUnavailable is a call that returned but whose return value
	// could not be fetched.
	StatusUnavailable
	// StatusDetached is a call the tracer detached from before it returned.
	StatusDetached
)

const allStatuses = StatusSuccessful | StatusFailed | StatusUnfinished | StatusUnavailable | StatusDetached

var statusNames = []struct {
	name string
	st   Status
}{
	{"successful", StatusSuccessful},
	{"failed", StatusFailed},
	{"unfinished", StatusUnfinished},
	{"unavailable", StatusUnavailable},
	{"detached", StatusDetached},
}

// String returns the name -e status= uses for st, such as "failed", or
// "status_0x..." for values that are not a single Status.
func (st Status) String() string {
	for _, n := range statusNames {
		if n.st == st {
			return n.name
		}
	}
	return "status_0x" + strconv.FormatUint(uint64(st), 16)
}

// StatusSet is the set of return statuses selected by -e status= (and by
// strace's -z, status=successful, and -Z, status=failed). The zero value
// selects every status.
type StatusSet struct {
	off Status // statuses NOT in the set
}

// Has reports whether status st is in the set.
func (s *StatusSet) Has(st Status) bool {
	return s.off&st == 0
}

// parseList is strace's qualify_tokens for one-personality sets: leading
// '!'s invert, "all" and "none" stand alone, otherwise a comma-separated list
// of tokens that lookup must all accept. It calls add for every token and
// returns whether the set is inverted.
func parseList(value string, lookup func(tok string) error) (invert bool, err error) {
	s := value
	for strings.HasPrefix(s, "!") {
		invert = !invert
		s = s[1:]
	}
	switch s {
	case "none":
		return invert, nil
	case "all":
		return !invert, nil
	}
	listed := false
	for _, tok := range strings.Split(s, ",") {
		if tok == "" {
			continue
		}
		listed = true
		if err := lookup(tok); err != nil {
			return false, err
		}
	}
	if !listed {
		return false, errEmptyList
	}
	return invert, nil
}

// errEmptyList is returned by parseList for a list with no token; callers
// turn it into a ParseError naming the whole value.
var errEmptyList = &ParseError{}

// parseSignalSet parses the value of -e signal=. Tokens are decimal numbers
// from 0 to 255 or signal names, case-insensitive, with or without "SIG":
// the names sysabi.SignalName gives (SIGRTMIN and SIGRT_1 to SIGRT_32 for
// real-time signals), without the aliases strace does not accept either
// (SIGIOT, SIGCLD, SIGPOLL, SIGUNUSED, SIGRTMAX).
func parseSignalSet(value string) (SignalSet, error) {
	var in [(maxSignal + 1) / 64]uint64
	invert, err := parseList(value, func(tok string) error {
		sig, ok := signalNumber(tok)
		if !ok {
			return badSignal(tok)
		}
		in[sig/64] |= 1 << (sig % 64)
		return nil
	})
	if err == errEmptyList {
		err = &ParseError{Qualifier: "signal", What: "invalid signal", Token: value,
			Hint: "name at least one signal, or use all or none"}
	}
	if err != nil {
		return SignalSet{}, err
	}
	var s SignalSet
	for w := range in {
		if invert {
			s.off[w] = in[w]
		} else {
			s.off[w] = ^in[w]
		}
	}
	s.rest = !invert
	return s, nil
}

// signalNumber resolves one token of -e signal= like strace's
// sigstr_to_uint.
func signalNumber(tok string) (int, bool) {
	if tok[0] >= '0' && tok[0] <= '9' {
		n, err := strconv.ParseUint(tok, 10, 8)
		return int(n), err == nil
	}
	name := tok
	if len(name) >= 3 && strings.EqualFold(name[:3], "SIG") {
		name = name[3:]
	}
	for sig := 1; sig <= maxSignal; sig++ {
		full := sysabi.SignalName(sig)
		if full == "" {
			break
		}
		if strings.EqualFold(full[3:], name) {
			return sig, true
		}
	}
	return 0, false
}

// signalAliases are the other names (without SIG) of signals that strace's -e signal=
// rejects, with the name it accepts.
var signalAliases = map[string]string{
	"IOT":    "SIGABRT",
	"CLD":    "SIGCHLD",
	"POLL":   "SIGIO",
	"UNUSED": "SIGSYS",
	"RTMAX":  "SIGRT_32",
}

func badSignal(tok string) error {
	e := &ParseError{Qualifier: "signal", What: "invalid signal", Token: tok,
		Hint: "use a name such as SIGINT or INT, or a number from 0 to 255"}
	var names []string // without "SIG", which would make any word look close
	for sig := 1; sysabi.SignalName(sig) != ""; sig++ {
		names = append(names, sysabi.SignalName(sig)[3:])
	}
	t := strings.ToUpper(tok)
	if len(t) >= 3 && t[:3] == "SIG" {
		t = t[3:]
	}
	if s, ok := signalAliases[t]; ok {
		e.Hint = "strace does not accept this alias either; use " + s
	} else if s := suggest(t, names); s != "" {
		e.Hint = "did you mean " + strconv.Quote("SIG"+s) + "?"
	}
	return e
}

// parseStatusSet parses the value of -e status=; names are
// case-insensitive, as in strace.
func parseStatusSet(value string) (StatusSet, error) {
	var in Status
	invert, err := parseList(value, func(tok string) error {
		for _, n := range statusNames {
			if strings.EqualFold(n.name, tok) {
				in |= n.st
				return nil
			}
		}
		e := &ParseError{Qualifier: "status", What: "invalid status", Token: tok,
			Hint: "use successful, failed, unfinished, unavailable or detached"}
		names := make([]string, len(statusNames))
		for i, n := range statusNames {
			names[i] = n.name
		}
		if s := suggest(tok, names); s != "" {
			e.Hint = "did you mean " + strconv.Quote(s) + "?"
		}
		return e
	})
	if err == errEmptyList {
		err = &ParseError{Qualifier: "status", What: "invalid status", Token: value,
			Hint: "use successful, failed, unfinished, unavailable or detached"}
	}
	if err != nil {
		return StatusSet{}, err
	}
	if invert {
		return StatusSet{off: in}, nil
	}
	return StatusSet{off: allStatuses &^ in}, nil
}
