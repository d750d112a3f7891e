package decode

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/seize-dev/seize/sysabi"
	"golang.org/x/sys/unix"
)

// statFields are the fields of struct stat that strace prints, read from
// the layout of the tracee's architecture.
type statFields struct {
	dev, ino, nlink, rdev, size, blksize, blocks uint64
	mode, uid, gid                               uint32
	atime, mtime, ctime                          [2]int64
}

// readStat reads x86-64's struct stat, arm64's asm-generic one, or i386's
// struct stat64 (arch/x86/include/uapi/asm/stat.h).
func (p *printer) readStat(addr uint64) (statFields, bool) {
	var b [144]byte
	var s statFields
	u32 := func(o int) uint32 { return le.Uint32(b[o:]) }
	u64 := func(o int) uint64 { return le.Uint64(b[o:]) }
	ts := func(o, w int) [2]int64 {
		if w == 4 {
			return [2]int64{int64(int32(u32(o))), int64(u32(o + 4))}
		}
		return [2]int64{int64(u64(o)), int64(u64(o + 8))}
	}
	switch p.c.arch {
	case sysabi.ArchX86_64:
		if !p.read(addr, b[:144]) {
			return s, false
		}
		s = statFields{dev: u64(0), ino: u64(8), nlink: u64(16), mode: u32(24), uid: u32(28), gid: u32(32),
			rdev: u64(40), size: u64(48), blksize: u64(56), blocks: u64(64),
			atime: ts(72, 8), mtime: ts(88, 8), ctime: ts(104, 8)}
	case sysabi.ArchI386:
		if !p.read(addr, b[:96]) {
			return s, false
		}
		s = statFields{dev: u64(0), mode: u32(16), nlink: uint64(u32(20)), uid: u32(24), gid: u32(28),
			rdev: u64(32), size: u64(44), blksize: uint64(u32(52)), blocks: u64(56),
			atime: ts(64, 4), mtime: ts(72, 4), ctime: ts(80, 4), ino: u64(88)}
	default:
		if !p.read(addr, b[:128]) {
			return s, false
		}
		s = statFields{dev: u64(0), ino: u64(8), mode: u32(16), nlink: uint64(u32(20)), uid: u32(24), gid: u32(28),
			rdev: u64(32), size: u64(48), blksize: uint64(u32(56)), blocks: u64(64),
			atime: ts(72, 8), mtime: ts(88, 8), ctime: ts(104, 8)}
	}
	return s, true
}

// fileMode prints st_mode as "S_IFREG|0644".
func (p *printer) fileMode(m uint32) {
	if n, ok := fileTypes.lookup(uint64(m & unix.S_IFMT)); ok {
		p.s(n)
		p.s("|")
	}
	if m&unix.S_ISUID != 0 {
		p.s("S_ISUID|")
	}
	if m&unix.S_ISGID != 0 {
		p.s("S_ISGID|")
	}
	if m&unix.S_ISVTX != 0 {
		p.s("S_ISVTX|")
	}
	p.mode(uint64(m & 0o777))
}

// u16Fields prints a structure of consecutive uint16 fields from b:
// {name0=v0, name1=v1, ...}.
func (p *printer) u16Fields(b []byte, names ...string) {
	for i, name := range names {
		if i == 0 {
			p.s("{")
		} else {
			p.s(", ")
		}
		p.s(name)
		p.s("=")
		p.udec(uint64(le.Uint16(b[2*i:])))
	}
	p.s("}")
}

func isDev(m uint32) bool {
	t := m & unix.S_IFMT
	return t == unix.S_IFCHR || t == unix.S_IFBLK
}

func (p *printer) makedev(major, minor uint64) {
	p.s("makedev(")
	p.hex(major)
	p.s(", ")
	p.hex(minor)
	p.s(")")
}

// timeComment prints a time with strace's " /* 2026-11-26T06:31:48.668858545+0000 */".
func (p *printer) timeComment(sec, nsec int64) {
	p.dec(sec)
	p.dateComment(sec, nsec)
}

func (p *printer) dateComment(sec, nsec int64) {
	t := time.Unix(sec, nsec)
	p.s(" /* ")
	p.b = t.AppendFormat(p.b, "2006-01-02T15:04:05")
	if nsec != 0 {
		p.s(".")
		s := strconv.FormatInt(nsec, 10)
		for i := len(s); i < 9; i++ {
			p.s("0")
		}
		p.s(s)
	}
	p.b = t.AppendFormat(p.b, "-0700")
	p.s(" */")
}

