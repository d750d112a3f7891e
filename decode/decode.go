// Package decode turns a system call stop plus the tracee's memory into
// the text strace prints for it: symbolic flags, quoted strings, structs
// in braces, arrays in brackets, NULL, errno names with their texts.
//
// A Decoder is configured once with strace's -s, -x/-xx, -y and -v
// options. For each traced call, Entry prints the arguments known when
// the call starts and Exit the ones the kernel filled in (a read's buffer)
// and the result; a Call carries what Entry saw to Exit. Output is appended
// to a caller's buffer, so steady-state decoding does not allocate.
//
// Every byte read from the tracee is escaped: the output is printable
// ASCII whatever the tracee's memory holds. Unreadable memory prints as
// the raw pointer, as strace does; reads are capped, so hostile lengths
// cost nothing.
//
// Architectures: x86-64, aarch64 and i386 (a 32-bit tracee on x86-64),
// told apart by the AUDIT_ARCH value of PTRACE_GET_SYSCALL_INFO. Flag
// values come from golang.org/x/sys/unix for the architecture seize is
// built for, which match those of a tracee of the same architecture or of
// an i386 tracee on x86-64.
package decode

import (
	"strconv"
	"sync"

	"github.com/seize-dev/seize/sysabi"
)

// Memory reads tracee memory; *seize.Task satisfies it. A short read means
// the range crosses unmapped memory.
type Memory interface {
	// ReadMemory reads len(buf) bytes at addr and returns how many it read.
	ReadMemory(addr uint64, buf []byte) (int, error)
}

// Options are strace's output options. The zero value gives strace's
// defaults.
type Options struct {
	// StringLimit is strace -s (default 32 when 0): the most bytes of a
	// string or buffer shown before "...", and the most elements of an
	// array. A negative value is strace's -s 0: no bytes and no elements
	// (`""...`, `[...]`); file names are printed whole whatever the limit.
	StringLimit int
	// Hex is 0 for strace's default escaping, 1 for -x (a string holding
	// non-ASCII bytes is printed all as \x), 2 for -xx (all bytes as \x).
	Hex int
	// FdPath implements -y: when non-nil, file descriptors print as
	// "3</path>". It returns "" when the path is unknown. It is called with
	// AT_FDCWD (-100) for the current directory.
	FdPath func(fd int) string
	// Verbose is -v: structures and arrays unabbreviated (execve's envp
	// listed instead of "/* N vars */", every stat field).
	Verbose bool
	// NoDeref is strace's -e verbose= for the calls it leaves out:
	// structures and arrays in tracee memory print as their addresses
	// ("fstat(3, 0x7ffd...)"); strings and buffers still print.
	NoDeref bool
}

// Decoder formats system calls. It holds no per-call state: one Decoder
// serves any number of tasks, each with its own Call, from one goroutine
// at a time (it keeps its last result string, to reuse it).
type Decoder struct {
	// Opts are the output options.
	Opts Options
	last string // the last result, reused when the next is the same
}

// Call holds one system call of one task between its entry and exit. The
// zero value is ready to use, and a Call is reused for the task's next
// call by calling Entry again.
type Call struct {
	arch    sysabi.Arch
	nr      uint64
	args    [6]uint64
	desc    *sysDesc
	name    string
	entered bool
	printed int       // steps printed at entry
	saved   [2]uint64 // entry values Exit needs (socklen before the call)
	savedOK [2]bool
	sp      uint64
	spSet   bool
	ret     int64
	errno   int
	exiting bool
	sbuf    []byte // scratch for strings read from the tracee
	iobuf   []byte // what ReadMemory fills
	rbuf    [64]byte
	pr      printer
}

// SetStackPointer gives the task's stack pointer at the entry stop
// (seize.Event.SP). Call it before Entry: rt_sigreturn finds the signal
// mask it restores on the stack. Without it rt_sigreturn prints "{mask=?}".
func (c *Call) SetStackPointer(sp uint64) {
	c.sp, c.spSet = sp, true
}

// Name returns the name to print for the call decoded by the last Entry:
// the system call's name, or on i386 the socketcall subcall ("socket",
// "connect") that strace prints instead of "socketcall".
func (c *Call) Name() string {
	if c.name != "" {
		return c.name
	}
	return sysabi.SyscallName(c.arch, c.nr)
}

// Entry decodes what strace prints at system call entry, without the
// name: the input arguments, each followed by ", " when more arguments
// come. For read that is "3, " (the buffer comes at exit); for openat the
// complete `AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC`. Text is appended
// to dst and returned.
func (d *Decoder) Entry(dst []byte, c *Call, arch sysabi.Arch, nr uint64, args [6]uint64, mem Memory) (out []byte) {
	sp, spSet, sbuf, iobuf := c.sp, c.spSet, c.sbuf, c.iobuf
	*c = Call{arch: arch, nr: nr, args: args, entered: true, sp: sp, spSet: spSet, sbuf: sbuf, iobuf: iobuf}
	if arch == sysabi.ArchI386 {
		for i := range c.args {
			c.args[i] &= 0xffffffff
		}
	}
	c.desc = lookupDesc(arch, nr)
	start := len(dst)
	defer func() {
		// A decoder bug must not take the tracer down: fall back to
		// strace's raw style for this call.
		if r := recover(); r != nil {
			if strict {
				panic(r)
			}
			p := &c.pr
			*p = printer{d: d, c: c, b: dst[:start]}
			p.raw(sysabi.SyscallNargs(arch, nr))
			c.desc, c.printed, c.name = nil, -1, ""
			out = p.b
		}
	}()
	// The printer lives in the Call: the tables' function values would make
	// a local one escape.
	p := &c.pr
	*p = printer{d: d, c: c, mem: mem, b: dst}
	if c.desc != nil && c.desc.entry != nil {
		c.desc.entry(p)
	}
	if c.desc == nil {
		p.raw(sysabi.SyscallNargs(arch, nr))
		c.printed = -1
		c.spSet = false
		return p.b
	}
	c.printed = len(c.desc.steps)
	for i, st := range c.desc.steps {
		if st.k.atExit(p) {
			c.printed = i
			p.saveAll(c.desc.steps[i:])
			break
		}
		p.step(st)
	}
	if c.printed < len(c.desc.steps) && p.n > 0 && c.desc.steps[c.printed].k != kClone3Stored {
		// kClone3Stored continues the argument before it.
		p.sep()
	}
	c.spSet = false
	return p.b
}

