package sysabi

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

var arches = []Arch{ArchX86_64, ArchI386, ArchAArch64}

func TestArchString(t *testing.T) {
	for a, want := range map[Arch]string{
		ArchX86_64:  "x86_64",
		ArchI386:    "i386",
		ArchAArch64: "aarch64",
		0x40000028:  "arch_0x40000028",
		0:           "arch_0x0",
	} {
		if got := a.String(); got != want {
			t.Errorf("Arch(%#x).String() = %q, want %q", uint32(a), got, want)
		}
	}
}

func TestNativeArch(t *testing.T) {
	want := map[string]Arch{"amd64": ArchX86_64, "386": ArchI386, "arm64": ArchAArch64}[runtime.GOARCH]
	if got := NativeArch(); got != want {
		t.Errorf("NativeArch() = %v, want %v", got, want)
	}
}

func TestSyscallNumbers(t *testing.T) {
	tests := []struct {
		arch Arch
		name string
		nr   uint64
	}{
		{ArchX86_64, "openat", 257},
		{ArchX86_64, "getppid", 110},
		{ArchX86_64, "execve", 59},
		{ArchX86_64, "read", 0},
		{ArchX86_64, "newfstatat", 262},
		{ArchX86_64, "rseq_slice_yield", 471},
		{ArchI386, "execve", 11},
		{ArchI386, "open", 5},
		{ArchI386, "restart_syscall", 0},
		{ArchI386, "_llseek", 140},
		{ArchI386, "fstatat64", 300},
		{ArchAArch64, "openat", 56},
		{ArchAArch64, "execve", 221},
		{ArchAArch64, "io_setup", 0},
		{ArchAArch64, "newfstatat", 79},
		{ArchAArch64, "fstat", 80},
	}
	for _, tt := range tests {
		if got := SyscallName(tt.arch, tt.nr); got != tt.name {
			t.Errorf("SyscallName(%v, %d) = %q, want %q", tt.arch, tt.nr, got, tt.name)
		}
		if got, ok := SyscallNumber(tt.arch, tt.name); !ok || got != tt.nr {
			t.Errorf("SyscallNumber(%v, %q) = %d, %v; want %d, true", tt.arch, tt.name, got, ok, tt.nr)
		}
	}
}

func TestSyscallUnknown(t *testing.T) {
	tests := []struct {
		arch Arch
		nr   uint64
		want string
	}{
		{ArchX86_64, 451 + 1000, "syscall_0x5ab"},
		{ArchX86_64, 0x1c3 + 0x100, "syscall_0x2c3"},
		{ArchX86_64, 400, "syscall_0x190"}, // hole between 334 and 424
		{ArchI386, 222, "syscall_0xde"},    // unused slot
		{ArchAArch64, 244, "syscall_0xf4"}, // arch_specific_syscall base
		{ArchAArch64, 1 << 40, "syscall_0x10000000000"},
		{Arch(0x1234), 0, "syscall_0"}, // %#x of 0 is "0"
		{Arch(0x1234), 0x1c3, "syscall_0x1c3"},
		{ArchX86_64, ^uint64(0), "syscall_0xffffffffffffffff"},
	}
	for _, tt := range tests {
		if got := SyscallName(tt.arch, tt.nr); got != tt.want {
			t.Errorf("SyscallName(%v, %#x) = %q, want %q", tt.arch, tt.nr, got, tt.want)
		}
		if got := SyscallNargs(tt.arch, tt.nr); got != 6 {
			t.Errorf("SyscallNargs(%v, %#x) = %d, want 6", tt.arch, tt.nr, got)
		}
	}
	for _, name := range []string{"", "nosuchcall", "OPENAT", "syscall_0x1c3", "arch_specific_syscall"} {
		for _, a := range arches {
			if nr, ok := SyscallNumber(a, name); ok {
				t.Errorf("SyscallNumber(%v, %q) = %d, true; want false", a, name, nr)
			}
		}
	}
	if _, ok := SyscallNumber(Arch(1), "read"); ok {
		t.Error("SyscallNumber(unknown arch, read) succeeded")
	}
}

