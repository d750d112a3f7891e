package decode

import (
	"strings"
	"sync"

	"github.com/seize-dev/seize/sysabi"
)

// kind is how one argument (or a group of related arguments) prints.
type kind uint8

// Argument kinds. "b" is a step's second argument index (a length, a
// count, the other half of a split 64-bit value).
const (
	kHex            kind = iota // raw hex
	kInt                        // C int, decimal
	kUint                       // unsigned int, decimal
	kLong                       // long, decimal
	kUlong                      // unsigned long / size_t, decimal
	kFd                         // file descriptor (-y)
	kDirfd                      // AT_FDCWD or a descriptor
	kPath                       // file name
	kStr                        // C string cut at -s
	kPtr                        // NULL or address
	kMode                       // permission bits, octal
	kEnum                       // enumeration (t)
	kFlags                      // flag set (t)
	kOpenFlags                  // O_ACCMODE|O_* flags
	kOpenMode                   // mode, only when flags b ask for one
	kSig                        // signal number
	kBufIn                      // buffer of b bytes, input
	kBufOut                     // buffer filled with ret bytes (b is its size)
	kBufOutHex                  // kBufOut, all in \x (getrandom)
	kPathOut                    // getcwd's buffer
	kIovIn                      // iovec array of b elements, input
	kIovOut                     // iovec array filled with ret bytes
	kOffset                     // loff_t; on i386 split: a low, b high
	kStatOut                    // struct stat (or stat64 on i386)
	kStatxOut                   // struct statx
	kStatxFlags                 // AT_STATX_* then AT_* flags
	kDirents                    // getdents64 buffer, ret bytes
	kFcntlCmd                   // fcntl command (then kFcntlArg)
	kFcntlArg                   // fcntl argument, by command a
	kIoctlReq                   // ioctl request (then kIoctlArg)
	kIoctlArg                   // ioctl argument, by request a
	kFdPair                     // int[2] filled by pipe/socketpair
	kMmapFlags                  // MAP_TYPE then MAP_* flags
	kSockaddrIn                 // sockaddr of b bytes, input
	kSockaddrOut                // sockaddr filled in, b points to its length
	kSocklen                    // socklen_t in/out "[110 => 7]"
	kSockType                   // SOCK_* type and flags
	kSockProto                  // protocol, by domain a
	kSockLevel                  // setsockopt level
	kSockOpt                    // option name, by level b
	kSockoptIn                  // option value of b bytes
	kSockoptOut                 // option value, b points to its length
	kMsghdrIn                   // struct msghdr, input
	kMsghdrOut                  // struct msghdr filled with ret bytes
	kSigsetIn                   // sigset_t of b bytes
	kSigsetOut                  // sigset_t of b bytes, output
	kSigactIn                   // struct sigaction
	kSigactOut                  // old struct sigaction
	kStackIn                    // stack_t
	kStackOut                   // old stack_t
	kTimespecIn                 // struct timespec
	kTimespecOut                // struct timespec, output
	kTimevalOut                 // struct timeval, output
	kTimezoneOut                // struct timezone, output
	kRlimitIn                   // struct rlimit64
	kRlimitOut                  // struct rlimit64, output
	kRlimitLOut                 // struct rlimit with longs, output
	kRlimitLIn                  // struct rlimit with longs
	kUtsnameOut                 // struct utsname
	kPollfds                    // struct pollfd[b]
	kFdset                      // fd_set, nfds in argument 0
	kPselectSig                 // pselect6's {sigmask, sigsetsize}
	kEpollEventIn               // struct epoll_event
	kEpollEventsOut             // struct epoll_event[ret]
	kFutex                      // futex op and the arguments it uses
	kCloneEntry                 // clone's stack and flags
	kCloneExit                  // clone's tid pointers and tls
	kClone3                     // struct clone_args, at entry
	kClone3Stored               // " => {parent_tid=[N]}": what clone3 stored
	kArgv                       // execve's argv
	kEnvp                       // execve's envp
	kWaitStatus                 // int *wstatus
	kSiginfoOut                 // siginfo_t filled by waitid
	kArchPrctlAddr              // arch_prctl's address, by code a
	kOpenHow                    // struct open_how of b bytes
	kNanoRem                    // nanosleep's remaining time
	kLlseekRes                  // _llseek's loff_t result
	kSigreturn                  // rt_sigreturn's restored mask
	kMremapNew                  // mremap's new address, with MREMAP_FIXED
	kOldMmap                    // i386 old_mmap's argument block
	kTimevalIn                  // struct timeval, input
	kOffInOut                   // loff_t * read and updated: "[2] => [7]"
	kItimerIn                   // struct itimerval
	kItimerOut                  // struct itimerval, output
	kStatfsOut                  // struct statfs (statfs64 on i386, size in b)
	kSysinfoOut                 // struct sysinfo
	kOffIn                      // loff_t * read at entry: "[N]"
	kGidsIn                     // gid_t[b]
	kGidsOut                    // gid_t[ret]
	kCPUSetIn                   // cpu_set_t of b bytes
	kCPUSetOut                  // cpu_set_t of ret bytes
	kPrctlArgs                  // prctl's arguments, by option a
	kMpolMode                   // MPOL_* mode and its flags
	kMpolModeOut                // int *mode filled by get_mempolicy
	kNodemaskIn                 // nodemask of b (maxnode) bits
	kNodemaskOut                // nodemask of b bits, output
	kSigwaitInfo                // rt_sigtimedwait's siginfo_t *, filled in (at exit unless NULL)
	kSiginfoIn                  // siginfo_t sent (rt_sigqueueinfo)
	kSigevent                   // struct sigevent (timer_create)
	kIntOut                     // an int the kernel fills in: [3]
	kItimerspecIn               // struct itimerspec
	kItimerspecOut              // struct itimerspec, output
	kSeccompFlags               // seccomp(2)'s flags, by its operation
	kSeccompArg                 // seccomp(2)'s argument, by its operation
	kCapHeader                  // struct __user_cap_header_struct
	kCapDataIn                  // capability sets (capset)
	kCapDataOut                 // capability sets filled in (capget)
	kTmsOut                     // struct tms filled in (times)
	kUtimens                    // utimensat's two timespecs, or UTIME_NOW/UTIME_OMIT
	kRusageOut                  // struct rusage filled in
	kLoffPtr                    // loff_t * read at entry: [0], or NULL
	kIntIn                      // an int read at entry: [0]
	kMknodMode                  // mknod's mode, and its dev (a+1) for a device
	kIoprio                     // an ioprio value: IOPRIO_PRIO_VALUE(class, data)
)

