package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize/internal/testprog"
)

// S22, S14: seize told to stop (SIGINT, SIGTERM, SIGHUP) while it is
// still attaching to a big process releases every thread it seized and
// exits cleanly: exit status 0, no Go panic, no thread left traced or in
// a ptrace stop, and the process as it was (its threads asleep).
func TestAttachInterrupted(t *testing.T) {
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	for _, c := range []struct {
		sig     syscall.Signal
		threads int
	}{{syscall.SIGINT, 10000}, {syscall.SIGTERM, 2000}, {syscall.SIGHUP, 2000}} {
		sig := c.sig
		// Mid-attach: seize has seized some threads, not all.
		delay := time.Duration(rng.IntN(20)) * time.Millisecond
		t.Run(sig.String(), func(t *testing.T) {
			p := testprog.Start(t, "threads", strconv.Itoa(c.threads))
			if n := len(threadsOf(p.Pid)); n != c.threads {
				t.Fatalf("%d threads, want %d", n, c.threads)
			}
			trace := filepath.Join(t.TempDir(), "trace")
			cmd := exec.Command(seizeBin, "-o", trace, "-p", strconv.Itoa(p.Pid))
			stderr := &lockedOutput{}
			cmd.Stderr = stderr
			start := time.Now()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait until seize has begun seizing: some thread is traced.
			for end := time.Now().Add(longWait); ; {
				if tracerPid(p.Pid) > 0 {
					break
				}
				if time.Now().After(end) {
					cmd.Process.Kill()
					cmd.Wait()
					t.Fatalf("seize seized nothing within %v", longWait)
				}
				time.Sleep(200 * time.Microsecond)
			}
			time.Sleep(delay)
			attachedYet := stderr.contains(fmt.Sprintf("Process %d attached", p.Pid))
			cmd.Process.Signal(sig)
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatalf("seed %d: seize did not exit within 60s of %v", seed, sig)
			}
			took := time.Since(start)
			ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
			if !ws.Exited() || ws.ExitStatus() != 0 {
				t.Fatalf("seed %d: seize ended with %v after %v; stderr:\n%s", seed, cmd.ProcessState, sig, lastLines(stderr.String(), 10))
			}
			if s := stderr.String(); containsAny(s, "panic", "goroutine ") {
				t.Fatalf("Go panic:\n%s", lastLines(s, 20))
			}
			// Untraced at once; asleep again soon: a thread the attach
			// had interrupted runs back into pause() once released, which
			// under load can take a moment.
			var traced, stopped int
			for end := time.Now().Add(2 * time.Second); ; {
				traced, stopped = 0, 0
				for _, tid := range threadsOf(p.Pid) {
					// /proc/PID/task/TID: the thread's own record
					// (/proc/TID would sum over the 10,000 threads).
					dir := fmt.Sprintf("/proc/%d/task/%d/", p.Pid, tid)
					b, _ := os.ReadFile(dir + "status")
					if !strings.Contains(string(b), "\nState:\tS") {
						stopped++
					}
					if !strings.Contains(string(b), "\nTracerPid:\t0\n") {
						traced++
					}
				}
				if traced > 0 || stopped == 0 || time.Now().After(end) {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			if traced > 0 || stopped > 0 {
				t.Fatalf("seed %d: after seize exited: %d threads still traced, %d not asleep (S)", seed, traced, stopped)
			}
			t.Logf("%d threads, %v %v after the first seize (attach finished before: %v): seize exited 0 in %v", c.threads, sig, delay, attachedYet, took.Round(time.Millisecond))
		})
	}
}

// threadsOf lists the tids of /proc/PID/task.
func threadsOf(pid int) []int {
	ents, _ := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	var tids []int
	for _, e := range ents {
		if tid, err := strconv.Atoi(e.Name()); err == nil {
			tids = append(tids, tid)
		}
	}
	return tids
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// lockedOutput is an io.Writer collecting a process's output.
type lockedOutput struct {
	mu sync.Mutex
	b  []byte
}

func (o *lockedOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.b = append(o.b, p...)
	return len(p), nil
}

func (o *lockedOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return string(o.b)
}

func (o *lockedOutput) contains(s string) bool { return strings.Contains(o.String(), s) }

// TestAttachMessageOwnLine: with the trace and the messages both on
// stderr, "seize: Process N attached" never lands inside a trace line,
// even when the tracer has begun the line of a call it found in progress
// (that line is cut with <unfinished ...> and resumed, as strace does).
func TestAttachMessageOwnLine(t *testing.T) {
	for i := 0; i < 5; i++ {
		p := testprog.Start(t, "ticker", "2")
		cmd := exec.Command(seizeBin, "-p", strconv.Itoa(p.Pid))
		stderr := &lockedOutput{}
		cmd.Stderr = stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for end := time.Now().Add(longWait); !stderr.contains("+++") && !stderr.contains("attached"); {
			if time.Now().After(end) {
				break
			}
			time.Sleep(time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond)
		cmd.Process.Signal(syscall.SIGINT)
		cmd.Wait()
		out := stderr.String()
		if !strings.Contains(out, "attached") {
			t.Fatalf("no attach message:\n%s", lastLines(out, 10))
		}
		for _, l := range strings.Split(out, "\n") {
			if i := strings.Index(l, "seize: "); i > 0 {
				t.Fatalf("a message inside a trace line: %q\n%s", l, lastLines(out, 10))
			}
		}
	}
}

// TestAttachNamesInterruptedCall: a call the attach interrupts and the
// kernel resumes with restart_syscall is named, from /proc/TID/syscall
// read before the attach (strace 6.1 guesses: "read" for a nanosleep).
func TestAttachNamesInterruptedCall(t *testing.T) {
	p := testprog.Start(t, "nanosleep", "20000")
	time.Sleep(50 * time.Millisecond) // into the call
	cmd := exec.Command(seizeBin, "-p", strconv.Itoa(p.Pid))
	stderr := &lockedOutput{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(longWait); !stderr.contains("restart_syscall") && time.Now().Before(end); {
		time.Sleep(time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	out := stderr.String()
	if !containsAny(out, "restart_syscall(<... resuming interrupted clock_nanosleep ...>", "restart_syscall(<... resuming interrupted nanosleep ...>") {
		t.Fatalf("the interrupted call is not named:\n%s", lastLines(out, 10))
	}
}

// TestAttachBlockedByOtherTracer: seize -p on a process whose execve waits
// for a thread another tracer holds in its exit stop: every PTRACE_SEIZE
// of the process waits as long as that tracer does. seize gives up after
// the library's bound with a one-line error and exit 1; the process, once
// the other tracer goes, runs its new image untraced.
func TestAttachBlockedByOtherTracer(t *testing.T) {
	holder := buildC(t, "testdata/holdexit.c")
	tracee := testprog.Tracee(t)
	cmd := exec.Command(tracee, "execonline", "4", tracee, "ticker", "20")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p := testprog.StartCmd(t, cmd, true)
	tids := threadsOf(p.Pid)
	if len(tids) != 4 {
		t.Fatalf("threads %v, want 4", tids)
	}
	other := exec.Command(holder, strconv.Itoa(tids[len(tids)-1]))
	out, err := other.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	stop := func() {
		if !killed {
			killed = true
			other.Process.Kill()
			other.Wait()
		}
	}
	defer stop()
	buf := make([]byte, 16)
	if n, _ := out.Read(buf); string(buf[:n]) != "held\n" {
		t.Fatalf("holder: %q", buf[:n])
	}
	fmt.Fprintln(p.Stdin, "go") // the leader execs; its execve waits
	testprog.WaitState(t, p.Pid, "D", 5*time.Second)

	start := time.Now()
	r := runSeize(t, "-p", strconv.Itoa(p.Pid))
	took := time.Since(start)
	if r.state.ExitCode() != 1 || !strings.Contains(r.stderr, "in execve") || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("seize -p after %v: %v; stderr:\n%s", took, r.state, r.stderr)
	}
	t.Logf("seize gave up after %v: %s", took.Round(time.Millisecond), strings.TrimSpace(r.stderr))
	stop()
	p.Expect("tick 1", 5*time.Second)
	if tp := tracerPid(p.Pid); tp != 0 {
		t.Fatalf("after seize exited: TracerPid %d", tp)
	}
}
