package decode

import (
	"github.com/seize-dev/seize/sysabi"
	"golang.org/x/sys/unix"
)

// addrIfFailed are the output kinds printed as their address when the
// call failed.
var addrIfFailed = [...]bool{
	kNodemaskOut: true, kStatOut: true, kStatxOut: true, kSockoptOut: true,
	kMsghdrOut: true, kSigsetOut: true, kSigactOut: true, kStackOut: true,
	kTimespecOut: true, kTimevalOut: true, kRlimitOut: true, kRlimitLOut: true,
	kUtsnameOut: true, kStatfsOut: true, kSysinfoOut: true, kItimerOut: true,
	kIntOut: true, kItimerspecOut: true, kCapDataOut: true,
}

// saveAll records, at entry, what exit-time steps need from before the
// call: the value a socklen_t pointer held.
func (p *printer) saveAll(steps []step) {
	for _, st := range steps {
		switch st.k {
		case kSocklen:
			if v, ok := p.readU32(p.arg(st.a)); ok {
				p.c.saved[0], p.c.savedOK[0] = v, true
			}
		case kOffInOut:
			var b [8]byte
			if p.read(p.arg(st.a), b[:]) {
				p.c.saved[1], p.c.savedOK[1] = le.Uint64(b[:]), true
			}
		}
	}
}