func (p *printer) stat(addr uint64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	s, ok := p.readStat(addr)
	if !ok {
		p.hex(addr)
		return
	}
	if !p.d.Opts.Verbose {
		p.s("{st_mode=")
		p.fileMode(s.mode)
		if isDev(s.mode) {
			p.s(", st_rdev=")
			p.makedev(uint64(unix.Major(s.rdev)), uint64(unix.Minor(s.rdev)))
		} else {
			p.s(", st_size=")
			p.dec(int64(s.size))
		}
		p.s(", ...}")
		return
	}
	p.s("{st_dev=")
	p.makedev(uint64(unix.Major(s.dev)), uint64(unix.Minor(s.dev)))
	p.s(", st_ino=")
	p.udec(s.ino)
	p.s(", st_mode=")
	p.fileMode(s.mode)
	p.s(", st_nlink=")
	p.udec(s.nlink)
	p.s(", st_uid=")
	p.udec(uint64(s.uid))
	p.s(", st_gid=")
	p.udec(uint64(s.gid))
	p.s(", st_blksize=")
	p.udec(s.blksize)
	p.s(", st_blocks=")
	p.udec(s.blocks)
	if isDev(s.mode) {
		p.s(", st_rdev=")
		p.makedev(uint64(unix.Major(s.rdev)), uint64(unix.Minor(s.rdev)))
	} else {
		p.s(", st_size=")
		p.dec(int64(s.size))
	}
	for _, f := range [...]struct {
		name string
		t    [2]int64
	}{{"st_atime", s.atime}, {"st_mtime", s.mtime}, {"st_ctime", s.ctime}} {
		p.s(", ")
		p.s(f.name)
		p.s("=")
		p.timeComment(f.t[0], f.t[1])
		p.s(", ")
		p.s(f.name)
		p.s("_nsec=")
		p.dec(f.t[1])
	}
	p.s("}")
}

func (p *printer) statx(addr uint64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	var b [256]byte
	if !p.read(addr, b[:]) {
		p.hex(addr)
		return
	}
	u32 := func(o int) uint64 { return uint64(le.Uint32(b[o:])) }
	u64 := func(o int) uint64 { return le.Uint64(b[o:]) }
	mode := uint32(le.Uint16(b[28:]))
	p.s("{stx_mask=")
	p.b = appendFlags(p.b, statxMasks, u32(0))
	if p.d.Opts.Verbose {
		p.s(", stx_blksize=")
		p.udec(u32(4))
	}
	p.s(", stx_attributes=")
	p.b = appendFlags(p.b, statxAttrs, u64(8))
	if !p.d.Opts.Verbose {
		p.s(", stx_mode=")
		p.fileMode(mode)
		p.s(", stx_size=")
		p.udec(u64(40))
		p.s(", ...}")
		return
	}
	p.s(", stx_nlink=")
	p.udec(u32(16))
	p.s(", stx_uid=")
	p.udec(u32(20))
	p.s(", stx_gid=")
	p.udec(u32(24))
	p.s(", stx_mode=")
	p.fileMode(mode)
	p.s(", stx_ino=")
	p.udec(u64(32))
	p.s(", stx_size=")
	p.udec(u64(40))
	p.s(", stx_blocks=")
	p.udec(u64(48))
	p.s(", stx_attributes_mask=")
	p.b = appendFlags(p.b, statxAttrs, u64(56))
	mask := u32(0)
	for i, name := range [...]string{"stx_atime", "stx_btime", "stx_ctime", "stx_mtime"} {
		if i == 1 && mask&unix.STATX_BTIME == 0 {
			continue
		}
		o := 64 + 16*i
		sec, nsec := int64(u64(o)), int64(u32(o+8))
		p.s(", ")
		p.s(name)
		p.s("={tv_sec=")
		p.dec(sec)
		p.s(", tv_nsec=")
		p.dec(nsec)
		p.s("}")
		p.dateComment(sec, nsec)
	}
	p.s(", stx_rdev_major=")
	p.udec(u32(128))
	p.s(", stx_rdev_minor=")
	p.udec(u32(132))
	p.s(", stx_dev_major=")
	p.udec(u32(136))
	p.s(", stx_dev_minor=")
	p.udec(u32(140))
	if mask&unix.STATX_MNT_ID != 0 {
		p.s(", stx_mnt_id=")
		p.hex(u64(144))
	}
	p.s("}")
}

