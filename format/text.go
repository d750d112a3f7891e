// Package format writes trace events: as text in strace's shapes (Text),
// as JSON Lines with a versioned schema (JSON), as a Chrome/Perfetto
// Trace Event file (Perfetto), and as strace's -c summary table
// (Summary).
//
// The writers hold no locks: the tracer calls them from its one thread.
// They buffer their output; callers flush at idle and at exit. Every byte
// that came from a tracee reaches them already escaped by package decode,
// or is escaped here: the output is printable ASCII plus newlines.
package format

import (
	"bufio"
	"io"
	"strconv"
	"time"

	"github.com/seize-dev/seize/sysabi"
)

// column is where strace aligns " = " (its -a default).
const column = 40

// TimeFormat selects strace's absolute timestamps (-t, -tt, -ttt).
type TimeFormat uint8

// Absolute timestamp formats.
const (
	// TimeNone prints no absolute time.
	TimeNone TimeFormat = iota
	// TimeSeconds is -t: "HH:MM:SS " in local time.
	TimeSeconds
	// TimeMicros is -tt: "HH:MM:SS.uuuuuu ".
	TimeMicros
	// TimeUnix is -ttt: "SECONDS.uuuuuu " since the Unix epoch.
	TimeUnix
)

// Text writes strace-style lines. It is not safe for concurrent use; the
// tracer calls it from its one thread.
type Text struct {
	w *bufio.Writer
	// ToFile selects strace's -o prefix ("PID ") over the terminal one
	// ("[pid PID] ").
	ToFile bool
	// Prefix forces pid prefixes even with one task (strace -f -o FILE).
	Prefix bool
	// Time adds absolute timestamps (-t, -tt, -ttt).
	Time TimeFormat
	// Relative adds the time since the previous line (-r); with Time it
	// prints as "(+     0.000123) " after the absolute time, as strace does.
	Relative bool
	// Durations appends the time spent in each call, " <0.000123>" (-T).
	Durations bool

	tasks map[int]*taskLine
	live  int       // tasks known to the writer
	cur   int       // tid whose line is open (entry printed, no exit yet)
	col   int       // columns written on the open line
	last  time.Time // -r: the time of the previous line
	num   [48]byte
}

type taskLine struct {
	name string // syscall of the unfinished line
}

// NewText returns a Text writing to w through a buffer. Call Flush.
func NewText(w io.Writer) *Text {
	return &Text{w: bufio.NewWriterSize(w, 64<<10), tasks: make(map[int]*taskLine)}
}

// Flush writes out buffered lines.
func (f *Text) Flush() error { return f.w.Flush() }

// AddTask tells the writer a task exists (for pid prefixes).
func (f *Text) AddTask(tid int) {
	if _, ok := f.tasks[tid]; !ok {
		f.tasks[tid] = &taskLine{}
		f.live++
	}
}

// RemoveTask tells the writer a task is gone.
func (f *Text) RemoveTask(tid int) {
	if _, ok := f.tasks[tid]; ok {
		delete(f.tasks, tid)
		f.live--
	}
}

// Rekey moves tid old's state to tid new: a non-leader execve gives the
// calling thread the leader's tid (S17).
func (f *Text) Rekey(old, new int) {
	t, ok := f.tasks[old]
	if !ok {
		f.AddTask(new)
		return
	}
	delete(f.tasks, old)
	if _, dup := f.tasks[new]; dup {
		f.live--
	}
	f.tasks[new] = t
	if f.cur == old {
		f.cur = new
	}
}

func (f *Text) write(s string) {
	f.w.WriteString(s)
	f.col += len(s)
}

func (f *Text) writeBytes(b []byte) {
	f.w.Write(b)
	f.col += len(b)
}

