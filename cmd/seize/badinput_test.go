package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize/internal/testprog"
)

// TestBadInputMore extends TestBadInput (errors_test.go): seize's own
// parent, a process seize may not trace (run as an unprivileged user), a
// trace file it may not write or that is a directory, and -e expressions
// naming an unknown class, an out-of-range signal or nothing. Each gives
// exactly one line on stderr and exit status 1, never a Go panic.
func TestBadInputMore(t *testing.T) {
	dir := t.TempDir()
	rootOnly := filepath.Join(dir, "root-only")
	if err := os.Mkdir(rootOnly, 0o700); err != nil {
		t.Fatal(err)
	}
	eSkip := acceptsE(t)
	cases := []struct {
		name   string
		args   []string
		nobody bool   // run as uid/gid 65534
		skip   string // reason to skip, if any
		target bool   // "{target}" in args is a root-owned process
		want   string
	}{
		{name: "not permitted", args: []string{"-p", "{target}"}, nobody: true, target: true,
			want: "seize: attach {target}: operation not permitted; run seize as the process's owner or as root"},
		{name: "-o not permitted", args: []string{"-o", filepath.Join(rootOnly, "trace"), "--", "/bin/true"}, nobody: true,
			want: "seize: cannot write the trace to " + filepath.Join(rootOnly, "trace") + ": permission denied"},
		{name: "-o is a directory", args: []string{"-o", dir, "--", "/bin/true"},
			want: "seize: cannot write the trace to " + dir + ": is a directory"},
		{name: "-o unwritable in attach mode", args: []string{"-o", filepath.Join(rootOnly, "trace"), "-p", "{target}"}, nobody: true, target: true,
			want: "seize: cannot write the trace to " + filepath.Join(rootOnly, "trace") + ": permission denied"},
		{name: "unknown class", args: []string{"-e", "trace=%bogus", "--", "/bin/true"}, skip: eSkip,
			want: `seize: unknown class "%bogus" in -e trace: classes are %file %process %net %network %signal %ipc %desc %memory %creds %stat %lstat %fstat %%stat %statfs %fstatfs %%statfs %clock %pure`},
		{name: "class in capitals", args: []string{"-e", "trace=%FILE", "--", "/bin/true"}, skip: eSkip,
			want: `seize: unknown class "%FILE" in -e trace: did you mean "%file"?`},
		{name: "signal out of range", args: []string{"-e", "signal=300", "--", "/bin/true"}, skip: eSkip,
			want: `seize: invalid signal "300" in -e signal: use a name such as SIGINT or INT, or a number from 0 to 255`},
		{name: "empty trace set", args: []string{"-e", "trace=", "--", "/bin/true"}, skip: eSkip,
			want: `seize: invalid system call "" in -e trace: name at least one system call, %class or /regex, or use all or none`},
		{name: "bad regex", args: []string{"-e", "trace=/[", "--", "/bin/true"}, skip: eSkip,
			want: `seize: invalid regular expression "/[" in -e trace: missing closing ]: "["`},
		{name: "inject without an action", args: []string{"-e", "inject=chdir:when=2", "--", "/bin/true"}, skip: eSkip,
			want: `seize: nothing to inject in "chdir:when=2" in -e inject: add :error=ERRNO, :retval=N, :signal=SIG, :delay_enter=TIME or :delay_exit=TIME`},
		{name: "inject error and retval", args: []string{"--inject=openat:error=ENOENT:retval=3", "--", "/bin/true"}, skip: eSkip,
			want: `seize: duplicate option "retval=3" in -e inject: give one error= or retval=`},
		{name: "inject bad when", args: []string{"-e", "inject=openat:error=ENOENT:when=3..2", "--", "/bin/true"}, skip: eSkip,
			want: `seize: invalid when "when=3..2" in -e inject: use FIRST[..LAST][+[STEP]]: FIRST and STEP from 1 to 65535, LAST from FIRST to 65534`},
		{name: "inject bad errno", args: []string{"-e", "inject=openat:error=EACESS", "--", "/bin/true"}, skip: eSkip,
			want: `seize: invalid error "error=EACESS" in -e inject: did you mean "EACCES"?`},
		{name: "fault with retval", args: []string{"--fault", "openat:retval=1", "--", "/bin/true"}, skip: eSkip,
			want: `seize: invalid option "retval=1" in -e fault: fault= takes error= and when= only; use -e inject= for the others`},
		{name: "inject unknown call", args: []string{"-e", "inject=opne:error=EIO", "-p", "1"}, skip: eSkip,
			want: `seize: invalid system call "opne" in -e inject: did you mean "open"?`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.skip != "" {
				t.Skip(tc.skip)
			}
			bin := seizeBin
			args := append([]string(nil), tc.args...)
			want := tc.want
			if tc.target {
				p := testprog.Start(t, "pause")
				for i, a := range args {
					args[i] = strings.ReplaceAll(a, "{target}", strconv.Itoa(p.Pid))
				}
				want = strings.ReplaceAll(want, "{target}", strconv.Itoa(p.Pid))
			}
			cmd := exec.Command(bin, args...)
			if tc.nobody {
				cmd = exec.Command(nobodyBin(t), args...)
				cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
			}
			r := runCmd(t, cmd, "")
			checkOneLine(t, r, want+"\n")
		})
	}
}

