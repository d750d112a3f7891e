package decode

import (
	"encoding/binary"
	"strconv"

	"github.com/seize-dev/seize/sysabi"
)

const (
	pathMax   = 4096 // PATH_MAX: the longest path printed
	pageSize  = 4096 // reads of C strings stop at page boundaries
	maxVerbN  = 4096 // array elements shown with -v (bounds hostile counts)
	sigBytes  = 8    // NSIG/8: the kernel's sigset_t
	maxStruct = 512  // the largest struct read in one piece
)

var le = binary.LittleEndian

// printer appends one call's text. It lives on the stack of Entry/Exit.
type printer struct {
	d    *Decoder
	c    *Call
	mem  Memory
	b    []byte
	n    int  // arguments written to b by this printer
	exit bool // printing at syscall exit
}

// begin starts an argument: ", " unless it is the first.
func (p *printer) begin() {
	if p.n > 0 {
		p.b = append(p.b, ", "...)
	}
	p.n++
}

func (p *printer) sep() { p.b = append(p.b, ", "...) }

func (p *printer) s(s string) { p.b = append(p.b, s...) }

// failed reports a failed call at exit: output arguments then print as
// their address.
func (p *printer) failed() bool { return p.exit && p.c.errno != 0 }

func (p *printer) wide() bool { return p.c.arch != sysabi.ArchI386 }

// wordSize is the tracee's sizeof(long).
func (p *printer) wordSize() int {
	if p.wide() {
		return 8
	}
	return 4
}

func (p *printer) arg(i int8) uint64 { return p.c.args[i] }

// int32 of argument i (C int).
func (p *printer) argInt(i int8) int64 { return int64(int32(p.c.args[i])) }

// long of argument i.
func (p *printer) argLong(i int8) int64 {
	if p.wide() {
		return int64(p.c.args[i])
	}
	return int64(int32(p.c.args[i]))
}

// raw prints n arguments in hex, strace's style for calls it does not
// decode.
func (p *printer) raw(n int) {
	for i := 0; i < n && i < 6; i++ {
		p.begin()
		p.b = appendHex(p.b, p.c.args[i])
	}
}

func (p *printer) dec(v int64) { p.b = strconv.AppendInt(p.b, v, 10) }

func (p *printer) udec(v uint64) { p.b = strconv.AppendUint(p.b, v, 10) }

func (p *printer) hex(v uint64) { p.b = appendHex(p.b, v) }

// ptr prints a pointer: NULL or 0x...
func (p *printer) ptr(v uint64) {
	if v == 0 {
		p.s("NULL")
		return
	}
	p.hex(v)
}

// mode prints a permission mode as C's %#03o.
func (p *printer) mode(v uint64) {
	p.b = appendMode(p.b, v)
}

func appendMode(dst []byte, v uint64) []byte {
	switch {
	case v == 0:
		return append(dst, "000"...)
	case v < 8:
		return append(dst, '0', '0', byte('0'+v))
	}
	return appendOct(dst, v)
}

// fd prints a file descriptor, with its path under -y.
func (p *printer) fd(v int64) {
	v = int64(int32(v))
	p.dec(v)
	if p.d.Opts.FdPath != nil && v >= 0 {
		p.fdPath(int(v))
	}
}

func (p *printer) fdPath(fd int) {
	if path := p.d.Opts.FdPath(fd); path != "" {
		// The kernel marks an unlinked file "PATH (deleted)"; strace
		// prints <PATH>(deleted).
		const deleted = " (deleted)"
		gone := len(path) > len(deleted) && path[len(path)-len(deleted):] == deleted
		if gone {
			path = path[:len(path)-len(deleted)]
		}
		p.b = append(p.b, '<')
		p.b = escapeBytes(p.b, []byte(path), p.d.Opts.Hex >= 2, "<>")
		p.b = append(p.b, '>')
		if gone {
			p.s("(deleted)")
		}
	}
}

func (p *printer) dirfd(v int64) {
	if int32(v) == atFDCWD {
		p.s("AT_FDCWD")
		if p.d.Opts.FdPath != nil {
			p.fdPath(atFDCWD)
		}
		return
	}
	p.fd(v)
}

func (p *printer) sig(v int64) {
	if v == 0 {
		p.s("0")
		return
	}
	if n := sysabi.SignalName(int(v)); n != "" {
		p.s(n)
		return
	}
	p.dec(v)
}

// Memory.

// read fills buf from addr with a structure or an array; false unless
// all of it could be read. Under Options.NoDeref it reads nothing: the
// value then prints as its address, as strace prints the calls that -e
// verbose= leaves out.
func (p *printer) read(addr uint64, buf []byte) bool {
	if p.d.Opts.NoDeref {
		return false
	}
	return p.readData(addr, buf)
}

