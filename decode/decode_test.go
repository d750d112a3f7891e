package decode_test

import (
	"strings"
	"testing"

	"github.com/seize-dev/seize/decode"
	"github.com/seize-dev/seize/sysabi"
)

const (
	x86   = sysabi.ArchX86_64
	i386  = sysabi.ArchI386
	arm64 = sysabi.ArchAArch64
)

// callCase is one system call decoded against fake memory.
type callCase struct {
	name  string
	arch  sysabi.Arch // x86-64 when 0
	call  string      // looked up with sysabi.SyscallNumber
	nr    uint64      // used when call is ""
	args  [6]uint64
	mem   func(m *fakeMem) // memory at entry
	kern  func(m *fakeMem) // what the kernel writes before exit
	ret   int64
	errno int
	opts  decode.Options
	sp    uint64
	entry string // Entry's text, checked when not ""
	want  string // the whole line: name(args) = result
}

func (cc callCase) run(t *testing.T) {
	t.Helper()
	arch := cc.arch
	if arch == 0 {
		arch = x86
	}
	nr := cc.nr
	if cc.call != "" {
		var ok bool
		nr, ok = sysabi.SyscallNumber(arch, cc.call)
		if !ok {
			t.Fatalf("%s: no %s on %v", cc.name, cc.call, arch)
		}
	}
	m := &fakeMem{}
	if cc.mem != nil {
		cc.mem(m)
	}
	d := decode.Decoder{Opts: cc.opts}
	var c decode.Call
	if cc.sp != 0 {
		c.SetStackPointer(cc.sp)
	}
	entry := d.Entry(nil, &c, arch, nr, cc.args, m)
	if cc.entry != "" && string(entry) != cc.entry {
		t.Errorf("%s: Entry = %q, want %q", cc.name, entry, cc.entry)
	}
	if cc.kern != nil {
		cc.kern(m)
	}
	ret := cc.ret
	if cc.errno != 0 {
		ret = -int64(cc.errno)
	}
	args, res := d.Exit(entry, &c, ret, cc.errno, m)
	got := c.Name() + "(" + string(args) + ") = " + res
	if got != cc.want {
		t.Errorf("%s:\n got %s\nwant %s", cc.name, got, cc.want)
	}
	if !printable([]byte(got)) {
		t.Errorf("%s: unprintable output %q", cc.name, got)
	}
}

func runCases(t *testing.T, cases []callCase) {
	t.Helper()
	for _, cc := range cases {
		cc.run(t)
	}
}

const (
	atFDCWD = uint64(0xffffffffffffff9c) // -100
	pathA   = 0x1000
	pathB   = 0x2000
	bufA    = 0x3000
	bufB    = 0x4000
)

func neg(v int64) uint64 { return uint64(v) }

func neg32(v int32) uint32 { return uint32(v) }