// dirents prints getdents64's buffer: its address and entry count, or
// with -v the entries.
func (p *printer) dirents(addr, n uint64) {
	if n > 1<<16 {
		n = 1 << 16
	}
	buf := p.scratch(int(n))
	if !p.read(addr, buf) && (n > 0 || p.d.Opts.NoDeref) {
		p.hex(addr)
		return
	}
	if !p.d.Opts.Verbose {
		count := 0
		for off := 0; off+19 <= len(buf); count++ {
			rl := int(le.Uint16(buf[off+16:]))
			if rl == 0 {
				break
			}
			off += rl
		}
		p.hex(addr)
		p.s(" /* ")
		p.dec(int64(count))
		if count == 1 {
			p.s(" entry */")
		} else {
			p.s(" entries */")
		}
		return
	}
	// The entries are copied out first: quoting a name reuses no buffer,
	// but keep the walk simple and bounded.
	p.s("[")
	lim := p.elemLimit()
	for off, i := 0, 0; off+19 <= len(buf); i++ {
		if i >= lim {
			p.more(uint64(i))
			break
		}
		e := buf[off:]
		rl := int(le.Uint16(e[16:]))
		if rl < 19 || off+rl > len(buf) {
			break
		}
		if i > 0 {
			p.s(", ")
		}
		p.s("{d_ino=")
		p.udec(le.Uint64(e))
		p.s(", d_off=")
		p.dec(int64(le.Uint64(e[8:])))
		p.s(", d_reclen=")
		p.udec(uint64(rl))
		p.s(", d_type=")
		p.b = appendEnum(p.b, direntTypes, uint64(e[18]))
		p.s(", d_name=")
		name := e[19:rl]
		p.b = p.d.quote(p.b, name, false, qNulEnds|qNoLimit)
		p.s("}")
		off += rl
	}
	p.s("]")
}

// fcntlArgAtExit: F_GETLK and friends fill in the struct flock.
func fcntlArgAtExit(c *Call) bool {
	switch c.args[1] & 0xffffffff {
	case fGetlk, unix.F_OFD_GETLK:
		return true
	case 12: // F_GETLK64 on i386
		return c.arch == sysabi.ArchI386
	}
	return false
}

// fcntlArg prints fcntl's third argument the way its command uses it.
func (p *printer) fcntlArg(cmd uint64) {
	v := p.arg(2)
	cmd &= 0xffffffff
	switch cmd {
	case unix.F_GETFD, unix.F_GETFL, unix.F_GETOWN, unix.F_GETSIG, unix.F_GETLEASE,
		unix.F_GETPIPE_SZ, unix.F_GET_SEALS:
		return
	}
	p.begin()
	switch cmd {
	case unix.F_SETFD:
		p.b = appendFlags(p.b, fdFlags, v&0xffffffff)
	case unix.F_SETFL:
		p.openFlags(v)
	case unix.F_DUPFD, unix.F_DUPFD_CLOEXEC, unix.F_SETOWN, unix.F_SETPIPE_SZ:
		p.dec(int64(int32(v)))
	case unix.F_SETSIG:
		p.sig(int64(int32(v)))
	case unix.F_SETLEASE:
		p.b = appendEnum(p.b, lockTypes, v&0xffffffff)
	case fSetlk, fSetlkw, fGetlk, unix.F_OFD_SETLK, unix.F_OFD_SETLKW, unix.F_OFD_GETLK:
		// On i386 these use struct flock; the OFD commands take flock64.
		long := !p.wide() && cmd >= unix.F_OFD_GETLK && cmd <= unix.F_OFD_SETLKW
		p.flock(v, cmd == fGetlk || cmd == unix.F_OFD_GETLK, long)
	case 12, 13, 14: // F_GETLK64, F_SETLK64, F_SETLKW64 (i386)
		if p.wide() {
			p.hex(v)
			return
		}
		p.flock(v, cmd == 12, true)
	case unix.F_SETOWN_EX, unix.F_GETOWN_EX:
		p.ptr(v)
	default:
		p.hex(v)
	}
}

// flock prints a struct flock (flock64 on i386 when long64).
func (p *printer) flock(addr uint64, getlk, long64 bool) {
	if p.failed() || addr == 0 {
		p.ptr(addr)
		return
	}
	var b [32]byte
	var start, length int64
	var pid int32
	typ, whence := uint64(0), uint64(0)
	switch {
	case p.wide():
		if !p.read(addr, b[:32]) {
			p.hex(addr)
			return
		}
		start, length, pid = int64(le.Uint64(b[8:])), int64(le.Uint64(b[16:])), int32(le.Uint32(b[24:]))
	case long64:
		if !p.read(addr, b[:24]) {
			p.hex(addr)
			return
		}
		start, length, pid = int64(le.Uint64(b[4:])), int64(le.Uint64(b[12:])), int32(le.Uint32(b[20:]))
	default:
		if !p.read(addr, b[:16]) {
			p.hex(addr)
			return
		}
		start, length, pid = int64(int32(le.Uint32(b[4:]))), int64(int32(le.Uint32(b[8:]))), int32(le.Uint32(b[12:]))
	}
	typ, whence = uint64(le.Uint16(b[0:])), uint64(le.Uint16(b[2:]))
	p.s("{l_type=")
	p.b = appendEnum(p.b, lockTypes, typ)
	p.s(", l_whence=")
	p.b = appendEnum(p.b, seekWhence, whence)
	p.s(", l_start=")
	p.dec(start)
	p.s(", l_len=")
	p.dec(length)
	if getlk {
		p.s(", l_pid=")
		p.dec(int64(pid))
	}
	p.s("}")
}