// step prints one step of a call's description.
func (p *printer) step(st step) {
	c := p.c
	switch st.k {
	// Steps that may print nothing call begin themselves.
	case kOpenMode:
		if p.arg(st.b)&(unix.O_CREAT|(unix.O_TMPFILE&^unix.O_DIRECTORY)) != 0 {
			p.begin()
			p.mode(p.arg(st.a) & 0xffffffff)
		}
		return
	case kFcntlArg:
		p.fcntlArg(p.arg(st.a))
		return
	case kIoctlArg:
		p.ioctlArg(p.arg(st.a))
		return
	case kCloneEntry:
		p.cloneEntry()
		return
	case kCloneExit:
		p.cloneExit()
		return
	case kFutex:
		p.futex(c.desc.t64)
		return
	case kMremapNew:
		if p.arg(st.b)&unix.MREMAP_FIXED != 0 {
			p.begin()
			p.ptr(p.arg(st.a))
		}
		return
	case kOldMmap:
		p.oldMmap(p.arg(st.a))
		return
	case kPrctlArgs:
		p.prctlArgs()
		return
	case kClone3Stored:
		// Not an argument of its own: what follows the struct.
		if p.exit {
			p.clone3Exit()
		}
		p.n = max(p.n, 1)
		return
	}
	p.begin()
	v := p.arg(st.a)
	if int(st.k) < len(addrIfFailed) && addrIfFailed[st.k] && p.failed() {
		p.ptr(v) // the kernel wrote nothing there
		return
	}
	switch st.k {
	case kHex:
		p.hex(v)
	case kInt:
		p.dec(p.argInt(st.a))
	case kUint:
		p.udec(v & 0xffffffff)
	case kLong:
		p.dec(p.argLong(st.a))
	case kUlong:
		p.udec(v)
	case kFd:
		p.fd(int64(v))
	case kDirfd:
		p.dirfd(int64(v))
	case kPath:
		p.path(v)
	case kStr:
		p.str(v)
	case kPtr:
		p.ptr(v)
	case kMode:
		p.mode(v & 0xffffffff)
	case kEnum:
		p.b = appendEnum(p.b, st.t, v&0xffffffff)
	case kFlags:
		p.b = appendFlags(p.b, st.t, v&0xffffffff)
	case kOpenFlags:
		p.openFlags(v)
	case kSig:
		p.sig(p.argInt(st.a))
	case kBufIn:
		p.buf(v, p.arg(st.b), 0)
	case kBufOut, kBufOutHex:
		if p.failed() || c.ret < 0 {
			p.ptr(v)
			return
		}
		style := uint8(0)
		if st.k == kBufOutHex {
			style = qForceHex
		}
		p.buf(v, uint64(c.ret), style)
	case kPathOut:
		if p.failed() || c.ret <= 0 {
			p.ptr(v)
			return
		}
		p.path(v)
	case kIovIn:
		p.iovec(v, p.arg(st.b), -1)
	case kIovOut:
		if p.failed() || c.ret < 0 {
			p.ptr(v)
			return
		}
		p.iovec(v, p.arg(st.b), c.ret)
	case kMpolMode:
		p.mpolMode(v & 0xffffffff)
	case kMpolModeOut:
		p.mpolModeOut(v)
	case kNodemaskIn:
		p.nodemask(v, p.arg(st.b))
	case kNodemaskOut:
		p.nodemask(v, p.arg(st.b))
	case kOffset:
		if st.b < 0 {
			p.dec(p.argLong(st.a))
		} else {
			p.dec(int64(p.arg(st.a)&0xffffffff | p.arg(st.b)<<32))
		}
	case kStatOut:
		p.stat(v)
	case kStatxOut:
		p.statx(v)
	case kStatxFlags:
		v &= 0xffffffff
		p.b = appendEnum(p.b, statxSync, v&(unix.AT_STATX_FORCE_SYNC|unix.AT_STATX_DONT_SYNC))
		p.b = appendFlagsAfter(p.b, atFlags, v&^(unix.AT_STATX_FORCE_SYNC|unix.AT_STATX_DONT_SYNC))
	case kDirents:
		if p.failed() || c.ret < 0 {
			p.ptr(v)
			return
		}
		p.dirents(v, uint64(c.ret))
	case kFcntlCmd:
		t := fcntlCmds
		if !p.wide() {
			t = fcntlCmds32
		}
		p.b = appendEnum(p.b, t, v&0xffffffff)
	case kIoctlReq:
		p.ioctlReq(v & 0xffffffff)
	case kFdPair:
		p.fdPair(v)
	case kMmapFlags:
		p.mmapFlags(v)
	case kSockaddrIn:
		p.sockaddr(v, p.arg(st.b)&0xffffffff)
	case kSockaddrOut:
		if v == 0 {
			p.s("NULL")
			return
		}
		if p.failed() {
			p.hex(v)
			return
		}
		n, ok := p.readU32(p.arg(st.b))
		if !ok {
			p.hex(v)
			return
		}
		if c.savedOK[0] && c.saved[0] < n {
			n = c.saved[0] // the kernel reports the full size, writes at most the buffer
		}
		p.sockaddr(v, n)
	case kSocklen:
		p.socklen(v)
	case kSockType:
		v &= 0xffffffff
		p.b = appendEnum(p.b, socketTypes, v&0xf)
		p.b = appendFlagsAfter(p.b, socketFlags, v&^0xf)
	case kSockProto:
		switch p.arg(0) & 0xffffffff {
		case unix.AF_INET, unix.AF_INET6:
			p.b = appendEnum(p.b, ipProtocols, v&0xffffffff)
		case unix.AF_NETLINK:
			p.b = appendEnum(p.b, netlinkProtocols, v&0xffffffff)
		default:
			p.dec(p.argInt(st.a))
		}
	case kSockLevel:
		p.b = appendEnum(p.b, socketLevels, v&0xffffffff)
	case kSockOpt:
		p.sockopt(v&0xffffffff, p.arg(st.b)&0xffffffff)
	case kSockoptIn:
		p.optval(v, p.arg(st.b)&0xffffffff)
	case kSockoptOut:
		n, ok := p.readU32(p.arg(st.b))
		if !ok {
			p.ptr(v)
			return
		}
		p.optval(v, n)
	case kMsghdrIn:
		p.msghdr(v, -1)
	case kMsghdrOut:
		p.msghdr(v, c.ret)
	case kSigsetIn:
		p.sigset(v, p.arg(st.b))
	case kSigsetOut:
		p.sigset(v, p.arg(st.b))
	case kSigactIn:
		p.sigaction(v)
	case kSigactOut:
		p.sigaction(v)
	case kStackIn:
		p.stack(v)
	case kStackOut:
		p.stack(v)
	case kTimespecIn:
		p.timespec(v, c.desc.t64)
	case kTimespecOut:
		p.timespec(v, c.desc.t64)
	case kTimevalIn:
		p.timeval(v)
	case kTimevalOut:
		p.timeval(v)
	case kTimezoneOut:
		if p.failed() || v == 0 {
			p.ptr(v)
			return
		}
		var b [8]byte
		if !p.read(v, b[:]) {
			p.hex(v)
			return
		}
		p.s("{tz_minuteswest=")
		p.dec(int64(int32(le.Uint32(b[:]))))
		p.s(", tz_dsttime=")
		p.dec(int64(int32(le.Uint32(b[4:]))))
		p.s("}")
	case kRlimitIn:
		p.rlimit(v, true)
	case kRlimitOut:
		p.rlimit(v, true)
	case kRlimitLIn:
		p.rlimit(v, false)
	case kRlimitLOut:
		p.rlimit(v, false)
	case kUtsnameOut:
		p.utsname(v)
	case kPollfds:
		p.pollfds(v, p.arg(st.b)&0xffffffff)
	case kFdset:
		p.fdset(v, p.argInt(0))
	case kPselectSig:
		p.pselectSig(v)
	case kEpollEventIn:
		p.epollEvents(v, 1, false)
	case kEpollEventsOut:
		if p.failed() || c.ret < 0 {
			p.ptr(v)
			return
		}
		p.epollEvents(v, uint64(c.ret), true)
	case kClone3:
		p.clone3(v, p.arg(st.b))

	case kArgv:
		p.strArray(v)
	case kEnvp:
		if p.d.Opts.Verbose || v == 0 {
			p.strArray(v)
			return
		}
		p.hex(v)
		if n, ok := p.countArray(v); ok {
			p.s(" /* ")
			p.dec(int64(n))
			if n == 1 {
				p.s(" var */")
			} else {
				p.s(" vars */")
			}
		}
	case kWaitStatus:
		if p.failed() || c.ret <= 0 || v == 0 {
			p.ptr(v)
			return
		}
		st, ok := p.readU32(v)
		if !ok {
			p.hex(v)
			return
		}
		p.s("[")
		p.waitStatus(uint32(st))
		p.s("]")
	case kSiginfoOut:
		if p.failed() || v == 0 {
			p.ptr(v)
			return
		}
		p.siginfo(v)
	case kSigwaitInfo:
		// At exit only when there is one to read (kind.atExit); strace
		// then prints the address if the call failed.
		if !p.exit || p.failed() || v == 0 {
			p.ptr(v)
			return
		}
		p.siginfo(v)
	case kSiginfoIn:
		if v == 0 {
			p.ptr(v)
			return
		}
		p.siginfo(v)
	case kArchPrctlAddr:
		if p.exit {
			if p.failed() {
				p.ptr(v)
				return
			}
			w, ok := p.readWord(v)
			if !ok {
				p.hex(v)
				return
			}
			p.s("[")
			p.hex(w)
			p.s("]")
			return
		}
		p.hex(v)
	case kOpenHow:
		p.openHow(v, p.arg(st.b))
	case kNanoRem:
		switch {
		case v == 0:
			p.s("NULL")
		case p.exit && (c.errno == int(unix.EINTR) || (c.errno >= 512 && c.errno <= 516)):
			p.timespec(v, c.desc.t64)
		default:
			p.hex(v)
		}
	case kLlseekRes:
		var b [8]byte
		if p.failed() || !p.read(v, b[:]) {
			p.ptr(v)
			return
		}
		p.s("[")
		p.dec(int64(le.Uint64(b[:])))
		p.s("]")
	case kSigreturn:
		p.sigreturn()
	case kOffInOut:
		if v == 0 || !c.savedOK[1] {
			p.ptr(v)
			return
		}
		p.s("[")
		p.dec(int64(c.saved[1]))
		var b [8]byte
		if !p.failed() && p.read(v, b[:]) && le.Uint64(b[:]) != c.saved[1] {
			p.s("] => [")
			p.dec(int64(le.Uint64(b[:])))
		}
		p.s("]")
	case kStatfsOut:
		p.statfs(v, st.b >= 0)
	case kSysinfoOut:
		p.sysinfo(v)
	case kOffIn:
		var b [8]byte
		if v == 0 || !p.read(v, b[:]) {
			p.ptr(v)
			return
		}
		p.s("[")
		p.dec(int64(le.Uint64(b[:])))
		p.s("]")
	case kGidsIn:
		p.gids(v, p.arg(st.b)&0xffffffff)
	case kGidsOut:
		if p.failed() || c.ret < 0 {
			p.ptr(v)
			return
		}
		if p.arg(st.b)&0xffffffff == 0 && v != 0 && c.ret > 0 {
			p.hex(v) // only the count was asked for
			return
		}
		p.gids(v, uint64(c.ret))
	case kCPUSetIn:
		p.cpuset(v, p.arg(st.b)&0xffffffff)
	case kCPUSetOut:
		if p.failed() || c.ret < 0 {
			p.ptr(v)
			return
		}
		p.cpuset(v, uint64(c.ret))
	case kSigevent:
		p.sigevent(v)
	case kTmsOut:
		p.tms(v)
	case kLoffPtr:
		p.loffPtr(v)
	case kIntIn:
		p.intPtr(v)
	case kMknodMode:
		p.fileMode(uint32(v))
		if isDev(uint32(v)) {
			dev := p.arg(st.a + 1)
			p.s(", ")
			p.makedev(uint64(unix.Major(dev)), uint64(unix.Minor(dev)))
		}
	case kIoprio:
		p.ioprio(v)
	case kUtimens:
		p.utimens(v, c.desc.t64)
	case kRusageOut:
		p.rusage(v)
	case kCapHeader:
		p.capHeader(v)
	case kCapDataIn, kCapDataOut:
		p.capData(v)
	case kSeccompFlags, kSeccompArg:
		p.seccompArgs(st.k, v)
	case kIntOut:
		p.intPtr(v)
	case kItimerspecIn, kItimerspecOut:
		p.itimerspec(v, c.desc.t64)
	case kItimerIn:
		p.itimerval(v)
	case kItimerOut:
		p.itimerval(v)
	default:
		p.hex(v)
	}
}