func TestDecodeFiles(t *testing.T) {
	runCases(t, []callCase{
		{name: "openat", call: "openat", args: [6]uint64{atFDCWD, pathA, 0o2000000},
			mem:   func(m *fakeMem) { m.str(pathA, "/etc/passwd") },
			entry: `AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC`, ret: 3,
			want: `openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3`},
		{name: "openat creat", call: "openat", args: [6]uint64{atFDCWD, pathA, 0o1101, 0o644},
			mem:   func(m *fakeMem) { m.str(pathA, "x") },
			errno: 13, want: `openat(AT_FDCWD, "x", O_WRONLY|O_CREAT|O_TRUNC, 0644) = -1 EACCES (Permission denied)`},
		{name: "open unknown bits", call: "open", args: [6]uint64{pathA, 0x2 | 0x40000000},
			mem: func(m *fakeMem) { m.str(pathA, "a") },
			ret: 4, want: `open("a", O_RDWR|0x40000000) = 4`},
		{name: "read", call: "read", args: [6]uint64{3, bufA, 4096},
			entry: "3, ", ret: 40,
			kern: func(m *fakeMem) { m.at(bufA, []byte("root:x:0:0:root:/root:/bin/bash\nbin:x:1:1")) },
			want: `read(3, "root:x:0:0:root:/root:/bin/bash\n"..., 4096) = 40`},
		{name: "read error", call: "read", args: [6]uint64{3, bufA, 10}, errno: 11,
			want: `read(3, 0x3000, 10) = -1 EAGAIN (Resource temporarily unavailable)`},
		{name: "read restart", call: "read", args: [6]uint64{0, bufA, 10}, errno: 512,
			want: `read(0, 0x3000, 10) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)`},
		{name: "write binary", call: "write", args: [6]uint64{1, bufA, 9},
			mem: func(m *fakeMem) { m.at(bufA, []byte("\x00\x01"+"7\x1b[2J\xff\t")) }, ret: 9,
			want: `write(1, "\0\0017\33[2J\377\t", 9) = 9`},
		{name: "pread64", call: "pread64", args: [6]uint64{3, bufA, 5, 100}, ret: 2,
			kern: func(m *fakeMem) { m.at(bufA, []byte("ab")) },
			want: `pread64(3, "ab", 5, 100) = 2`},
		{name: "pread64 i386", arch: i386, call: "pread64", args: [6]uint64{3, bufA, 5, 1, 1}, ret: 2,
			kern: func(m *fakeMem) { m.at(bufA, []byte("ab")) },
			want: `pread64(3, "ab", 5, 4294967297) = 2`},
		{name: "writev", call: "writev", args: [6]uint64{1, bufA, 2},
			mem: func(m *fakeMem) {
				m.at(bufA, words{}.u64(pathA).u64(2).u64(pathB).u64(3))
				m.at(pathA, []byte("hi"))
				m.at(pathB, []byte("you"))
			}, ret: 5,
			want: `writev(1, [{iov_base="hi", iov_len=2}, {iov_base="you", iov_len=3}], 2) = 5`},
		{name: "readv partial", call: "readv", args: [6]uint64{0, bufA, 2},
			mem: func(m *fakeMem) { m.at(bufA, words{}.u64(pathA).u64(2).u64(pathB).u64(8)) },
			kern: func(m *fakeMem) {
				m.at(pathA, []byte("ab"))
				m.at(pathB, []byte("cdefghij"))
			}, ret: 4,
			want: `readv(0, [{iov_base="ab", iov_len=2}, {iov_base="cd", iov_len=8}], 2) = 4`},
		{name: "newfstatat", call: "newfstatat", args: [6]uint64{3, pathA, bufA, 0x1000},
			mem: func(m *fakeMem) { m.str(pathA, "") },
			kern: func(m *fakeMem) {
				m.at(bufA, words{}.pad(24).u32(0o100644).pad(20).u64(1234).pad(88))
			},
			want: `newfstatat(3, "", {st_mode=S_IFREG|0644, st_size=1234, ...}, AT_EMPTY_PATH) = 0`},
		{name: "fstat chr", call: "fstat", args: [6]uint64{0, bufA},
			kern: func(m *fakeMem) {
				m.at(bufA, words{}.pad(24).u32(0o20620).pad(12).u64(0x8801).pad(96))
			},
			want: `fstat(0, {st_mode=S_IFCHR|0620, st_rdev=makedev(0x88, 0x1), ...}) = 0`},
		{name: "fstat64 i386", arch: i386, call: "fstat64", args: [6]uint64{3, bufA},
			kern: func(m *fakeMem) {
				m.at(bufA, words{}.pad(16).u32(0o40755).pad(24).u64(4096).pad(44))
			},
			want: `fstat64(3, {st_mode=S_IFDIR|0755, st_size=4096, ...}) = 0`},
		{name: "stat arm64", arch: arm64, call: "fstat", args: [6]uint64{3, bufA},
			kern: func(m *fakeMem) { m.at(bufA, words{}.pad(16).u32(0o100600).pad(28).u64(7).pad(72)) },
			want: `fstat(3, {st_mode=S_IFREG|0600, st_size=7, ...}) = 0`},
		{name: "stat fails", call: "stat", args: [6]uint64{pathA, bufA}, errno: 2,
			mem:  func(m *fakeMem) { m.str(pathA, "nope") },
			want: `stat("nope", 0x3000) = -1 ENOENT (No such file or directory)`},
		{name: "statx", call: "statx", args: [6]uint64{atFDCWD, pathA, 0x100, 0xfff, bufA},
			mem: func(m *fakeMem) { m.str(pathA, "f") },
			kern: func(m *fakeMem) {
				m.at(bufA, words{}.u32(0x17ff).u32(4096).u64(0).pad(12).u16(0o100644).pad(2).u64(9).u64(303).pad(208))
			},
			want: `statx(AT_FDCWD, "f", AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW, STATX_ALL, {stx_mask=STATX_BASIC_STATS|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=303, ...}) = 0`},
		{name: "access", call: "access", args: [6]uint64{pathA, 0},
			mem: func(m *fakeMem) { m.str(pathA, "/etc") }, want: `access("/etc", F_OK) = 0`},
		{name: "faccessat2", call: "faccessat2", args: [6]uint64{atFDCWD, pathA, 6, 0x200},
			mem: func(m *fakeMem) { m.str(pathA, "f") }, want: `faccessat2(AT_FDCWD, "f", R_OK|W_OK, AT_EACCESS) = 0`},
		{name: "lseek", call: "lseek", args: [6]uint64{3, neg(-10), 2}, ret: 90,
			want: `lseek(3, -10, SEEK_END) = 90`},
		{name: "lseek bad whence", call: "lseek", args: [6]uint64{3, 0, 9}, errno: 22,
			want: `lseek(3, 0, 0x9 /* SEEK_??? */) = -1 EINVAL (Invalid argument)`},
		{name: "getdents64", call: "getdents64", args: [6]uint64{4, bufA, 512}, ret: 48,
			kern: func(m *fakeMem) {
				m.at(bufA, words{}.u64(1).u64(2).u16(24).u8(4).u8('.').pad(4).u64(3).u64(4).u16(24).u8(4).u8('.').u8('.').pad(3))
			},
			want: `getdents64(4, 0x3000 /* 2 entries */, 512) = 48`},
		{name: "getdents64 -v", call: "getdents64", args: [6]uint64{4, bufA, 512}, ret: 24,
			opts: decode.Options{Verbose: true},
			kern: func(m *fakeMem) { m.at(bufA, words{}.u64(1).u64(2).u16(24).u8(8).u8('f').pad(4)) },
			want: `getdents64(4, [{d_ino=1, d_off=2, d_reclen=24, d_type=DT_REG, d_name="f"}], 512) = 24`},
		{name: "readlink", call: "readlink", args: [6]uint64{pathA, bufA, 100}, ret: 8,
			mem:  func(m *fakeMem) { m.str(pathA, "link") },
			kern: func(m *fakeMem) { m.at(bufA, []byte("data.txtGARBAGE")) },
			want: `readlink("link", "data.txt", 100) = 8`},
		{name: "renameat2", call: "renameat2", args: [6]uint64{atFDCWD, pathA, 5, pathB, 3},
			mem: func(m *fakeMem) {
				m.str(pathA, "a")
				m.str(pathB, "b")
			},
			want: `renameat2(AT_FDCWD, "a", 5, "b", RENAME_NOREPLACE|RENAME_EXCHANGE) = 0`},
		{name: "mkdir", call: "mkdir", args: [6]uint64{pathA, 0o1777},
			mem: func(m *fakeMem) { m.str(pathA, "d") }, want: `mkdir("d", 01777) = 0`},
		{name: "unlinkat", call: "unlinkat", args: [6]uint64{atFDCWD, pathA, 0x200},
			mem: func(m *fakeMem) { m.str(pathA, "d") }, want: `unlinkat(AT_FDCWD, "d", AT_REMOVEDIR) = 0`},
		{name: "fcntl getfl", call: "fcntl", args: [6]uint64{3, 3}, ret: 0x8002,
			want: `fcntl(3, F_GETFL) = 0x8002 (flags O_RDWR|O_LARGEFILE)`},
		{name: "fcntl getfd", call: "fcntl", args: [6]uint64{3, 1}, ret: 1,
			want: `fcntl(3, F_GETFD) = 0x1 (flags FD_CLOEXEC)`},
		{name: "fcntl dupfd", call: "fcntl", args: [6]uint64{3, 1030, 10}, ret: 10,
			want: `fcntl(3, F_DUPFD_CLOEXEC, 10) = 10`},
		{name: "fcntl getlk", call: "fcntl", args: [6]uint64{3, 5, bufA}, entry: "3, F_GETLK, ",
			mem:  func(m *fakeMem) { m.at(bufA, words{}.u16(1).u16(0).pad(4).u64(0).u64(10).u32(0).pad(4)) },
			kern: func(m *fakeMem) { m.at(bufA, words{}.u16(2).u16(0).pad(4).u64(0).u64(10).u32(0).pad(4)) },
			want: `fcntl(3, F_GETLK, {l_type=F_UNLCK, l_whence=SEEK_SET, l_start=0, l_len=10, l_pid=0}) = 0`},
		{name: "fcntl64 setlk64 i386", arch: i386, call: "fcntl64", args: [6]uint64{3, 13, bufA},
			mem:  func(m *fakeMem) { m.at(bufA, words{}.u16(1).u16(1).u64(5).u64(6).u32(0)) },
			want: `fcntl64(3, F_SETLK64, {l_type=F_WRLCK, l_whence=SEEK_CUR, l_start=5, l_len=6}) = 0`},
		{name: "fcntl unknown", call: "fcntl", args: [6]uint64{3, 99, 7}, errno: 22,
			want: `fcntl(3, 0x63 /* F_??? */, 0x7) = -1 EINVAL (Invalid argument)`},
		{name: "ioctl winsize", call: "ioctl", args: [6]uint64{1, 0x5413, bufA}, entry: "1, TIOCGWINSZ, ",
			kern: func(m *fakeMem) { m.at(bufA, words{}.u16(24).u16(80).u16(0).u16(0)) },
			want: `ioctl(1, TIOCGWINSZ, {ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}) = 0`},
		{name: "ioctl tcgets", call: "ioctl", args: [6]uint64{0, 0x5401, bufA},
			kern: func(m *fakeMem) { m.at(bufA, words{}.u32(0x500).u32(0x5).u32(0xbf).u32(0x8a3b).pad(20)) },
			want: `ioctl(0, TCGETS, {c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}) = 0`},
		{name: "ioctl fionread", call: "ioctl", args: [6]uint64{3, 0x541b, bufA},
			kern: func(m *fakeMem) { m.at(bufA, words{}.u32(2)) },
			want: `ioctl(3, FIONREAD, [2]) = 0`},
		{name: "ioctl unknown", call: "ioctl", args: [6]uint64{0, 0x1234, 5}, errno: 25,
			want: `ioctl(0, _IOC(_IOC_NONE, 0x12, 0x34, 0), 0x5) = -1 ENOTTY (Inappropriate ioctl for device)`},
		{name: "pipe2", call: "pipe2", args: [6]uint64{bufA, 0o2004000}, entry: "",
			kern: func(m *fakeMem) { m.at(bufA, words{}.u32(3).u32(4)) },
			want: `pipe2([3, 4], O_NONBLOCK|O_CLOEXEC) = 0`},
		{name: "dup3", call: "dup3", args: [6]uint64{3, 10, 0o2000000}, ret: 10,
			want: `dup3(3, 10, O_CLOEXEC) = 10`},
		{name: "fd paths", call: "openat", args: [6]uint64{atFDCWD, pathA, 0}, ret: 3,
			opts: decode.Options{FdPath: func(fd int) string {
				if fd == -100 {
					return "/home/x"
				}
				return "/evil\x1b[2J<>"
			}},
			mem:  func(m *fakeMem) { m.str(pathA, "f") },
			want: `openat(AT_FDCWD</home/x>, "f", O_RDONLY) = 3</evil\33[2J\74\76>`},
	})
}

