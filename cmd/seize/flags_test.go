package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/seize-dev/seize/format"
	"github.com/seize-dev/seize/sysabi"
)

// TestParseArgs: short flags, grouped flags and strace's long options
// give the same configuration.
func TestParseArgs(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"-f -o F -c -- ls", "--follow-forks --output=F --summary-only ls"},
		{"-ff -o F ls", "--follow-forks --output-separately --output F ls"},
		{"-fqq -xx -s64 -y -v ls", "-f -q -q --strings-in-hex --string-limit=64 --decode-fds --no-abbrev ls"},
		{"-x ls", "--strings-in-hex=non-ascii ls"},
		{"-ttt -r -T ls", "--absolute-timestamps=unix,us --relative-timestamps --syscall-times ls"},
		{"-tt ls", "--absolute-timestamps=us ls"},
		{"-t ls", "--absolute-timestamps ls"},
		{"-C -S calls -w ls", "--summary --summary-sort-by=calls --summary-wall-clock ls"},
		{"-z ls", "--successful-only ls"},
		{"-Z ls", "-e status=failed ls"},
		{"-etrace=open,close -e signal=!SIGCHLD ls", "--trace=open,close --signal=!SIGCHLD ls"},
		{"-e open ls", "-e trace=open ls"},
		{"-p 1,2 -p 2", "--attach=1 --attach 2"},
	} {
		ca, erra := parseArgs(strings.Fields(tc.a))
		cb, errb := parseArgs(strings.Fields(tc.b))
		if erra != nil || errb != nil {
			t.Errorf("%q: %v; %q: %v", tc.a, erra, tc.b, errb)
			continue
		}
		if !reflect.DeepEqual(ca, cb) {
			t.Errorf("%q and %q differ:\n%+v\n%+v", tc.a, tc.b, ca, cb)
		}
	}
	c, err := parseArgs(strings.Fields("-ff -tttt -xxx -e trace=%file -v -- ls -l"))
	if err != nil {
		t.Fatal(err)
	}
	open, _ := sysabi.SyscallNumber(sysabi.ArchX86_64, "openat")
	read, _ := sysabi.SyscallNumber(sysabi.ArchX86_64, "read")
	switch {
	case !c.follow || c.separate: // -ff without -o is -f
		t.Errorf("-ff without -o: follow %v separate %v", c.follow, c.separate)
	case c.timeFmt != format.TimeUnix || c.hex != 2:
		t.Errorf("-tttt -xxx: %v %v", c.timeFmt, c.hex)
	case !c.filter.Trace.Has(sysabi.ArchX86_64, open) || c.filter.Trace.Has(sysabi.ArchX86_64, read):
		t.Errorf("-e trace=%%file selects the wrong calls")
	case c.filter.Abbrev.Has(sysabi.ArchX86_64, open):
		t.Errorf("-v leaves abbreviation on")
	case strings.Join(c.cmd, " ") != "ls -l":
		t.Errorf("command %q", c.cmd)
	}
	c, _ = parseArgs(strings.Fields("--format perfetto ls"))
	if c.output != defaultPerfettoFile {
		t.Errorf("perfetto without -o writes to %q", c.output)
	}
	for _, tc := range []struct {
		args string
		want int
	}{{"ls", 0}, {"-s 0 ls", -1}, {"-s0 ls", -1}, {"--string-limit=0 ls", -1}, {"-s 5 ls", 5}} {
		// 0 is decode's default (32); -1 its -s 0.
		c, err := parseArgs(strings.Fields(tc.args))
		if err != nil {
			t.Errorf("%q: %v", tc.args, err)
		} else if c.strLimit != tc.want {
			t.Errorf("%q: string limit %d, want %d", tc.args, c.strLimit, tc.want)
		}
	}
	c, _ = parseArgs(strings.Fields("-S calls ls"))
	if len(c.warnings) != 1 {
		t.Errorf("-S without -c: warnings %q", c.warnings)
	}
}