// exitKinds print after the call: the kernel fills them in.
var exitKinds = [...]bool{
	kBufOut: true, kBufOutHex: true, kPathOut: true, kIovOut: true, kStatOut: true, kStatxOut: true,
	kDirents: true, kFdPair: true, kSockaddrOut: true, kSocklen: true, kSockoptOut: true,
	kMsghdrOut: true, kSigsetOut: true, kSigactOut: true, kStackOut: true, kTimespecOut: true,
	kTimevalOut: true, kTimezoneOut: true, kRlimitOut: true, kRlimitLOut: true, kUtsnameOut: true,
	kEpollEventsOut: true, kWaitStatus: true, kSiginfoOut: true, kNanoRem: true, kLlseekRes: true,
	kOffInOut: true, kItimerOut: true, kStatfsOut: true, kSysinfoOut: true, kGidsOut: true, kCPUSetOut: true,
	kMpolModeOut: true, kNodemaskOut: true, kIntOut: true, kItimerspecOut: true, kCapDataOut: true, kTmsOut: true, kRusageOut: true,
}

// atExit tells whether a step prints at exit, for the call's arguments.
func (k kind) atExit(p *printer) bool {
	c := p.c
	switch k {
	case kFcntlArg:
		return fcntlArgAtExit(c)
	case kIoctlArg:
		return ioctlArgAtExit(c)
	case kCloneExit:
		return cloneExitNeeded(c)
	case kClone3Stored:
		return p.clone3AtExit()
	case kPrctlArgs:
		return prctlAtExit(c)
	case kSeccompArg:
		return c.args[0] == 3 // SECCOMP_GET_NOTIF_SIZES fills it in
	case kSigwaitInfo:
		// strace reads it at exit only if it will print it, and then
		// prints the timeout after it, as read at entry.
		return c.args[1] != 0 && !p.d.Opts.NoDeref
	case kArchPrctlAddr:
		// The ARCH_GET_* codes store through the address.
		switch c.args[0] {
		case 0x1003, 0x1004, 0x1011, 0x1021, 0x1022, 0x1024:
			return true
		}
		return false
	}
	return int(k) < len(exitKinds) && exitKinds[k]
}

// step is one printed argument (or group).
type step struct {
	k    kind
	a, b int8
	t    *xlat
}

// retKind is how the return value prints.
type retKind uint8

const (
	rDec   retKind = iota // decimal
	rHex                  // address
	rOct                  // umask
	rFd                   // a new file descriptor (-y)
	rExtra                // desc.extra decides
)

// sysDesc describes one system call's arguments and result.
type sysDesc struct {
	steps []step
	ret   retKind
	// extra formats the result with strace's additions; false falls back
	// to decimal.
	extra func(p *printer) bool
	// entry runs before the steps (socketcall rewrites the call).
	entry func(p *printer)
	// t64: timespecs are 64-bit even on i386 (the *_time64 calls).
	t64 bool
}

// Step constructors keep the table readable.
func a(k kind, i int8) step                 { return step{k: k, a: i, b: -1} }
func ab(k kind, i, j int8) step             { return step{k: k, a: i, b: j} }
func at(k kind, i int8, t *xlat) step       { return step{k: k, a: i, b: -1, t: t} }
func d(ret retKind, steps ...step) *sysDesc { return &sysDesc{steps: steps, ret: ret} }

// Common argument shapes.
var (
	fd0   = a(kFd, 0)
	path0 = a(kPath, 0)
	path1 = a(kPath, 1)
	dir0  = a(kDirfd, 0)
	dir2  = a(kDirfd, 2)
	noArg = d(rDec)
)