// fcntlResult adds strace's "(flags ...)" to F_GETFL and F_GETFD and
// prints F_DUPFD's descriptor.
func fcntlResult(p *printer) bool {
	ret := p.c.ret
	switch p.arg(1) & 0xffffffff {
	case unix.F_GETFL:
		p.hex(uint64(ret))
		p.s(" (flags ")
		p.openFlags(uint64(ret))
		p.s(")")
	case unix.F_GETFD:
		if ret == 0 {
			p.s("0")
			return true
		}
		p.hex(uint64(ret))
		p.s(" (flags ")
		p.b = appendFlags(p.b, fdFlags, uint64(ret))
		p.s(")")
	case unix.F_DUPFD, unix.F_DUPFD_CLOEXEC:
		p.fd(ret)
	default:
		return false
	}
	return true
}

// ioctlReq prints an ioctl request: its name, or _IOC(dir, type, nr, size).
func (p *printer) ioctlReq(v uint64) {
	if n, ok := ioctlNames.lookup(v); ok {
		p.s(n)
		return
	}
	dirs := [...]string{"_IOC_NONE", "_IOC_WRITE", "_IOC_READ", "_IOC_READ|_IOC_WRITE"}
	p.s("_IOC(")
	p.s(dirs[v>>30&3])
	p.s(", ")
	p.hex(v >> 8 & 0xff)
	p.s(", ")
	p.hex(v & 0xff)
	p.s(", ")
	p.hex(v >> 16 & 0x3fff)
	p.s(")")
}

// ioctlArgAtExit: the getters print what the kernel stored.
func ioctlArgAtExit(c *Call) bool {
	switch c.args[1] & 0xffffffff {
	case unix.TCGETS, unix.TIOCGWINSZ, fionRead, unix.TIOCGPGRP, unix.TIOCGPTN, unix.TIOCGSID:
		return true
	}
	return false
}

func (p *printer) ioctlArg(req uint64) {
	v := p.arg(2)
	req &= 0xffffffff
	switch req {
	case fioClex, fionClex, unix.TIOCNOTTY:
		return
	}
	p.begin()
	switch req {
	case unix.TCGETS, unix.TCSETS, unix.TCSETSW, unix.TCSETSF:
		if p.failed() {
			p.ptr(v)
			return
		}
		p.termios(v)
	case unix.TIOCGWINSZ, unix.TIOCSWINSZ:
		if p.failed() {
			p.ptr(v)
			return
		}
		var b [8]byte
		if !p.read(v, b[:]) {
			p.ptr(v)
			return
		}
		p.u16Fields(b[:], "ws_row", "ws_col", "ws_xpixel", "ws_ypixel")
	case fionRead, unix.TIOCGPGRP, unix.TIOCSPGRP, unix.TIOCGPTN, unix.TIOCGSID, unix.TIOCSPTLCK,
		fionBio, fioAsync:
		if p.failed() {
			p.ptr(v)
			return
		}
		p.intPtr(v)
	case unix.TIOCSCTTY:
		p.dec(int64(int32(v)))
	default:
		p.hex(v)
	}
}

// termios prints the kernel's struct termios (TCGETS), abbreviated.
func (p *printer) termios(addr uint64) {
	var b [36]byte
	if !p.read(addr, b[:]) {
		p.ptr(addr)
		return
	}
	ifl, ofl := uint64(le.Uint32(b[0:])), uint64(le.Uint32(b[4:]))
	cfl, lfl := uint64(le.Uint32(b[8:])), uint64(le.Uint32(b[12:]))
	p.s("{c_iflag=")
	p.b = appendFlags(p.b, termIflags, ifl)
	p.s(", c_oflag=")
	for _, f := range termOdelays {
		p.b = appendEnum(p.b, f.names, ofl&f.mask)
		p.s("|")
		ofl &^= f.mask
	}
	p.b = appendFlags(p.b, termOflags, ofl)
	p.s(", c_cflag=")
	p.b = appendEnum(p.b, termBauds, cfl&unix.CBAUD)
	p.s("|")
	p.b = appendEnum(p.b, termCsizes, cfl&unix.CSIZE)
	p.b = appendFlagsAfter(p.b, termCflags, cfl&^(unix.CBAUD|unix.CSIZE))
	p.s(", c_lflag=")
	p.b = appendFlags(p.b, termLflags, lfl)
	p.s(", ...}")
}

