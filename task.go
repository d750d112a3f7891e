package seize

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/seize-dev/seize/internal/ptrace"
	"unsafe"

	"golang.org/x/sys/unix"
)

// state is where a task is with respect to the tracer.
type state uint8

const (
	// running: restarted; a stop is yet to come.
	running state = iota
	// stopped: in a ptrace stop that the tracer holds.
	stopped
	// listening: in a group-stop, restarted with PTRACE_LISTEN (S6). Every
	// request but INTERRUPT fails with ESRCH (S13).
	listening
)

// Task is one traced thread. Its methods are safe only on the tracer's
// thread, that is inside the Handler, unless documented otherwise.
type Task struct {
	tr    *Tracer
	tid   int
	pid   int // thread-group id
	state state

	sig int // signal to deliver at the next restart (S13, S14)

	// Syscall bookkeeping: the entry's number and arguments, kept for the
	// exit stop (PTRACE_GET_SYSCALL_INFO gives no number at exit).
	inSyscall bool
	nr        uint64
	arch      uint32
	args      [6]uint64

	seenFirstStop bool // the stop that answers the seize or the clone
	groupStopped  bool // between group-stop and the SIGCONT that ends it
	interrupting  bool // PTRACE_INTERRUPT sent, not yet answered (S3)
	hold          bool // keep stopped after the current stop (Interrupt)
	detaching     bool // detach at the next stop (S13)
	exiting       bool // PTRACE_EVENT_EXIT seen
	started       bool // the tracer started this process (Start)
	unwanted      bool // a child that the options say not to follow

	startTime uint64 // from /proc/TID/stat, to tell tid reuse (S5)

	// S21 (restart.go).
	entryNs       int64         // monotonic time of the current call's entry stop, 0 if unseen
	callStart     int64         // when the current call began, as elapsedInCall estimates it; 0 if not yet
	sleep         sleepRecord   // the scheduler's record of when the call went to sleep (interrupt)
	sock          sockFix       // a socket receive timeout changed by the restart
	answering     bool          // this stop answers the tracer's interrupt
	restarting    bool          // a rewound call: its next entry stop is not news
	stopEINTR     bool          // a job-control stop came during the call: its EINTR is genuine
	forceSyscall  bool          // stop at the restarted call's exit to put fix back
	restartedCall bool          // the current call was restarted by the engine
	lateTrap      bool          // an interrupt sent at a stop will trap again
	lateSeen      bool          // the stop that answered that interrupt was seen: the next clears the trap
	atEntry       bool          // the current stop is a syscall-entry (or seccomp) stop
	status        ptrace.Status // the wait status of the current or last stop
	fix           argFix        // an argument changed by the restart

	inj injection   // Event.Inject (inject.go)
	sc  taskSeccomp // Options.Seccomp (seccomp.go)
}

// sockFix is a socket's SO_RCVTIMEO shortened for a restarted receive,
// through a duplicate of the tracee's descriptor (pidfd_getfd).
type sockFix struct {
	fd   int // our duplicate, -1 when none
	orig [16]byte
}

// argFix is a syscall argument changed to shorten a restarted call's
// timeout, with its original value.
type argFix struct {
	active  bool
	arg     int
	val     uint64        // the register as the program set it
	timeout time.Duration // the timeout it meant, shortened from on each restart
}

// Tid is the task's thread id.
func (t *Task) Tid() int { return t.tid }

// Pid is the task's thread-group (process) id.
func (t *Task) Pid() int { return t.pid }

// Leader reports whether the task is its thread group's leader.
func (t *Task) Leader() bool { return t.tid == t.pid }

// Started reports whether the tracer started this task's process.
func (t *Task) Started() bool { return t.started }

// GroupStopped reports whether the task is in a job-control stop.
func (t *Task) GroupStopped() bool { return t.groupStopped }

