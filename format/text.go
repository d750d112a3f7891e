// Package format writes trace events as text in strace's shapes.
package format

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"syscall"

	"github.com/seize-dev/seize/sysabi"
)

// column is where strace aligns " = " (its -a default).
const column = 40

// Text writes strace-style lines. It is not safe for concurrent use; the
// tracer calls it from its one thread.
type Text struct {
	w *bufio.Writer
	// ToFile selects strace's -o prefix ("PID ") over the terminal one
	// ("[pid PID] ").
	ToFile bool
	// Prefix forces pid prefixes even with one task (strace -f -o FILE).
	Prefix bool

	tasks map[int]*taskLine
	live  int // tasks known to the writer
	cur   int // tid whose line is open (entry printed, no exit yet)
	col   int // columns written on the open line
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

func (f *Text) prefix(tid int) {
	f.col = 0
	switch {
	case f.ToFile && (f.Prefix || f.live > 1):
		s := strconv.Itoa(tid)
		f.write(s)
		for i := len(s); i < 5; i++ {
			f.write(" ")
		}
		f.write(" ")
	case !f.ToFile && f.live > 1:
		f.write(fmt.Sprintf("[pid %5d] ", tid))
	}
}

// closeOpen ends any open line before an unrelated line.
func (f *Text) closeOpen() {
	if f.cur != 0 {
		f.write(" <unfinished ...>\n")
		f.cur = 0
	}
}

// SyscallEntry opens the line "name(args" for tid.
func (f *Text) SyscallEntry(tid int, name string, args []string) {
	f.closeOpen()
	f.prefix(tid)
	f.write(name)
	f.write("(")
	for i, a := range args {
		if i > 0 {
			f.write(", ")
		}
		f.write(a)
	}
	f.cur = tid
	if t := f.tasks[tid]; t != nil {
		t.name = name
	}
}

// SyscallExit finishes tid's line with " = result", resuming it with
// "<... name resumed>" if another line came in between.
func (f *Text) SyscallExit(tid int, name string, result string) {
	if f.cur != tid {
		f.closeOpen()
		f.prefix(tid)
		f.write("<... ")
		f.write(name)
		f.write(" resumed>")
	}
	f.write(")")
	f.pad()
	f.write(" = ")
	f.write(result)
	f.write("\n")
	f.cur = 0
}

// NoReturn finishes tid's open syscall line with " = ?" (exit_group,
// execve that replaced the caller, a task killed in a call).
func (f *Text) NoReturn(tid int) {
	t := f.tasks[tid]
	if f.cur == tid {
		f.write(")")
		f.pad()
		f.write(" = ?\n")
		f.cur = 0
		return
	}
	if t != nil && t.name != "" {
		f.closeOpen()
		f.prefix(tid)
		f.write("<... " + t.name + " resumed>)")
		f.pad()
		f.write(" = ?\n")
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
func (f *Text) Line(tid int, s string) {
	f.closeOpen()
	f.prefix(tid)
	f.write(s)
	f.write("\n")
}

// Result formats a syscall's return value as strace does: decimal, hex
// for address-returning calls, "-1 ENAME (text)" for errors and
// "? ERESTART..." for calls to be restarted.
func Result(name string, ret int64, errno syscall.Errno) string {
	if errno != 0 {
		e := int(errno)
		en := sysabi.ErrnoName(e)
		if en == "" {
			en = strconv.Itoa(e)
		}
		if e >= 512 && e <= 516 {
			return "? " + en + " (" + sysabi.ErrnoText(e) + ")"
		}
		return "-1 " + en + " (" + sysabi.ErrnoText(e) + ")"
	}
	switch name {
	case "mmap", "mmap2", "mremap", "brk", "shmat", "sbrk":
		return "0x" + strconv.FormatUint(uint64(ret), 16)
	}
	return strconv.FormatInt(ret, 10)
}

// Hex formats a raw argument.
func Hex(v uint64) string {
	if v == 0 {
		return "0"
	}
	return "0x" + strconv.FormatUint(v, 16)
}