// sockaddr prints a socket address of n bytes.
func (p *printer) sockaddr(addr, n uint64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	if n < 2 {
		p.hex(addr)
		return
	}
	if n > 128 {
		n = 128 // sizeof(struct sockaddr_storage)
	}
	var b [128]byte
	if !p.read(addr, b[:n]) {
		p.hex(addr)
		return
	}
	sa := b[:n]
	family := uint64(le.Uint16(sa))
	p.s("{sa_family=")
	p.b = appendEnum(p.b, addressFamilies, family)
	switch {
	case family == unix.AF_INET && n >= 16:
		p.s(", sin_port=htons(")
		p.udec(uint64(sa[2])<<8 | uint64(sa[3]))
		p.s("), sin_addr=inet_addr(")
		p.addr(netip.AddrFrom4([4]byte(sa[4:8])))
		p.s(")")
	case family == unix.AF_INET6 && n >= 24:
		p.s(", sin6_port=htons(")
		p.udec(uint64(sa[2])<<8 | uint64(sa[3]))
		p.s("), sin6_flowinfo=htonl(")
		p.udec(uint64(sa[4])<<24 | uint64(sa[5])<<16 | uint64(sa[6])<<8 | uint64(sa[7]))
		p.s("), inet_pton(AF_INET6, ")
		p.addr(netip.AddrFrom16([16]byte(sa[8:24])))
		p.s(", &sin6_addr)")
		if n >= 28 {
			p.s(", sin6_scope_id=")
			p.udec(uint64(le.Uint32(sa[24:])))
		}
	case family == unix.AF_UNIX:
		path := sa[2:]
		if len(path) == 0 {
			break
		}
		p.s(", sun_path=")
		if path[0] == 0 && len(path) > 1 {
			p.s("@")
			p.b = p.d.quote(p.b, path[1:], false, qNoLimit)
		} else {
			p.b = p.d.quote(p.b, path, false, qNoLimit|qNulEnds)
		}
	case family == unix.AF_NETLINK && n >= 12:
		p.s(", nl_pid=")
		p.dec(int64(int32(le.Uint32(sa[4:]))))
		p.s(", nl_groups=")
		g := strconv.FormatUint(uint64(le.Uint32(sa[8:])), 16)
		for i := len(g); i < 8; i++ {
			p.s("0")
		}
		p.s(g)
	default:
		p.s(", sa_data=")
		p.b = p.d.quote(p.b, sa[2:], false, qNoLimit)
	}
	p.s("}")
}

// addr prints an IP address as a quoted string (strace quotes it like any
// string, so -xx prints it in hex).
func (p *printer) addr(a netip.Addr) {
	var b [64]byte
	p.b = p.d.quote(p.b, a.AppendTo(b[:0]), false, qNoLimit)
}

func (p *printer) sockopt(name, level uint64) {
	var t *xlat
	switch level {
	case unix.SOL_SOCKET:
		t = solSocketOptions
	case unix.SOL_TCP:
		t = tcpOptions
	case unix.SOL_IP:
		t = ipOptions
	case unix.SOL_IPV6:
		t = ipv6Options
	default:
		p.udec(name)
		return
	}
	p.b = appendEnum(p.b, t, name)
}

// optval prints a socket option value of n bytes: "[1]" for an int.
func (p *printer) optval(addr, n uint64) {
	if p.arg(1)&0xffffffff == unix.SOL_SOCKET && p.arg(2)&0xffffffff == unix.SO_LINGER && n == 8 {
		var b [8]byte
		if !p.read(addr, b[:]) {
			p.ptr(addr)
			return
		}
		p.s("{l_onoff=")
		p.dec(int64(int32(le.Uint32(b[:]))))
		p.s(", l_linger=")
		p.dec(int64(int32(le.Uint32(b[4:]))))
		p.s("}")
		return
	}
	if n == 4 {
		p.intPtr(addr)
		return
	}
	p.buf(addr, n, 0)
}

// msghdr prints a struct msghdr; data is the bytes transferred at exit
// (-1 at entry).
func (p *printer) msghdr(addr uint64, data int64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	var b [56]byte
	var name, namelen, iov, iovlen, ctl, ctllen, flags uint64
	if p.wide() {
		if !p.read(addr, b[:56]) {
			p.hex(addr)
			return
		}
		name, namelen, iov, iovlen = le.Uint64(b[0:]), uint64(le.Uint32(b[8:])), le.Uint64(b[16:]), le.Uint64(b[24:])
		ctl, ctllen, flags = le.Uint64(b[32:]), le.Uint64(b[40:]), uint64(le.Uint32(b[48:]))
	} else {
		if !p.read(addr, b[:28]) {
			p.hex(addr)
			return
		}
		w := func(i int) uint64 { return uint64(le.Uint32(b[4*i:])) }
		name, namelen, iov, iovlen, ctl, ctllen, flags = w(0), w(1), w(2), w(3), w(4), w(5), w(6)
	}
	p.s("{msg_name=")
	if name == 0 || namelen == 0 {
		p.ptr(name)
	} else {
		p.sockaddr(name, namelen)
	}
	p.s(", msg_namelen=")
	p.udec(namelen)
	p.s(", msg_iov=")
	p.iovec(iov, iovlen, data)
	p.s(", msg_iovlen=")
	p.udec(iovlen)
	if ctllen != 0 {
		p.s(", msg_control=")
		p.cmsgs(ctl, ctllen)
	}
	p.s(", msg_controllen=")
	p.udec(ctllen)
	p.s(", msg_flags=")
	p.b = appendFlags(p.b, msgFlags, flags)
	p.s("}")
}