func (p *printer) socklen(addr uint64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	c := p.c
	if !c.savedOK[0] {
		p.hex(addr)
		return
	}
	p.s("[")
	p.udec(c.saved[0])
	if !p.failed() {
		if now, ok := p.readU32(addr); ok && now != c.saved[0] {
			p.s(" => ")
			p.udec(now)
		}
	}
	p.s("]")
}

// mmapFlags prints MAP_TYPE's name, the flags, and the huge page size
// field ("21<<MAP_HUGE_SHIFT").
func (p *printer) mmapFlags(v uint64) {
	v &= 0xffffffff
	p.b = appendEnum(p.b, mapTypes, v&mapTypeMask)
	rest := v &^ mapTypeMask
	huge := rest >> mapHugeShift
	rest &= 1<<mapHugeShift - 1
	p.b = appendFlagsAfter(p.b, mapFlags, rest)
	if huge != 0 {
		p.s("|")
		p.udec(huge)
		p.s("<<MAP_HUGE_SHIFT")
	}
}

// iovec prints an iovec array; data is the number of bytes the call
// transferred (-1: print each buffer's full length, cut at -s).
func (p *printer) iovec(addr, cnt uint64, data int64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	ws := uint64(p.wordSize())
	lim := uint64(p.elemLimit())
	p.s("[")
	for i := uint64(0); i < cnt; i++ {
		if i >= lim {
			p.more(i)
			break
		}
		var b [16]byte
		e := b[:2*ws]
		if !p.read(addr+i*2*ws, e) {
			if i == 0 {
				p.b = p.b[:len(p.b)-1]
				p.hex(addr)
				return
			}
			p.s(", ...")
			break
		}
		base, l := p.word2(e)
		if i > 0 {
			p.s(", ")
		}
		p.s("{iov_base=")
		show := l
		if data >= 0 {
			if uint64(data) < show {
				show = uint64(data)
			}
			data -= int64(show)
		}
		p.buf(base, show, 0)
		p.s(", iov_len=")
		p.udec(l)
		p.s("}")
	}
	p.s("]")
}