func TestDecodeMemory(t *testing.T) {
	runCases(t, []callCase{
		{name: "mmap anon", call: "mmap", args: [6]uint64{0, 8192, 3, 0x22, neg(-1), 0}, ret: 0x7f0000001000,
			want: `mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000001000`},
		{name: "mmap file", call: "mmap", args: [6]uint64{0x7f0000000000, 4096, 5, 0x812, 3, 0x26000}, ret: 0x7f0000000000,
			want: `mmap(0x7f0000000000, 4096, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x26000) = 0x7f0000000000`},
		{name: "mmap huge", call: "mmap", args: [6]uint64{0, 4096, 0x10, 0x40000000 | 0x40000 | 0x22, neg(-1), 0}, errno: 12,
			want: `mmap(NULL, 4096, 0x10 /* PROT_??? */, MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|16<<MAP_HUGE_SHIFT, -1, 0) = -1 ENOMEM (Cannot allocate memory)`},
		{name: "mmap2 i386", arch: i386, call: "mmap2", args: [6]uint64{0, 4096, 0, 0x22, 0xffffffff, 0x22}, ret: 0xf7f00000,
			want: `mmap2(NULL, 4096, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0x22) = 0xf7f00000`},
		{name: "old mmap i386", arch: i386, call: "mmap", args: [6]uint64{bufA},
			mem:  func(m *fakeMem) { m.at(bufA, words{}.u32(0).u32(4096).u32(1).u32(2).u32(3).u32(0x1000)) },
			ret:  0xf7f00000,
			want: `mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 3, 0x1000) = 0xf7f00000`},
		{name: "brk", call: "brk", args: [6]uint64{0}, ret: 0x55d000,
			want: `brk(NULL) = 0x55d000`},
		{name: "mremap fixed", call: "mremap", args: [6]uint64{0x1000, 4096, 8192, 3, 0x9000}, ret: 0x9000,
			want: `mremap(0x1000, 4096, 8192, MREMAP_MAYMOVE|MREMAP_FIXED, 0x9000) = 0x9000`},
		{name: "madvise", call: "madvise", args: [6]uint64{0x1000, 4096, 4},
			want: `madvise(0x1000, 4096, MADV_DONTNEED) = 0`},
		{name: "mprotect arm64", arch: arm64, call: "mprotect", args: [6]uint64{0x1000, 4096, 1},
			want: `mprotect(0x1000, 4096, PROT_READ) = 0`},
	})
}

