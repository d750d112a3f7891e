// Package filter implements strace's -e qualifier expressions (trace=,
// signal=, status=, abbrev=, verbose=, raw=, inject=, fault=) with strace
// 6.1's semantics, and builds seccomp-bpf programs that stop a tracee only
// at the system calls a SyscallSet selects.
//
// System call names resolve per architecture through package sysabi
// (x86_64, i386 and aarch64). The classes of -e trace=%CLASS come from a
// data table, classes.txt, read off strace 6.1's own behaviour and checked
// against it by the tests when strace is installed.
//
// Semantics taken from strace, each checked against strace 6.1:
//
//   - Every -e QUALIFIER= replaces what an earlier one of the same
//     qualifier selected ("-e trace=open -e trace=close" traces close only).
//   - A bare expression ("-e open") means trace=open; an unknown qualifier
//     ("-e foo=bar") is read as a system call list and fails.
//   - Each leading '!' inverts the set; "all" and "none" stand alone.
//   - In a list, empty items are skipped, and every item must select
//     something on at least one architecture unless prefixed by '?'.
//   - Items are names, decimal numbers, %classes (also the deprecated bare
//     class names, tried before names), and /REGEX matched anywhere in the
//     names; NAME@64 and NAME@32 restrict an item to 64-bit or 32-bit
//     (i386) system calls.
//   - System calls without a name are always selected (strace prints them
//     raw whatever the filter).
package filter

import (
	"fmt"
	"strings"
)

// Filter holds what -e expressions select. New returns one with strace's
// defaults; the zero Filter is the same except that Raw selects everything.
type Filter struct {
	// Trace is the set of -e trace=: the system calls that are shown.
	// Default: all.
	Trace SyscallSet
	// Abbrev is -e abbrev=: the system calls whose large structures are
	// abbreviated. Default: all.
	Abbrev SyscallSet
	// Verbose is -e verbose=: the system calls whose structures are
	// dereferenced. Default: all.
	Verbose SyscallSet
	// Raw is -e raw=: the system calls whose arguments are printed as raw
	// numbers. Default: none (unnamed system calls are always raw).
	Raw SyscallSet
	// Signals is -e signal=: the signals whose delivery is shown.
	// Default: all.
	Signals SignalSet
	// Status is -e status=: the return statuses of the system calls that
	// are shown. Default: all.
	Status StatusSet
	// Injects are the -e inject= and -e fault= expressions, in order (see
	// Inject). Default: none.
	Injects []Inject
}

// New returns a Filter with strace's defaults: every system call traced,
// abbreviated and verbose, none raw, every signal and status shown.
func New() *Filter {
	return &Filter{Raw: noneSyscalls()}
}

// qualifiers maps the qualifier names strace accepts before '=' to the
// canonical name; "" marks those seize does not implement.
var qualifiers = map[string]string{
	"trace": "trace", "t": "trace",
	"abbrev": "abbrev", "a": "abbrev",
	"verbose": "verbose", "v": "verbose",
	"raw": "raw", "x": "raw",
	"signal": "signal", "signals": "signal", "s": "signal",
	"status": "status",
	"inject": "inject", "fault": "fault",

	"read": "", "reads": "", "r": "",
	"write": "", "writes": "", "w": "",
	"kvm": "", "quiet": "", "silent": "", "silence": "", "q": "",
	"decode-fd": "", "decode-fds": "",
	"decode-pid": "", "decode-pids": "",
	"secontext": "",
}

// Parse applies one -e argument, such as "trace=open,close", "t=%file",
// "trace=!%net", "trace=/^open", "signal=!SIGCHLD", "status=failed",
// "inject=openat:error=ENOENT:when=3+", or a bare list like "open"
// (trace=open). The set it names replaces the one an earlier Parse gave
// the same qualifier, as in strace; inject= and fault= add an expression
// to Injects.
//
// On error f is unchanged and the error is a *ParseError whose message is a
// single line saying what to do.
func (f *Filter) Parse(expr string) error {
	qual, value := "trace", expr
	if name, v, ok := strings.Cut(expr, "="); ok {
		if q, known := qualifiers[name]; known {
			if q == "" {
				return &ParseError{Qualifier: name, What: "unsupported qualifier", Token: name,
					Hint: "seize implements trace, abbrev, verbose, raw, signal, status, inject and fault"}
			}
			qual, value = q, v
		}
	}
	switch qual {
	case "inject", "fault":
		in, err := parseInject(qual, value)
		if err != nil {
			return err
		}
		f.Injects = append(f.Injects, in)
	case "signal":
		s, err := parseSignalSet(value)
		if err != nil {
			return err
		}
		f.Signals = s
	case "status":
		s, err := parseStatusSet(value)
		if err != nil {
			return err
		}
		f.Status = s
	default:
		s, err := parseSyscallSet(qual, value)
		if err != nil {
			if name, _, ok := strings.Cut(expr, "="); ok && value == expr && isWord(name) {
				// strace reads "foo=bar" as a system call name and fails;
				// say what was more likely meant.
				return &ParseError{Qualifier: "trace", What: "unknown qualifier", Token: name,
					Hint: "use trace=, signal=, status=, abbrev=, verbose= or raw="}
			}
			return err
		}
		switch qual {
		case "trace":
			f.Trace = s
		case "abbrev":
			f.Abbrev = s
		case "verbose":
			f.Verbose = s
		case "raw":
			f.Raw = s
		}
	}
	return nil
}

// isWord reports whether s could be meant as a qualifier name.
func isWord(s string) bool {
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '-' && c != '_' {
			return false
		}
	}
	return s != ""
}

// ParseError is the error of Filter.Parse. Its message is one line:
//
//	invalid system call "opne" in -e trace: did you mean "open"?
type ParseError struct {
	// Qualifier is the canonical qualifier the expression was read as:
	// "trace", "abbrev", "verbose", "raw", "signal", "status", "inject"
	// or "fault" (or the unsupported qualifier's own name).
	Qualifier string
	// What says what is wrong, such as "invalid system call".
	What string
	// Token is the rejected part of the expression, as given.
	Token string
	// Hint says what to do, such as `did you mean "open"?`.
	Hint string
}

// Error returns "WHAT "TOKEN" in -e QUALIFIER: HINT", with the token quoted
// so that no byte of it can break the line.
func (e *ParseError) Error() string {
	return fmt.Sprintf("%s %q in -e %s: %s", e.What, e.Token, e.Qualifier, e.Hint)
}