// word2 splits two tracee longs.
func (p *printer) word2(b []byte) (uint64, uint64) {
	if p.wide() {
		return le.Uint64(b), le.Uint64(b[8:])
	}
	return uint64(le.Uint32(b)), uint64(le.Uint32(b[4:]))
}

// strArray prints a NULL-terminated array of string pointers (argv).
func (p *printer) strArray(addr uint64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	ws := uint64(p.wordSize())
	lim := p.elemLimit()
	start := len(p.b)
	p.s("[")
	for i := 0; ; i++ {
		ptr, ok := p.readWord(addr + uint64(i)*ws)
		if !ok {
			if i == 0 {
				p.b = p.b[:start]
				p.hex(addr)
				return
			}
			p.s(", ...")
			break
		}
		if ptr == 0 {
			break
		}
		if i >= lim {
			p.more(uint64(i))
			break
		}
		if i > 0 {
			p.s(", ")
		}
		p.str(ptr)
	}
	p.s("]")
}

// countArray counts the entries of a NULL-terminated pointer array.
func (p *printer) countArray(addr uint64) (int, bool) {
	ws := uint64(p.wordSize())
	for i := 0; i < 1<<16; i++ {
		ptr, ok := p.readWord(addr + uint64(i)*ws)
		if !ok {
			return 0, false
		}
		if ptr == 0 {
			return i, true
		}
	}
	return 0, false
}

// waitStatus prints a wait status as strace's C-like expression.
func (p *printer) waitStatus(st uint32) {
	ws := unix.WaitStatus(st)
	switch {
	case ws.Exited():
		p.s("{WIFEXITED(s) && WEXITSTATUS(s) == ")
		p.dec(int64(ws.ExitStatus()))
		p.s("}")
	case ws.Signaled():
		p.s("{WIFSIGNALED(s) && WTERMSIG(s) == ")
		p.sig(int64(ws.Signal()))
		if ws.CoreDump() {
			p.s(" && WCOREDUMP(s)")
		}
		p.s("}")
	case ws.Stopped():
		p.s("{WIFSTOPPED(s) && WSTOPSIG(s) == ")
		p.sig(int64(ws.StopSignal()))
		p.s("}")
		if ev := st >> 16; ev != 0 {
			p.s(" | ")
			if n, ok := ptraceEvents.lookup(uint64(ev)); ok {
				p.s(n)
			} else {
				p.hex(uint64(ev))
			}
			p.s(" << 16")
		}
	case ws.Continued():
		p.s("{WIFCONTINUED(s)}")
	default:
		p.hex(uint64(st))
	}
}

var ptraceEvents = &xlat{vals: []xval{
	{unix.PTRACE_EVENT_FORK, "PTRACE_EVENT_FORK"}, {unix.PTRACE_EVENT_VFORK, "PTRACE_EVENT_VFORK"},
	{unix.PTRACE_EVENT_CLONE, "PTRACE_EVENT_CLONE"}, {unix.PTRACE_EVENT_EXEC, "PTRACE_EVENT_EXEC"},
	{unix.PTRACE_EVENT_VFORK_DONE, "PTRACE_EVENT_VFORK_DONE"}, {unix.PTRACE_EVENT_EXIT, "PTRACE_EVENT_EXIT"},
	{unix.PTRACE_EVENT_SECCOMP, "PTRACE_EVENT_SECCOMP"}, {unix.PTRACE_EVENT_STOP, "PTRACE_EVENT_STOP"},
}}

// siginfo prints a siginfo_t (waitid's, rt_sigtimedwait's, the one
// rt_sigqueueinfo sends) with the fields strace prints for its signal and
// si_code, in strace's order (the same as format.SigInfo for the
// "--- SIG ... ---" lines).
func (p *printer) siginfo(addr uint64) {
	var b [48]byte
	if !p.read(addr, b[:]) {
		p.hex(addr)
		return
	}
	signo := int64(int32(le.Uint32(b[0:])))
	errno := int64(int32(le.Uint32(b[4:])))
	code := int(int32(le.Uint32(b[8:])))
	if signo == 0 {
		p.s("{}")
		return
	}
	p.s("{si_signo=")
	p.sig(signo)
	p.s(", si_code=")
	if n := sysabi.SigCodeName(int(signo), code); n != "" {
		p.s(n)
	} else {
		p.dec(int64(code))
	}
	if errno != 0 {
		p.s(", si_errno=")
		p.dec(errno)
	}
	// The union starts after three ints, aligned to the word size.
	off := 12
	if p.wide() {
		off = 16
	}
	sysabi.SigInfoFields(int(signo), code, b[off:], p.wordSize(), func(f sysabi.SigField) {
		p.s(", ")
		p.s(f.Key)
		p.s("=")
		switch f.Kind {
		case sysabi.SigNum:
			p.dec(f.Val)
		case sysabi.SigHex:
			p.hex(uint64(f.Val))
		case sysabi.SigAddr:
			p.ptr(uint64(f.Val))
		case sysabi.SigPtr:
			p.hex(uint64(f.Val))
		case sysabi.SigTicks:
			p.clockT(f.Val)
		case sysabi.SigSignal:
			p.sig(f.Val)
		case sysabi.SigSyscall:
			if n := sysabi.SigSyscallName(f.Arch, f.Val); n != "" {
				p.s(n)
			} else {
				p.dec(f.Val)
			}
		case sysabi.SigArch:
			if n := sysabi.Arch(uint32(f.Val)).AuditName(); n != "" {
				p.s(n)
			} else {
				p.hex(uint64(uint32(f.Val)))
			}
		}
	})
	p.s("}")
}

