package format

import (
	"bytes"
	"encoding/binary"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seize-dev/seize/internal/ptrace"
	"github.com/seize-dev/seize/sysabi"
)

var t0 = time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.Local)

func TestTextInterleaving(t *testing.T) {
	var b bytes.Buffer
	f := NewText(&b)
	f.AddTask(10)
	f.AddTask(11)
	f.SyscallEntry(t0, 10, "read", []byte("0, "))
	f.SyscallEntry(t0, 11, "getpid", nil)
	f.SyscallExit(t0, 11, "getpid", nil, "11", -1)
	f.SyscallExit(t0, 10, "read", []byte(`"x", 1`), "1", -1)
	f.SyscallEntry(t0, 10, "exit_group", []byte("0"))
	f.NoReturn(t0, 10)
	f.SyscallEntry(t0, 11, "nanosleep", []byte("{tv_sec=1, tv_nsec=0}, "))
	f.Line(t0, 10, "+++ exited with 0 +++")
	f.NoReturn(t0, 11)
	f.RemoveTask(10)
	f.SyscallEntry(t0, 11, "read", []byte("0, "))
	f.Detached(11)
	f.Flush()
	want := `[pid    10] read(0,  <unfinished ...>
[pid    11] getpid()                    = 11
[pid    10] <... read resumed>"x", 1)   = 1
[pid    10] exit_group(0)               = ?
[pid    11] nanosleep({tv_sec=1, tv_nsec=0},  <unfinished ...>
[pid    10] +++ exited with 0 +++
[pid    11] <... nanosleep resumed>)    = ?
read(0,  <detached ...>
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestTextPrefixes(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(f *Text)
		want string
	}{
		{"t", func(f *Text) { f.Time = TimeSeconds }, "07:08:09 close(3)                       = 0\n"},
		{"tt", func(f *Text) { f.Time = TimeMicros }, "07:08:09.123456 close(3)                = 0\n"},
		{"ttt", func(f *Text) { f.Time = TimeUnix }, "1714979289.123456 close(3)              = 0\n"},
		{"r", func(f *Text) { f.Relative = true }, "     0.000000 close(3)                  = 0\n"},
		{"tt r", func(f *Text) { f.Time, f.Relative = TimeMicros, true }, "07:08:09.123456 (+     0.000000) close(3) = 0\n"},
		{"T", func(f *Text) { f.Durations = true }, "close(3)                                = 0 <1.000042>\n"},
		{"file -f", func(f *Text) { f.ToFile, f.Prefix = true, true }, "42    close(3)                          = 0\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			f := NewText(&b)
			tc.set(f)
			f.AddTask(42)
			f.SyscallEntry(t0, 42, "close", []byte("3"))
			f.SyscallExit(t0.Add(time.Second), 42, "close", nil, "0", time.Second+42*time.Microsecond+500)
			f.Flush()
			if tc.name == "ttt" {
				// -ttt is the Unix time, whatever the zone.
				tc.want = strings.Replace(tc.want, "1714979289", strings.TrimSuffix(string(AppendTimestamp(nil, t0, TimeUnix)), ".123456"), 1)
			}
			if b.String() != tc.want {
				t.Errorf("got  %q\nwant %q", b.String(), tc.want)
			}
		})
	}
	// -r counts from the previous line.
	var b bytes.Buffer
	f := NewText(&b)
	f.Relative = true
	f.AddTask(1)
	f.Line(t0, 1, "a")
	f.Line(t0.Add(1500*time.Millisecond+7*time.Microsecond), 1, "b")
	f.Flush()
	if want := "     0.000000 a\n     1.500007 b\n"; b.String() != want {
		t.Errorf("-r: %q, want %q", b.String(), want)
	}
}

func TestTextStaged(t *testing.T) {
	var b bytes.Buffer
	f := NewText(&b)
	f.AddTask(1)
	f.SyscallLine(t0, 1, "openat", []byte(`AT_FDCWD, "x", O_RDONLY`), "-1 ENOENT (No such file or directory)", -1)
	f.NoReturnLine(t0, 1, "read", []byte("0, "), true)
	f.NoReturnLine(t0, 1, "exit_group", []byte("0"), false)
	f.Flush()
	want := `openat(AT_FDCWD, "x", O_RDONLY)         = -1 ENOENT (No such file or directory)
read(0,  <detached ...>
exit_group(0)                           = ?
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestResultRaw(t *testing.T) {
	for _, tc := range []struct {
		ret   int64
		errno int
		want  string
	}{
		{0, 0, "0"},
		{832, 0, "0x340"},
		{-2, 2, "-1 ENOENT (No such file or directory)"},
		{-512, 512, "-1 ERESTARTSYS (Unknown error 512)"},
	} {
		if got := Result(tc.ret, tc.errno); got != tc.want {
			t.Errorf("Result(%d, %d) = %q, want %q", tc.ret, tc.errno, got, tc.want)
		}
	}
}

// TestTextNoAllocs: writing a syscall line costs no allocation.
func TestTextNoAllocs(t *testing.T) {
	var b bytes.Buffer
	f := NewText(&b)
	f.Time = TimeMicros
	f.Relative = true
	f.Durations = true
	f.AddTask(1)
	f.AddTask(2)
	args := []byte(`AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC`)
	n := testing.AllocsPerRun(1000, func() {
		b.Reset()
		f.SyscallEntry(t0, 1, "openat", args)
		f.SyscallEntry(t0, 2, "read", args)
		f.SyscallExit(t0, 1, "openat", nil, "3", time.Millisecond)
		f.SyscallExit(t0, 2, "read", args, "3", time.Millisecond)
	})
	if n != 0 {
		t.Errorf("%v allocations per line pair", n)
	}
}

func TestSignalLines(t *testing.T) {
	var si ptrace.SigInfo
	si.Signo = int32(syscall.SIGSEGV)
	si.Code = 1 // SEGV_MAPERR
	if got, want := SignalLine(syscall.SIGSEGV, &si), "--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	b := appendSigInfoJSON(nil, &si)
	if want := `{"si_signo":"SIGSEGV","si_code":"SEGV_MAPERR","si_addr":"0"}`; string(b) != want {
		t.Errorf("%s, want %s", b, want)
	}
	if got, want := StoppedLine(syscall.SIGTSTP), "--- stopped by SIGTSTP ---"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

// TestSignalLineTicks: a SIGCHLD's si_utime and si_stime are clock_t
// ticks, which strace explains in seconds when they are not zero.
func TestSignalLineTicks(t *testing.T) {
	var si ptrace.SigInfo
	si.Signo = int32(syscall.SIGCHLD)
	si.Code = 1 // CLD_EXITED
	si.Fields[0] = 42
	si.Fields[16] = 3   // si_utime
	si.Fields[24] = 150 // si_stime
	want := "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=42, si_uid=0, si_status=0, si_utime=3 /* 0.03 s */, si_stime=150 /* 1.50 s */} ---"
	if got := SignalLine(syscall.SIGCHLD, &si); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	si.Fields[16], si.Fields[24] = 0, 0
	if got := SignalLine(syscall.SIGCHLD, &si); !strings.HasSuffix(got, "si_utime=0, si_stime=0} ---") {
		t.Errorf("zero ticks: %s", got)
	}
}

// TestSignalLineTimerAndSeccomp: strace prints a timer's si_timerid in hex
// and a SIGSYS's call and architecture by name; JSON keeps numbers for
// si_timerid and si_syscall and the short architecture name.
func TestSignalLineTimerAndSeccomp(t *testing.T) {
	var si ptrace.SigInfo
	si.Signo = int32(syscall.SIGALRM)
	si.Code = -2      // SI_TIMER
	si.Fields[0] = 11 // si_tid (the timer)
	si.Fields[4] = 1  // si_overrun
	si.Fields[8] = 0x55
	if got, want := SignalLine(syscall.SIGALRM, &si), "--- SIGALRM {si_signo=SIGALRM, si_code=SI_TIMER, si_timerid=0xb, si_overrun=1, si_int=85, si_ptr=0x55} ---"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got, want := string(appendSigInfoJSON(nil, &si)), `{"si_signo":"SIGALRM","si_code":"SI_TIMER","si_timerid":11,"si_overrun":1,"si_int":85,"si_ptr":"0x55"}`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	si = ptrace.SigInfo{Signo: int32(syscall.SIGSYS), Code: 1} // SYS_SECCOMP
	binary.LittleEndian.PutUint64(si.Fields[0:], 0x401000)     // si_call_addr
	binary.LittleEndian.PutUint32(si.Fields[8:], 110)          // si_syscall: getppid
	binary.LittleEndian.PutUint32(si.Fields[12:], uint32(sysabi.ArchX86_64))
	if got, want := SignalLine(syscall.SIGSYS, &si), "--- SIGSYS {si_signo=SIGSYS, si_code=SYS_SECCOMP, si_call_addr=0x401000, si_syscall=__NR_getppid, si_arch=AUDIT_ARCH_X86_64} ---"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got, want := string(appendSigInfoJSON(nil, &si)), `{"si_signo":"SIGSYS","si_code":"SYS_SECCOMP","si_call_addr":"0x401000","si_syscall":110,"si_arch":"x86_64"}`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	binary.LittleEndian.PutUint32(si.Fields[8:], 100000) // no such call
	binary.LittleEndian.PutUint32(si.Fields[12:], 0x1234)
	if got := SignalLine(syscall.SIGSYS, &si); !strings.HasSuffix(got, "si_syscall=100000, si_arch=0x1234} ---") {
		t.Errorf("unknown call and architecture: %s", got)
	}
}
