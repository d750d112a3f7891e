package seize_test

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/internal/testprog"
)

// procSyscall is /proc/TID/syscall of a thread off the CPU.
type procSyscall struct {
	nr     int64
	args   [6]uint64
	sp, pc uint64
}

func readProcSyscall(t *testing.T, tid int) procSyscall {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/syscall", tid))
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b))
	if len(f) != 9 {
		t.Fatalf("/proc/%d/syscall: %q, want a call with its arguments", tid, b)
	}
	hex := func(s string) uint64 {
		v, err := strconv.ParseUint(strings.TrimPrefix(s, "0x"), 16, 64)
		if err != nil {
			t.Fatalf("/proc/%d/syscall: %q", tid, b)
		}
		return v
	}
	var s procSyscall
	s.nr, _ = strconv.ParseInt(f[0], 10, 64)
	for i := range s.args {
		s.args[i] = hex(f[1+i])
	}
	s.sp, s.pc = hex(f[7]), hex(f[8])
	return s
}

// waitInCall waits until tid sleeps in system call nr.
func waitInCall(t *testing.T, tid, nr int) {
	t.Helper()
	end := time.Now().Add(5 * time.Second)
	for testprog.Syscall(tid) != nr || testprog.State(tid) != 'S' {
		if time.Now().After(end) {
			t.Fatalf("pid %d not asleep in call %d: /proc says %d, state %c", tid, nr, testprog.Syscall(tid), testprog.State(tid))
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestPlaceOriginalCall holds a thread asleep in a call at the stop that
// answers the attach's interrupt: Place reports the call as the program
// made it, as /proc/TID/syscall showed it before the attach, although
// the interrupt made the kernel abandon the call (-ERESTART_RESTARTBLOCK
// for nanosleep) or the engine rewound it and shortened its timeout (S21:
// epoll_wait, the SO_RCVTIMEO receive). After Resume the task runs again
// and Place refuses.
func TestPlaceOriginalCall(t *testing.T) {
	for _, tc := range []struct {
		call string
		nr   int
	}{{"epoll_wait", 232}, {"sigtimedwait", 128}, {"nanosleep", 230}, {"read", 0}} {
		t.Run(tc.call, func(t *testing.T) {
			p := testprog.Start(t, "blockcall", tc.call, "500")
			waitInCall(t, p.Pid, tc.nr)
			before := readProcSyscall(t, p.Pid)
			tr, r := newTracer(t, seize.Options{})
			type got struct {
				task *seize.Task
				pl   seize.Place
				err  error
			}
			places := make(chan got, 1)
			r.onEvent = func(ev *seize.Event) {
				switch ev.Kind {
				case seize.EventAttached:
					tr.Interrupt(ev.Task.Tid())
				case seize.EventInterrupted:
					pl, err := ev.Task.Place()
					places <- got{ev.Task, pl, err}
				}
			}
			if err := tr.Attach(p.Pid); err != nil {
				t.Fatal(err)
			}
			var g got
			select {
			case g = <-places:
			case <-time.After(5 * time.Second):
				t.Fatalf("no EventInterrupted; %s", seize.DebugState(tr))
			}
			if g.err != nil {
				t.Fatalf("Place: %v", g.err)
			}
			want := seize.Place{Syscall: true, Nr: uint64(before.nr), Arch: g.pl.Arch, Args: before.args, IP: before.pc, SP: before.sp}
			if g.pl != want {
				t.Errorf("Place in the handler:\n%+v\nwant (from /proc before the attach):\n%+v", g.pl, want)
			}
			// From another goroutine, while held: the same.
			if pl, err := g.task.Place(); err != nil || pl != g.pl {
				t.Errorf("Place from the test goroutine: %+v, %v; want %+v", pl, err, g.pl)
			}
			if err := tr.Resume(p.Pid); err != nil {
				t.Fatal(err)
			}
			if _, err := g.task.Place(); !errors.Is(err, seize.ErrNotStopped) {
				t.Errorf("Place after Resume: %v, want ErrNotStopped", err)
			}
			tr.Close()
			// The call went on: it ends at its timeout, without EINTR.
			line := p.Expect(tc.call+" 0 ", 5*time.Second)
			if strings.Contains(line, "errno=4 ") {
				t.Errorf("the program saw EINTR: %q", line)
			}
		})
	}
}

// TestPlaceUserSpace: a thread interrupted while it computes is in user
// space.
func TestPlaceUserSpace(t *testing.T) {
	p := testprog.Start(t, "spin")
	tr, r := newTracer(t, seize.Options{})
	places := make(chan seize.Place, 1)
	r.onEvent = func(ev *seize.Event) {
		switch ev.Kind {
		case seize.EventAttached:
			tr.Interrupt(ev.Task.Tid())
		case seize.EventInterrupted:
			pl, err := ev.Task.Place()
			if err != nil {
				t.Errorf("Place: %v", err)
			}
			places <- pl
		}
	}
	if err := tr.Attach(p.Pid); err != nil {
		t.Fatal(err)
	}
	select {
	case pl := <-places:
		if pl.Syscall || pl.IP == 0 || pl.SP == 0 {
			t.Errorf("Place of a spinning thread: %+v, want user space with IP and SP", pl)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no EventInterrupted")
	}
}

// TestOffCPU: the time a sleeping thread has been off the CPU is at least
// how long the test has known it asleep, and at most its whole life.
func TestOffCPU(t *testing.T) {
	startedBefore := time.Now()
	p := testprog.Start(t, "nanosleep", "5000")
	waitInCall(t, p.Pid, 230) // glibc's nanosleep is clock_nanosleep
	asleepSince := time.Now()
	time.Sleep(300 * time.Millisecond)
	d, ok := seize.OffCPU(p.Pid)
	if !ok {
		t.Fatal("OffCPU unknown (no /proc/PID/sched?)")
	}
	lo, hi := time.Since(asleepSince)-5*time.Millisecond, time.Since(startedBefore)
	if d < lo || d > hi {
		t.Errorf("OffCPU %v, want within [%v, %v]", d, lo, hi)
	}
	t.Logf("OffCPU %v, known asleep for %v", d, time.Since(asleepSince))
}

// TestS21HeldTimeCounts: a task held in its stop while its call is
// pending spends time that the call would have spent asleep. Released,
// the call ends when it would have ended untraced, not later by the time
// it was held; held past its timeout, it returns at once what it returns
// at expiry. Released by Resume (restart) and by Close (detach).
func TestS21HeldTimeCounts(t *testing.T) {
	const timeout = 400
	for _, tc := range []struct {
		call, want string // want: the result at expiry
		nr         int
		hold       time.Duration
		close      bool
	}{
		{"epoll_wait", "r=0 errno=0", 232, 200 * time.Millisecond, false},
		{"epoll_wait", "r=0 errno=0", 232, 600 * time.Millisecond, true},
		{"sigtimedwait", "r=-1 errno=11", 128, 200 * time.Millisecond, true},
		{"sigtimedwait", "r=-1 errno=11", 128, 600 * time.Millisecond, false},
		// Receives with SO_RCVTIMEO: the socket's timeout is shortened
		// (in jiffies). Released by Resume only: after a detach the
		// engine puts the socket's timeout back once the call sleeps
		// again, which can come too early (restoreSock).
		{"read", "r=-1 errno=11", 0, 200 * time.Millisecond, false},
		{"recvfrom", "r=-1 errno=11", 45, 600 * time.Millisecond, false},
	} {
		t.Run(fmt.Sprintf("%s/hold%v/close=%v", tc.call, tc.hold, tc.close), func(t *testing.T) {
			t.Parallel()
			p := testprog.Start(t, "blockcall", tc.call, strconv.Itoa(timeout))
			p.Expect(tc.call+" 0 ", 5*time.Second)
			waitInCall(t, p.Pid, tc.nr)
			began := time.Now() // call 1 began a moment before
			tr, r := newTracer(t, seize.Options{})
			r.onEvent = func(ev *seize.Event) {
				if ev.Kind == seize.EventAttached {
					tr.Interrupt(ev.Task.Tid())
				}
			}
			if err := tr.Attach(p.Pid); err != nil {
				t.Fatal(err)
			}
			r.waitFor(t, 0, 5*time.Second, "interrupted", kind(seize.EventInterrupted, p.Pid))
			time.Sleep(tc.hold - time.Since(began))
			released := time.Since(began)
			if tc.close {
				tr.Close()
			} else if err := tr.Resume(p.Pid); err != nil {
				t.Fatal(err)
			}
			line := p.Expect(tc.call+" 1 ", 5*time.Second)
			var ms float64
			fmt.Sscanf(line[strings.Index(line, "ms=")+3:], "%f", &ms)
			if !strings.Contains(line, " "+tc.want+" ") {
				t.Errorf("%q, want %s", line, tc.want)
			}
			// Untraced: the timeout, or at once if it ran out while held.
			want := max(float64(timeout), float64(released)/1e6)
			t.Logf("%q; released after %.1f ms", line, float64(released)/1e6)
			slack := 15.0
			if tc.nr == 0 || tc.nr == 45 {
				slack = 25 // SO_RCVTIMEO counts in jiffies
			}
			if ms < timeout || ms > want+slack {
				t.Errorf("the call took %.1f ms, want %.0f to %.0f", ms, want, want+slack)
			}
		})
	}
}