// prefix starts a line: pid prefix, then timestamps, as strace's
// printleader.
func (f *Text) prefix(at time.Time, tid int) {
	f.col = 0
	switch {
	case f.ToFile && (f.Prefix || f.live > 1):
		b := strconv.AppendInt(f.num[:0], int64(tid), 10)
		for len(b) < 5 {
			b = append(b, ' ')
		}
		f.writeBytes(append(b, ' '))
	case !f.ToFile && f.live > 1:
		b := append(f.num[:0], "[pid "...)
		b = padLeft(b, int64(tid), 5)
		f.writeBytes(append(b, "] "...))
	}
	if f.Time != TimeNone {
		f.writeBytes(AppendTimestamp(f.num[:0], at, f.Time))
		f.write(" ")
	}
	if f.Relative {
		var d time.Duration
		if !f.last.IsZero() {
			d = max(at.Sub(f.last), 0)
		}
		f.last = at
		b := f.num[:0]
		if f.Time != TimeNone {
			b = append(b, "(+"...)
		}
		b = padLeft(b, int64(d/time.Second), 6)
		b = append(b, '.')
		b = appendFrac(b, int64(d%time.Second/time.Microsecond), 6)
		if f.Time != TimeNone {
			b = append(b, ')')
		}
		f.writeBytes(append(b, ' '))
	}
}

// AppendTimestamp appends t as -t, -tt or -ttt print it, without the
// trailing space.
func AppendTimestamp(dst []byte, t time.Time, tf TimeFormat) []byte {
	switch tf {
	case TimeUnix:
		dst = strconv.AppendInt(dst, t.Unix(), 10)
		dst = append(dst, '.')
		return appendFrac(dst, int64(t.Nanosecond()/1000), 6)
	case TimeSeconds, TimeMicros:
		h, m, s := t.Clock()
		dst = appendFrac(dst, int64(h), 2)
		dst = append(dst, ':')
		dst = appendFrac(dst, int64(m), 2)
		dst = append(dst, ':')
		dst = appendFrac(dst, int64(s), 2)
		if tf == TimeMicros {
			dst = append(dst, '.')
			dst = appendFrac(dst, int64(t.Nanosecond()/1000), 6)
		}
	}
	return dst
}

// padLeft appends v right-aligned in width columns (C's %*d).
func padLeft(dst []byte, v int64, width int) []byte {
	var tmp [24]byte
	s := strconv.AppendInt(tmp[:0], v, 10)
	for i := len(s); i < width; i++ {
		dst = append(dst, ' ')
	}
	return append(dst, s...)
}