func TestDecodeProcesses(t *testing.T) {
	runCases(t, []callCase{
		{name: "clone fork", call: "clone", args: [6]uint64{0x1200011, 0, 0, 0x7f00, 0}, ret: 42,
			want: `clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f00) = 42`},
		{name: "clone thread x86", call: "clone", args: [6]uint64{0x3d0f00, 0x7000, bufA, 0x8000, 0x9000},
			entry: "child_stack=0x7000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, ",
			kern:  func(m *fakeMem) { m.at(bufA, words{}.u32(43)) }, ret: 43,
			want: `clone(child_stack=0x7000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, parent_tid=[43], tls=0x9000, child_tidptr=0x8000) = 43`},
		{name: "clone arm64 order", arch: arm64, call: "clone", args: [6]uint64{0x80000 | 0x200000, 0x7000, 0, 0x9000, 0x8000}, ret: 43,
			want: `clone(child_stack=0x7000, flags=CLONE_SETTLS|CLONE_CHILD_CLEARTID, tls=0x9000, child_tidptr=0x8000) = 43`},
		{name: "clone3", call: "clone3", args: [6]uint64{bufA, 88},
			mem: func(m *fakeMem) {
				m.at(bufA, words{}.u64(0x100000).u64(0).u64(0).u64(bufB).u64(17).u64(0).u64(0).u64(0).pad(24))
			},
			kern: func(m *fakeMem) { m.at(bufB, words{}.u32(77)) }, ret: 77,
			want: `clone3({flags=CLONE_PARENT_SETTID, parent_tid=0x4000, exit_signal=SIGCHLD, stack=NULL, stack_size=0} => {parent_tid=[77]}, 88) = 77`},
		{name: "vfork", call: "vfork", ret: 5, want: `vfork() = 5`},
		{name: "execve", call: "execve", args: [6]uint64{pathA, bufA, bufB},
			mem: func(m *fakeMem) {
				m.str(pathA, "/bin/ls")
				m.at(bufA, words{}.u64(0x5000).u64(0x5100).u64(0))
				m.str(0x5000, "ls")
				m.str(0x5100, "-l")
				m.at(bufB, words{}.u64(0x6000).u64(0x6100).u64(0x6200).u64(0))
				m.str(0x6000, "A=1")
				m.str(0x6100, "B=2")
				m.str(0x6200, "C=3")
			},
			want: `execve("/bin/ls", ["ls", "-l"], 0x4000 /* 3 vars */) = 0`},
		{name: "execve -v", call: "execve", args: [6]uint64{pathA, bufA, bufB}, opts: decode.Options{Verbose: true},
			mem: func(m *fakeMem) {
				m.str(pathA, "/bin/ls")
				m.at(bufA, words{}.u64(0))
				m.at(bufB, words{}.u64(0x6000).u64(0))
				m.str(0x6000, "HOME=/root")
			},
			want: `execve("/bin/ls", [], ["HOME=/root"]) = 0`},
		{name: "execve argv limit", call: "execve", args: [6]uint64{pathA, bufA, 0}, opts: decode.Options{StringLimit: 2},
			mem: func(m *fakeMem) {
				m.str(pathA, "/bin/true")
				m.at(bufA, words{}.u64(0x5000).u64(0x5000).u64(0x5000).u64(0))
				m.str(0x5000, "abc")
			},
			want: `execve("/bin/true", ["ab"..., "ab"..., ...], NULL) = 0`},
		{name: "execve i386", arch: i386, call: "execve", args: [6]uint64{pathA, bufA, bufB},
			mem: func(m *fakeMem) {
				m.str(pathA, "./a")
				m.at(bufA, words{}.u32(0x5000).u32(0))
				m.str(0x5000, "a")
				m.at(bufB, words{}.u32(0))
			},
			want: `execve("./a", ["a"], 0x4000 /* 0 vars */) = 0`},
		{name: "wait4 exited", call: "wait4", args: [6]uint64{neg(-1), bufA, 1, 0}, ret: 9,
			kern: func(m *fakeMem) { m.at(bufA, words{}.u32(3<<8)) },
			want: `wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], WNOHANG, NULL) = 9`},
		{name: "wait4 killed core", call: "wait4", args: [6]uint64{9, bufA, 0x40000002, 0}, ret: 9,
			kern: func(m *fakeMem) { m.at(bufA, words{}.u32(0x80|11)) },
			want: `wait4(9, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}], WSTOPPED|__WALL, NULL) = 9`},
		{name: "wait4 stopped", call: "wait4", args: [6]uint64{9, bufA, 2, 0}, ret: 9,
			kern: func(m *fakeMem) { m.at(bufA, words{}.u32(19<<8|0x7f)) },
			want: `wait4(9, [{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}], WSTOPPED, NULL) = 9`},
		{name: "waitid", call: "waitid", args: [6]uint64{1, 9, bufA, 4, 0}, ret: 0,
			kern: func(m *fakeMem) {
				m.at(bufA, words{}.u32(17).u32(0).u32(2).pad(4).u32(9).u32(0).u32(9).pad(4).u64(1).u64(2).pad(80))
			},
			want: `waitid(P_PID, 9, {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=9, si_uid=0, si_status=SIGKILL, si_utime=1 /* 0.01 s */, si_stime=2 /* 0.02 s */}, WEXITED, NULL) = 0`},
		{name: "rt_sigtimedwait timer", call: "rt_sigtimedwait", args: [6]uint64{bufB, bufA, 0, 8}, ret: 14,
			mem: func(m *fakeMem) { m.at(bufB, words{}.u64(1<<13)) },
			kern: func(m *fakeMem) {
				m.at(bufA, words{}.u32(14).u32(0).u32(neg32(-2)).pad(4).u32(11).u32(1).u64(0x55).pad(88))
			},
			want: `rt_sigtimedwait([ALRM], {si_signo=SIGALRM, si_code=SI_TIMER, si_timerid=0xb, si_overrun=1, si_int=85, si_ptr=0x55}, NULL, 8) = 14 (SIGALRM)`},
		{name: "rt_sigtimedwait seccomp", call: "rt_sigtimedwait", args: [6]uint64{bufB, bufA, 0, 8}, ret: 31,
			mem: func(m *fakeMem) { m.at(bufB, words{}.u64(1<<30)) },
			kern: func(m *fakeMem) {
				m.at(bufA, words{}.u32(31).u32(1).u32(1).pad(4).u64(0x401000).u32(110).u32(uint32(sysabi.ArchX86_64)).pad(88))
			},
			want: `rt_sigtimedwait([SYS], {si_signo=SIGSYS, si_code=SYS_SECCOMP, si_errno=1, si_call_addr=0x401000, si_syscall=__NR_getppid, si_arch=AUDIT_ARCH_X86_64}, NULL, 8) = 31 (SIGSYS)`},
		{name: "rt_sigtimedwait timeout", call: "rt_sigtimedwait", args: [6]uint64{bufB, bufA, pathA, 8}, errno: 11,
			mem:  func(m *fakeMem) { m.at(bufB, words{}.u64(1<<9)); m.at(pathA, words{}.u64(0).u64(1000000)) },
			want: `rt_sigtimedwait([USR1], 0x3000, {tv_sec=0, tv_nsec=1000000}, 8) = -1 EAGAIN (Resource temporarily unavailable)`},
		{name: "rt_sigtimedwait i386 queue", arch: i386, call: "rt_sigtimedwait", args: [6]uint64{bufB, bufA, 0, 8}, ret: 34,
			mem: func(m *fakeMem) { m.at(bufB, words{}.u64(1<<33)) },
			kern: func(m *fakeMem) {
				m.at(bufA, words{}.u32(34).u32(0).u32(neg32(-1)).u32(9).u32(0).u32(42).pad(104))
			},
			want: `rt_sigtimedwait([RT_2], {si_signo=SIGRT_2, si_code=SI_QUEUE, si_pid=9, si_uid=0, si_int=42, si_ptr=0x2a}, NULL, 8) = 34 (SIGRT_2)`},
		{name: "rt_tgsigqueueinfo", call: "rt_tgsigqueueinfo", args: [6]uint64{9, 10, 12, bufA},
			mem: func(m *fakeMem) {
				m.at(bufA, words{}.u32(12).u32(0).u32(neg32(-1)).pad(4).u32(9).u32(0).u64(7).pad(88))
			},
			want: `rt_tgsigqueueinfo(9, 10, SIGUSR2, {si_signo=SIGUSR2, si_code=SI_QUEUE, si_pid=9, si_uid=0, si_int=7, si_ptr=0x7}) = 0`},
		{name: "timer_create thread", call: "timer_create", args: [6]uint64{1, bufA, bufB},
			mem:  func(m *fakeMem) { m.at(bufA, words{}.u64(7).u32(10).u32(2).u64(0x401000).u64(0x5000)) },
			kern: func(m *fakeMem) { m.at(bufB, words{}.u32(3)) },
			want: `timer_create(CLOCK_MONOTONIC, {sigev_value={sival_int=7, sival_ptr=0x7}, sigev_signo=SIGUSR1, sigev_notify=SIGEV_THREAD, sigev_notify_function=0x401000, sigev_notify_attributes=0x5000}, [3]) = 0`},
		{name: "timer_create i386 thread id", arch: i386, call: "timer_create", args: [6]uint64{0, bufA, bufB},
			mem:  func(m *fakeMem) { m.at(bufA, words{}.u32(7).u32(14).u32(4).u32(99).u32(0)) },
			kern: func(m *fakeMem) { m.at(bufB, words{}.u32(0)) },
			want: `timer_create(CLOCK_REALTIME, {sigev_value={sival_int=7, sival_ptr=0x7}, sigev_signo=SIGALRM, sigev_notify=SIGEV_THREAD_ID, sigev_notify_thread_id=99}, [0]) = 0`},
		{name: "times", call: "times", args: [6]uint64{bufA}, ret: 1720519572,
			kern: func(m *fakeMem) { m.at(bufA, words{}.u64(3).u64(4).u64(0).u64(1)) },
			want: `times({tms_utime=3, tms_stime=4, tms_cutime=0, tms_cstime=1}) = 1720519572`},
		{name: "times i386", arch: i386, call: "times", args: [6]uint64{bufA}, ret: 99,
			kern: func(m *fakeMem) { m.at(bufA, words{}.u32(3).u32(4).u32(0).u32(1)) },
			want: `times({tms_utime=3, tms_stime=4, tms_cutime=0, tms_cstime=1}) = 99`},
		{name: "times NULL", call: "times", args: [6]uint64{0}, ret: 5, want: `times(NULL) = 5`},
		{name: "sched_getscheduler", call: "sched_getscheduler", args: [6]uint64{0}, ret: 5, want: `sched_getscheduler(0) = 5 (SCHED_IDLE)`},
		{name: "getrusage", call: "getrusage", args: [6]uint64{neg(-1), bufA},
			kern: func(m *fakeMem) { m.at(bufA, words{}.u64(1).u64(2).u64(3).u64(4).pad(112)) },
			want: `getrusage(RUSAGE_CHILDREN, {ru_utime={tv_sec=1, tv_usec=2}, ru_stime={tv_sec=3, tv_usec=4}, ...}) = 0`},
		{name: "kill", call: "kill", args: [6]uint64{neg(-5), 15}, want: `kill(-5, SIGTERM) = 0`},
		{name: "tgkill rt", call: "tgkill", args: [6]uint64{1, 2, 34}, want: `tgkill(1, 2, SIGRT_2) = 0`},
		{name: "prlimit64", call: "prlimit64", args: [6]uint64{0, 3, 0, bufA},
			kern: func(m *fakeMem) { m.at(bufA, words{}.u64(8<<20).u64(^uint64(0))) },
			want: `prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0`},
		{name: "exit_group", call: "exit_group", args: [6]uint64{1}, entry: "1", want: `exit_group(1) = 0`},
		{name: "getpid", call: "getpid", ret: 7, entry: "", want: `getpid() = 7`},
	})
}

