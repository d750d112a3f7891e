package main

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/seize-dev/seize/filter"
	"github.com/seize-dev/seize/format"
)

// Output formats (--format).
const (
	formatText     = "text"
	formatJSON     = "json"
	formatPerfetto = "perfetto"
)

// defaultPerfettoFile is where --format perfetto writes without -o.
const defaultPerfettoFile = "seize.trace.json"

// Summary modes (-c, -C).
const (
	summaryNone = iota
	summaryOnly // -c: the table instead of the trace
	summaryToo  // -C: the trace and the table
)

// config is the parsed command line.
type config struct {
	follow    bool   // -f
	separate  bool   // -ff with -o: a file per task
	output    string // -o FILE
	quiet     int    // -q, -qq, -qqq
	pids      []int  // -p PID[,PID...]
	cmd       []string
	help      bool
	format    string // --format
	filter    *filter.Filter
	strLimit  int               // -s
	hex       int               // -x, -xx
	fdPaths   bool              // -y
	timeFmt   format.TimeFormat // -t, -tt, -ttt
	relative  bool              // -r
	durations bool              // -T
	summary   int               // -c, -C
	sortBy    format.SortBy     // -S
	sortSet   bool
	wallClock bool     // -w
	seccomp   bool     // --seccomp-bpf (seccomp.go)
	warnings  []string // printed by the launching process only
}

// usageError is a command-line mistake; main prints it with a hint.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// longFlags maps strace's long options without a value to their short
// form.
var longFlags = map[string]string{
	"--help":                "h",
	"--follow-forks":        "f",
	"--quiet":               "q",
	"--summary-only":        "c",
	"--summary":             "C",
	"--summary-wall-clock":  "w",
	"--successful-only":     "z",
	"--failed-only":         "Z",
	"--relative-timestamps": "r",
	"--syscall-times":       "T",
	"--no-abbrev":           "v",
	"--absolute-timestamps": "t",
	"--strings-in-hex":      "xx",
	"--decode-fds":          "y",
	"--output-separately":   "",
	"--seccomp-bpf":         "",
}

// parseArgs reads strace-style options: short flags that can be grouped
// (-fqq), options with a value attached or separate (-oFILE, -o FILE,
// -etrace=open), strace's long options (--output=FILE), and the command
// after the options or after "--".
func parseArgs(args []string) (*config, error) {
	c := &config{format: formatText, filter: filter.New()}
	follow, separately := 0, false
	tflags, xflags := 0, 0
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if len(a) < 2 || a[0] != '-' {
			break
		}
		if strings.HasPrefix(a, "--") {
			name, val, hasVal := strings.Cut(a, "=")
			if short, ok := longFlags[name]; ok && !hasVal {
				switch {
				case name == "--output-separately":
					separately = true
				case name == "--seccomp-bpf":
					c.seccomp = true
				case name == "--follow-forks":
					follow = max(follow, 1)
				case short == "xx":
					xflags = 2
				case short == "t":
					tflags = 1
				default:
					if err := c.short(short[0], &follow, &tflags, &xflags); err != nil {
						return nil, err
					}
				}
				continue
			}
			needVal := func() (string, error) {
				if hasVal {
					return val, nil
				}
				if i+1 >= len(args) {
					return "", usagef("option %s needs a value", name)
				}
				i++
				return args[i], nil
			}
			var err error
			switch name {
			case "--output", "--attach", "--string-limit", "--summary-sort-by", "--format",
				"--trace", "--signal", "--status", "--abbrev", "--verbose", "--raw", "--inject", "--fault":
				if val, err = needVal(); err != nil {
					return nil, err
				}
			}
			switch name {
			case "--output":
				c.output = val
			case "--attach":
				err = c.addPids(val)
			case "--string-limit":
				err = c.setStrLimit(val)
			case "--summary-sort-by":
				err = c.setSortBy(val)
			case "--format":
				if val != formatText && val != formatJSON && val != formatPerfetto {
					return nil, usagef("invalid --format %q: use text, json or perfetto", val)
				}
				c.format = val
			case "--trace", "--signal", "--status", "--abbrev", "--verbose", "--raw", "--inject", "--fault":
				err = c.filter.Parse(name[2:] + "=" + val)
			case "--absolute-timestamps":
				switch val {
				case "time", "time,s", "format:time":
					tflags = 1
				case "us", "time,us", "format:time,precision:us":
					tflags = 2
				case "unix,us", "format:unix,precision:us":
					tflags = 3
				default:
					return nil, usagef("invalid --absolute-timestamps %q: use time, time,us or unix,us", val)
				}
			case "--strings-in-hex":
				switch val {
				case "non-ascii":
					xflags = 1
				case "all":
					xflags = 2
				default:
					return nil, usagef("invalid --strings-in-hex %q: use non-ascii or all", val)
				}
			case "--decode-fds":
				if val != "path" {
					return nil, usagef("invalid --decode-fds %q: seize decodes paths only (path)", val)
				}
				c.fdPaths = true
			default:
				return nil, usagef("unknown option %q", a)
			}
			if err != nil {
				return nil, err
			}
			continue
		}
		for j := 1; j < len(a); j++ {
			switch f := a[j]; f {
			case 'o', 'p', 'e', 's', 'S':
				val := a[j+1:]
				if val == "" {
					if i+1 >= len(args) {
						return nil, usagef("option -%c needs a value", f)
					}
					i++
					val = args[i]
				}
				var err error
				switch f {
				case 'o':
					c.output = val
				case 'p':
					err = c.addPids(val)
				case 'e':
					err = c.filter.Parse(val)
				case 's':
					err = c.setStrLimit(val)
				case 'S':
					err = c.setSortBy(val)
				}
				if err != nil {
					return nil, err
				}
				j = len(a)
			default:
				if err := c.short(f, &follow, &tflags, &xflags); err != nil {
					return nil, err
				}
			}
		}
	}
	c.cmd = args[i:]
	if c.help {
		return c, nil
	}
	c.follow = follow > 0 || separately
	// strace: -ff without -o is -f; a file per task only with -o, and
	// only for the text format.
	c.separate = (follow > 1 || separately) && c.output != "" && c.format == formatText
	c.timeFmt = format.TimeFormat(min(tflags, 3))
	c.hex = min(xflags, 2)
	if c.format == formatPerfetto && c.output == "" {
		c.output = defaultPerfettoFile
	}
	switch {
	case len(c.pids) == 0 && len(c.cmd) == 0:
		return nil, usagef("nothing to trace: give a command (seize -- CMD ARGS) or a process (seize -p PID)")
	case len(c.pids) > 0 && len(c.cmd) > 0:
		return nil, usagef("give either a command or -p PID, not both")
	case c.wallClock && c.summary == summaryNone:
		return nil, usagef("-w needs -c or -C: it chooses what the summary measures")
	case c.separate && c.summary != summaryNone:
		return nil, usagef("-c and -C cannot be used with -ff: the summary has no file of its own")
	}
	c.seccompWarnings()
	if c.sortSet && c.summary == summaryNone {
		c.warnings = append(c.warnings, "-S has no effect without -c or -C")
	}
	return c, nil
}