// clockT prints a clock_t in ticks of USER_HZ (100): "3 /* 0.03 s */".
func (p *printer) clockT(v int64) {
	p.dec(v)
	if v > 0 {
		p.s(" /* ")
		p.dec(v / 100)
		p.s(".")
		if v%100 < 10 {
			p.s("0")
		}
		p.dec(v % 100)
		p.s(" s */")
	}
}

// sword reads a signed tracee long from b.
func (p *printer) sword(b []byte) int64 {
	if p.wide() {
		return int64(le.Uint64(b))
	}
	return int64(int32(le.Uint32(b)))
}

// sigaction prints a struct sigaction (the kernel's layout: handler,
// flags, restorer, mask).
func (p *printer) sigaction(addr uint64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	ws := p.wordSize()
	var b [32]byte
	n := 3*ws + sigBytes
	if !p.read(addr, b[:n]) {
		p.hex(addr)
		return
	}
	handler, flags := p.word2(b[:])
	var restorer uint64
	if ws == 8 {
		restorer = le.Uint64(b[16:])
	} else {
		restorer = uint64(le.Uint32(b[8:]))
	}
	p.s("{sa_handler=")
	switch handler {
	case 0:
		p.s("SIG_DFL")
	case 1:
		p.s("SIG_IGN")
	default:
		p.hex(handler)
	}
	p.s(", sa_mask=")
	p.b = appendSigmask(p.b, b[3*ws:n])
	p.s(", sa_flags=")
	p.b = appendFlags(p.b, saFlags, flags&0xffffffff)
	if flags&saRestorer != 0 {
		p.s(", sa_restorer=")
		p.ptr(restorer)
	}
	p.s("}")
}

// stack prints a stack_t.
func (p *printer) stack(addr uint64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	var b [24]byte
	var sp, size uint64
	var flags uint32
	if p.wide() {
		if !p.read(addr, b[:24]) {
			p.hex(addr)
			return
		}
		sp, flags, size = le.Uint64(b[:]), le.Uint32(b[8:]), le.Uint64(b[16:])
	} else {
		if !p.read(addr, b[:12]) {
			p.hex(addr)
			return
		}
		sp, flags, size = uint64(le.Uint32(b[:])), le.Uint32(b[4:]), uint64(le.Uint32(b[8:]))
	}
	p.s("{ss_sp=")
	p.ptr(sp)
	p.s(", ss_flags=")
	p.b = appendFlags(p.b, ssFlags, uint64(flags))
	p.s(", ss_size=")
	p.udec(size)
	p.s("}")
}

// sigreturn prints the mask rt_sigreturn restores, read from the signal
// frame at the stack pointer (arch/*/kernel/signal.c's rt_sigframe).
func (p *printer) sigreturn() {
	if !p.c.spSet {
		p.s("{mask=?}")
		return
	}
	var off uint64
	switch p.c.arch {
	case sysabi.ArchX86_64:
		off = 296 // &uc (pretcode popped) + uc_flags, uc_link, uc_stack, sigcontext
	case sysabi.ArchI386:
		off = 248 // &sig + sig, pinfo, puc, siginfo, then ucontext_ia32's fields
	case sysabi.ArchAArch64:
		off = 168 // siginfo, then uc_flags, uc_link, uc_stack
	default:
		p.s("{mask=?}")
		return
	}
	var b [sigBytes]byte
	if !p.read(p.c.sp+off, b[:]) {
		p.s("{mask=")
		p.hex(p.c.sp + off)
		p.s("}")
		return
	}
	p.s("{mask=")
	p.b = appendSigmask(p.b, b[:])
	p.s("}")
}

// utsname prints struct utsname: sysname and nodename, all six with -v.
func (p *printer) utsname(addr uint64) {
	var b [6 * 65]byte
	if !p.read(addr, b[:]) {
		p.hex(addr)
		return
	}
	names := [...]string{"sysname", "nodename", "release", "version", "machine", "domainname"}
	n := 2
	if p.d.Opts.Verbose {
		n = 6
	}
	p.s("{")
	for i := 0; i < n; i++ {
		if i > 0 {
			p.s(", ")
		}
		p.s(names[i])
		p.s("=")
		// A char array of its own size: not cut at -s.
		f := b[i*65 : i*65+65]
		p.b = p.d.quote(p.b, f, false, qNulEnds|qNoLimit)
	}
	if !p.d.Opts.Verbose {
		p.s(", ...")
	}
	p.s("}")
}