func TestSyscallNargs(t *testing.T) {
	common := map[string]int{
		"read": 3, "openat": 4, "mmap": 6, "execve": 3, "exit_group": 1,
		"getppid": 0, "clone": 5, "wait4": 4, "rt_sigaction": 4, "ppoll": 5,
		"write": 3, "close": 1, "rt_sigreturn": 0, "ptrace": 4, "futex": 6,
		"prctl": 5, "clone3": 2, "pread64": 4, "fstat": 2,
	}
	perArch := map[Arch]map[string]int{
		ArchX86_64: {
			"arch_prctl": 2, "fork": 0, "vfork": 0, "iopl": 1, "modify_ldt": 3,
			"uselib": 1, "stat": 2, "newfstatat": 4, "uname": 1, "select": 5,
			"umount2": 2, "sendfile": 4, "_sysctl": 1, "listns": 4,
		},
		ArchI386: {
			"mmap": 1, "mmap2": 6, "select": 1, "_newselect": 5, "_llseek": 5,
			"socketcall": 2, "ipc": 6, "sigreturn": 0, "pread64": 5,
			"fadvise64_64": 6, "truncate64": 3, "sigsuspend": 3, "vm86": 2,
			"getuid32": 0, "chown32": 3, "clock_gettime64": 2, "futex_time64": 6,
			"fanotify_mark": 6, "fstatat64": 4, "oldolduname": 1, "umount": 1,
		},
		ArchAArch64: {
			"newfstatat": 4, "fadvise64": 4, "sync_file_range": 4, "uname": 1,
			"umount2": 2, "nfsservctl": 3,
		},
	}
	for _, a := range arches {
		want := map[string]int{}
		for k, v := range common {
			want[k] = v
		}
		for k, v := range perArch[a] {
			want[k] = v
		}
		for name, n := range want {
			nr, ok := SyscallNumber(a, name)
			if !ok {
				t.Errorf("%v: no syscall %q", a, name)
				continue
			}
			if got := SyscallNargs(a, nr); got != n {
				t.Errorf("SyscallNargs(%v, %s=%d) = %d, want %d", a, name, nr, got, n)
			}
		}
	}
}

func TestSyscallRoundTrip(t *testing.T) {
	for _, a := range arches {
		tab, names := syscallTables(a)
		count := 0
		for nr := range tab {
			name := tab[nr].name
			if name == "" {
				continue
			}
			count++
			if got := SyscallName(a, uint64(nr)); got != name {
				t.Errorf("SyscallName(%v, %d) = %q, want %q", a, nr, got, name)
			}
			if got, ok := SyscallNumber(a, name); !ok || got != uint64(nr) {
				t.Errorf("SyscallNumber(%v, %q) = %d, %v; want %d", a, name, got, ok, nr)
			}
			if n := SyscallNargs(a, uint64(nr)); n < 0 || n > 6 {
				t.Errorf("SyscallNargs(%v, %s) = %d", a, name, n)
			}
		}
		if count != len(names) || count < 300 {
			t.Errorf("%v: %d numbered syscalls, %d named", a, count, len(names))
		}
	}
}