func TestDecodeSignals(t *testing.T) {
	runCases(t, []callCase{
		{name: "rt_sigaction", call: "rt_sigaction", args: [6]uint64{10, bufA, 0, 8},
			mem: func(m *fakeMem) {
				m.at(bufA, words{}.u64(0x401000).u64(0x14000000).u64(0x402000).u64(1<<1|1<<14))
			},
			want: `rt_sigaction(SIGUSR1, {sa_handler=0x401000, sa_mask=[INT TERM], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x402000}, NULL, 8) = 0`},
		{name: "rt_sigaction old", call: "rt_sigaction", args: [6]uint64{13, 0, bufA, 8}, entry: "SIGPIPE, NULL, ",
			kern: func(m *fakeMem) { m.at(bufA, words{}.u64(1).u64(0).u64(0).u64(0)) },
			want: `rt_sigaction(SIGPIPE, NULL, {sa_handler=SIG_IGN, sa_mask=[], sa_flags=0}, 8) = 0`},
		{name: "rt_sigaction i386", arch: i386, call: "rt_sigaction", args: [6]uint64{2, bufA, 0, 8},
			mem:  func(m *fakeMem) { m.at(bufA, words{}.u32(0).u32(4).u32(0).u64(^uint64(0))) },
			want: `rt_sigaction(SIGINT, {sa_handler=SIG_DFL, sa_mask=~[], sa_flags=SA_SIGINFO}, NULL, 8) = 0`},
		{name: "rt_sigprocmask", call: "rt_sigprocmask", args: [6]uint64{2, bufA, bufB, 8},
			mem:  func(m *fakeMem) { m.at(bufA, words{}.u64(^uint64(0)&^(3<<31))) },
			kern: func(m *fakeMem) { m.at(bufB, words{}.u64(0)) },
			want: `rt_sigprocmask(SIG_SETMASK, ~[RTMIN RT_1], [], 8) = 0`},
		{name: "rt_sigprocmask bad size", call: "rt_sigprocmask", args: [6]uint64{0, bufA, 0, 128}, errno: 22,
			want: `rt_sigprocmask(SIG_BLOCK, 0x3000, NULL, 128) = -1 EINVAL (Invalid argument)`},
		{name: "sigaltstack", call: "sigaltstack", args: [6]uint64{bufA, bufB},
			mem:  func(m *fakeMem) { m.at(bufA, words{}.u64(0x7000).u32(0).pad(4).u64(16384)) },
			kern: func(m *fakeMem) { m.at(bufB, words{}.u64(0).u32(2).pad(4).u64(0)) },
			want: `sigaltstack({ss_sp=0x7000, ss_flags=0, ss_size=16384}, {ss_sp=NULL, ss_flags=SS_DISABLE, ss_size=0}) = 0`},
		{name: "rt_sigreturn", call: "rt_sigreturn", sp: 0x10000,
			mem:  func(m *fakeMem) { m.at(0x10000+296, words{}.u64(1<<9)) },
			want: `rt_sigreturn({mask=[USR1]}) = 0`},
		{name: "rt_sigreturn arm64", arch: arm64, call: "rt_sigreturn", sp: 0x10000,
			mem:  func(m *fakeMem) { m.at(0x10000+168, words{}.u64(0)) },
			want: `rt_sigreturn({mask=[]}) = 0`},
		{name: "rt_sigreturn no sp", call: "rt_sigreturn", want: `rt_sigreturn({mask=?}) = 0`},
	})
}