// TestBadInputOwnParent: seize -p with the pid of seize's own parent,
// which waits for seize to finish, would trace a process that cannot end
// before seize does. seize must refuse, with one line and status 1. (The
// parent here is a shell; were seize to attach, the test kills both
// after a few seconds and fails.)
func TestBadInputOwnParent(t *testing.T) {
	cmd := exec.Command("/bin/sh", "-c", `"$0" -p $$; exit $?`, seizeBin)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	dir := t.TempDir()
	stderr, err := os.Create(filepath.Join(dir, "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	parent := cmd.Process.Pid
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(4 * time.Second):
		syscall.Kill(-parent, syscall.SIGKILL)
		<-done
		b, _ := os.ReadFile(stderr.Name())
		t.Fatalf("seize -p %d (its own parent) did not refuse; it was still running after 4s; stderr:\n%s", parent, lastLines(string(b), 5))
	}
	b, _ := os.ReadFile(stderr.Name())
	r := result{state: cmd.ProcessState, stderr: string(b)}
	checkOneLine(t, r, fmt.Sprintf("seize: attach %d: that is seize's parent, which waits for seize to finish; give the pid of another process\n", parent))
}

// checkOneLine asserts what a failed seize run printed and returned.
func checkOneLine(t *testing.T, r result, want string) {
	t.Helper()
	if strings.Contains(r.stderr, "goroutine") || strings.Contains(r.stderr, "panic") {
		t.Fatalf("Go panic or stack trace on stderr:\n%s", lastLines(r.stderr, 20))
	}
	if r.stderr != want {
		t.Errorf("stderr:\n%q\nwant:\n%q", lastLines(r.stderr, 5), want)
	}
	if r.state.ExitCode() != 1 {
		t.Errorf("exit status %v, want 1", r.state)
	}
	if r.stdout != "" {
		t.Errorf("stdout %q, want nothing", lastLines(r.stdout, 5))
	}
}

// nobodyBin returns a copy of seize that uid 65534 can run (the test
// binary's directory is private), or skips the test when not root.
func nobodyBin(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to run seize with dropped credentials")
	}
	dir, err := os.MkdirTemp("", "seize-nobody")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(seizeBin)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "seize")
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}

// acceptsE returns "" if seize accepts -e, else a reason to skip the -e
// cases.
func acceptsE(t *testing.T) string {
	t.Helper()
	out, _ := exec.Command(seizeBin, "-e", "trace=none", "--", "/bin/true").CombinedOutput()
	if strings.Contains(string(out), "unknown option") {
		return "seize does not accept -e yet"
	}
	return ""
}