// openHow prints struct open_how.
func (p *printer) openHow(addr, size uint64) {
	var b [24]byte
	if size < 24 || !p.read(addr, b[:]) {
		p.ptr(addr)
		return
	}
	flags, mode, resolve := le.Uint64(b[:]), le.Uint64(b[8:]), le.Uint64(b[16:])
	p.s("{flags=")
	p.openFlags(flags)
	if flags&(unix.O_CREAT|(unix.O_TMPFILE&^unix.O_DIRECTORY)) != 0 || mode != 0 {
		p.s(", mode=")
		p.mode(mode)
	}
	if resolve != 0 {
		p.s(", resolve=")
		p.b = appendFlags(p.b, resolveFlags, resolve)
	}
	p.s("}")
}

// oldMmap prints i386's old mmap, whose six arguments are in memory.
func (p *printer) oldMmap(addr uint64) {
	var b [24]byte
	p.begin()
	if !p.read(addr, b[:]) {
		p.ptr(addr)
		return
	}
	var w [6]uint64
	for i := range w {
		w[i] = uint64(le.Uint32(b[4*i:]))
	}
	p.ptr(w[0])
	p.sep()
	p.udec(w[1])
	p.sep()
	p.b = appendFlags(p.b, protFlags, w[2])
	p.sep()
	p.mmapFlags(w[3])
	p.sep()
	p.fd(int64(int32(w[4])))
	p.sep()
	p.hex(w[5])
}

// cloneArgs returns clone's stack, parent_tid, child_tid and tls
// arguments: x86-64 passes child_tid before tls, i386 and arm64 after
// (CONFIG_CLONE_BACKWARDS).
func (p *printer) cloneArgs() (stack, ptid, ctid, tls uint64) {
	a := p.c.args
	if p.c.arch == sysabi.ArchX86_64 {
		return a[1], a[2], a[3], a[4]
	}
	return a[1], a[2], a[4], a[3]
}

func cloneExitNeeded(c *Call) bool {
	return c.args[0]&(unix.CLONE_PARENT_SETTID|unix.CLONE_PIDFD) != 0
}

func (p *printer) cloneEntry() {
	stack, _, _, _ := p.cloneArgs()
	p.begin()
	p.s("child_stack=")
	p.ptr(stack)
	p.begin()
	p.s("flags=")
	p.cloneFlags(p.arg(0))
}

func (p *printer) cloneFlags(v uint64) {
	v &= 0xffffffff
	sig := v & 0xff
	rest := v &^ 0xff
	if rest != 0 {
		p.b = appendFlags(p.b, cloneFlags, rest)
	}
	if sig != 0 {
		if rest != 0 {
			p.s("|")
		}
		p.sig(int64(sig))
	}
	if v == 0 {
		p.s("0")
	}
}

func (p *printer) cloneExit() {
	_, ptid, ctid, tls := p.cloneArgs()
	flags := p.arg(0)
	if flags&(unix.CLONE_PARENT_SETTID|unix.CLONE_PIDFD) != 0 {
		p.begin()
		p.s("parent_tid=")
		if v, ok := p.readU32(ptid); ok && p.exit && !p.failed() {
			p.s("[")
			p.dec(int64(int32(v)))
			p.s("]")
		} else {
			p.ptr(ptid)
		}
	}
	if flags&unix.CLONE_SETTLS != 0 {
		p.begin()
		p.s("tls=")
		p.ptr(tls)
	}
	if flags&(unix.CLONE_CHILD_SETTID|unix.CLONE_CHILD_CLEARTID) != 0 {
		p.begin()
		p.s("child_tidptr=")
		p.ptr(ctid)
	}
}

// clone3AtExit: with CLONE_PARENT_SETTID or CLONE_PIDFD the kernel
// stores through the struct, and strace prints what it stored at exit,
// after the struct printed at entry: clone3({...} => {parent_tid=[N]}, 88).
func (p *printer) clone3AtExit() bool {
	if p.arg(1) < 64 {
		return false
	}
	flags, ok := p.readU32(p.arg(0))
	return ok && flags&(unix.CLONE_PARENT_SETTID|unix.CLONE_PIDFD) != 0
}

// clone3 prints struct clone_args (include/uapi/linux/sched.h: flags,
// pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
// set_tid, set_tid_size, cgroup; 64 bytes up to tls).
func (p *printer) clone3(addr, size uint64) {
	var b [88]byte
	n := min(size, uint64(len(b)))
	if size < 64 || !p.read(addr, b[:n]) {
		p.ptr(addr)
		return
	}
	f := func(i int) uint64 { return le.Uint64(b[8*i:]) }
	flags := f(0)
	p.s("{flags=")
	p.b = appendFlags(p.b, cloneFlags, flags)
	if flags&unix.CLONE_PIDFD != 0 {
		p.s(", pidfd=")
		p.ptr(f(1))
	}
	if flags&(unix.CLONE_CHILD_SETTID|unix.CLONE_CHILD_CLEARTID) != 0 {
		p.s(", child_tid=")
		p.ptr(f(2))
	}
	if flags&unix.CLONE_PARENT_SETTID != 0 {
		p.s(", parent_tid=")
		p.ptr(f(3))
	}
	p.s(", exit_signal=")
	if sig := f(4); sig < 1<<31-1 {
		p.sig(int64(sig))
	} else {
		p.udec(sig)
	}
	p.s(", stack=")
	p.ptr(f(5))
	p.s(", stack_size=")
	p.hex(f(6))
	if flags&unix.CLONE_SETTLS != 0 {
		p.s(", tls=")
		p.ptr(f(7))
	}
	if n >= 80 && (f(8) != 0 || f(9) != 0) {
		p.s(", set_tid=")
		if tids, cnt := f(8), f(9); tids != 0 && cnt != 0 && cnt <= 32 {
			p.intArray(tids, cnt)
		} else {
			p.ptr(tids)
		}
		p.s(", set_tid_size=")
		p.udec(f(9))
	}
	if n >= 88 && (f(10) != 0 || flags&unix.CLONE_INTO_CGROUP != 0) {
		p.s(", cgroup=")
		p.udec(f(10))
	}
	p.s("}")
}