func TestDecodeNetwork(t *testing.T) {
	runCases(t, []callCase{
		{name: "socket", call: "socket", args: [6]uint64{2, 1 | 0x80000, 0}, ret: 3,
			want: `socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 3`},
		{name: "socket netlink", call: "socket", args: [6]uint64{16, 3, 0}, ret: 3,
			want: `socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE) = 3`},
		{name: "socket unknown", call: "socket", args: [6]uint64{99, 99, 0}, errno: 97,
			want: `socket(0x63 /* AF_??? */, SOCK_RAW|0x60 /* SOCK_??? */, 0) = -1 EAFNOSUPPORT (Address family not supported by protocol)`},
		{name: "connect inet", call: "connect", args: [6]uint64{3, bufA, 16},
			mem:  func(m *fakeMem) { m.at(bufA, []byte{2, 0, 0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}) },
			want: `connect(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}, 16) = 0`},
		{name: "connect inet6", call: "connect", args: [6]uint64{3, bufA, 28},
			mem: func(m *fakeMem) {
				m.at(bufA, []byte{10, 0, 1, 187, 0, 0, 0, 0, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0})
			},
			want: `connect(3, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:db8::1", &sin6_addr), sin6_scope_id=0}, 28) = 0`},
		{name: "bind unix", call: "bind", args: [6]uint64{3, bufA, 110},
			mem: func(m *fakeMem) {
				m.at(bufA, append(words{}.u16(1), append([]byte("/run/x"), make([]byte, 102)...)...))
			},
			want: `bind(3, {sa_family=AF_UNIX, sun_path="/run/x"}, 110) = 0`},
		{name: "bind abstract", call: "bind", args: [6]uint64{3, bufA, 7},
			mem:  func(m *fakeMem) { m.at(bufA, append(words{}.u16(1), "\x00ab\x00c"...)) },
			want: `bind(3, {sa_family=AF_UNIX, sun_path=@"ab\0c"}, 7) = 0`},
		{name: "accept4", call: "accept4", args: [6]uint64{3, bufA, bufB, 0x800}, ret: 4,
			entry: "3, ",
			mem:   func(m *fakeMem) { m.at(bufB, words{}.u32(110)) },
			kern: func(m *fakeMem) {
				m.at(bufA, words{}.u16(2).u16(0x5000).u32(0x0100007f).pad(8))
				m.at(bufB, words{}.u32(16))
			},
			want: `accept4(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}, [110 => 16], SOCK_NONBLOCK) = 4`},
		{name: "accept fails", call: "accept", args: [6]uint64{3, bufA, bufB}, errno: 11,
			mem:  func(m *fakeMem) { m.at(bufB, words{}.u32(110)) },
			want: `accept(3, 0x3000, [110]) = -1 EAGAIN (Resource temporarily unavailable)`},
		{name: "setsockopt", call: "setsockopt", args: [6]uint64{3, 6, 1, bufA, 4},
			mem:  func(m *fakeMem) { m.at(bufA, words{}.u32(1)) },
			want: `setsockopt(3, SOL_TCP, TCP_NODELAY, [1], 4) = 0`},
		{name: "getsockopt", call: "getsockopt", args: [6]uint64{3, 1, 4, bufA, bufB},
			mem:  func(m *fakeMem) { m.at(bufB, words{}.u32(4)) },
			kern: func(m *fakeMem) { m.at(bufA, words{}.u32(111)) },
			want: `getsockopt(3, SOL_SOCKET, SO_ERROR, [111], [4]) = 0`},
		{name: "sendto", call: "sendto", args: [6]uint64{3, bufA, 4, 0x4000, bufB, 16},
			mem: func(m *fakeMem) {
				m.at(bufA, []byte("ping"))
				m.at(bufB, []byte{2, 0, 0, 53, 8, 8, 8, 8, 0, 0, 0, 0, 0, 0, 0, 0})
			}, ret: 4,
			want: `sendto(3, "ping", 4, MSG_NOSIGNAL, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("8.8.8.8")}, 16) = 4`},
		{name: "sendmsg rights", call: "sendmsg", args: [6]uint64{3, bufA, 0},
			mem: func(m *fakeMem) {
				m.at(bufA, words{}.u64(0).u32(0).pad(4).u64(bufB).u64(1).u64(0x5000).u64(24).u32(0).pad(4))
				m.at(bufB, words{}.u64(0x6000).u64(1))
				m.at(0x6000, []byte("x"))
				m.at(0x5000, words{}.u64(20).u32(1).u32(1).u32(7).pad(4))
			}, ret: 1,
			want: `sendmsg(3, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="x", iov_len=1}], msg_iovlen=1, msg_control=[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[7]}], msg_controllen=24, msg_flags=0}, 0) = 1`},
		{name: "shutdown", call: "shutdown", args: [6]uint64{3, 2}, want: `shutdown(3, SHUT_RDWR) = 0`},
		{name: "socketcall i386", arch: i386, call: "socketcall", args: [6]uint64{1, bufA},
			mem: func(m *fakeMem) { m.at(bufA, words{}.u32(10).u32(2).u32(17)) }, ret: 3,
			want: `socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP) = 3`},
		{name: "socketcall i386 recvfrom", arch: i386, call: "socketcall", args: [6]uint64{12, bufA},
			mem:   func(m *fakeMem) { m.at(bufA, words{}.u32(4).u32(bufB).u32(64).u32(0).u32(0).u32(0)) },
			entry: "4, ", kern: func(m *fakeMem) { m.at(bufB, []byte("pong")) }, ret: 4,
			want: `recvfrom(4, "pong", 64, 0, NULL, NULL) = 4`},
		{name: "socketcall unreadable", arch: i386, call: "socketcall", args: [6]uint64{3, 8}, errno: 14,
			want: `socketcall(SYS_CONNECT, 0x8) = -1 EFAULT (Bad address)`},
	})
}

func TestDecodePolling(t *testing.T) {
	runCases(t, []callCase{
		{name: "poll", call: "poll", args: [6]uint64{bufA, 2, 0},
			mem:  func(m *fakeMem) { m.at(bufA, words{}.u32(3).u16(1).u16(0).u32(4).u16(5).u16(0)) },
			kern: func(m *fakeMem) { m.at(bufA, words{}.u32(3).u16(1).u16(1).u32(4).u16(5).u16(4)) }, ret: 2,
			want: `poll([{fd=3, events=POLLIN}, {fd=4, events=POLLIN|POLLOUT}], 2, 0) = 2 ([{fd=3, revents=POLLIN}, {fd=4, revents=POLLOUT}])`},
		{name: "poll timeout", call: "poll", args: [6]uint64{bufA, 1, 100},
			mem:  func(m *fakeMem) { m.at(bufA, words{}.u32(3).u16(1).u16(0)) },
			want: `poll([{fd=3, events=POLLIN}], 1, 100) = 0 (Timeout)`},
		{name: "ppoll", call: "ppoll", args: [6]uint64{bufA, 1, bufB, 0, 8},
			mem: func(m *fakeMem) {
				m.at(bufA, words{}.u32(3).u16(1).u16(0))
				m.at(bufB, words{}.u64(1).u64(0))
			},
			kern: func(m *fakeMem) {
				m.at(bufA, words{}.u32(3).u16(1).u16(0x10))
				m.at(bufB, words{}.u64(0).u64(5))
			}, ret: 1,
			want: `ppoll([{fd=3, events=POLLIN}], 1, {tv_sec=1, tv_nsec=0}, NULL, 8) = 1 ([{fd=3, revents=POLLHUP}], left {tv_sec=0, tv_nsec=5})`},
		{name: "pselect6", call: "pselect6", args: [6]uint64{5, bufA, bufB, 0, 0, 0x5000},
			mem: func(m *fakeMem) {
				m.at(bufA, words{}.u64(1<<3|1<<4))
				m.at(bufB, words{}.u64(1<<4))
				m.at(0x5000, words{}.u64(0).u64(8))
			},
			kern: func(m *fakeMem) {
				m.at(bufA, words{}.u64(1<<3))
				m.at(bufB, words{}.u64(1<<4))
			}, ret: 2,
			want: `pselect6(5, [3 4], [4], NULL, NULL, {sigmask=NULL, sigsetsize=8}) = 2 (in [3], out [4])`},
		{name: "epoll_ctl", call: "epoll_ctl", args: [6]uint64{5, 1, 3, bufA},
			mem:  func(m *fakeMem) { m.at(bufA, words{}.u32(0x80000001).u64(7)) },
			want: `epoll_ctl(5, EPOLL_CTL_ADD, 3, {events=EPOLLIN|EPOLLET, data={u32=7, u64=7}}) = 0`},
		{name: "epoll_wait arm64", arch: arm64, call: "epoll_pwait", args: [6]uint64{5, bufA, 4, 0, 0, 8},
			kern: func(m *fakeMem) { m.at(bufA, words{}.u32(4).pad(4).u64(1<<32|2)) }, ret: 1,
			want: `epoll_pwait(5, [{events=EPOLLOUT, data={u32=2, u64=4294967298}}], 4, 0, NULL, 8) = 1`},
		{name: "epoll_create1", call: "epoll_create1", args: [6]uint64{0o2000000}, ret: 5,
			want: `epoll_create1(EPOLL_CLOEXEC) = 5`},
	})
}

