package decode_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/decode"
	"github.com/seize-dev/seize/sysabi"
)

// buildCalls compiles testdata/calls.c and returns its path.
func buildCalls(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("cc"); err != nil {
		t.Skip("no C compiler")
	}
	bin := filepath.Join(t.TempDir(), "calls")
	out, err := exec.Command("cc", "-O0", "-w", "-o", bin, "testdata/calls.c").CombinedOutput()
	if err != nil {
		t.Fatalf("cc: %v\n%s", err, out)
	}
	return bin
}

// runDir makes an empty directory holding a copy of bin as ./calls (the
// program re-executes ./calls) and returns the directory and the copy.
func runDir(t *testing.T, bin string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "calls")
	if err := os.WriteFile(exe, b, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, exe
}

// traceLines runs argv under a seize tracer and formats every system call
// of the started process as strace does, with decode.
func traceLines(t *testing.T, dir string, argv []string, opts decode.Options, fdPaths bool) []string {
	t.Helper()
	var (
		mu    sync.Mutex
		lines []string
		dec   decode.Decoder
		call  decode.Call
		line  []byte
		open  bool
		pid   int
		cur   int // the task being decoded, for FdPath
	)
	if fdPaths {
		opts.FdPath = func(fd int) string {
			p := fmt.Sprintf("/proc/%d/fd/%d", cur, fd)
			if fd == -100 { // AT_FDCWD
				p = fmt.Sprintf("/proc/%d/cwd", cur)
			}
			s, _ := os.Readlink(p)
			return s
		}
	}
	dec = decode.Decoder{Opts: opts}
	handler := func(ev *seize.Event) {
		mu.Lock()
		defer mu.Unlock()
		if ev.Task.Tid() != pid && pid != 0 {
			return
		}
		cur = ev.Task.Tid()
		switch ev.Kind {
		case seize.EventSyscallEntry:
			call.SetStackPointer(ev.SP)
			line = line[:0]
			args := dec.Entry(nil, &call, sysabi.Arch(ev.Arch), ev.Nr, ev.Args, ev.Task)
			line = append(line, call.Name()...)
			line = append(line, '(')
			line = append(line, args...)
			open = true
		case seize.EventSyscallExit:
			if !open {
				return
			}
			var res string
			line, res = dec.Exit(line, &call, ev.Ret, int(ev.Errno), ev.Task)
			line = append(line, ')')
			for len(line) < 39 {
				line = append(line, ' ')
			}
			line = append(line, " = "...)
			line = append(line, res...)
			lines = append(lines, string(line))
			open = false
		case seize.EventExiting:
			if open {
				line = append(line, ')')
				for len(line) < 39 {
					line = append(line, ' ')
				}
				line = append(line, " = ?"...)
				lines = append(lines, string(line))
				open = false
			}
		}
	}
	tr, err := seize.NewTracer(&seize.Options{Syscalls: true, Handler: handler})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	// The handler runs during Start: do not hold mu here.
	p, err := tr.Start(argv, &os.ProcAttr{Dir: dir, Files: []*os.File{null, null, null}})
	mu.Lock()
	pid = p
	mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- tr.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("traced program did not finish")
	}
	mu.Lock()
	defer mu.Unlock()
	return lines
}

// straceLines runs argv under strace and returns its syscall lines.
func straceLines(t *testing.T, dir string, argv []string, flags ...string) []string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "strace.out")
	args := append(append([]string{"-o", out}, flags...), argv...)
	cmd := exec.Command("strace", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr // standard input and output are /dev/null, as for seize
	if err := cmd.Run(); err != nil {
		t.Fatalf("strace: %v\n%s", err, stderr.Bytes())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for i, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if strings.HasPrefix(l, "---") || strings.HasPrefix(l, "+++") {
			continue
		}
		if i == 0 && strings.HasPrefix(l, "execve(") {
			continue // the first exec happens before seize has the process
		}
		lines = append(lines, l)
	}
	return lines
}

var (
	reHex     = regexp.MustCompile(`0x[0-9a-f]{5,}`) // addresses; flags stay
	rePad     = regexp.MustCompile(`\) +=( |$)`)
	reTime    = regexp.MustCompile(`(tv_sec|tv_nsec|tv_usec|st_atime|st_mtime|st_ctime)=\d+`)
	reRandom  = regexp.MustCompile(`^getrandom\("[^"]*"`)
	reIno     = regexp.MustCompile(`(st_ino|d_ino|stx_ino|_nsec|socket:\[|pipe:\[)=?\d+`)
	reDate    = regexp.MustCompile(` /\* \d{4}-[^*]* \*/`)
	rePidCall = regexp.MustCompile(`^(getpid|getppid|gettid|set_tid_address\(.*\)|clone3?\(.*\)|vfork)\(?\)? += (\d+)$`)
)