// intArray prints n C ints at addr: [1, 2, 3].
func (p *printer) intArray(addr, n uint64) {
	p.s("[")
	for i := uint64(0); i < n; i++ {
		if i > 0 {
			p.s(", ")
		}
		v, ok := p.readU32(addr + 4*i)
		if !ok {
			p.s("...")
			break
		}
		p.dec(int64(int32(v)))
	}
	p.s("]")
}

// clone3Exit appends what the kernel stored: " => {pidfd=[N],
// parent_tid=[N]}".
func (p *printer) clone3Exit() {
	var b [32]byte
	addr := p.arg(0)
	if p.failed() {
		return
	}
	if !p.read(addr, b[:32]) {
		p.s(" => ")
		p.ptr(addr)
		return
	}
	flags := le.Uint64(b[:])
	sep := " => {"
	if flags&unix.CLONE_PIDFD != 0 {
		p.s(sep + "pidfd=")
		sep = ", "
		p.intPtrFd(le.Uint64(b[8:]))
	}
	if flags&unix.CLONE_PARENT_SETTID != 0 {
		p.s(sep + "parent_tid=")
		sep = ", "
		p.intPtr(le.Uint64(b[24:]))
	}
	if sep == ", " {
		p.s("}")
	}
}

// intPtrFd prints "[fd]" for a descriptor the kernel stored at addr.
func (p *printer) intPtrFd(addr uint64) {
	v, ok := p.readU32(addr)
	if !ok {
		p.ptr(addr)
		return
	}
	p.s("[")
	p.fd(int64(int32(v)))
	p.s("]")
}

// itimerval prints struct itimerval.
func (p *printer) itimerval(addr uint64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	tv := uint64(16)
	if !p.wide() {
		tv = 8
	}
	var b [32]byte
	if !p.read(addr, b[:2*tv]) {
		p.hex(addr)
		return
	}
	p.s("{it_interval=")
	p.timeval(addr)
	p.s(", it_value=")
	p.timeval(addr + tv)
	p.s("}")
}

// timespecPair checks that two timespecs can be read at addr (t64: the
// 64-bit layout on i386) and returns the size of one. If not, it prints
// NULL or the address and returns false.
func (p *printer) timespecPair(addr uint64, t64 bool) (uint64, bool) {
	if addr == 0 {
		p.s("NULL")
		return 0, false
	}
	ts := uint64(16)
	if !p.wide() && !t64 {
		ts = 8
	}
	if _, _, ok := p.readTimePair(addr+ts, t64); !ok {
		p.hex(addr)
		return 0, false
	}
	return ts, true
}

// itimerspec prints a struct itimerspec: two timespecs (t64: the 64-bit
// layout on i386).
func (p *printer) itimerspec(addr uint64, t64 bool) {
	ts, ok := p.timespecPair(addr, t64)
	if !ok {
		return
	}
	p.s("{it_interval=")
	p.timespec(addr, t64)
	p.s(", it_value=")
	p.timespec(addr+ts, t64)
	p.s("}")
}

// sigevent prints a struct sigevent as strace does: the value, the
// signal (by name when one is sent), how it notifies, and the thread or
// function it notifies.
func (p *printer) sigevent(addr uint64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	ws := p.wordSize()
	var b [32]byte
	if !p.read(addr, b[:3*ws+8]) { // value, signo, notify, the union's two words
		p.hex(addr)
		return
	}
	word := func(off int) uint64 {
		if ws == 8 {
			return le.Uint64(b[off:])
		}
		return uint64(le.Uint32(b[off:]))
	}
	signo := int64(int32(le.Uint32(b[ws:])))
	notify := uint64(le.Uint32(b[ws+4:]))
	un := ws + 8
	p.s("{sigev_value={sival_int=")
	p.dec(int64(int32(le.Uint32(b[0:]))))
	p.s(", sival_ptr=")
	p.hex(word(0))
	p.s("}, sigev_signo=")
	switch notify {
	case 0, 2, 4: // SIGEV_SIGNAL, SIGEV_THREAD, SIGEV_THREAD_ID
		p.sig(signo)
	default:
		p.udec(uint64(uint32(signo)))
	}
	p.s(", sigev_notify=")
	p.b = appendEnum(p.b, sigevNotify, notify)
	switch notify {
	case 4:
		p.s(", sigev_notify_thread_id=")
		p.dec(int64(int32(le.Uint32(b[un:]))))
	case 2:
		p.s(", sigev_notify_function=")
		p.ptr(word(un))
		p.s(", sigev_notify_attributes=")
		p.ptr(word(un + ws))
	}
	p.s("}")
}