func TestDecodeFutexTime(t *testing.T) {
	runCases(t, []callCase{
		{name: "futex wait", call: "futex", args: [6]uint64{0x5000, 128, 2, 0}, errno: 11,
			want: `futex(0x5000, FUTEX_WAIT_PRIVATE, 2, NULL) = -1 EAGAIN (Resource temporarily unavailable)`},
		{name: "futex wake", call: "futex", args: [6]uint64{0x5000, 129, 1}, ret: 1,
			want: `futex(0x5000, FUTEX_WAKE_PRIVATE, 1) = 1`},
		{name: "futex bitset", call: "futex", args: [6]uint64{0x5000, 9 | 128 | 256, 0, bufA, 0, 0xffffffff},
			mem:  func(m *fakeMem) { m.at(bufA, words{}.u64(1).u64(2)) },
			want: `futex(0x5000, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, {tv_sec=1, tv_nsec=2}, FUTEX_BITSET_MATCH_ANY) = 0`},
		{name: "futex wake_op", call: "futex", args: [6]uint64{0x5000, 5 | 128, 1, 1, 0x6000, 0x04000001},
			want: `futex(0x5000, FUTEX_WAKE_OP_PRIVATE, 1, 1, 0x6000, FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_GT<<24|0x1) = 0`},
		{name: "futex_time64 i386", arch: i386, call: "futex_time64", args: [6]uint64{0x5000, 0, 1, bufA},
			mem:  func(m *fakeMem) { m.at(bufA, words{}.u64(3).u64(4)) },
			want: `futex_time64(0x5000, FUTEX_WAIT, 1, {tv_sec=3, tv_nsec=4}) = 0`},
		{name: "nanosleep eintr", call: "nanosleep", args: [6]uint64{bufA, bufB}, errno: 516,
			mem:  func(m *fakeMem) { m.at(bufA, words{}.u64(1).u64(0)) },
			kern: func(m *fakeMem) { m.at(bufB, words{}.u64(0).u64(500)) },
			want: `nanosleep({tv_sec=1, tv_nsec=0}, {tv_sec=0, tv_nsec=500}) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)`},
		{name: "clock_gettime i386", arch: i386, call: "clock_gettime", args: [6]uint64{1, bufA},
			kern: func(m *fakeMem) { m.at(bufA, words{}.u32(5).u32(6)) },
			want: `clock_gettime(CLOCK_MONOTONIC, {tv_sec=5, tv_nsec=6}) = 0`},
		{name: "gettimeofday", call: "gettimeofday", args: [6]uint64{bufA, 0},
			kern: func(m *fakeMem) { m.at(bufA, words{}.u64(5).u64(6)) },
			want: `gettimeofday({tv_sec=5, tv_usec=6}, NULL) = 0`},
	})
}

func TestDecodeStartup(t *testing.T) {
	uts := func(m *fakeMem) {
		var b []byte
		for _, f := range []string{"Linux", "vm", "6.18", "#1", "x86_64", "(none)"} {
			b = append(b, append([]byte(f), make([]byte, 65-len(f))...)...)
		}
		m.at(bufA, b)
	}
	runCases(t, []callCase{
		{name: "arch_prctl set", call: "arch_prctl", args: [6]uint64{0x1002, 0x7f00}, want: `arch_prctl(ARCH_SET_FS, 0x7f00) = 0`},
		{name: "arch_prctl get", call: "arch_prctl", args: [6]uint64{0x1003, bufA},
			kern: func(m *fakeMem) { m.at(bufA, words{}.u64(0x7f00)) },
			want: `arch_prctl(ARCH_GET_FS, [0x7f00]) = 0`},
		{name: "arch_prctl unknown", call: "arch_prctl", args: [6]uint64{0x3001, 0}, errno: 22,
			want: `arch_prctl(0x3001 /* ARCH_??? */, 0) = -1 EINVAL (Invalid argument)`},
		{name: "set_robust_list", call: "set_robust_list", args: [6]uint64{0x7f00, 24}, want: `set_robust_list(0x7f00, 24) = 0`},
		{name: "rseq", call: "rseq", args: [6]uint64{0x7f00, 0x20, 0, 0x53053053}, want: `rseq(0x7f00, 0x20, 0, 0x53053053) = 0`},
		{name: "getrandom", call: "getrandom", args: [6]uint64{bufA, 4, 1}, ret: 4,
			kern: func(m *fakeMem) { m.at(bufA, []byte("abc\xff")) },
			want: `getrandom("\x61\x62\x63\xff", 4, GRND_NONBLOCK) = 4`},
		{name: "uname", call: "uname", args: [6]uint64{bufA}, kern: uts,
			want: `uname({sysname="Linux", nodename="vm", ...}) = 0`},
		{name: "uname -v", call: "uname", args: [6]uint64{bufA}, kern: uts, opts: decode.Options{Verbose: true},
			want: `uname({sysname="Linux", nodename="vm", release="6.18", version="#1", machine="x86_64", domainname="(none)"}) = 0`},
	})
}

func TestDecodeMisc(t *testing.T) {
	runCases(t, []callCase{
		{name: "statfs", call: "statfs", args: [6]uint64{pathA, bufA},
			mem: func(m *fakeMem) { m.str(pathA, "/") },
			kern: func(m *fakeMem) {
				m.at(bufA, words{}.u64(0xef53).u64(4096).u64(10).u64(5).u64(4).u64(100).u64(50).u32(1).u32(2).u64(255).u64(4096).u64(0x1020).pad(32))
			},
			want: `statfs("/", {f_type=EXT2_SUPER_MAGIC, f_bsize=4096, f_blocks=10, f_bfree=5, f_bavail=4, f_files=100, f_ffree=50, f_fsid={val=[0x1, 0x2]}, f_namelen=255, f_frsize=4096, f_flags=ST_VALID|ST_RELATIME}) = 0`},
		{name: "statfs64 i386", arch: i386, call: "statfs64", args: [6]uint64{pathA, 84, bufA},
			mem: func(m *fakeMem) { m.str(pathA, "/") },
			kern: func(m *fakeMem) {
				m.at(bufA, words{}.u32(0x01021994).u32(4096).u64(10).u64(5).u64(4).u64(100).u64(50).u32(1).u32(2).u32(255).u32(4096).u32(0x20).pad(16))
			},
			want: `statfs64("/", 84, {f_type=TMPFS_MAGIC, f_bsize=4096, f_blocks=10, f_bfree=5, f_bavail=4, f_files=100, f_ffree=50, f_fsid={val=[0x1, 0x2]}, f_namelen=255, f_frsize=4096, f_flags=ST_VALID}) = 0`},
		{name: "lgetxattr", call: "lgetxattr", args: [6]uint64{pathA, pathB, bufA, 255}, errno: 61,
			mem: func(m *fakeMem) {
				m.str(pathA, "/")
				m.str(pathB, "security.selinux")
			},
			want: `lgetxattr("/", "security.selinux", 0x3000, 255) = -1 ENODATA (No data available)`},
		{name: "fadvise64", call: "fadvise64", args: [6]uint64{3, 0, 0, 2},
			want: `fadvise64(3, 0, 0, POSIX_FADV_SEQUENTIAL) = 0`},
		{name: "sysinfo", call: "sysinfo", args: [6]uint64{bufA},
			kern: func(m *fakeMem) {
				m.at(bufA, words{}.u64(60).u64(1).u64(2).u64(3).u64(100).u64(50).u64(0).u64(7).u64(0).u64(0).u16(9).pad(6).u64(0).u64(0).u32(1).pad(4))
			},
			want: `sysinfo({uptime=60, loads=[1, 2, 3], totalram=100, freeram=50, sharedram=0, bufferram=7, totalswap=0, freeswap=0, procs=9, totalhigh=0, freehigh=0, mem_unit=1}) = 0`},
		{name: "getgroups", call: "getgroups", args: [6]uint64{8, bufA}, ret: 2,
			kern: func(m *fakeMem) { m.at(bufA, words{}.u32(0).u32(27)) },
			want: `getgroups(8, [0, 27]) = 2`},
		{name: "sched_getaffinity", call: "sched_getaffinity", args: [6]uint64{0, 128, bufA}, ret: 8,
			kern: func(m *fakeMem) { m.at(bufA, words{}.u64(0b1011)) },
			want: `sched_getaffinity(0, 128, [0 1 3]) = 8`},
		{name: "sendfile", call: "sendfile", args: [6]uint64{4, 3, bufA, 10}, ret: 5,
			mem:  func(m *fakeMem) { m.at(bufA, words{}.u64(2)) },
			kern: func(m *fakeMem) { m.at(bufA, words{}.u64(7)) },
			want: `sendfile(4, 3, [2] => [7], 10) = 5`},
		{name: "prctl set name", call: "prctl", args: [6]uint64{15, pathA},
			mem: func(m *fakeMem) { m.str(pathA, "worker") }, want: `prctl(PR_SET_NAME, "worker") = 0`},
		{name: "prctl dumpable", call: "prctl", args: [6]uint64{3}, ret: 1,
			want: `prctl(PR_GET_DUMPABLE) = 1 (SUID_DUMP_USER)`},
		{name: "setitimer", call: "setitimer", args: [6]uint64{0, bufA, 0},
			mem:  func(m *fakeMem) { m.at(bufA, words{}.u64(0).u64(0).u64(1).u64(500)) },
			want: `setitimer(ITIMER_REAL, {it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=1, tv_usec=500}}, NULL) = 0`},
		{name: "umask", call: "umask", args: [6]uint64{0o22}, ret: 0o77, want: `umask(022) = 077`},
		{name: "getcwd", call: "getcwd", args: [6]uint64{bufA, 100}, ret: 6,
			kern: func(m *fakeMem) { m.str(bufA, "/home") }, want: `getcwd("/home", 100) = 6`},
	})
}