// normalise replaces what differs between two runs: pids, addresses,
// times, random bytes and alignment.
func normalise(lines []string, dir string) []string {
	pids := map[string]string{}
	for _, l := range lines {
		if m := rePidCall.FindStringSubmatch(l); m != nil {
			if _, ok := pids[m[2]]; !ok {
				pids[m[2]] = fmt.Sprintf("PID%d", len(pids))
			}
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		l = rePad.ReplaceAllString(l, ") =$1")
		l = strings.ReplaceAll(l, dir, "DIR")
		l = strings.ReplaceAll(l, hexString(dir), "DIR")
		l = reHex.ReplaceAllString(l, "0xADDR")
		l = reTime.ReplaceAllString(l, "$1=T")
		l = reIno.ReplaceAllString(l, "${1}N")
		l = reDate.ReplaceAllString(l, " /* T */")
		l = reRandom.ReplaceAllString(l, `getrandom("RANDOM"`)
		for pid, name := range pids {
			// Only whole arguments and results: rlim_cur=20000 is no pid.
			l = regexp.MustCompile(`(si_pid=|[(\[ ])`+pid+`([)\],]|$)`).ReplaceAllString(l, "${1}"+name+"${2}")
		}
		out[i] = l
	}
	return out
}

// compare reports how many distinct strace lines seize printed exactly,
// and the ones it did not.
func compare(want, got []string) (matched, total int, missing []string) {
	have := map[string]bool{}
	for _, l := range got {
		have[l] = true
	}
	seen := map[string]bool{}
	for _, l := range want {
		if seen[l] {
			continue
		}
		seen[l] = true
		total++
		if have[l] {
			matched++
		} else {
			missing = append(missing, l)
		}
	}
	return
}

func TestDifferentialStrace(t *testing.T) {
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace not installed")
	}
	bin := buildCalls(t)
	for _, tc := range []struct {
		name  string
		flags []string
		opts  decode.Options
		y     bool
		min   float64 // the share of distinct lines that must match
	}{
		{"default", nil, decode.Options{}, false, 0.97},
		{"x", []string{"-x"}, decode.Options{Hex: 1}, false, 0.97},
		{"xx", []string{"-xx"}, decode.Options{Hex: 2}, false, 0.97},
		{"s8", []string{"-s", "8"}, decode.Options{StringLimit: 8}, false, 0.97},
		{"v", []string{"-v"}, decode.Options{Verbose: true}, false, 0.90},
		{"y", []string{"-y"}, decode.Options{}, true, 0.90},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir1, exe1 := runDir(t, bin)
			want := normalise(straceLines(t, dir1, []string{exe1}, tc.flags...), dir1)
			dir2, exe2 := runDir(t, bin)
			got := normalise(traceLines(t, dir2, []string{exe2}, tc.opts, tc.y), dir2)
			matched, total, missing := compare(want, got)
			t.Logf("%d of %d distinct syscall lines match strace exactly; %d of %d lines in order",
				matched, total, lcs(want, got), len(want))
			for _, l := range missing {
				t.Logf("strace: %s", trunc(l))
				if g := closest(l, got); g != "" {
					t.Logf(" seize: %s", trunc(g))
				}
			}
			if float64(matched) < tc.min*float64(total) {
				t.Errorf("only %d of %d lines match (want %.0f%%)", matched, total, 100*tc.min)
			}
			for _, l := range got {
				if !printable([]byte(l)) {
					t.Errorf("unprintable output: %q", trunc(l))
				}
			}
		})
	}
}

// TestDifferentialStraceI386 compares a 32-bit tracee's calls, made with
// int $0x80 by a program without a C library: the i386 layouts, split
// 64-bit arguments, socketcall and old mmap.
func TestDifferentialStraceI386(t *testing.T) {
	if _, err := exec.LookPath("strace"); err != nil {
		t.Skip("strace not installed")
	}
	bin := filepath.Join(t.TempDir(), "calls32")
	out, err := exec.Command("cc", "-m32", "-nostdlib", "-static", "-fno-pic", "-fno-stack-protector",
		"-O1", "-w", "-o", bin, "testdata/calls32.c").CombinedOutput()
	if err != nil {
		t.Skipf("cannot build an i386 program: %v\n%s", err, out)
	}
	dir1, dir2 := t.TempDir(), t.TempDir()
	want := normalise(straceLines(t, dir1, []string{bin}), dir1)
	got := normalise(traceLines(t, dir2, []string{bin}, decode.Options{}, false), dir2)
	matched, total, missing := compare(want, got)
	t.Logf("i386: %d of %d distinct syscall lines match strace exactly", matched, total)
	for _, l := range missing {
		t.Logf("strace: %s", trunc(l))
		if g := closest(l, got); g != "" {
			t.Logf(" seize: %s", trunc(g))
		}
	}
	if float64(matched) < 0.95*float64(total) {
		t.Errorf("only %d of %d lines match", matched, total)
	}
}

// lcs is the length of the longest common subsequence of a and b: the
// lines that match line by line, in order.
func lcs(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			switch {
			case a[i] == b[j]:
				cur[j+1] = prev[j] + 1
			case prev[j+1] >= cur[j]:
				cur[j+1] = prev[j+1]
			default:
				cur[j+1] = cur[j]
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// closest finds the seize line for the same call with the longest common
// prefix, to show next to a mismatch.
func closest(want string, got []string) string {
	name := want[:strings.IndexByte(want+"(", '(')]
	best, bestN := "", -1
	for _, g := range got {
		if !strings.HasPrefix(g, name+"(") {
			continue
		}
		n := 0
		for n < len(g) && n < len(want) && g[n] == want[n] {
			n++
		}
		if n > bestN {
			best, bestN = g, n
		}
	}
	return best
}

func trunc(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

// printable reports whether b is printable ASCII only.
func printable(b []byte) bool {
	return bytes.IndexFunc(b, func(r rune) bool { return r < 0x20 || r >= 0x7f }) < 0
}

// hexString is s as -xx prints it.
func hexString(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "\\x%02x", s[i])
	}
	return b.String()
}