// syscallTable maps names (as sysabi spells them) to their description,
// for the 64-bit ABIs. i386 differs where i386Table says so.
var syscallTable = map[string]*sysDesc{
	// Files.
	"read":       d(rDec, fd0, ab(kBufOut, 1, 2), a(kUlong, 2)),
	"write":      d(rDec, fd0, ab(kBufIn, 1, 2), a(kUlong, 2)),
	"pread64":    d(rDec, fd0, ab(kBufOut, 1, 2), a(kUlong, 2), a(kOffset, 3)),
	"pwrite64":   d(rDec, fd0, ab(kBufIn, 1, 2), a(kUlong, 2), a(kOffset, 3)),
	"readv":      d(rDec, fd0, ab(kIovOut, 1, 2), a(kUlong, 2)),
	"writev":     d(rDec, fd0, ab(kIovIn, 1, 2), a(kUlong, 2)),
	"preadv":     d(rDec, fd0, ab(kIovOut, 1, 2), a(kUlong, 2), a(kOffset, 3)),
	"pwritev":    d(rDec, fd0, ab(kIovIn, 1, 2), a(kUlong, 2), a(kOffset, 3)),
	"preadv2":    d(rDec, fd0, ab(kIovOut, 1, 2), a(kUlong, 2), a(kOffset, 3), at(kFlags, 5, rwfFlags)),
	"pwritev2":   d(rDec, fd0, ab(kIovIn, 1, 2), a(kUlong, 2), a(kOffset, 3), at(kFlags, 5, rwfFlags)),
	"open":       d(rFd, path0, a(kOpenFlags, 1), ab(kOpenMode, 2, 1)),
	"openat":     d(rFd, dir0, path1, a(kOpenFlags, 2), ab(kOpenMode, 3, 2)),
	"openat2":    d(rFd, dir0, path1, ab(kOpenHow, 2, 3), a(kUlong, 3)),
	"creat":      d(rFd, path0, a(kMode, 1)),
	"close":      d(rDec, fd0),
	"stat":       d(rDec, path0, a(kStatOut, 1)),
	"lstat":      d(rDec, path0, a(kStatOut, 1)),
	"fstat":      d(rDec, fd0, a(kStatOut, 1)),
	"newfstatat": d(rDec, dir0, path1, a(kStatOut, 2), at(kFlags, 3, atFlags)),
	"statx":      d(rDec, dir0, path1, a(kStatxFlags, 2), at(kFlags, 3, statxMasks), a(kStatxOut, 4)),
	"access":     d(rDec, path0, at(kFlags, 1, accessModes)),
	"faccessat":  d(rDec, dir0, path1, at(kFlags, 2, accessModes)),
	"faccessat2": d(rDec, dir0, path1, at(kFlags, 2, accessModes), at(kFlags, 3, faccessatFlags)),
	"lseek":      d(rDec, fd0, a(kLong, 1), at(kEnum, 2, seekWhence)),
	"getdents64": d(rDec, fd0, ab(kDirents, 1, 2), a(kUint, 2)),
	"readlink":   d(rDec, path0, ab(kBufOut, 1, 2), a(kUlong, 2)),
	"readlinkat": d(rDec, dir0, path1, ab(kBufOut, 2, 3), a(kUlong, 3)),
	"unlink":     d(rDec, path0),
	"unlinkat":   d(rDec, dir0, path1, at(kFlags, 2, atFlags)),
	"rmdir":      d(rDec, path0),
	"mkdir":      d(rDec, path0, a(kMode, 1)),
	"mkdirat":    d(rDec, dir0, path1, a(kMode, 2)),
	"rename":     d(rDec, path0, path1),
	"renameat":   d(rDec, dir0, path1, dir2, a(kPath, 3)),
	"renameat2":  d(rDec, dir0, path1, dir2, a(kPath, 3), at(kFlags, 4, renameFlags)),
	"link":       d(rDec, path0, path1),
	"linkat":     d(rDec, dir0, path1, dir2, a(kPath, 3), at(kFlags, 4, atFlags)),
	"symlink":    d(rDec, path0, path1),
	"symlinkat":  d(rDec, path0, a(kDirfd, 1), a(kPath, 2)),
	"chdir":      d(rDec, path0),
	"fchdir":     d(rDec, fd0),
	"chroot":     d(rDec, path0),
	"chmod":      d(rDec, path0, a(kMode, 1)),
	"fchmod":     d(rDec, fd0, a(kMode, 1)),
	"fchmodat":   d(rDec, dir0, path1, a(kMode, 2)),
	"chown":      d(rDec, path0, a(kInt, 1), a(kInt, 2)),
	"lchown":     d(rDec, path0, a(kInt, 1), a(kInt, 2)),
	"fchown":     d(rDec, fd0, a(kInt, 1), a(kInt, 2)),
	"fchownat":   d(rDec, dir0, path1, a(kInt, 2), a(kInt, 3), at(kFlags, 4, atFlags)),
	"truncate":   d(rDec, path0, a(kLong, 1)),
	"ftruncate":  d(rDec, fd0, a(kLong, 1)),
	"fsync":      d(rDec, fd0),
	"fdatasync":  d(rDec, fd0),
	"getcwd":     d(rDec, ab(kPathOut, 0, 1), a(kUlong, 1)),
	"statfs":     d(rDec, path0, a(kStatfsOut, 1)),
	"fstatfs":    d(rDec, fd0, a(kStatfsOut, 1)),
	"getxattr":   d(rDec, path0, a(kStr, 1), ab(kBufOut, 2, 3), a(kUlong, 3)),
	"lgetxattr":  d(rDec, path0, a(kStr, 1), ab(kBufOut, 2, 3), a(kUlong, 3)),
	"fgetxattr":  d(rDec, fd0, a(kStr, 1), ab(kBufOut, 2, 3), a(kUlong, 3)),
	"setxattr":   d(rDec, path0, a(kStr, 1), ab(kBufIn, 2, 3), a(kUlong, 3), at(kFlags, 4, xattrFlags)),
	"lsetxattr":  d(rDec, path0, a(kStr, 1), ab(kBufIn, 2, 3), a(kUlong, 3), at(kFlags, 4, xattrFlags)),
	"fsetxattr":  d(rDec, fd0, a(kStr, 1), ab(kBufIn, 2, 3), a(kUlong, 3), at(kFlags, 4, xattrFlags)),
	"listxattr":  d(rDec, path0, ab(kBufOut, 1, 2), a(kUlong, 2)),
	"llistxattr": d(rDec, path0, ab(kBufOut, 1, 2), a(kUlong, 2)),
	"flistxattr": d(rDec, fd0, ab(kBufOut, 1, 2), a(kUlong, 2)),
	"fadvise64":  d(rDec, fd0, a(kLong, 1), a(kUlong, 2), at(kEnum, 3, fadvAdvice)),
	"umask":      d(rOct, a(kMode, 0)),
	"fcntl":      {steps: []step{fd0, a(kFcntlCmd, 1), a(kFcntlArg, 1)}, ret: rExtra, extra: fcntlResult},
	"ioctl":      d(rDec, fd0, a(kIoctlReq, 1), a(kIoctlArg, 1)),
	"dup":        d(rFd, fd0),
	"dup2":       d(rFd, fd0, a(kFd, 1)),
	"dup3":       d(rFd, fd0, a(kFd, 1), at(kFlags, 2, openFlags)),
	"pipe":       d(rDec, a(kFdPair, 0)),
	"pipe2":      d(rDec, a(kFdPair, 0), at(kFlags, 1, openFlags)),
	"sendfile":   d(rDec, fd0, a(kFd, 1), a(kOffInOut, 2), a(kUlong, 3)),

	// Memory.
	"mmap":     d(rHex, a(kPtr, 0), a(kUlong, 1), at(kFlags, 2, protFlags), a(kMmapFlags, 3), a(kFd, 4), a(kHex, 5)),
	"munmap":   d(rDec, a(kPtr, 0), a(kUlong, 1)),
	"mprotect": d(rDec, a(kPtr, 0), a(kUlong, 1), at(kFlags, 2, protFlags)),
	"brk":      d(rHex, a(kPtr, 0)),
	"madvise":  d(rDec, a(kPtr, 0), a(kUlong, 1), at(kEnum, 2, madvAdvice)),
	"mremap":   d(rHex, a(kPtr, 0), a(kUlong, 1), a(kUlong, 2), at(kFlags, 3, mremapFlags), ab(kMremapNew, 4, 3)),
	"msync":    d(rDec, a(kPtr, 0), a(kUlong, 1), at(kFlags, 2, msyncFlags)),
	"mlock":    d(rDec, a(kPtr, 0), a(kUlong, 1)),
	"munlock":  d(rDec, a(kPtr, 0), a(kUlong, 1)),

	"set_mempolicy": d(rDec, a(kMpolMode, 0), ab(kNodemaskIn, 1, 2), a(kUlong, 2)),
	"get_mempolicy": d(rDec, a(kMpolModeOut, 0), ab(kNodemaskOut, 1, 2), a(kUlong, 2), a(kPtr, 3), at(kFlags, 4, mpolGetFlags)),
	"mbind":         d(rDec, a(kPtr, 0), a(kUlong, 1), a(kMpolMode, 2), ab(kNodemaskIn, 3, 4), a(kUlong, 4), at(kFlags, 5, mpolMbindFlags)),

	// Processes.
	"clone":             d(rDec, a(kCloneEntry, 0), a(kCloneExit, 0)),
	"clone3":            d(rDec, ab(kClone3, 0, 1), a(kClone3Stored, 0), a(kUlong, 1)),
	"fork":              noArg,
	"vfork":             noArg,
	"execve":            d(rDec, path0, a(kArgv, 1), a(kEnvp, 2)),
	"execveat":          d(rDec, dir0, path1, a(kArgv, 2), a(kEnvp, 3), at(kFlags, 4, atFlags)),
	"wait4":             d(rDec, a(kInt, 0), a(kWaitStatus, 1), at(kFlags, 2, waitOptions), a(kPtr, 3)),
	"waitid":            d(rDec, at(kEnum, 0, idTypes), a(kInt, 1), a(kSiginfoOut, 2), at(kFlags, 3, waitOptions), a(kPtr, 4)),
	"exit":              d(rDec, a(kInt, 0)),
	"exit_group":        d(rDec, a(kInt, 0)),
	"kill":              d(rDec, a(kInt, 0), a(kSig, 1)),
	"tkill":             d(rDec, a(kInt, 0), a(kSig, 1)),
	"tgkill":            d(rDec, a(kInt, 0), a(kInt, 1), a(kSig, 2)),
	"prlimit64":         d(rDec, a(kInt, 0), at(kEnum, 1, rlimitResources), a(kRlimitIn, 2), a(kRlimitOut, 3)),
	"getrlimit":         d(rDec, at(kEnum, 0, rlimitResources), a(kRlimitLOut, 1)),
	"setrlimit":         d(rDec, at(kEnum, 0, rlimitResources), a(kRlimitLIn, 1)),
	"getpid":            noArg,
	"getppid":           noArg,
	"gettid":            noArg,
	"getuid":            noArg,
	"geteuid":           noArg,
	"getgid":            noArg,
	"getegid":           noArg,
	"getpgrp":           noArg,
	"setsid":            noArg,
	"sched_yield":       noArg,
	"pause":             noArg,
	"sync":              noArg,
	"getpgid":           d(rDec, a(kInt, 0)),
	"getsid":            d(rDec, a(kInt, 0)),
	"setpgid":           d(rDec, a(kInt, 0), a(kInt, 1)),
	"setuid":            d(rDec, a(kInt, 0)),
	"setgid":            d(rDec, a(kInt, 0)),
	"alarm":             d(rDec, a(kUint, 0)),
	"prctl":             {steps: []step{at(kEnum, 0, prctlOptions), a(kPrctlArgs, 0)}, ret: rExtra, extra: prctlResult},
	"setitimer":         d(rDec, at(kEnum, 0, itimerWhich), a(kItimerIn, 1), a(kItimerOut, 2)),
	"getitimer":         d(rDec, at(kEnum, 0, itimerWhich), a(kItimerOut, 1)),
	"set_tid_address":   d(rDec, a(kHex, 0)),
	"set_robust_list":   d(rDec, a(kPtr, 0), a(kUlong, 1)),
	"rseq":              d(rDec, a(kHex, 0), a(kHex, 1), a(kHex, 2), a(kHex, 3)),
	"arch_prctl":        d(rDec, at(kEnum, 0, archPrctlCodes), a(kArchPrctlAddr, 1)),
	"getrandom":         d(rDec, ab(kBufOutHex, 0, 1), a(kUlong, 1), at(kFlags, 2, grndFlags)),
	"uname":             d(rDec, a(kUtsnameOut, 0)),
	"close_range":       d(rDec, a(kUint, 0), a(kUint, 1), at(kFlags, 2, closeRangeFlags)),
	"copy_file_range":   d(rDec, fd0, a(kOffIn, 1), a(kFd, 2), a(kOffIn, 3), a(kUlong, 4), a(kUint, 5)),
	"getgroups":         d(rDec, a(kInt, 0), ab(kGidsOut, 1, 0)),
	"setgroups":         d(rDec, a(kInt, 0), ab(kGidsIn, 1, 0)),
	"sched_getaffinity": d(rDec, a(kInt, 0), a(kUint, 1), ab(kCPUSetOut, 2, 1)),
	"sched_setaffinity": d(rDec, a(kInt, 0), a(kUint, 1), ab(kCPUSetIn, 2, 1)),
	"sysinfo":           d(rDec, a(kSysinfoOut, 0)),

	// Signals.
	"rt_sigaction":           d(rDec, a(kSig, 0), a(kSigactIn, 1), a(kSigactOut, 2), a(kUlong, 3)),
	"rt_sigprocmask":         d(rDec, at(kEnum, 0, sigprocmaskHow), ab(kSigsetIn, 1, 3), ab(kSigsetOut, 2, 3), a(kUlong, 3)),
	"rt_sigreturn":           d(rDec, a(kSigreturn, 0)),
	"sigaltstack":            d(rDec, a(kStackIn, 0), a(kStackOut, 1)),
	"rt_sigsuspend":          d(rDec, ab(kSigsetIn, 0, 1), a(kUlong, 1)),
	"rt_sigpending":          d(rDec, ab(kSigsetOut, 0, 1), a(kUlong, 1)),
	"flock":                  d(rDec, fd0, at(kFlags, 1, flockOps)),
	"fallocate":              d(rDec, fd0, at(kFlags, 1, fallocFlags), a(kLong, 2), a(kLong, 3)),
	"memfd_create":           {steps: []step{a(kStr, 0), at(kFlags, 1, mfdFlags)}, ret: rFd},
	"pidfd_open":             {steps: []step{a(kInt, 0), at(kFlags, 1, pidfdFlags)}, ret: rFd},
	"pidfd_send_signal":      d(rDec, fd0, a(kSig, 1), a(kSiginfoIn, 2), a(kUint, 3)),
	"inotify_init1":          {steps: []step{at(kFlags, 0, inotifyInitFlags)}, ret: rFd},
	"inotify_add_watch":      d(rDec, fd0, a(kPath, 1), at(kFlags, 2, inotifyMask)),
	"inotify_rm_watch":       d(rDec, fd0, a(kInt, 1)),
	"getpriority":            d(rDec, at(kEnum, 0, prioWhich), a(kInt, 1)),
	"setpriority":            d(rDec, at(kEnum, 0, prioWhich), a(kInt, 1), a(kInt, 2)),
	"getresuid":              d(rDec, a(kIntOut, 0), a(kIntOut, 1), a(kIntOut, 2)),
	"getresgid":              d(rDec, a(kIntOut, 0), a(kIntOut, 1), a(kIntOut, 2)),
	"setresuid":              d(rDec, a(kInt, 0), a(kInt, 1), a(kInt, 2)),
	"setresgid":              d(rDec, a(kInt, 0), a(kInt, 1), a(kInt, 2)),
	"setreuid":               d(rDec, a(kInt, 0), a(kInt, 1)),
	"setregid":               d(rDec, a(kInt, 0), a(kInt, 1)),
	"setfsuid":               d(rDec, a(kInt, 0)),
	"setfsgid":               d(rDec, a(kInt, 0)),
	"mlockall":               d(rDec, at(kFlags, 0, mlockallFlags)),
	"munlockall":             noArg,
	"unshare":                d(rDec, at(kFlags, 0, cloneFlags)),
	"signalfd4":              {steps: []step{fd0, ab(kSigsetIn, 1, 2), a(kUlong, 2), at(kFlags, 3, sfdFlags)}, ret: rFd},
	"getcpu":                 d(rDec, a(kIntOut, 0), a(kIntOut, 1), a(kPtr, 2)),
	"sched_getscheduler":     {steps: []step{a(kInt, 0)}, ret: rExtra, extra: schedPolicyResult},
	"times":                  d(rDec, a(kTmsOut, 0)),
	"utimensat":              d(rDec, dir0, path1, a(kUtimens, 2), at(kFlags, 3, atFlags)),
	"getrusage":              d(rDec, at(kEnum, 0, rusageWho), a(kRusageOut, 1)),
	"umount2":                d(rDec, path0, at(kFlags, 1, umountFlags)),
	"tee":                    d(rDec, fd0, a(kFd, 1), a(kUlong, 2), at(kFlags, 3, spliceFlags)),
	"splice":                 d(rDec, fd0, a(kLoffPtr, 1), a(kFd, 2), a(kLoffPtr, 3), a(kUlong, 4), at(kFlags, 5, spliceFlags)),
	"sync_file_range":        d(rDec, fd0, a(kLong, 1), a(kLong, 2), at(kFlags, 3, syncFileRangeFlags)),
	"readahead":              d(rDec, fd0, a(kLong, 1), a(kUlong, 2)),
	"syncfs":                 d(rDec, fd0),
	"mknodat":                d(rDec, dir0, path1, a(kMknodMode, 2)),
	"mknod":                  d(rDec, path0, a(kMknodMode, 1)),
	"sched_getparam":         d(rDec, a(kInt, 0), a(kIntOut, 1)),
	"sched_setparam":         d(rDec, a(kInt, 0), a(kIntIn, 1)),
	"sched_setscheduler":     d(rDec, a(kInt, 0), at(kEnum, 1, schedPolicies), a(kIntIn, 2)),
	"sched_get_priority_max": d(rDec, at(kEnum, 0, schedPolicies)),
	"sched_get_priority_min": d(rDec, at(kEnum, 0, schedPolicies)),
	"sched_rr_get_interval":  d(rDec, a(kInt, 0), a(kTimespecOut, 1)),
	"ioprio_get":             {steps: []step{at(kEnum, 0, ioprioWho), a(kInt, 1)}, ret: rExtra, extra: ioprioResult},
	"ioprio_set":             d(rDec, at(kEnum, 0, ioprioWho), a(kInt, 1), a(kIoprio, 2)),
	"capget":                 d(rDec, a(kCapHeader, 0), a(kCapDataOut, 1)),
	"capset":                 d(rDec, a(kCapHeader, 0), a(kCapDataIn, 1)),
	"eventfd2":               d(rFd, a(kUint, 0), at(kFlags, 1, efdFlags)),
	"seccomp":                d(rDec, at(kEnum, 0, seccompOps), a(kSeccompFlags, 1), a(kSeccompArg, 2)),
	"rt_sigtimedwait": {steps: []step{ab(kSigsetIn, 0, 3), a(kSigwaitInfo, 1), a(kTimespecIn, 2), a(kUlong, 3)},
		ret: rExtra, extra: sigwaitResult},
	"rt_sigqueueinfo":   d(rDec, a(kInt, 0), a(kSig, 1), a(kSiginfoIn, 2)),
	"rt_tgsigqueueinfo": d(rDec, a(kInt, 0), a(kInt, 1), a(kSig, 2), a(kSiginfoIn, 3)),

	// Network.
	"socket":      d(rFd, at(kEnum, 0, addressFamilies), a(kSockType, 1), a(kSockProto, 2)),
	"socketpair":  d(rDec, at(kEnum, 0, addressFamilies), a(kSockType, 1), a(kSockProto, 2), a(kFdPair, 3)),
	"connect":     d(rDec, fd0, ab(kSockaddrIn, 1, 2), a(kUint, 2)),
	"bind":        d(rDec, fd0, ab(kSockaddrIn, 1, 2), a(kUint, 2)),
	"listen":      d(rDec, fd0, a(kInt, 1)),
	"accept":      d(rFd, fd0, ab(kSockaddrOut, 1, 2), a(kSocklen, 2)),
	"accept4":     d(rFd, fd0, ab(kSockaddrOut, 1, 2), a(kSocklen, 2), at(kFlags, 3, socketFlags)),
	"getsockname": d(rDec, fd0, ab(kSockaddrOut, 1, 2), a(kSocklen, 2)),
	"getpeername": d(rDec, fd0, ab(kSockaddrOut, 1, 2), a(kSocklen, 2)),
	"sendto":      d(rDec, fd0, ab(kBufIn, 1, 2), a(kUlong, 2), at(kFlags, 3, msgFlags), ab(kSockaddrIn, 4, 5), a(kUint, 5)),
	"recvfrom":    d(rDec, fd0, ab(kBufOut, 1, 2), a(kUlong, 2), at(kFlags, 3, msgFlags), ab(kSockaddrOut, 4, 5), a(kSocklen, 5)),
	"sendmsg":     d(rDec, fd0, a(kMsghdrIn, 1), at(kFlags, 2, msgFlags)),
	"recvmsg":     d(rDec, fd0, a(kMsghdrOut, 1), at(kFlags, 2, msgFlags)),
	"setsockopt":  d(rDec, fd0, a(kSockLevel, 1), ab(kSockOpt, 2, 1), ab(kSockoptIn, 3, 4), a(kUint, 4)),
	"getsockopt":  d(rDec, fd0, a(kSockLevel, 1), ab(kSockOpt, 2, 1), ab(kSockoptOut, 3, 4), a(kSocklen, 4)),
	"shutdown":    d(rDec, fd0, at(kEnum, 1, shutdownHow)),
	"send":        d(rDec, fd0, ab(kBufIn, 1, 2), a(kUlong, 2), at(kFlags, 3, msgFlags)),
	"recv":        d(rDec, fd0, ab(kBufOut, 1, 2), a(kUlong, 2), at(kFlags, 3, msgFlags)),

	// Polling.
	"poll":          {steps: []step{ab(kPollfds, 0, 1), a(kUint, 1), a(kInt, 2)}, ret: rExtra, extra: pollResult},
	"ppoll":         {steps: []step{ab(kPollfds, 0, 1), a(kUint, 1), a(kTimespecIn, 2), ab(kSigsetIn, 3, 4), a(kUlong, 4)}, ret: rExtra, extra: pollResult},
	"select":        {steps: []step{a(kInt, 0), a(kFdset, 1), a(kFdset, 2), a(kFdset, 3), a(kTimevalIn, 4)}, ret: rExtra, extra: selectResult},
	"pselect6":      {steps: []step{a(kInt, 0), a(kFdset, 1), a(kFdset, 2), a(kFdset, 3), a(kTimespecIn, 4), a(kPselectSig, 5)}, ret: rExtra, extra: selectResult},
	"epoll_create":  d(rFd, a(kInt, 0)),
	"epoll_create1": d(rFd, at(kFlags, 0, epollFlags)),
	"epoll_ctl":     d(rDec, fd0, at(kEnum, 1, epollCtlOps), a(kFd, 2), a(kEpollEventIn, 3)),
	"epoll_wait":    d(rDec, fd0, a(kEpollEventsOut, 1), a(kInt, 2), a(kInt, 3)),
	"epoll_pwait":   d(rDec, fd0, a(kEpollEventsOut, 1), a(kInt, 2), a(kInt, 3), ab(kSigsetIn, 4, 5), a(kUlong, 5)),
	"epoll_pwait2":  {steps: []step{fd0, a(kEpollEventsOut, 1), a(kInt, 2), a(kTimespecIn, 3), ab(kSigsetIn, 4, 5), a(kUlong, 5)}, t64: true},

	// Futexes and time.
	"futex":            d(rDec, a(kPtr, 0), a(kFutex, 1)),
	"nanosleep":        d(rDec, a(kTimespecIn, 0), a(kNanoRem, 1)),
	"clock_nanosleep":  d(rDec, at(kEnum, 0, clockIDs), at(kFlags, 1, timerFlags), a(kTimespecIn, 2), a(kNanoRem, 3)),
	"clock_gettime":    d(rDec, at(kEnum, 0, clockIDs), a(kTimespecOut, 1)),
	"timer_create":     d(rDec, at(kEnum, 0, clockIDs), a(kSigevent, 1), a(kIntOut, 2)),
	"timer_settime":    d(rDec, a(kInt, 0), at(kFlags, 1, timerFlags), a(kItimerspecIn, 2), a(kItimerspecOut, 3)),
	"timer_gettime":    d(rDec, a(kInt, 0), a(kItimerspecOut, 1)),
	"timer_getoverrun": d(rDec, a(kInt, 0)),
	"timer_delete":     d(rDec, a(kInt, 0)),
	"timerfd_create":   {steps: []step{at(kEnum, 0, clockIDs), at(kFlags, 1, tfdFlags)}, ret: rFd},
	"timerfd_settime":  d(rDec, fd0, at(kFlags, 1, tfdSetFlags), a(kItimerspecIn, 2), a(kItimerspecOut, 3)),
	"timerfd_gettime":  d(rDec, fd0, a(kItimerspecOut, 1)),
	"clock_getres":     d(rDec, at(kEnum, 0, clockIDs), a(kTimespecOut, 1)),
	"gettimeofday":     d(rDec, a(kTimevalOut, 0), a(kTimezoneOut, 1)),
}