func TestErrno(t *testing.T) {
	tests := []struct {
		e    int
		name string
		text string
	}{
		{1, "EPERM", "Operation not permitted"},
		{2, "ENOENT", "No such file or directory"},
		{4, "EINTR", "Interrupted system call"},
		{11, "EAGAIN", "Resource temporarily unavailable"},
		{13, "EACCES", "Permission denied"},
		{38, "ENOSYS", "Function not implemented"},
		{95, "EOPNOTSUPP", "Operation not supported"},
		{110, "ETIMEDOUT", "Connection timed out"},
		{133, "EHWPOISON", "Memory page has hardware error"},
		{41, "", "Unknown error 41"},
		{512, "ERESTARTSYS", "To be restarted if SA_RESTART is set"},
		{513, "ERESTARTNOINTR", "To be restarted"},
		{514, "ERESTARTNOHAND", "To be restarted if no handler"},
		{515, "ENOIOCTLCMD", "Unknown error 515"},
		{516, "ERESTART_RESTARTBLOCK", "Interrupted by signal"},
		{517, "EPROBE_DEFER", "Unknown error 517"},
		{520, "", "Unknown error 520"},
		{524, "ENOTSUPP", "Unknown error 524"},
		{531, "ENOGRACE", "Unknown error 531"},
		{532, "", "Unknown error 532"},
		{134, "", "Unknown error 134"},
		{4095, "", "Unknown error 4095"},
		{-1, "", "Unknown error -1"},
		{0, "", "Success"},
	}
	for _, tt := range tests {
		if got := ErrnoName(tt.e); got != tt.name {
			t.Errorf("ErrnoName(%d) = %q, want %q", tt.e, got, tt.name)
		}
		if got := ErrnoText(tt.e); got != tt.text {
			t.Errorf("ErrnoText(%d) = %q, want %q", tt.e, got, tt.text)
		}
		if tt.name != "" {
			if got, ok := ErrnoNumber(tt.name); !ok || got != tt.e {
				t.Errorf("ErrnoNumber(%q) = %d, %v; want %d", tt.name, got, ok, tt.e)
			}
		}
	}
	for name, want := range map[string]int{"EWOULDBLOCK": 11, "EDEADLOCK": 35, "ENOTSUP": 95, "enoent": 2, "erestartsys": 512} {
		if got, ok := ErrnoNumber(name); !ok || got != want {
			t.Errorf("ErrnoNumber(%q) = %d, %v; want %d", name, got, ok, want)
		}
	}
	for _, name := range []string{"", "ENOSUCH", "2", "EFTYPE"} {
		if got, ok := ErrnoNumber(name); ok {
			t.Errorf("ErrnoNumber(%q) = %d, true; want false", name, got)
		}
	}
	// Every named errno round-trips.
	for e := 1; e < 600; e++ {
		if name := ErrnoName(e); name != "" {
			if got, ok := ErrnoNumber(name); !ok || got != e {
				t.Errorf("ErrnoNumber(ErrnoName(%d)=%q) = %d, %v", e, name, got, ok)
			}
		}
	}
}

// TestErrnoTextGlibc compares ErrnoText with glibc's strerror, as exposed
// by python3's os.strerror, so the table cannot drift.
func TestErrnoTextGlibc(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	out, err := exec.Command(python, "-c",
		"import os\nfor e in range(1, 134): print('%d\\t%s' % (e, os.strerror(e)))").Output()
	if err != nil {
		t.Skipf("python3: %v", err)
	}
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		num, text, ok := strings.Cut(sc.Text(), "\t")
		e, err := strconv.Atoi(num)
		if !ok || err != nil {
			t.Fatalf("bad python3 output line %q", sc.Text())
		}
		n++
		if got := ErrnoText(e); got != text {
			t.Errorf("ErrnoText(%d) = %q, strerror gives %q", e, got, text)
		}
	}
	if n != 133 {
		t.Errorf("python3 printed %d lines, want 133", n)
	}
}

func TestSignals(t *testing.T) {
	tests := []struct {
		sig  int
		name string
	}{
		{1, "SIGHUP"},
		{2, "SIGINT"},
		{6, "SIGABRT"},
		{9, "SIGKILL"},
		{11, "SIGSEGV"},
		{17, "SIGCHLD"},
		{19, "SIGSTOP"},
		{29, "SIGIO"},
		{31, "SIGSYS"},
		{32, "SIGRTMIN"},
		{33, "SIGRT_1"},
		{34, "SIGRT_2"},
		{35, "SIGRT_3"},
		{64, "SIGRT_32"},
	}
	for _, tt := range tests {
		if got := SignalName(tt.sig); got != tt.name {
			t.Errorf("SignalName(%d) = %q, want %q", tt.sig, got, tt.name)
		}
		for _, name := range []string{tt.name, strings.TrimPrefix(tt.name, "SIG"), strings.ToLower(tt.name)} {
			if got, ok := SignalNumber(name); !ok || got != tt.sig {
				t.Errorf("SignalNumber(%q) = %d, %v; want %d", name, got, ok, tt.sig)
			}
		}
	}
	for _, sig := range []int{0, -1, 65, 1000} {
		if got := SignalName(sig); got != "" {
			t.Errorf("SignalName(%d) = %q, want \"\"", sig, got)
		}
	}
	for sig := 1; sig <= 64; sig++ {
		name := SignalName(sig)
		if name == "" {
			t.Errorf("SignalName(%d) = \"\"", sig)
			continue
		}
		if got, ok := SignalNumber(name); !ok || got != sig {
			t.Errorf("SignalNumber(SignalName(%d)=%q) = %d, %v", sig, name, got, ok)
		}
	}
	for name, want := range map[string]int{"int": 2, "Int": 2, "SIGIOT": 6, "poll": 29, "SIGCLD": 17, "rtmin": 32, "RT_5": 37, "SIGRTMAX": 64} {
		if got, ok := SignalNumber(name); !ok || got != want {
			t.Errorf("SignalNumber(%q) = %d, %v; want %d", name, got, ok, want)
		}
	}
	for _, name := range []string{"", "SIG", "2", "SIGFOO", "SIGRT_33", "SIGRT_0", "SIGRTMIN+1"} {
		if got, ok := SignalNumber(name); ok {
			t.Errorf("SignalNumber(%q) = %d, true; want false", name, got)
		}
	}
}