var scmTypes = &xlat{unknown: "SCM_???", vals: []xval{
	{unix.SCM_RIGHTS, "SCM_RIGHTS"}, {unix.SCM_CREDENTIALS, "SCM_CREDENTIALS"},
}}

// cmsgs prints control messages: SCM_RIGHTS descriptors and
// SCM_CREDENTIALS; others by their header only.
func (p *printer) cmsgs(addr, n uint64) {
	if n > 4096 {
		n = 4096
	}
	buf := make([]byte, n)
	if !p.read(addr, buf) {
		p.hex(addr)
		return
	}
	ws := p.wordSize()
	hdr := ws + 8
	p.s("[")
	for off, i := 0, 0; off+hdr <= len(buf); i++ {
		var l uint64
		if ws == 8 {
			l = le.Uint64(buf[off:])
		} else {
			l = uint64(le.Uint32(buf[off:]))
		}
		level := uint64(le.Uint32(buf[off+ws:]))
		typ := uint64(le.Uint32(buf[off+ws+4:]))
		if i > 0 {
			p.s(", ")
		}
		p.s("{cmsg_len=")
		p.udec(l)
		p.s(", cmsg_level=")
		p.b = appendEnum(p.b, socketLevels, level)
		p.s(", cmsg_type=")
		end := off + int(l)
		if l < uint64(hdr) || end > len(buf) {
			p.hex(typ)
			p.s("}")
			break
		}
		data := buf[off+hdr : end]
		if level == unix.SOL_SOCKET {
			p.b = appendEnum(p.b, scmTypes, typ)
			switch typ {
			case unix.SCM_RIGHTS:
				p.s(", cmsg_data=[")
				for j := 0; j+4 <= len(data); j += 4 {
					if j > 0 {
						p.s(", ")
					}
					p.fd(int64(int32(le.Uint32(data[j:]))))
				}
				p.s("]")
			case unix.SCM_CREDENTIALS:
				if len(data) >= 12 {
					p.s(", cmsg_data={pid=")
					p.dec(int64(int32(le.Uint32(data[0:]))))
					p.s(", uid=")
					p.udec(uint64(le.Uint32(data[4:])))
					p.s(", gid=")
					p.udec(uint64(le.Uint32(data[8:])))
					p.s("}")
				}
			}
		} else {
			p.hex(typ)
		}
		p.s("}")
		off += (int(l) + ws - 1) &^ (ws - 1)
	}
	p.s("]")
}

// pollfds prints struct pollfd[n] with the events asked for.
func (p *printer) pollfds(addr, n uint64) {
	p.pollArray(addr, n, false)
}

func (p *printer) pollArray(addr, n uint64, revents bool) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	lim := uint64(p.elemLimit())
	start := len(p.b)
	p.s("[")
	shown := 0
	for i := uint64(0); i < n; i++ {
		var b [8]byte
		if !p.read(addr+8*i, b[:]) {
			if i == 0 {
				p.b = p.b[:start]
				p.hex(addr)
				return
			}
			break
		}
		ev := uint64(le.Uint16(b[4:]))
		if revents {
			ev = uint64(le.Uint16(b[6:]))
			if ev == 0 {
				continue
			}
		}
		if uint64(shown) >= lim {
			p.more(uint64(shown))
			break
		}
		if shown > 0 {
			p.s(", ")
		}
		shown++
		p.s("{fd=")
		if revents {
			p.dec(int64(int32(le.Uint32(b[:]))))
		} else {
			p.fd(int64(int32(le.Uint32(b[:]))))
		}
		if revents {
			p.s(", revents=")
		} else {
			p.s(", events=")
		}
		p.b = appendFlags(p.b, pollEvents, ev)
		p.s("}")
	}
	p.s("]")
}

// pollResult prints poll's "N ([{fd=3, revents=POLLIN}])" or "0 (Timeout)",
// with ppoll's remaining time.
func pollResult(p *printer) bool {
	ret := p.c.ret
	p.dec(ret)
	if ret == 0 {
		p.s(" (Timeout)")
		return true
	}
	if p.d.Opts.NoDeref {
		return true // strace shows the revents only of verbose calls
	}
	p.s(" (")
	p.pollArray(p.arg(0), p.arg(1)&0xffffffff, true)
	if len(p.c.desc.steps) > 3 && p.arg(2) != 0 { // ppoll's timeout
		p.s(", left ")
		p.timespec(p.arg(2), p.c.desc.t64)
	}
	p.s(")")
	return true
}

