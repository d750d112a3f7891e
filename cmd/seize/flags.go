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
				"--trace", "--signal", "--status", "--abbrev", "--verbose", "--raw":
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
			case "--trace", "--signal", "--status", "--abbrev", "--verbose", "--raw":
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

const usageText = `usage: seize [-cCfqrTvwxyzZ] [-t[t[t]]] [-e EXPR]... [-o FILE] [-s N] [-S SORTBY]
             [--format text|json|perfetto] -- CMD [ARGS...]
       seize [OPTIONS] -p PID[,PID...]

Trace the system calls and signals of a command, or of running processes,
without changing how they behave: attaching stops nothing, job control
(^Z, fg, bg, kill -STOP/-CONT) works as if untraced, and detaching leaves
every process in the state it was in. Options mean what they mean to
strace(1).

Tracing:
  -p PID[,PID], --attach=PID
                 attach to running processes (all their threads); ^C,
                 SIGTERM or SIGHUP detaches and exits
  -f, --follow-forks
                 follow forks: trace the children that traced processes
                 create with fork, vfork and clone
  -ff, --output-separately
                 with -o FILE and the text format, write each task's trace
                 to FILE.TID (one file per thread, as strace); otherwise
                 the same as -f
  --seccomp-bpf  with -f, a command and -e trace=SET: stop the program only
                 at the calls in SET, with a seccomp-bpf filter (the others
                 run at full speed). Off by default: the program sees the
                 filter (/proc/PID/status), and it cannot be removed, so
                 the program needs seize until it exits: told to stop,
                 seize stays, silent, until then; killed with SIGKILL, it
                 leaves the program's selected calls failing with ENOSYS

Filtering:
  -e trace=SET   trace only these system calls: names (open,close), !names,
                 classes (%file %process %net %signal %desc %memory %ipc
                 %creds %clock %stat ...), /REGEX, all, none;
                 NAME@64 or NAME@32 for one personality
  -e signal=SET  show only the delivery of these signals (names or numbers)
  -e status=SET  show only calls that ended so: successful, failed,
                 unfinished (never returned), detached
  -z, --successful-only
                 show only calls that succeeded (-e status=successful)
  -Z, --failed-only
                 show only calls that failed (-e status=failed)
  -e abbrev=SET  abbreviate the structures of these calls (default all)
  -e raw=SET     print these calls' arguments and result as raw hex
  -e verbose=SET accepted for strace compatibility; seize dereferences the
                 structures of every call
  A bare -e SET means -e trace=SET. Each -e replaces an earlier one of the
  same kind. The long forms --trace=, --signal=, --status=, --abbrev=,
  --raw= and --verbose= are the same.

Output:
  -o FILE, --output=FILE
                 write the trace to FILE instead of standard error
  --format FMT   text (default): strace's lines;
                 json: JSON Lines, one object per event, schema version 1
                 (docs/json-schema.md);
                 perfetto: a Chrome/Perfetto Trace Event file (to -o FILE,
                 default ` + defaultPerfettoFile + `) for ui.perfetto.dev or
                 chrome://tracing: a track per thread, a slice per call
  -s N, --string-limit=N
                 show at most N bytes of each string (default 32)
  -x             print strings that hold non-ASCII bytes in hex
  -xx            print all strings in hex
  -y, --decode-fds
                 print the path of each file descriptor: 3</etc/passwd>
  -v, --no-abbrev
                 print structures and arrays in full (-e abbrev=none)
  -t             prefix each line with the time of day
  -tt            ... with microseconds
  -ttt           ... as seconds since the epoch, with microseconds
  -r             prefix each line with the time since the previous one
  -T             append the time spent in each call: <0.000123>
  -q             no "attached"/"detached" messages
  -qq            also no "+++ exited with N +++" lines
  Every byte from a traced program is escaped: the output is printable
  ASCII, whatever the program writes.

Statistics:
  -c, --summary-only
                 print a table of calls, errors and time per system call
                 instead of the trace (with --format json: a "summary"
                 object)
  -C, --summary  print the trace and the table
  -S SORTBY, --summary-sort-by=SORTBY
                 sort the table by time (default), min-time, max-time,
                 avg-time, calls, errors, name or nothing
  -w, --summary-wall-clock
                 time each call from its entry to its exit (seize always
                 measures wall-clock time between the two stops; strace
                 without -w measures system CPU time)

  -h, --help     this text

Exit status: with a command, the command's own (seize dies by the same
signal if the command does); with -p, 0 once every process is detached or
gone, 1 if the trace could not be written; 1 for a usage error.

Examples:
  seize -f -e trace=%file -o trace.txt -- make
  seize -c -S calls -- ls -R /usr
  seize --format json -o trace.jsonl -p 4242
  seize --format perfetto -f -- ./server     (then open seize.trace.json
                                              in ui.perfetto.dev)
`