// statfs prints struct statfs, or i386's struct statfs64 (packed to 4
// bytes, arch/x86/include/uapi/asm/statfs.h) when sixtyFour.
func (p *printer) statfs(addr uint64, sixtyFour bool) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	var b [120]byte
	var f [11]uint64 // type bsize blocks bfree bavail files ffree fsid0 fsid1 namelen frsize flags
	var fl uint64
	switch {
	case p.wide():
		if !p.read(addr, b[:120]) {
			p.hex(addr)
			return
		}
		for i, o := range [...]int{0, 8, 16, 24, 32, 40, 48} {
			f[i] = le.Uint64(b[o:])
		}
		f[7], f[8] = uint64(le.Uint32(b[56:])), uint64(le.Uint32(b[60:]))
		f[9], f[10], fl = le.Uint64(b[64:]), le.Uint64(b[72:]), le.Uint64(b[80:])
	case sixtyFour:
		if !p.read(addr, b[:84]) {
			p.hex(addr)
			return
		}
		f[0], f[1] = uint64(le.Uint32(b[0:])), uint64(le.Uint32(b[4:]))
		for i, o := range [...]int{8, 16, 24, 32, 40} {
			f[2+i] = le.Uint64(b[o:])
		}
		f[7], f[8] = uint64(le.Uint32(b[48:])), uint64(le.Uint32(b[52:]))
		f[9], f[10], fl = uint64(le.Uint32(b[56:])), uint64(le.Uint32(b[60:])), uint64(le.Uint32(b[64:]))
	default:
		if !p.read(addr, b[:64]) {
			p.hex(addr)
			return
		}
		for i := 0; i < 11; i++ {
			f[i] = uint64(le.Uint32(b[4*i:]))
		}
		fl = uint64(le.Uint32(b[44:]))
	}
	p.s("{f_type=")
	if n, ok := fsMagics.lookup(f[0]); ok {
		p.s(n)
	} else {
		p.hex(f[0])
	}
	for i, name := range [...]string{"f_bsize", "f_blocks", "f_bfree", "f_bavail", "f_files", "f_ffree"} {
		p.s(", ")
		p.s(name)
		p.s("=")
		p.udec(f[1+i])
	}
	p.s(", f_fsid={val=[")
	p.hex(f[7])
	p.s(", ")
	p.hex(f[8])
	p.s("]}, f_namelen=")
	p.udec(f[9])
	p.s(", f_frsize=")
	p.udec(f[10])
	p.s(", f_flags=")
	p.b = appendFlags(p.b, statfsFlags, fl)
	p.s("}")
}

// sysinfo prints struct sysinfo.
func (p *printer) sysinfo(addr uint64) {
	ws := p.wordSize()
	var b [112]byte
	n := 112 // sizeof(struct sysinfo), include/uapi/linux/sysinfo.h
	if !p.wide() {
		n = 56
	}
	if !p.read(addr, b[:n]) {
		p.hex(addr)
		return
	}
	w := func(i int) uint64 {
		if ws == 8 {
			return le.Uint64(b[8*i:])
		}
		return uint64(le.Uint32(b[4*i:]))
	}
	p.s("{uptime=")
	p.dec(p.sword(b[:]))
	p.s(", loads=[")
	p.udec(w(1))
	p.s(", ")
	p.udec(w(2))
	p.s(", ")
	p.udec(w(3))
	p.s("]")
	for i, name := range [...]string{"totalram", "freeram", "sharedram", "bufferram", "totalswap", "freeswap"} {
		p.s(", ")
		p.s(name)
		p.s("=")
		p.udec(w(4 + i))
	}
	p.s(", procs=")
	p.udec(uint64(le.Uint16(b[10*ws:])))
	p.s(", totalhigh=")
	p.udec(w(11))
	p.s(", freehigh=")
	p.udec(w(12))
	p.s(", mem_unit=")
	p.udec(uint64(le.Uint32(b[13*ws:])))
	p.s("}")
}

// gids prints a gid_t array of n entries.
func (p *printer) gids(addr, n uint64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	lim := uint64(p.elemLimit())
	p.s("[")
	for i := uint64(0); i < n; i++ {
		if i >= lim {
			p.more(i)
			break
		}
		v, ok := p.readU32(addr + 4*i)
		if !ok {
			if i == 0 {
				p.b = p.b[:len(p.b)-1]
				p.hex(addr)
				return
			}
			break
		}
		if i > 0 {
			p.s(", ")
		}
		p.udec(v)
	}
	p.s("]")
}

// cpuset prints a CPU mask of n bytes as the CPUs set: "[0 1]".
func (p *printer) cpuset(addr, n uint64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	if n > 1<<12 {
		n = 1 << 12
	}
	buf := p.scratch(int(n))
	if !p.read(addr, buf) && n > 0 {
		p.hex(addr)
		return
	}
	p.s("[")
	first := true
	for i := uint64(0); i < 8*n; i++ {
		if buf[i/8]&(1<<(i%8)) == 0 {
			continue
		}
		if !first {
			p.s(" ")
		}
		first = false
		p.udec(i)
	}
	p.s("]")
}