// fdset prints an fd_set of nfds bits: "[3 4]".
func (p *printer) fdset(addr uint64, nfds int64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	set, ok := p.readFdset(addr, nfds, false)
	if !ok {
		p.hex(addr)
		return
	}
	p.s("[")
	p.fdBits(set, nfds, true)
	p.s("]")
}

// readFdset reads an fd_set of nfds bits; data: whatever -e verbose=
// says (select's result shows its sets even then).
func (p *printer) readFdset(addr uint64, nfds int64, data bool) ([]byte, bool) {
	if nfds < 0 || nfds > 1<<16 {
		return nil, false
	}
	ws := int64(p.wordSize())
	n := (nfds + 8*ws - 1) / (8 * ws) * ws
	buf := p.scratch(int(n))
	if data {
		return buf, p.readData(addr, buf) || n == 0
	}
	return buf, p.read(addr, buf) || n == 0
}

func (p *printer) fdBits(set []byte, nfds int64, paths bool) {
	first := true
	for i := int64(0); i < nfds; i++ {
		if set[i/8]&(1<<(i%8)) == 0 {
			continue
		}
		if !first {
			p.s(" ")
		}
		first = false
		if paths {
			p.fd(i)
		} else {
			p.dec(i)
		}
	}
}

// selectResult prints select's "N (in [3], out [4], left {...})".
// sigwaitResult prints rt_sigtimedwait's result, the signal taken, as
// strace does: "10 (SIGUSR1)".
func sigwaitResult(p *printer) bool {
	ret := p.c.ret
	p.dec(ret)
	if ret > 0 {
		p.s(" (")
		p.sig(ret)
		p.s(")")
	}
	return true
}

func selectResult(p *printer) bool {
	ret := p.c.ret
	p.dec(ret)
	if ret == 0 {
		p.s(" (Timeout)")
		return true
	}
	nfds := p.argInt(0)
	p.s(" (")
	n := 0
	for i, name := range [...]string{"in", "out", "except"} {
		addr := p.arg(int8(i + 1))
		if addr == 0 {
			continue
		}
		set, ok := p.readFdset(addr, nfds, true)
		if !ok {
			continue
		}
		any := false
		for _, c := range set {
			if c != 0 {
				any = true
			}
		}
		if !any {
			continue
		}
		if n > 0 {
			p.s(", ")
		}
		n++
		p.s(name)
		p.s(" [")
		p.fdBits(set, nfds, false)
		p.s("]")
	}
	if t := p.arg(4); t != 0 {
		if n > 0 {
			p.s(", ")
		}
		p.s("left ")
		if p.c.desc.steps[4].k == kTimevalIn {
			p.timeval(t)
		} else {
			p.timespec(t, p.c.desc.t64)
		}
	}
	p.s(")")
	return true
}

// pselectSig prints pselect6's sixth argument, a pointer to
// {const sigset_t *ss; size_t ss_len}.
func (p *printer) pselectSig(addr uint64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	var b [16]byte
	ws := p.wordSize()
	if !p.read(addr, b[:2*ws]) {
		p.hex(addr)
		return
	}
	ss, l := p.word2(b[:])
	p.s("{sigmask=")
	p.sigset(ss, l)
	p.s(", sigsetsize=")
	p.udec(l)
	p.s("}")
}

// epollEvents prints n struct epoll_event (packed on x86).
func (p *printer) epollEvents(addr, n uint64, array bool) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	size, dataOff := uint64(12), 4
	if p.c.arch == sysabi.ArchAArch64 {
		size, dataOff = 16, 8
	}
	lim := uint64(p.elemLimit())
	start := len(p.b)
	if array {
		p.s("[")
	}
	for i := uint64(0); i < n; i++ {
		if i >= lim && array {
			p.more(i)
			break
		}
		var b [16]byte
		if !p.read(addr+i*size, b[:size]) {
			if i == 0 {
				p.b = p.b[:start]
				p.hex(addr)
				return
			}
			break
		}
		if i > 0 {
			p.s(", ")
		}
		data := le.Uint64(b[dataOff:])
		p.s("{events=")
		p.b = appendFlags(p.b, epollEvents, uint64(le.Uint32(b[:])))
		p.s(", data={u32=")
		p.udec(data & 0xffffffff)
		p.s(", u64=")
		p.udec(data)
		p.s("}}")
	}
	if array {
		p.s("]")
	}
}