// readData is read for the bytes of strings and buffers, which strace
// shows whatever -e verbose= says.
func (p *printer) readData(addr uint64, buf []byte) bool {
	if p.mem == nil || addr == 0 {
		return false
	}
	if addr+uint64(len(buf)) < addr {
		return false // wraps around
	}
	// The read goes through a buffer the Call owns: a local array handed to
	// an interface method would escape to the heap on every call.
	if cap(p.c.iobuf) < len(buf) {
		p.c.iobuf = make([]byte, len(buf))
	}
	io := p.c.iobuf[:len(buf)]
	n, _ := p.mem.ReadMemory(addr, io)
	if n < 0 || n > len(buf) {
		return false
	}
	copy(buf, io[:n])
	return n == len(buf)
}

func (p *printer) readU32(addr uint64) (uint64, bool) {
	var b [4]byte
	if !p.read(addr, b[:]) {
		return 0, false
	}
	return uint64(le.Uint32(b[:])), true
}

// readWord reads a tracee long (4 or 8 bytes).
func (p *printer) readWord(addr uint64) (uint64, bool) {
	if !p.wide() {
		return p.readU32(addr)
	}
	var b [8]byte
	if !p.read(addr, b[:]) {
		return 0, false
	}
	return le.Uint64(b[:]), true
}

// scratch returns the call's string buffer with room for n bytes.
func (p *printer) scratch(n int) []byte {
	if cap(p.c.sbuf) < n {
		p.c.sbuf = make([]byte, n)
	}
	return p.c.sbuf[:n]
}

// cstr reads a NUL-terminated string of at most max bytes. It returns the
// bytes before the NUL (or max bytes), whether the NUL was found, and
// false if the memory could not be read before either.
func (p *printer) cstr(addr uint64, max int) (s []byte, complete, ok bool) {
	buf := p.scratch(max + 1)
	got := 0
	for got <= max {
		a := addr + uint64(got)
		if a < addr || a == 0 {
			return nil, false, false
		}
		want := pageSize - int(a%pageSize)
		if want > max+1-got {
			want = max + 1 - got
		}
		n, _ := p.mem.ReadMemory(a, buf[got:got+want])
		if n <= 0 {
			return nil, false, false
		}
		for i, ch := range buf[got : got+n] {
			if ch == 0 {
				return buf[:got+i], true, true
			}
		}
		got += n
		if n < want {
			return nil, false, false
		}
	}
	return buf[:max], false, true
}

// path prints a file name argument (up to PATH_MAX, not cut at -s).
func (p *printer) path(addr uint64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	if p.mem == nil {
		p.hex(addr)
		return
	}
	s, complete, ok := p.cstr(addr, pathMax)
	if !ok {
		p.hex(addr)
		return
	}
	p.b = p.d.quote(p.b, s, !complete, qNoLimit)
}

// str prints a C string cut at -s.
func (p *printer) str(addr uint64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	if p.mem == nil {
		p.hex(addr)
		return
	}
	l := p.d.limit()
	s, complete, ok := p.cstr(addr, l)
	if !ok {
		p.hex(addr)
		return
	}
	p.b = p.d.quote(p.b, s, !complete, qNoLimit)
}

// buf prints n bytes at addr as a string cut at -s.
func (p *printer) buf(addr uint64, n uint64, style uint8) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	l := uint64(p.d.limit())
	if style&qNoLimit != 0 {
		l = pathMax
	}
	show := n
	if show > l {
		show = l
	}
	b := p.scratch(int(show))
	if !p.readData(addr, b) && show > 0 {
		p.hex(addr)
		return
	}
	if show == 0 && n > 0 {
		// -s 0 shows no byte, but strace still reads one: an
		// unreadable buffer prints as its address.
		var one [1]byte
		if !p.readData(addr, one[:]) {
			p.hex(addr)
			return
		}
	}
	if show == 0 && p.mem == nil {
		p.hex(addr)
		return
	}
	p.b = p.d.quote(p.b, b, n > show, style|qNoLimit)
}

// elemLimit is how many array elements are shown before "...".
func (p *printer) elemLimit() int {
	if p.d.Opts.Verbose {
		return maxVerbN
	}
	return p.d.limit()
}

// more marks an array cut at the element limit: "..." after i elements.
func (p *printer) more(i uint64) {
	if i > 0 {
		p.s(", ")
	}
	p.s("...")
}

// sigset prints a signal mask of size bytes at addr.
func (p *printer) sigset(addr uint64, size uint64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	if size == 0 || size > sigBytes || size%4 != 0 {
		p.hex(addr)
		return
	}
	var b [sigBytes]byte
	if !p.read(addr, b[:size]) {
		p.hex(addr)
		return
	}
	p.b = appendSigmask(p.b, b[:size])
}