// appendFrac appends v zero-padded to width digits (C's %0*d).
func appendFrac(dst []byte, v int64, width int) []byte {
	var tmp [24]byte
	s := strconv.AppendInt(tmp[:0], v, 10)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

// BreakLine ends an open line with " <unfinished ...>", as another task's
// line would, so that a message written to the same file next starts a
// line of its own; the call's exit then prints "<... name resumed>".
func (f *Text) BreakLine() { f.closeOpen() }

// closeOpen ends any open line before an unrelated line.
func (f *Text) closeOpen() {
	if f.cur != 0 {
		f.write(" <unfinished ...>\n")
		f.cur = 0
	}
}

// SyscallEntry opens the line "name(args" for tid, at time at. args is
// decode's entry text, which ends with ", " when more arguments come at
// exit.
func (f *Text) SyscallEntry(at time.Time, tid int, name string, args []byte) {
	f.closeOpen()
	f.prefix(at, tid)
	f.write(name)
	f.write("(")
	f.writeBytes(args)
	f.cur = tid
	if t := f.tasks[tid]; t != nil {
		t.name = name
	}
}

// SyscallExit finishes tid's line with the exit's arguments, ") = result"
// and, with Durations, " <dur>"; it resumes the line with
// "<... name resumed>" if another line came in between. A negative dur is
// unknown and not printed.
func (f *Text) SyscallExit(at time.Time, tid int, name string, args []byte, result string, dur time.Duration) {
	if f.cur != tid {
		f.closeOpen()
		f.prefix(at, tid)
		f.write("<... ")
		f.write(name)
		f.write(" resumed>")
	}
	f.writeBytes(args)
	f.finish(result, dur)
	if t := f.tasks[tid]; t != nil {
		t.name = ""
	}
}

// SyscallLine writes a whole syscall line at once: strace's staged output
// when -z, -Z or -e status= decide at exit whether a call is shown. at is
// the time of the entry.
func (f *Text) SyscallLine(at time.Time, tid int, name string, args []byte, result string, dur time.Duration) {
	f.closeOpen()
	f.prefix(at, tid)
	f.write(name)
	f.write("(")
	f.writeBytes(args)
	f.finish(result, dur)
}

func (f *Text) finish(result string, dur time.Duration) {
	f.write(")")
	f.pad()
	f.write(" = ")
	f.write(result)
	if f.Durations && dur >= 0 {
		b := append(f.num[:0], " <"...)
		b = strconv.AppendInt(b, int64(dur/time.Second), 10)
		b = append(b, '.')
		b = appendFrac(b, int64(dur%time.Second/time.Microsecond), 6)
		f.writeBytes(append(b, '>'))
	}
	f.write("\n")
	f.cur = 0
}

// NoReturn finishes tid's open syscall line with " = ?" (exit_group,
// execve that replaced the caller, a task killed in a call). at is the
// time for a resumed line's prefix.
func (f *Text) NoReturn(at time.Time, tid int) {
	t := f.tasks[tid]
	if f.cur == tid {
		f.write(")")
		f.pad()
		f.write(" = ?\n")
		f.cur = 0
	} else if t != nil && t.name != "" {
		f.closeOpen()
		f.prefix(at, tid)
		f.write("<... ")
		f.write(t.name)
		f.write(" resumed>)")
		f.pad()
		f.write(" = ?\n")
	}
	if t != nil {
		t.name = ""
	}
}

// NoReturnLine writes a whole staged line for a call that never returned:
// "name(args) = ?", or with detached "name(args <detached ...>".
func (f *Text) NoReturnLine(at time.Time, tid int, name string, args []byte, detached bool) {
	f.closeOpen()
	f.prefix(at, tid)
	f.write(name)
	f.write("(")
	f.writeBytes(args)
	if detached {
		f.write(" <detached ...>\n")
		return
	}
	f.write(")")
	f.pad()
	f.write(" = ?\n")
}

// Detached ends tid's open line with " <detached ...>", as strace does
// when it lets a task go in the middle of a call.
func (f *Text) Detached(tid int) {
	if f.cur == tid {
		f.write(" <detached ...>\n")
		f.cur = 0
	}
	if t := f.tasks[tid]; t != nil {
		t.name = ""
	}
}

// ClearSyscall forgets tid's pending syscall.
func (f *Text) ClearSyscall(tid int) {
	if t := f.tasks[tid]; t != nil {
		t.name = ""
	}
}

func (f *Text) pad() {
	for f.col < column-1 {
		f.write(" ")
	}
}

// Line writes a whole line for tid: "--- ... ---", "+++ ... +++".
func (f *Text) Line(at time.Time, tid int, s string) {
	f.closeOpen()
	f.prefix(at, tid)
	f.write(s)
	f.write("\n")
}

// Result formats a syscall's return value as strace does for a call it
// does not decode (-e raw=): "0x..." in hexadecimal, "0" for zero, and
// "-1 ENAME (text)" for errors, with the C library's text: the kernel's
// internal ERESTART* codes are "Unknown error 512" there.
func Result(ret int64, errno int) string {
	if errno != 0 {
		en := sysabi.ErrnoName(errno)
		if en == "" {
			en = strconv.Itoa(errno)
		}
		text := sysabi.ErrnoText(errno)
		if errno >= 512 && errno <= 530 {
			text = "Unknown error " + strconv.Itoa(errno)
		}
		return "-1 " + en + " (" + text + ")"
	}
	return Hex(uint64(ret))
}

// Hex formats a raw value as strace's %#lx: "0" or "0x...".
func Hex(v uint64) string {
	if v == 0 {
		return "0"
	}
	return "0x" + strconv.FormatUint(v, 16)
}

// AppendHex appends v as Hex does.
func AppendHex(dst []byte, v uint64) []byte {
	if v == 0 {
		return append(dst, '0')
	}
	return strconv.AppendUint(append(dst, "0x"...), v, 16)
}