// futex prints the operation and the arguments it uses (kernel/futex/syscalls.c).
func (p *printer) futex(t64 bool) {
	op := p.arg(1) & 0xffffffff
	cmd := op &^ (futexPrivate | futexClockRealtime)
	val, timeout, uaddr2, val3 := p.arg(2)&0xffffffff, p.arg(3), p.arg(4), p.arg(5)&0xffffffff
	p.begin()
	if name, ok := futexCmds.lookup(cmd); ok {
		p.s(name)
		if op&futexPrivate != 0 {
			p.s("_PRIVATE")
		}
		if op&futexClockRealtime != 0 {
			p.s("|FUTEX_CLOCK_REALTIME")
		}
	} else {
		p.hex(op)
		p.s(" /* FUTEX_??? */")
	}
	arg := func(f func()) { p.begin(); f() }
	bitset := func() {
		if val3 == futexBitsetAny {
			p.s("FUTEX_BITSET_MATCH_ANY")
		} else {
			p.hex(val3)
		}
	}
	switch cmd {
	case 0: // FUTEX_WAIT
		arg(func() { p.udec(val) })
		arg(func() { p.timespec(timeout, t64) })
	case 1, 2: // FUTEX_WAKE, FUTEX_FD
		arg(func() { p.udec(val) })
	case 3: // FUTEX_REQUEUE
		arg(func() { p.udec(val) })
		arg(func() { p.udec(timeout & 0xffffffff) })
		arg(func() { p.ptr(uaddr2) })
	case 4, 12: // FUTEX_CMP_REQUEUE, FUTEX_CMP_REQUEUE_PI
		arg(func() { p.udec(val) })
		arg(func() { p.udec(timeout & 0xffffffff) })
		arg(func() { p.ptr(uaddr2) })
		arg(func() { p.udec(val3) })
	case 5: // FUTEX_WAKE_OP
		arg(func() { p.udec(val) })
		arg(func() { p.udec(timeout & 0xffffffff) })
		arg(func() { p.ptr(uaddr2) })
		arg(func() {
			if val3>>28&8 != 0 {
				p.s("FUTEX_OP_OPARG_SHIFT<<28|")
			}
			p.b = appendEnum(p.b, futexWakeOps, val3>>28&7)
			p.s("<<28|")
			p.hex(val3 >> 12 & 0xfff)
			p.s("<<12|")
			p.b = appendEnum(p.b, futexWakeCmps, val3>>24&0xf)
			p.s("<<24|")
			p.hex(val3 & 0xfff)
		})
	case 6, 13: // FUTEX_LOCK_PI, FUTEX_LOCK_PI2
		arg(func() { p.timespec(timeout, t64) })
	case 7, 8: // FUTEX_UNLOCK_PI, FUTEX_TRYLOCK_PI
	case 9: // FUTEX_WAIT_BITSET
		arg(func() { p.udec(val) })
		arg(func() { p.timespec(timeout, t64) })
		arg(bitset)
	case 10: // FUTEX_WAKE_BITSET
		arg(func() { p.udec(val) })
		arg(bitset)
	case 11: // FUTEX_WAIT_REQUEUE_PI
		arg(func() { p.udec(val) })
		arg(func() { p.timespec(timeout, t64) })
		arg(func() { p.ptr(uaddr2) })
	default:
		arg(func() { p.hex(val) })
		arg(func() { p.hex(timeout) })
		arg(func() { p.hex(uaddr2) })
		arg(func() { p.hex(val3) })
	}
}

// socketcall names, include/uapi/linux/net.h (SYS_SOCKET = 1, ...).
var socketcallNames = [...]string{1: "socket", "bind", "connect", "listen", "accept", "getsockname",
	"getpeername", "socketpair", "send", "recv", "sendto", "recvfrom", "shutdown", "setsockopt",
	"getsockopt", "sendmsg", "recvmsg", "accept4", "recvmmsg", "sendmmsg"}

var socketcallCalls = func() *xlat {
	x := &xlat{unknown: "SYS_???"}
	for i, n := range socketcallNames[1:] {
		x.vals = append(x.vals, xval{uint64(i + 1), "SYS_" + strings.ToUpper(n)})
	}
	return x
}()

// socketcallArgs is how many arguments each socketcall subcall reads.
var socketcallArgs = [...]uint8{1: 3, 3, 3, 2, 3, 3, 3, 4, 4, 4, 6, 6, 2, 5, 5, 3, 3, 4, 5, 4}

// socketcallEntry turns i386's socketcall(call, args) into the call it
// multiplexes, as strace prints it. An unreadable argument block leaves
// socketcall's own arguments in hex.
func socketcallEntry(p *printer) {
	c := p.c
	call := c.args[0]
	if call == 0 || call >= uint64(len(socketcallNames)) {
		return
	}
	name := socketcallNames[call]
	ds := syscallTable[name]
	var b [24]byte
	if ds == nil || !p.read(c.args[1], b[:4*socketcallArgs[call]]) {
		return // socketcall(SYS_SOCKET, 0x8)
	}
	var args [6]uint64
	for i := range args {
		args[i] = uint64(le.Uint32(b[4*i:]))
	}
	c.args, c.desc, c.name = args, ds, name
}