func TestSigCodeName(t *testing.T) {
	tests := []struct {
		signo, code int
		want        string
	}{
		{2, 0, "SI_USER"},
		{11, 0x80, "SI_KERNEL"},
		{34, -1, "SI_QUEUE"},
		{14, -2, "SI_TIMER"},
		{10, -6, "SI_TKILL"},
		{9, -7, "SI_DETHREAD"},
		{12, -60, "SI_ASYNCNL"},
		{17, 1, "CLD_EXITED"},
		{17, 2, "CLD_KILLED"},
		{17, 5, "CLD_STOPPED"},
		{17, 6, "CLD_CONTINUED"},
		{11, 1, "SEGV_MAPERR"},
		{11, 2, "SEGV_ACCERR"},
		{11, 3, "SEGV_BNDERR"},
		{11, 4, "SEGV_PKUERR"},
		{11, 10, "SEGV_CPERR"},
		{7, 2, "BUS_ADRERR"},
		{4, 1, "ILL_ILLOPC"},
		{8, 1, "FPE_INTDIV"},
		{8, 14, "FPE_FLTUNK"},
		{5, 1, "TRAP_BRKPT"},
		{5, 4, "TRAP_HWBKPT"},
		{29, 1, "POLL_IN"},
		{29, 6, "POLL_HUP"},
		{31, 1, "SYS_SECCOMP"},
		{11, 11, ""},
		{8, 9, ""},
		{2, 1, ""},
		{5, 0x105, ""}, // PTRACE_EVENT_FORK<<8 | SIGTRAP
		{17, -8, ""},
	}
	for _, tt := range tests {
		if got := SigCodeName(tt.signo, tt.code); got != tt.want {
			t.Errorf("SigCodeName(%d, %d) = %q, want %q", tt.signo, tt.code, got, tt.want)
		}
	}
}

func TestNoAllocs(t *testing.T) {
	ErrnoName(1) // build lazy tables
	SignalName(1)
	allocs := testing.AllocsPerRun(100, func() {
		_ = SyscallName(ArchX86_64, 257)
		_ = SyscallName(ArchAArch64, 56)
		_ = SyscallNargs(ArchI386, 11)
		_, _ = SyscallNumber(ArchX86_64, "openat")
		_ = ErrnoName(2)
		_ = ErrnoText(512)
		_ = SignalName(40)
		_ = SigCodeName(11, 1)
	})
	if allocs != 0 {
		t.Errorf("lookups of known values allocate %v times", allocs)
	}
}

// TestGeneratedUpToDate runs the generator into a temporary file and
// compares it with the checked-in zsyscalls.go.
func TestGeneratedUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator; skipped in -short mode")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	out, err := exec.Command(goTool, "list", "-m", "-f", "{{.Dir}}", "golang.org/x/sys").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Skipf("golang.org/x/sys not in the module cache (go list: %v)", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "unix", "zsysnum_linux_amd64.go")); err != nil {
		t.Skipf("golang.org/x/sys sources not available: %v", err)
	}
	tmp := filepath.Join(t.TempDir(), "zsyscalls.go")
	cmd := exec.Command(goTool, "run", "./internal/gen", "-o", tmp)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generator failed: %v\n%s", err, msg)
	}
	got, err := os.ReadFile(tmp)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("zsyscalls.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("zsyscalls.go is out of date; run go generate in the sysabi directory")
	}
}

func BenchmarkSyscallName(b *testing.B) {
	b.ReportAllocs()
	var sink string
	for i := 0; b.Loop(); i++ {
		sink = SyscallName(ArchX86_64, uint64(i%335))
	}
	_ = sink
}