// i386Table holds the i386 calls whose arguments differ from the 64-bit
// ABIs: 64-bit values split over two registers, the *64 struct variants,
// the socketcall multiplexer and old_mmap's argument block.
var i386Table = map[string]*sysDesc{
	"pread64":                d(rDec, fd0, ab(kBufOut, 1, 2), a(kUlong, 2), ab(kOffset, 3, 4)),
	"pwrite64":               d(rDec, fd0, ab(kBufIn, 1, 2), a(kUlong, 2), ab(kOffset, 3, 4)),
	"preadv":                 d(rDec, fd0, ab(kIovOut, 1, 2), a(kUlong, 2), ab(kOffset, 3, 4)),
	"pwritev":                d(rDec, fd0, ab(kIovIn, 1, 2), a(kUlong, 2), ab(kOffset, 3, 4)),
	"preadv2":                d(rDec, fd0, ab(kIovOut, 1, 2), a(kUlong, 2), ab(kOffset, 3, 4), at(kFlags, 5, rwfFlags)),
	"pwritev2":               d(rDec, fd0, ab(kIovIn, 1, 2), a(kUlong, 2), ab(kOffset, 3, 4), at(kFlags, 5, rwfFlags)),
	"truncate64":             d(rDec, path0, ab(kOffset, 1, 2)),
	"ftruncate64":            d(rDec, fd0, ab(kOffset, 1, 2)),
	"_llseek":                d(rDec, fd0, ab(kOffset, 2, 1), a(kLlseekRes, 3), at(kEnum, 4, seekWhence)),
	"stat64":                 d(rDec, path0, a(kStatOut, 1)),
	"statfs64":               d(rDec, path0, a(kUlong, 1), ab(kStatfsOut, 2, 1)),
	"fstatfs64":              d(rDec, fd0, a(kUlong, 1), ab(kStatfsOut, 2, 1)),
	"fadvise64_64":           d(rDec, fd0, ab(kOffset, 1, 2), ab(kOffset, 3, 4), at(kEnum, 5, fadvAdvice)),
	"lstat64":                d(rDec, path0, a(kStatOut, 1)),
	"fstat64":                d(rDec, fd0, a(kStatOut, 1)),
	"fstatat64":              d(rDec, dir0, path1, a(kStatOut, 2), at(kFlags, 3, atFlags)),
	"fcntl64":                {steps: []step{fd0, a(kFcntlCmd, 1), a(kFcntlArg, 1)}, ret: rExtra, extra: fcntlResult},
	"mmap":                   d(rHex, a(kOldMmap, 0)),
	"mmap2":                  d(rHex, a(kPtr, 0), a(kUlong, 1), at(kFlags, 2, protFlags), a(kMmapFlags, 3), a(kFd, 4), a(kHex, 5)),
	"ugetrlimit":             d(rDec, at(kEnum, 0, rlimitResources), a(kRlimitLOut, 1)),
	"socketcall":             {steps: []step{at(kEnum, 0, socketcallCalls), a(kHex, 1)}, entry: socketcallEntry},
	"set_thread_area":        d(rDec, a(kPtr, 0)),
	"getuid32":               noArg,
	"geteuid32":              noArg,
	"getgid32":               noArg,
	"getegid32":              noArg,
	"sigreturn":              noArg,
	"waitpid":                d(rDec, a(kInt, 0), a(kWaitStatus, 1), at(kFlags, 2, waitOptions)),
	"sendfile64":             d(rDec, fd0, a(kFd, 1), a(kPtr, 2), a(kUlong, 3)),
	"utimensat_time64":       {steps: []step{dir0, path1, a(kUtimens, 2), at(kFlags, 3, atFlags)}, t64: true},
	"timer_settime64":        {steps: []step{a(kInt, 0), at(kFlags, 1, timerFlags), a(kItimerspecIn, 2), a(kItimerspecOut, 3)}, t64: true},
	"timer_gettime64":        {steps: []step{a(kInt, 0), a(kItimerspecOut, 1)}, t64: true},
	"timerfd_settime64":      {steps: []step{fd0, at(kFlags, 1, tfdSetFlags), a(kItimerspecIn, 2), a(kItimerspecOut, 3)}, t64: true},
	"timerfd_gettime64":      {steps: []step{fd0, a(kItimerspecOut, 1)}, t64: true},
	"clock_gettime64":        {steps: []step{at(kEnum, 0, clockIDs), a(kTimespecOut, 1)}, t64: true},
	"clock_getres_time64":    {steps: []step{at(kEnum, 0, clockIDs), a(kTimespecOut, 1)}, t64: true},
	"clock_nanosleep_time64": {steps: []step{at(kEnum, 0, clockIDs), at(kFlags, 1, timerFlags), a(kTimespecIn, 2), a(kNanoRem, 3)}, t64: true},
	"futex_time64":           {steps: []step{a(kPtr, 0), a(kFutex, 1)}, t64: true},
	"rt_sigtimedwait_time64": {steps: []step{ab(kSigsetIn, 0, 3), a(kSigwaitInfo, 1), a(kTimespecIn, 2), a(kUlong, 3)}, ret: rExtra, extra: sigwaitResult, t64: true},
	"ppoll_time64":           {steps: []step{ab(kPollfds, 0, 1), a(kUint, 1), a(kTimespecIn, 2), ab(kSigsetIn, 3, 4), a(kUlong, 4)}, ret: rExtra, extra: pollResult, t64: true},
	"pselect6_time64":        {steps: []step{a(kInt, 0), a(kFdset, 1), a(kFdset, 2), a(kFdset, 3), a(kTimespecIn, 4), a(kPselectSig, 5)}, ret: rExtra, extra: selectResult, t64: true},
	"_newselect":             {steps: []step{a(kInt, 0), a(kFdset, 1), a(kFdset, 2), a(kFdset, 3), a(kTimevalIn, 4)}, ret: rExtra, extra: selectResult},
}