// Exit appends the arguments Entry left out (output arguments read from
// memory after the call, such as read's buffer and length:
// `"root:x:0:0:..."..., 4096`) and returns them with the formatted result:
// "3", "0x7f12..." for addresses, "-1 ENOENT (No such file or directory)",
// "? ERESTARTSYS (To be restarted if SA_RESTART is set)", plus strace's
// extras where strace prints them: "0x8002 (flags O_RDWR|O_LARGEFILE)" for
// fcntl F_GETFL, "1 ([{fd=3, revents=POLLIN}])" for poll. errno is the
// error number when the call failed (ret is then -errno), else 0. A Call
// without Entry prints only the result.
func (d *Decoder) Exit(dst []byte, c *Call, ret int64, errno int, mem Memory) (args []byte, result string) {
	c.ret, c.errno, c.exiting = ret, errno, true
	start := len(dst)
	defer func() {
		if r := recover(); r != nil {
			if strict {
				panic(r)
			}
			c.desc = nil
			args, result = dst[:start], errnoOrDec(c)
		}
	}()
	p := &c.pr
	*p = printer{d: d, c: c, mem: mem, b: dst, exit: true}
	if c.entered && c.desc != nil && c.printed >= 0 {
		for _, st := range c.desc.steps[c.printed:] {
			p.step(st)
		}
	}
	c.entered = false
	args = p.b
	p.b = nil
	return args, d.result(c, mem)
}

// result formats the return value.
func (d *Decoder) result(c *Call, mem Memory) string {
	if c.errno != 0 {
		return errnoResult(c.errno)
	}
	r := c.rbuf[:0]
	kind := rDec
	if c.desc != nil {
		kind = c.desc.ret
	}
	ret := c.ret
	if c.arch == sysabi.ArchI386 && kind != rHex {
		ret = int64(int32(ret))
	}
	switch kind {
	case rHex:
		r = appendHex(r, uint64(ret))
		if c.arch == sysabi.ArchI386 {
			r = appendHex(r[:0], uint64(uint32(ret)))
		}
	case rOct:
		r = appendOct(r, uint64(ret))
	case rFd:
		if d.Opts.FdPath == nil && ret >= 0 && ret < 100 {
			return strconv.Itoa(int(ret))
		}
		p := &c.pr
		*p = printer{d: d, c: c, mem: mem, b: r}
		p.fd(ret)
		r, p.b = p.b, nil
		return d.intern(r)
	case rExtra:
		p := &c.pr
		*p = printer{d: d, c: c, mem: mem, b: r, exit: true}
		if c.desc.extra != nil && c.desc.extra(p) {
			r, p.b = p.b, nil
			return d.intern(r)
		}
		r = strconv.AppendInt(r, ret, 10)
	default:
		if ret >= 0 && ret < 100 {
			return strconv.Itoa(int(ret)) // no allocation for small results
		}
		r = strconv.AppendInt(r, ret, 10)
	}
	return d.intern(r)
}

// intern returns r as a string, the previous result's string when they are
// equal: a loop of one call returns one value again and again (a pid, a
// count), and a new string per exit was the one allocation left on the hot
// path (issue 5: memory flat over 1,000,000 traced calls).
func (d *Decoder) intern(r []byte) string {
	if string(r) != d.last {
		d.last = string(r)
	}
	return d.last
}

// strict makes decoder panics propagate (set by the package's tests).
var strict bool

// errnoOrDec is the plain result, for when decoding failed.
func errnoOrDec(c *Call) string {
	if c.errno != 0 {
		return errnoResult(c.errno)
	}
	return strconv.FormatInt(c.ret, 10)
}

// errnoResults caches the results of the errnos the kernel returns, so
// that a failed call's result costs no allocation.
var errnoResults = sync.OnceValue(func() map[int]string {
	m := make(map[int]string)
	for e := 1; e < 600; e++ {
		if sysabi.ErrnoName(e) != "" {
			m[e] = formatErrno(e)
		}
	}
	return m
})

// errnoResult formats a failed call's result as strace does.
func errnoResult(e int) string {
	if s, ok := errnoResults()[e]; ok {
		return s
	}
	return formatErrno(e)
}

func formatErrno(e int) string {
	name := sysabi.ErrnoName(e)
	if name == "" {
		name = strconv.Itoa(e)
	}
	prefix := "-1 "
	switch e {
	case 512, 513, 514, 516: // ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK
		prefix = "? "
	}
	return prefix + name + " (" + sysabi.ErrnoText(e) + ")"
}

// appendOct appends v as C's %#o ("0" stays "0", 0644 is "0644").
func appendOct(dst []byte, v uint64) []byte {
	dst = append(dst, '0')
	if v == 0 {
		return dst
	}
	return strconv.AppendUint(dst, v, 8)
}
