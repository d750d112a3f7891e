package filter

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/seize-dev/seize/sysabi"
)

// These tests use strace as the oracle: the probe calls every numbered
// system call under a seccomp filter that fails them all without running
// them (ptrace's syscall-entry stop comes first, so strace still sees
// them), and `strace -n -e EXPR` shows which numbers strace selects.

// straceRun is what strace did with one set of -e arguments.
type straceRun struct {
	accepted bool                // strace accepted the expressions
	selected map[uint64]bool     // numbers strace printed
	names    map[uint64]string   // the name strace printed for each
	unknown  map[uint64]struct{} // numbers strace 6.1 cannot name
	message  string              // strace's error, if it refused
}

var straceLine = regexp.MustCompile(`^\[\s*(\d+)\] ([a-z0-9_]+)\(.*ENOTUNIQ`)

// runStrace runs the probe under strace with the given -e expressions.
func runStrace(t *testing.T, probe string, nrs []uint64, exprs ...string) straceRun {
	t.Helper()
	out := filepath.Join(t.TempDir(), "strace.out")
	args := []string{"-n", "-qq", "-o", out}
	for _, e := range exprs {
		args = append(args, "-e", e)
	}
	args = append(args, probe, "oracle")
	args = append(args, numberArgs(nrs)...)
	cmd := exec.Command("strace", args...)
	cmd.Dir = t.TempDir()
	msg, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 1 && strings.HasPrefix(string(msg), "strace: ") {
		return straceRun{message: firstLine(msg)}
	}
	if err != nil {
		t.Fatalf("strace %s: %v\n%s", strings.Join(exprs, " "), err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	r := straceRun{accepted: true, selected: map[uint64]bool{}, names: map[uint64]string{}, unknown: map[uint64]struct{}{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		m := straceLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		n, _ := strconv.ParseUint(m[1], 10, 64)
		if strings.HasPrefix(m[2], "syscall_") {
			r.unknown[n] = struct{}{}
			continue
		}
		r.selected[n] = true
		r.names[n] = m[2]
	}
	return r
}

func needStrace(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace is not installed")
	}
	out, err := exec.Command("strace", "-V").Output()
	if err != nil || !bytes.HasPrefix(out, []byte("strace -- version 6.")) {
		t.Skipf("these tests expect strace 6.x, have %q", firstLine(out))
	}
}

// compareWithStrace checks that f.Trace selects on arch what strace
// selected, for every number strace 6.1 can name.
func compareWithStrace(t *testing.T, what string, arch sysabi.Arch, nrs []uint64, s *SyscallSet, r straceRun) {
	t.Helper()
	var diffs []string
	for _, n := range nrs {
		if _, unknown := r.unknown[n]; unknown {
			continue // newer than strace 6.1, which always shows it
		}
		if isMultiplexer(arch, n) {
			// The probe calls socketcall and ipc with subcall 0, which
			// strace shows under the multiplexer's own flags; seize also
			// selects them by their subcalls' classes (see subcall).
			continue
		}
		if got, want := s.Has(arch, n), r.selected[n]; got != want {
			diffs = append(diffs, sysabi.SyscallName(arch, n)+"="+strconv.FormatBool(got))
		}
	}
	if len(diffs) > 0 {
		t.Errorf("%s on %s: %d system calls differ from strace (seize's verdict shown): %s",
			what, arch, len(diffs), strings.Join(diffs[:min(len(diffs), 20)], " "))
	}
}

func isMultiplexer(arch sysabi.Arch, n uint64) bool {
	i := archIndex(arch)
	for _, sc := range archTables()[i].subcalls {
		if sc.mux == n {
			return true
		}
	}
	return false
}

// TestClassesMatchStrace checks classes.txt: for x86_64 and i386 (when cc
// can build 32-bit programs), every class selects exactly the system calls
// strace selects, and every system call strace names is spelled as sysabi
// spells it.
func TestClassesMatchStrace(t *testing.T) {
	needStrace(t)
	classes := append(ClassNames(), "file", "process", "network", "signal", "ipc", "desc", "memory")
	for _, arch := range []sysabi.Arch{sysabi.ArchX86_64, sysabi.ArchI386} {
		t.Run(arch.String(), func(t *testing.T) {
			probe := buildProbe(t, arch)
			nrs := probeNumbers(arch)
			all := runStrace(t, probe, nrs, "trace=all")
			if !all.accepted || len(all.selected) < 300 {
				t.Fatalf("strace -e trace=all showed %d system calls (%s)", len(all.selected), all.message)
			}
			for n, name := range all.names {
				if ours := sysabi.SyscallName(arch, n); ours != name {
					t.Errorf("%s %d: strace says %q, sysabi %q", arch, n, name, ours)
				}
			}
			for _, c := range classes {
				r := runStrace(t, probe, nrs, "trace="+c)
				if !r.accepted {
					t.Fatalf("strace refused trace=%s: %s", c, r.message)
				}
				if len(r.selected) == 0 {
					t.Errorf("strace selected nothing for trace=%s", c)
				}
				f := New()
				if err := f.Parse("trace=" + c); err != nil {
					t.Fatal(err)
				}
				compareWithStrace(t, "trace="+c, arch, nrs, &f.Trace, r)
			}
		})
	}
}

// TestExpressionsMatchStrace checks the parser against strace: the same
// expressions are accepted or refused, and accepted ones select the same
// system calls (on x86_64, whose strace has the i386 personality too, so
// @32 and @64 are covered).
func TestExpressionsMatchStrace(t *testing.T) {
	needStrace(t)
	probe := buildProbe(t, sysabi.ArchX86_64)
	nrs := probeNumbers(sysabi.ArchX86_64)
	// Two unassigned numbers, which strace shows whatever the expression.
	unnamed := []uint64{400, 1000}
	for _, n := range unnamed {
		if !strings.HasPrefix(sysabi.SyscallName(sysabi.ArchX86_64, n), "syscall_") {
			t.Fatalf("x86_64 %d has a name now; pick another unassigned number", n)
		}
	}
	nrs = append(nrs, unnamed...)
	tests := [][]string{
		// accepted
		{"trace=all"}, {"trace=none"}, {"trace=!all"}, {"trace=!none"}, {"trace=!!none"},
		{"trace=!%file"}, {"trace=!!%net"}, {"trace=open,close"}, {"open"}, {"t=%desc"},
		{"trace=/^open"}, {"trace=/stat"}, {"trace=/^(.*_)?statv?fs"}, {"trace=!/^get"},
		{"trace=/^[[:alpha:]]+$"}, {"trace=/a|b"}, {"trace=2"}, {"trace=02"}, {"trace=0"},
		{"trace=400"}, {"trace=open@64"}, {"trace=open@32"}, {"trace=%file@32"},
		{"trace=%file@64"}, {"trace=/^get@64"}, {"trace=2@32"}, {"trace=?zzz"},
		{"trace=?zzz,read"}, {"trace=??zzz"}, {"trace=open,,close"}, {"trace=open,all"},
		{"trace=accept"}, {"trace=?/zzz,write"}, {"trace=%net,%ipc"}, {"trace=socketcall"},
		{"trace=?accept@32,read"}, {"trace=signal,ipc"}, {"trace=accept@32"}, {"trace=send"},
		{"trace=shmat@32"},
		{"trace=open", "trace=close"}, {"trace=open", "trace=!close"}, {"open", "signal=none"},
		{"abbrev=none"}, {"x=open"}, {"v=!%file"},
		{"signal=!SIGCHLD"}, {"s=int,term"}, {"signals=RTMIN,RT_1,SIGRT_32"}, {"signal=0,05,255"},
		{"signal=io"}, {"status=failed"}, {"status=Successful,DETACHED"}, {"status=!unfinished"},
		// refused
		{"trace=opne"}, {"trace="}, {"trace=,"}, {"trace=/zzz"}, {"trace=/("}, {"trace=99999"},
		{"trace=2x"}, {"trace=-1"}, {"trace=%foo"}, {"trace=%NET"}, {"trace=Open"}, {"trace=net"},
		{"foo=bar"}, {"trace=open@foo"}, {"trace=open@64@32"}, {"trace=all,zzz"}, {"trace=@64"},
		{"trace= open"}, {"trace=newfstatat@32"}, {"trace=?open@x"}, {"trace=/^@"},
		{"signal=IOT"}, {"signal=RTMAX"}, {"signal=RT_33"}, {"signal=RT_0"}, {"signal=poll"},
		{"signal=256"}, {"signal=-1"}, {"signal="}, {"signal=SIG"}, {"status=bad"}, {"status="},
		{"status=succ"},
	}
	for _, exprs := range tests {
		name := strings.Join(exprs, " ")
		r := runStrace(t, probe, nrs, exprs...)
		f := New()
		var err error
		for _, e := range exprs {
			if err = f.Parse(e); err != nil {
				break
			}
		}
		switch {
		case r.accepted && err != nil:
			t.Errorf("%s: strace accepts, seize says %v", name, err)
			continue
		case !r.accepted && err == nil:
			t.Errorf("%s: seize accepts, strace says %s", name, r.message)
			continue
		case !r.accepted:
			continue
		}
		// The probe makes no system call when given no number, so only the
		// trace set can be compared; signal= and status= rows check
		// acceptance only.
		if strings.HasPrefix(exprs[len(exprs)-1], "status=") {
			continue // the probe's calls all fail, so status= hides some
		}
		compareWithStrace(t, name, sysabi.ArchX86_64, nrs, &f.Trace, r)
		// strace shows every system call it cannot name, whatever the set.
		for _, n := range unnamed {
			if _, shown := r.unknown[n]; !shown {
				t.Errorf("%s: strace did not show unnamed %d", name, n)
			}
			if !f.Trace.Has(sysabi.ArchX86_64, n) {
				t.Errorf("%s: seize does not select unnamed %d", name, n)
			}
		}
	}
}