// ReadMemory reads len(buf) bytes of the task's memory at addr. It returns
// the number of bytes read, which is short if the range crosses into
// unmapped memory. Safe from any goroutine while the task exists.
func (t *Task) ReadMemory(addr uint64, buf []byte) (int, error) {
	if len(buf) == 0 {
		return 0, nil
	}
	local := []unix.Iovec{{Base: &buf[0], Len: uint64(len(buf))}}
	remote := []unix.RemoteIovec{{Base: uintptr(addr), Len: len(buf)}}
	n, err := unix.ProcessVMReadv(t.tid, local, remote, 0)
	if err == nil || n > 0 {
		return n, nil
	}
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) {
		return t.peek(addr, buf)
	}
	return 0, err
}

// peek reads with PTRACE_PEEKDATA, a word at a time; for kernels or
// sandboxes without process_vm_readv. Tracer thread only.
func (t *Task) peek(addr uint64, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		a := addr + uint64(n)
		aligned := a &^ 7
		var word uint64
		_, _, e := unix.RawSyscall6(unix.SYS_PTRACE, unix.PTRACE_PEEKDATA, uintptr(t.tid), uintptr(aligned), uintptr(unsafe.Pointer(&word)), 0, 0)
		if e != 0 {
			if n > 0 {
				return n, nil
			}
			return 0, e
		}
		b := (*[8]byte)(unsafe.Pointer(&word))[a-aligned:]
		n += copy(buf[n:], b)
	}
	return n, nil
}

// ReadString reads a NUL-terminated string of at most max bytes at addr.
// It reports whether the terminator was found within max.
func (t *Task) ReadString(addr uint64, max int) (string, bool, error) {
	var sb strings.Builder
	var chunk [256]byte
	for sb.Len() < max {
		// Read up to the next page boundary so that a string at the end of
		// a mapping is not lost to a read crossing into the next page.
		want := len(chunk)
		if rem := 4096 - int(addr%4096); rem < want {
			want = rem
		}
		if left := max - sb.Len(); left < want {
			want = left
		}
		n, err := t.ReadMemory(addr, chunk[:want])
		if n == 0 {
			return sb.String(), false, err
		}
		for i := 0; i < n; i++ {
			if chunk[i] == 0 {
				sb.Write(chunk[:i])
				return sb.String(), true, nil
			}
		}
		sb.Write(chunk[:n])
		addr += uint64(n)
	}
	return sb.String(), false, nil
}

// procStatus reads fields of /proc/TID/status.
func procStatus(tid int) (map[string]string, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(tid) + "/status")
	if err != nil {
		return nil, err
	}
	m := make(map[string]string)
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok {
			m[k] = strings.TrimSpace(v)
		}
	}
	return m, nil
}

// tgidOf returns the thread-group id of tid from /proc.
func tgidOf(tid int) (int, error) {
	m, err := procStatus(tid)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(m["Tgid"])
}

// procStat returns the state letter, flags and start time of
// /proc/TID/stat (fields 3, 9 and 22).
//
// It reads /proc/TID/task/TID/stat, the thread's own record: /proc/TID/stat
// describes the whole thread group (do_task_stat with whole set) and sums
// over every thread, which makes attaching N threads cost N².
func procStat(tid int) (st byte, flags uint64, start uint64, err error) {
	t := strconv.Itoa(tid)
	return procStatPath("/proc/" + t + "/task/" + t + "/stat")
}

// procStatPath is procStat for the stat file at path.
func procStatPath(path string) (st byte, flags uint64, start uint64, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, 0, err
	}
	// comm may contain spaces and parentheses: fields start after the last ')'.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 || i+2 >= len(b) {
		return 0, 0, 0, fmt.Errorf("malformed %s", path)
	}
	f := strings.Fields(string(b[i+2:]))
	if len(f) < 20 {
		return 0, 0, 0, fmt.Errorf("malformed %s", path)
	}
	flags, _ = strconv.ParseUint(f[6], 10, 64)
	start, _ = strconv.ParseUint(f[19], 10, 64)
	return f[0][0], flags, start, nil
}

// comm returns the command name of pid, or "?".
func comm(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

// inFlight reports whether the task owes the tracer a stop that a release
// must collect before it lets the task go: the answer to an interrupt, a
// late trap, or the entry stop of a call the tracer rewound. Released
// before it, the task would see EINTR (S21; see reenter).
func (t *Task) inFlight() bool {
	return t.interrupting || t.lateTrap || (t.restarting && t.state == running)
}