// short applies a short flag without a value.
func (c *config) short(f byte, follow, tflags, xflags *int) error {
	switch f {
	case 'f':
		*follow++
	case 'q':
		c.quiet++
	case 'h':
		c.help = true
	case 'x':
		*xflags++
	case 'y':
		c.fdPaths = true
	case 'v':
		// strace: -v is -e abbrev=none.
		if err := c.filter.Parse("abbrev=none"); err != nil {
			return err
		}
	case 't':
		*tflags++
	case 'r':
		c.relative = true
	case 'T':
		c.durations = true
	case 'z':
		return c.filter.Parse("status=successful")
	case 'Z':
		return c.filter.Parse("status=failed")
	case 'c':
		if c.summary == summaryToo {
			return usagef("-c and -C cannot be used together")
		}
		c.summary = summaryOnly
	case 'C':
		if c.summary == summaryOnly {
			return usagef("-c and -C cannot be used together")
		}
		c.summary = summaryToo
	case 'w':
		c.wallClock = true
	default:
		return usagef("unknown option -%c", f)
	}
	return nil
}

func (c *config) setStrLimit(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return usagef("invalid -s %q: give the number of bytes of strings to show", s)
	}
	c.strLimit = n
	if n == 0 {
		c.strLimit = -1 // decode's spelling of -s 0
	}
	return nil
}

func (c *config) setSortBy(s string) error {
	by, ok := format.ParseSortBy(s)
	if !ok {
		return usagef("invalid -S %q: use time, min-time, max-time, avg-time, calls, errors, name or nothing", s)
	}
	c.sortBy, c.sortSet = by, true
	return nil
}

func (c *config) addPids(s string) error {
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		pid, err := strconv.Atoi(f)
		if err != nil || pid <= 0 {
			var ne *strconv.NumError
			if errors.As(err, &ne) || err == nil {
				return usagef("invalid process id %q: give a positive number, as shown by ps", f)
			}
			return usagef("invalid process id %q", f)
		}
		if !slices.Contains(c.pids, pid) { // -p 5,5 attaches once
			c.pids = append(c.pids, pid)
		}
	}
	if len(c.pids) == 0 {
		return usagef("option -p needs a process id")
	}
	return nil
}