func TestDecodeRawAndUnknown(t *testing.T) {
	runCases(t, []callCase{
		{name: "unknown number", nr: 500, args: [6]uint64{1, 2, 3, 4, 5, 6}, errno: 38,
			want: `syscall_0x1f4(0x1, 0x2, 0x3, 0x4, 0x5, 0x6) = -1 ENOSYS (Function not implemented)`},
		{name: "undecoded", call: "io_uring_setup", args: [6]uint64{8, 0x5000}, ret: 3,
			want: `io_uring_setup(0x8, 0x5000) = 3`},
		{name: "unknown errno", call: "close", args: [6]uint64{3}, errno: 4000,
			want: `close(3) = -1 4000 (Unknown error 4000)`},
		{name: "unknown arch", arch: 0x1234, nr: 3, args: [6]uint64{1, 2}, ret: 0,
			want: `syscall_0x3(0x1, 0x2, 0, 0, 0, 0) = 0`},
	})
	// Exit without Entry (the tracer attached inside a call) prints the
	// result only.
	var d decode.Decoder
	var c decode.Call
	args, res := d.Exit(nil, &c, -4, 4, nil)
	if len(args) != 0 || res != "-1 EINTR (Interrupted system call)" {
		t.Errorf("Exit without Entry = %q, %q", args, res)
	}
}

func TestEscape(t *testing.T) {
	for _, tc := range []struct {
		in    string
		trunc bool
		opts  decode.Options
		want  string
	}{
		{"hello", false, decode.Options{}, `"hello"`},
		{"a\"b\\c", false, decode.Options{}, `"a\"b\\c"`},
		{"\t\n\v\f\r", false, decode.Options{}, `"\t\n\v\f\r"`},
		{"\x00\x01", false, decode.Options{}, `"\0\1"`},
		{"\x001", false, decode.Options{}, `"\0001"`},
		{"\x1b[2J", false, decode.Options{}, `"\33[2J"`},
		{"\x7f\x80\xff", false, decode.Options{}, `"\177\200\377"`},
		{"\x018", false, decode.Options{}, `"\18"`},
		{"\x017", false, decode.Options{}, `"\0017"`},
		{"é", false, decode.Options{}, `"\303\251"`},
		{"abc", true, decode.Options{}, `"abc"...`},
		{"abcdef", false, decode.Options{StringLimit: 3}, `"abc"...`},
		{"abc", false, decode.Options{StringLimit: 3}, `"abc"`},
		{"hi\n", false, decode.Options{Hex: 1}, `"hi\n"`},
		{"hi\x1b", false, decode.Options{Hex: 1}, `"\x68\x69\x1b"`},
		{"hi", false, decode.Options{Hex: 2}, `"\x68\x69"`},
		{"", false, decode.Options{}, `""`},
		{strings.Repeat("a", 40), false, decode.Options{}, `"` + strings.Repeat("a", 32) + `"...`},
	} {
		d := decode.Decoder{Opts: tc.opts}
		if got := string(d.Escape(nil, []byte(tc.in), tc.trunc)); got != tc.want {
			t.Errorf("Escape(%q, %v, %+v) = %s, want %s", tc.in, tc.trunc, tc.opts, got, tc.want)
		}
	}
}

func TestDecodedList(t *testing.T) {
	// Every name in the list is decoded on x86-64.
	for _, name := range strings.Fields(`open openat openat2 creat read write pread64 pwrite64 readv writev
		preadv pwritev preadv2 pwritev2 close stat fstat lstat newfstatat statx access faccessat
		faccessat2 lseek getdents64 readlink readlinkat unlink unlinkat mkdir mkdirat rename renameat
		renameat2 chdir fchdir fcntl ioctl dup dup2 dup3 pipe pipe2 mmap munmap mprotect brk madvise
		mremap clone clone3 fork vfork execve execveat wait4 waitid exit exit_group kill tkill tgkill
		prlimit64 getpid rt_sigaction rt_sigprocmask sigaltstack rt_sigreturn socket connect bind
		listen accept accept4 sendto recvfrom sendmsg recvmsg setsockopt getsockopt shutdown socketpair
		getsockname getpeername poll ppoll select pselect6 epoll_create1 epoll_ctl epoll_wait
		epoll_pwait epoll_pwait2 futex nanosleep clock_nanosleep clock_gettime gettimeofday arch_prctl
		set_tid_address set_robust_list rseq getrandom uname`) {
		found := false
		for _, n := range decode.Decoded(x86) {
			if n == name {
				found = true
			}
		}
		if !found {
			t.Errorf("%s is not decoded on x86_64", name)
		}
	}
	if n := len(decode.Decoded(i386)); n < 100 {
		t.Errorf("only %d calls decoded on i386", n)
	}
	if n := len(decode.Decoded(arm64)); n < 100 {
		t.Errorf("only %d calls decoded on aarch64", n)
	}
}