// descTables holds, per architecture, the descriptions indexed by
// system call number, built on first use.
var descTables sync.Map // sysabi.Arch -> []*sysDesc

const maxNr = 1024

func buildDescs(arch sysabi.Arch) []*sysDesc {
	t := make([]*sysDesc, maxNr)
	for nr := range t {
		name := sysabi.SyscallName(arch, uint64(nr))
		if strings.HasPrefix(name, "syscall_") {
			continue
		}
		if arch == sysabi.ArchI386 {
			if ds, ok := i386Table[name]; ok {
				t[nr] = ds
				continue
			}
		}
		t[nr] = syscallTable[name]
	}
	return t
}

var descOnce sync.Mutex

func lookupDesc(arch sysabi.Arch, nr uint64) *sysDesc {
	if nr >= maxNr {
		return nil
	}
	v, ok := descTables.Load(arch)
	if !ok {
		descOnce.Lock()
		if v, ok = descTables.Load(arch); !ok {
			v = buildDescs(arch)
			descTables.Store(arch, v)
		}
		descOnce.Unlock()
	}
	return v.([]*sysDesc)[nr]
}

// Decoded returns the names of the system calls with decoded arguments
// on arch; the others print their arguments in hex.
func Decoded(arch sysabi.Arch) []string {
	var names []string
	for nr, ds := range lookupAll(arch) {
		if ds != nil {
			names = append(names, sysabi.SyscallName(arch, uint64(nr)))
		}
	}
	return names
}

func lookupAll(arch sysabi.Arch) []*sysDesc {
	lookupDesc(arch, 0)
	v, _ := descTables.Load(arch)
	return v.([]*sysDesc)
}
