package main

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// config is the parsed command line.
type config struct {
	follow bool   // -f
	output string // -o FILE
	quiet  bool   // -q
	pids   []int  // -p PID[,PID...]
	cmd    []string
	help   bool
}

// usageError is a command-line mistake; main prints it with a hint.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// parseArgs reads strace-style options: short flags that can be grouped
// (-fq), options with a value attached or separate (-oFILE, -o FILE), and
// the command after the options or after "--".
func parseArgs(args []string) (*config, error) {
	c := &config{}
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
			switch a {
			case "--help":
				c.help = true
				continue
			case "--follow-forks":
				c.follow = true
				continue
			case "--quiet":
				c.quiet = true
				continue
			}
			name, val, hasVal := strings.Cut(a[2:], "=")
			switch name {
			case "output":
				if !hasVal {
					if i+1 >= len(args) {
						return nil, usagef("option --output needs a file name")
					}
					i++
					val = args[i]
				}
				c.output = val
				continue
			case "attach":
				if !hasVal {
					if i+1 >= len(args) {
						return nil, usagef("option --attach needs a process id")
					}
					i++
					val = args[i]
				}
				if err := c.addPids(val); err != nil {
					return nil, err
				}
				continue
			}
			return nil, usagef("unknown option %q", a)
		}
		for j := 1; j < len(a); j++ {
			switch f := a[j]; f {
			case 'f':
				c.follow = true
			case 'q':
				c.quiet = true
			case 'h':
				c.help = true
			case 'o', 'p':
				val := a[j+1:]
				if val == "" {
					if i+1 >= len(args) {
						return nil, usagef("option -%c needs a value", f)
					}
					i++
					val = args[i]
				}
				if f == 'o' {
					c.output = val
				} else if err := c.addPids(val); err != nil {
					return nil, err
				}
				j = len(a)
			default:
				return nil, usagef("unknown option -%c", f)
			}
		}
	}
	c.cmd = args[i:]
	if c.help {
		return c, nil
	}
	switch {
	case len(c.pids) == 0 && len(c.cmd) == 0:
		return nil, usagef("nothing to trace: give a command (seize -- CMD ARGS) or a process (seize -p PID)")
	case len(c.pids) > 0 && len(c.cmd) > 0:
		return nil, usagef("give either a command or -p PID, not both")
	}
	return c, nil
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

const usageText = `usage: seize [-fq] [-o FILE] -- CMD [ARGS...]
       seize [-fq] [-o FILE] -p PID[,PID...]

Trace the system calls and signals of a command, or of running processes,
without changing how they behave: attaching stops nothing, job control
(^Z, fg, bg, kill -STOP/-CONT) works as if untraced, and detaching leaves
every process in the state it was in.

  -f            follow forks: trace child processes too
  -o FILE       write the trace to FILE instead of standard error
  -p PID[,PID]  attach to running processes (all their threads); ^C detaches
  -q            no "attached"/"detached" messages
  -h, --help    this text
`