// usageText is seize --help: a manual page, in strace's order of groups.
// TestHelpText checks that it names every option parseArgs accepts.
const usageText = `NAME
    seize - trace system calls and signals without changing how programs
    behave

SYNOPSIS
    seize [-cCfqrTvwxyzZ] [-t[t[t]]] [-e EXPR]... [-o FILE] [-s N] [-S SORTBY]
          [--format text|json|perfetto] [--] CMD [ARGS...]
    seize [OPTIONS] -p PID[,PID...]
    seize snapshot [--format text|json] [-s N] PID
    seize -h | --help

DESCRIPTION
    seize runs CMD, or attaches to the running processes PID, and prints
    every system call they make, every signal they receive and how they
    end, in the format of strace(1): one line per call, with its name,
    decoded arguments and result. Options mean what they mean to strace.

    Tracing is invisible to the program:
      - attaching stops nothing and sends nothing;
      - job control (^Z, fg, bg, kill -STOP and -CONT) works as if the
        program were not traced: the shell sees one job, the program;
      - no system call fails with EINTR because of the tracer, not even
        epoll_wait, sigtimedwait, semtimedop or a receive with SO_RCVTIMEO;
      - detaching (^C, SIGTERM or SIGHUP with -p) leaves every process as
        it was: a stopped one stopped, a sleeping one asleep in the same
        call.

    With CMD, the seize process becomes CMD (it execs it, as strace -D
    does): CMD keeps seize's pid, parent and terminal, and the tracer runs
    apart, in a session of its own. seize exits when CMD does, with its
    status. With -p, seize traces every thread of each process until all
    have exited or seize is interrupted, then detaches. ^Z stops seize
    but never the processes it traces: seize detaches first, so they run
    on untraced, and attaches again when fg or bg continues it.

    The trace goes to standard error, or to FILE with -o. Every byte that
    comes from the traced program is escaped: the trace is printable ASCII.

OPTIONS
  General
    -e EXPR       a qualifying expression, QUALIFIER=[!]VALUE[,VALUE]...:
                  trace, signal, status, abbrev, verbose or raw (below).
                  A bare -e SET means -e trace=SET. Each -e replaces an
                  earlier one with the same qualifier.
    -h, --help    print this manual and exit

  Startup
    -p PID[,PID...], --attach=PID
                  attach to the running processes PID, all their threads;
                  may be repeated. Without -p, seize runs CMD.

  Tracing
    -f, --follow-forks
                  also trace the children that traced processes create
                  with fork, vfork and clone (threads are always traced)
    -ff, --output-separately
                  with -o FILE and the text format, write the trace of
                  each task to FILE.TID; otherwise the same as -f
    --seccomp-bpf with -f, a command and -e trace=SET: stop the program
                  only at the calls in SET, with a seccomp-bpf filter (the
                  others run at full speed). Off by default: the program
                  sees the filter (/proc/PID/status), and it cannot be
                  removed, so the program needs seize until it exits: told
                  to stop, seize stays, silent, until then; killed with
                  SIGKILL, it leaves the program's selected calls failing
                  with ENOSYS (docs/seccomp.md)

  Filtering
    -e trace=SET, --trace=SET
                  show only these system calls. SET is a comma-separated
                  list of names (openat,close), numbers, classes (%file
                  %desc %process %net %signal %ipc %memory %creds %clock
                  %stat %lstat %fstat %%stat %statfs %fstatfs %%statfs
                  %pure), /REGEX (matching names), all or none. A leading
                  ! inverts the set; ?NAME ignores an unknown NAME;
                  NAME@64 and NAME@32 select one personality.
    -e signal=SET, --signal=SET
                  show only the delivery of these signals (names, with or
                  without SIG, or numbers; all, none, !SET)
    -e status=SET, --status=SET
                  show only the calls that ended so: successful, failed,
                  unfinished (never returned), unavailable, detached
    -z, --successful-only
                  show only calls that succeeded (-e status=successful)
    -Z, --failed-only
                  show only calls that failed (-e status=failed)

  Tampering (strace's syntax and meaning; see docs/inject.md)
    -e inject=SET:ACTION[:ACTION...][:when=WHEN], --inject=...
                  tamper with the calls of SET (as in trace=), if traced:
                  error=ERRNO   fail without running: ENOENT, or 1..4095
                  retval=N      return N without running
                  signal=SIG    deliver SIG as the call returns
                  delay_enter=TIME, delay_exit=TIME
                                hold the task at the call's entry or
                                exit; TIME in microseconds, or 1.5ms,
                                2s, 100ns
                  error= and retval= are marked (INJECTED) in the trace,
                  delays (DELAYED)
    -e fault=SET[:error=ERRNO][:when=WHEN], --fault=...
                  inject=SET:error=ERRNO, ENOSYS by default
                  WHEN is FIRST[..LAST][+[STEP]]: the FIRST call of each
                  system call in each task, then every STEP-th up to
                  LAST: 3 (the 3rd only), 3+ (the 3rd and later), 3+2
                  (3rd, 5th, 7th...), 2..4 (2nd to 4th). Default: every
                  call. A later -e inject= replaces an earlier one for the
                  calls they share.

  Output format
    -o FILE, --output=FILE
                  write the trace to FILE instead of standard error
    --format FORMAT
                  text: strace's lines (the default);
                  json: JSON Lines, one object per event (schema in
                  docs/json-schema.md);
                  perfetto: a Chrome/Perfetto trace, to -o FILE or else
                  ` + defaultPerfettoFile + `, for ui.perfetto.dev or chrome://tracing
    -s N, --string-limit=N
                  show at most N bytes of each string and N elements of
                  each array (default 32; 0 shows none: ""..., [...])
    -x, --strings-in-hex=non-ascii
                  print strings that hold non-ASCII bytes in hex
    -xx, --strings-in-hex[=all]
                  print all strings in hex
    -y, --decode-fds[=path]
                  print the path of each file descriptor: 3</etc/passwd>
    -v, --no-abbrev
                  print structures and arrays in full (-e abbrev=none)
    -e abbrev=SET, --abbrev=SET
                  abbreviate the structures of these calls (default all)
    -e verbose=SET, --verbose=SET
                  dereference the structures of these calls (default
                  all); the others print structures and arrays as
                  addresses
    -e raw=SET, --raw=SET
                  print these calls' arguments and results in hex, undecoded
    -t, --absolute-timestamps[=time]
                  prefix each line with the time of day
    -tt, --absolute-timestamps=time,us
                  ... with microseconds
    -ttt, --absolute-timestamps=unix,us
                  ... as seconds since the epoch, with microseconds
    -r, --relative-timestamps
                  prefix each line with the time since the previous one
    -T, --syscall-times
                  append the time spent in each call: <0.000123>
    -q, --quiet   no "attached" and "detached" messages
    -qq           also no "+++ exited with N +++" lines
    -qqq          also no "+++ superseded by execve +++" lines

  Statistics
    -c, --summary-only
                  instead of the trace, print a table of calls, errors
                  and system time per call (with --format json, one
                  "summary" object)
    -C, --summary print the trace and the table
    -S SORTBY, --summary-sort-by=SORTBY
                  sort the table by time (default), min-time, max-time,
                  avg-time, calls, errors, name or nothing
    -w, --summary-wall-clock
                  count the wall-clock time of each call, from its entry
                  to its exit; without -w the table counts system CPU
                  time, the thread's own time in the kernel between the
                  two stops (strace samples its whole process's in ticks)

  Snapshot
    seize snapshot [--format text|json] [-s N] PID
                  show what every thread of PID is doing right now: the
                  call it is blocked in, with decoded arguments and file
                  paths, or where it runs in user space; then release it
                  exactly as it was (seize snapshot --help,
                  docs/snapshot.md). To trace a command named snapshot,
                  write seize -- snapshot.

EXIT STATUS
    With CMD: CMD's own exit status; if CMD is killed by a signal, seize
    (which is CMD) is killed by the same signal, as the shell shows.
    With -p: 0 once every process has exited or been detached; 1 if no
    process could be attached or the trace could not be written.
    1 for a usage error, with a one-line message on standard error.

EXAMPLES
    seize -- ls /                        trace ls
    seize -f -e trace=%file -o trace.txt -- make
                                         the files a build opens, children
                                         included, into trace.txt
    seize -e trace=openat -z -y -p 4242  the files a running process opens
    seize -c -S calls -- ls -R /usr      count the calls of a command
    seize --format json -o t.jsonl -p 4242
                                         a machine-readable trace of 4242
    seize --format perfetto -f -- ./server
                                         a timeline in seize.trace.json, for
                                         ui.perfetto.dev
    ^C ends -p tracing: seize detaches, leaving every process as it was;
    ^Z pauses it (the processes run on untraced until fg or bg).

SEE ALSO
    strace(1), ptrace(2), wait(2), signal(7).
    The documentation in seize's source: docs/usage.md, docs/filtering.md,
    docs/output-formats.md, docs/statistics.md, docs/job-control.md,
    docs/library.md, docs/inject.md, docs/snapshot.md, docs/seccomp.md,
    docs/json-schema.md.
`