// appendSigmask prints a mask as strace does: "[INT TERM]", or "~[...]"
// listing the signals not in the mask when 2/3 or more are set.
func appendSigmask(dst []byte, b []byte) []byte {
	var m uint64
	for i := len(b) - 1; i >= 0; i-- {
		m = m<<8 | uint64(b[i])
	}
	bits := len(b) * 8
	pop := 0
	for v := m; v != 0; v &= v - 1 {
		pop++
	}
	if pop >= bits*2/3 {
		m = ^m
		if bits < 64 {
			m &= 1<<bits - 1
		}
		dst = append(dst, '~')
	}
	dst = append(dst, '[')
	first := true
	for i := 0; i < bits; i++ {
		if m&(1<<i) == 0 {
			continue
		}
		if !first {
			dst = append(dst, ' ')
		}
		first = false
		sig := i + 1
		if n := sysabi.SignalName(sig); n != "" {
			dst = append(dst, n[3:]...)
		} else {
			dst = strconv.AppendInt(dst, int64(sig), 10)
		}
	}
	return append(dst, ']')
}

// intPtr prints "[N]": an int the kernel reads or writes through a pointer.
func (p *printer) intPtr(addr uint64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	v, ok := p.readU32(addr)
	if !ok {
		p.hex(addr)
		return
	}
	p.b = append(p.b, '[')
	p.dec(int64(int32(v)))
	p.b = append(p.b, ']')
}

// timespec prints a struct timespec; t64 selects the 64-bit layout on
// i386 (the *_time64 calls).
func (p *printer) timespec(addr uint64, t64 bool) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	sec, nsec, ok := p.readTimePair(addr, t64)
	if !ok {
		p.hex(addr)
		return
	}
	p.s("{tv_sec=")
	p.dec(sec)
	p.s(", tv_nsec=")
	p.dec(nsec)
	p.s("}")
}

func (p *printer) readTimePair(addr uint64, t64 bool) (int64, int64, bool) {
	if p.wide() || t64 {
		var b [16]byte
		if !p.read(addr, b[:]) {
			return 0, 0, false
		}
		nsec := int64(le.Uint64(b[8:]))
		if !p.wide() {
			nsec = int64(int32(nsec)) // the kernel ignores the padding half
		}
		return int64(le.Uint64(b[:])), nsec, true
	}
	var b [8]byte
	if !p.read(addr, b[:]) {
		return 0, 0, false
	}
	return int64(int32(le.Uint32(b[:]))), int64(int32(le.Uint32(b[4:]))), true
}

func (p *printer) timeval(addr uint64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	sec, usec, ok := p.readTimePair(addr, false)
	if !ok {
		p.hex(addr)
		return
	}
	p.s("{tv_sec=")
	p.dec(sec)
	p.s(", tv_usec=")
	p.dec(usec)
	p.s("}")
}

// rlim prints one rlimit value: RLIM64_INFINITY, N*1024 or N.
func (p *printer) rlim(v uint64, wide bool) {
	switch {
	case wide && v == ^uint64(0):
		p.s("RLIM64_INFINITY")
	case !wide && v == 0xffffffff:
		p.s("RLIM_INFINITY")
	case v != 0 && v%1024 == 0:
		p.udec(v / 1024)
		p.s("*1024")
	default:
		p.udec(v)
	}
}

func (p *printer) rlimit(addr uint64, sixtyFour bool) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	if sixtyFour || p.wide() {
		var b [16]byte
		if !p.read(addr, b[:]) {
			p.hex(addr)
			return
		}
		p.s("{rlim_cur=")
		p.rlim(le.Uint64(b[:]), true)
		p.s(", rlim_max=")
		p.rlim(le.Uint64(b[8:]), true)
		p.s("}")
		return
	}
	var b [8]byte
	if !p.read(addr, b[:]) {
		p.hex(addr)
		return
	}
	p.s("{rlim_cur=")
	p.rlim(uint64(le.Uint32(b[:])), false)
	p.s(", rlim_max=")
	p.rlim(uint64(le.Uint32(b[4:])), false)
	p.s("}")
}

// openFlags prints O_ACCMODE's name then the other flags.
func (p *printer) openFlags(v uint64) {
	v &= 0xffffffff
	p.b = appendEnum(p.b, openAccess, v&3)
	p.b = appendFlagsAfter(p.b, openFlags, v&^3)
}

// fdPair prints pipe's or socketpair's "[3, 4]".
func (p *printer) fdPair(addr uint64) {
	var b [8]byte
	if p.failed() || !p.read(addr, b[:]) {
		p.ptr(addr)
		return
	}
	// An array of two, cut at -s like strace's other arrays.
	p.s("[")
	for i := uint64(0); i < 2; i++ {
		if i >= uint64(p.elemLimit()) {
			p.more(i)
			break
		}
		if i > 0 {
			p.s(", ")
		}
		p.fd(int64(int32(le.Uint32(b[4*i:]))))
	}
	p.s("]")
}
