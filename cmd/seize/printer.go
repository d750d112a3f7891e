package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/decode"
	"github.com/seize-dev/seize/filter"
	"github.com/seize-dev/seize/format"
	"github.com/seize-dev/seize/internal/ptrace"
	"github.com/seize-dev/seize/sysabi"
)

// printer turns events into output: strace-style text, JSON Lines or a
// Perfetto trace, and the -c summary. Its handle runs on the tracer
// thread, at the stop; mu also lets other goroutines print messages.
type printer struct {
	mu sync.Mutex
	c  *config
	f  *filter.Filter
	// decs are the decoders of the calls -e abbrev= and -e verbose=
	// select: decs[0] abbreviates structures, decs[decFull] prints them
	// whole (-v), decs[decNoDeref] prints them as addresses.
	decs [4]decode.Decoder

	quiet     bool           // no attached/detached messages now
	quietWant bool           // ... once attached (launch mode hides its own)
	attaching atomic.Bool    // attachMain is attaching: EventAttached is -p's
	attachedN map[int]int    // threads of each -p process attached
	prevHint  map[int]string // -p: the call each thread was in before the attach
	msgs      io.Writer      // "seize: Process N attached" messages
	sameFD    bool           // msgs and the trace share a file: flush first
	gate      *gate          // launch mode: hide the launcher before its execve

	out      io.Writer // the trace (text, JSON, or the Perfetto file)
	toFile   bool
	txt      *format.Text // text, unless -ff (each task has its own)
	json     *format.JSON
	pf       *format.Perfetto
	sum      *format.Summary // -c, -C
	cpu      bool            // -c/-C without -w: count system CPU time
	staged   bool            // -z/-Z/-e status=: lines written whole at exit
	lines    bool            // syscall, signal and exit lines are printed
	pending  []*task         // JSON: calls entered, not yet written
	tasks    map[int]*task
	procs    map[int]*proc
	fdTid    int // the task whose descriptors -y reads
	now      time.Time
	finished bool
	err      error
}

// task is what the printer keeps of one traced thread.
type task struct {
	tid, pid  int
	txt       *format.Text // its writer (its own with -ff)
	file      *os.File     // -ff: the file it owns
	call      decode.Call
	dec       *decode.Decoder
	in        bool // between a traced call's entry and exit
	shown     bool // the pending call passes -e trace=
	nr        uint64
	arch      sysabi.Arch
	args      [6]uint64
	name      string
	text      []byte // the call's arguments: entry part, then exit part
	entryLen  int
	start     time.Time
	told      bool        // JSON: an "unfinished" object was written for the call
	announced bool        // JSON/Perfetto: the task's arrival was written
	pers      sysabi.Arch // the architecture of its calls so far
	prev      string      // the previous call's name, for restart_syscall
	comm      string
	clock     *cpuClock     // -c without -w: the task's CPU time
	cpuStart  time.Duration // ... at the pending call's entry
	cpuOK     bool          // cpuStart was read

	injCount map[uint64]uint64 // -e inject=: calls so far per system call (inject.go)
	injected *filter.Inject    // what -e inject= did to the call in progress
}

// proc tracks the tasks of one process so that its exit lines are written
// before its parent can learn of the exit (see exiting).
type proc struct {
	live    map[int]bool // tids not yet at PTRACE_EVENT_EXIT
	exiting map[int]ptrace.Status
	printed map[int]bool
}

func newPrinter(out io.Writer, toFile bool, c *config) *printer {
	p := &printer{
		c:      c,
		f:      c.filter,
		quiet:  c.quiet > 0,
		msgs:   os.Stderr,
		sameFD: !toFile,
		out:    out,
		toFile: toFile,
		tasks:  make(map[int]*task),
		procs:  make(map[int]*proc),
		lines:  c.summary != summaryOnly,
	}
	opts := decode.Options{StringLimit: c.strLimit, Hex: c.hex}
	if c.fdPaths {
		opts.FdPath = p.fdPath
	}
	for i := range p.decs {
		p.decs[i].Opts = opts
		p.decs[i].Opts.Verbose = i&decFull != 0
		p.decs[i].Opts.NoDeref = i&decNoDeref != 0
	}
	for _, st := range []filter.Status{filter.StatusSuccessful, filter.StatusFailed, filter.StatusUnfinished, filter.StatusDetached} {
		if !p.f.Status.Has(st) {
			p.staged = true
		}
	}
	if c.summary != summaryNone {
		p.sum = &format.Summary{}
		p.cpu = !c.wallClock
	}
	defer func() { p.quietWant = p.quiet }()
	switch c.format {
	case formatJSON:
		p.json = format.NewJSON(out)
		// The stream has "attached" and "detached" objects; on stderr,
		// messages would break it.
		if !toFile {
			p.quiet = true
		}
	case formatPerfetto:
		p.pf = format.NewPerfetto(out)
	default:
		if !c.separate {
			p.txt = p.newText(out, toFile)
		}
	}
	return p
}

func (p *printer) newText(w io.Writer, toFile bool) *format.Text {
	t := format.NewText(w)
	t.ToFile = toFile
	t.Prefix = toFile && p.c.follow && !p.c.separate
	t.Time = p.c.timeFmt
	t.Relative = p.c.relative
	t.Durations = p.c.durations
	return t
}

// fdPath is -y: the path of descriptor fd of the task being decoded.
func (p *printer) fdPath(fd int) string {
	var link string
	if fd == -100 { // AT_FDCWD
		link = "/proc/" + strconv.Itoa(p.fdTid) + "/cwd"
	} else {
		link = "/proc/" + strconv.Itoa(p.fdTid) + "/fd/" + strconv.Itoa(fd)
	}
	s, _ := os.Readlink(link)
	return s
}

// flush writes out buffered output; it is the tracer's Idle hook.
func (p *printer) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.flushLocked()
}

func (p *printer) flushLocked() {
	var err error
	switch {
	case p.json != nil:
		err = p.json.Flush()
	case p.pf != nil:
		err = p.pf.Flush()
	case p.txt != nil:
		err = p.txt.Flush()
	default:
		for _, t := range p.tasks {
			if t.txt != nil {
				if e := t.txt.Flush(); e != nil {
					err = e
				}
			}
		}
	}
	if err != nil && p.err == nil {
		p.err = err
	}
}

// setQuiet turns attached/detached messages off or back to what was
// asked for.
func (p *printer) setQuiet(off bool) {
	p.mu.Lock()
	p.quiet = off || p.quietWant
	p.mu.Unlock()
}

// message prints "seize: ..." on stderr unless -q.
// threads is how many threads of process pid -p attached, as the
// tracer reported them (no /proc read per thread: issue 5).
func (p *printer) threads(pid int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.attachedN[pid]
}

func (p *printer) message(format string, a ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.messageLocked(format, a...)
}

func (p *printer) messageLocked(format string, a ...any) {
	if p.quiet {
		return
	}
	if p.sameFD {
		if p.txt != nil {
			p.txt.BreakLine() // never in the middle of a trace line
		}
		p.flushLocked()
	}
	fmt.Fprintf(p.msgs, "seize: "+format+"\n", a...)
}

func (p *printer) proc(pid int) *proc {
	pr := p.procs[pid]
	if pr == nil {
		pr = &proc{live: map[int]bool{}, exiting: map[int]ptrace.Status{}, printed: map[int]bool{}}
		p.procs[pid] = pr
	}
	return pr
}

// task returns the printer's record of tid, creating it.
func (p *printer) task(tid, pid int) *task {
	t := p.tasks[tid]
	if t != nil {
		return t
	}
	t = &task{tid: tid, pid: pid, pers: sysabi.NativeArch()}
	t.prev = p.prevHint[tid]
	p.tasks[tid] = t
	p.proc(pid).live[tid] = true
	switch {
	case p.txt != nil:
		t.txt = p.txt
		p.txt.AddTask(tid)
	case p.c.separate && p.c.format == formatText:
		t.txt, t.file = p.separateText(tid)
		if t.txt != nil {
			t.txt.AddTask(tid)
		}
	}
	if p.pf != nil || p.json != nil {
		t.comm = comm(tid)
	}
	return t
}

// launchFile is, in launch mode with -ff, the program's FILE.PID opened by
// the launching process (so that its errors are reported before the
// program runs).
var launchFile *os.File

// separateText opens FILE.TID for -ff.
func (p *printer) separateText(tid int) (*format.Text, *os.File) {
	var f *os.File
	if launchFile != nil && p.gate != nil && tid == p.gate.pid {
		f, launchFile = launchFile, nil
	} else {
		var err error
		f, err = os.OpenFile(p.c.output+"."+strconv.Itoa(tid), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
		if err != nil {
			if p.err == nil {
				p.err = err
			}
			fmt.Fprintf(os.Stderr, "seize: cannot write the trace to %s.%d: %v\n", p.c.output, tid, unwrapPath(err))
			return nil, nil
		}
	}
	return p.newText(f, true), f
}

// comm is the task's command name, from /proc.
func comm(tid int) string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(tid) + "/comm")
	return strings.TrimSuffix(string(b), "\n")
}

// handle is the tracer's Handler.
func (p *printer) handle(ev *seize.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	p.now = time.Now()
	tid, pid := ev.Task.Tid(), ev.Task.Pid()
	if p.gate != nil {
		if p.gate.hide(ev) {
			return
		}
		if !p.gate.shown {
			// The launcher's execve: from here on it is the program.
			p.gate.shown = true
			t := p.task(tid, pid)
			if len(p.c.cmd) > 0 {
				t.comm = filepath.Base(p.c.cmd[0]) // what it is about to run
			}
			p.begun(t, "start", 0, nil)
		}
	}
	switch ev.Kind {
	case seize.EventAttached:
		t := p.task(tid, pid)
		if p.attaching.Load() && slices.Contains(p.c.pids, pid) {
			if p.attachedN == nil {
				p.attachedN = make(map[int]int)
			}
			p.attachedN[pid]++
			if !t.announced {
				p.begun(t, "attach", 0, nil)
			}
			break
		}
		// A task that a traced one created. Its creator's event may come
		// before or after this (S19), or never when the task is already
		// gone by then: the message belongs here.
		if p.c.follow {
			p.messageLocked("Process %d attached", tid)
		}
		if !t.announced {
			how, parent := "thread", pid
			if tid == pid {
				how, parent = "fork", ppid(tid)
			}
			p.begun(t, how, parent, nil)
		}
	case seize.EventNewTask:
		p.newTask(ev)
	case seize.EventSyscallEntry:
		p.entry(ev)
	case seize.EventSyscallExit:
		p.exit(ev)
	case seize.EventSignal:
		p.signal(ev)
	case seize.EventGroupStop:
		t := p.task(tid, pid)
		if !p.lines || !p.f.Signals.Has(int(ev.Sig)) {
			break
		}
		p.tell(nil)
		switch {
		case t.txt != nil:
			t.txt.Line(p.now, tid, format.StoppedLine(ev.Sig))
		case p.json != nil:
			p.json.Stopped(p.now, pid, tid, ev.Sig)
		case p.pf != nil:
			p.pf.Stopped(p.now, pid, tid, ev.Sig)
		}
	case seize.EventContinued:
		switch {
		case !p.lines:
		case p.json != nil:
			p.tell(nil)
			p.json.Continued(p.now, pid, tid, ev.SigInfo)
		case p.pf != nil:
			p.pf.Continued(p.now, pid, tid)
		}
	case seize.EventExec:
		p.exec(ev)
	case seize.EventExiting:
		p.exiting(ev)
	case seize.EventExit:
		p.exited(ev)
	case seize.EventDetached:
		p.detached(ev)
	}
}

// begun announces a task in JSON and Perfetto output, once: the launched
// program ("start"), one attached with -p ("attach"), or one a traced task
// created ("thread", "fork", "vfork", "clone", "clone3") by parent. except
// is a task whose call in progress the announcement does not interrupt.
func (p *printer) begun(t *task, how string, parent int, except *task) {
	t.announced = true
	switch {
	case !p.lines:
	case p.json != nil:
		p.tell(except)
		p.json.Attached(p.now, t.pid, t.tid, parent, how)
	case p.pf != nil:
		if t.tid == t.pid {
			p.pf.ProcessBegin(p.now, t.pid, how)
		}
		p.pf.Name(t.pid, t.tid, t.comm)
	}
}

// ppid is the parent process of pid, from /proc (0 if unknown).
func ppid(pid int) int {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	_, rest, _ := strings.Cut(string(b), "\nPPid:\t")
	n, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(rest, "\n", 2)[0]))
	return n
}

func (p *printer) newTask(ev *seize.Event) {
	parent := p.task(ev.Task.Tid(), ev.Task.Pid())
	child := ev.NewTid
	pid, how := child, "fork"
	switch {
	case ev.NewKind == seize.NewThread:
		pid, how = parent.pid, "thread"
	case ev.NewKind == seize.NewVfork:
		how = "vfork"
	case parent.in && parent.name != "":
		how = parent.name // fork, clone, clone3
	}
	// The child counts from now: its first stop may come after its
	// parent's exit, which must not end a launch-mode trace early.
	_, known := p.tasks[child]
	ct := p.task(child, pid)
	if !known {
		ct.comm = parent.comm
	}
	if !ct.announced {
		p.begun(ct, how, parent.tid, parent)
	}
	if p.lines && p.pf != nil {
		from := p.now
		if parent.in {
			from = parent.start // the arrow leaves the clone call
		}
		p.pf.NewTask(p.now, from, parent.pid, parent.tid, pid, child, how)
	}
}

// entry handles a system call's entry stop: decode what is known, and
// print strace's "name(args" unless lines are staged.
func (p *printer) entry(ev *seize.Event) {
	t := p.task(ev.Task.Tid(), ev.Task.Pid())
	if t.in && t.shown {
		p.noReturn(t, filter.StatusUnfinished) // an entry without exit: should not happen
	}
	arch := sysabi.Arch(ev.Arch)
	t.in, t.nr, t.arch, t.args, t.start, t.told = true, ev.Nr, arch, ev.Args, p.now, false
	t.shown = p.f.Trace.Has(arch, ev.Nr)
	p.inject(t, ev, arch) // inject.go
	if !t.shown {
		return
	}
	t.name = sysabi.SyscallName(arch, ev.Nr)
	if p.cpu {
		p.cpuEntry(t)
	}
	if arch != t.pers {
		p.personality(t, arch)
	}
	if !p.lines {
		// -c: only counted, under the name strace counts: i386's
		// socketcall and ipc as their subcalls.
		if arch == sysabi.ArchI386 && (t.name == "socketcall" || t.name == "ipc") {
			t.text = p.decs[0].Entry(t.text[:0], &t.call, arch, ev.Nr, ev.Args, ev.Task)
			t.name = t.call.Name()
		}
		return
	}
	t.text = t.text[:0]
	if p.f.Raw.Has(arch, ev.Nr) {
		for i := 0; i < sysabi.SyscallNargs(arch, ev.Nr) && i < 6; i++ {
			if i > 0 {
				t.text = append(t.text, ", "...)
			}
			t.text = format.AppendHex(t.text, ev.Args[i])
		}
		t.dec = nil
	} else {
		t.dec = &p.decs[p.decoder(arch, ev.Nr)]
		p.fdTid = t.tid
		t.call.SetStackPointer(ev.SP)
		t.text = t.dec.Entry(t.text, &t.call, arch, ev.Nr, ev.Args, ev.Task)
		t.name = t.call.Name()
		if t.name == "restart_syscall" {
			// strace names the call the kernel restarts.
			prev := t.prev
			if prev == "" {
				prev = "system call"
			}
			t.text = append(append(append(t.text[:0], "<... resuming interrupted "...), prev...), " ...>"...)
		}
	}
	t.entryLen = len(t.text)
	switch {
	case !p.lines:
	case t.txt != nil:
		if !p.staged {
			t.txt.SyscallEntry(p.now, t.tid, t.name, t.text)
		}
	case p.json != nil:
		p.pending = append(p.pending, t)
	}
}

// Indexes of printer.decs.
const (
	decFull    = 1 // -e abbrev= leaves the call out (-v)
	decNoDeref = 2 // -e verbose= leaves the call out
)

// decoder is the index in p.decs of the decoder of nr.
func (p *printer) decoder(arch sysabi.Arch, nr uint64) int {
	i := 0
	if !p.f.Abbrev.Has(arch, nr) {
		i |= decFull
	}
	if !p.f.Verbose.Has(arch, nr) {
		i |= decNoDeref
	}
	return i
}

// personality writes strace's "[ Process PID=N runs in 32 bit mode. ]"
// when t's calls change architecture (an i386 program exec'd from a
// 64-bit one), unless -q, or -o with a command (which implies -q for
// strace).
func (p *printer) personality(t *task, arch sysabi.Arch) {
	t.pers = arch
	if p.c.quiet > 0 || p.toFile && p.gate != nil || t.txt == nil {
		return
	}
	mode := "64 bit"
	switch arch {
	case sysabi.ArchI386:
		mode = "32 bit"
	case sysabi.ArchX86_64, sysabi.ArchAArch64:
	default:
		mode = arch.String()
	}
	t.txt.Line(p.now, t.tid, "[ Process PID="+strconv.Itoa(t.pid)+" runs in "+mode+" mode. ]")
}

// record fills a format.Syscall from t's pending call.
func (p *printer) record(t *task, rec *format.Syscall) {
	*rec = format.Syscall{
		Pid: t.pid, Tid: t.tid, Name: t.name, Nr: t.nr, Arch: t.arch, Raw: t.args,
		NRaw: sysabi.SyscallNargs(t.arch, t.nr), Args: t.text, Start: t.start,
		Dur: p.now.Sub(t.start), Resumed: t.told,
	}
}

// tell writes, in JSON, an "unfinished" object for every call entered and
// not yet written but that of except: something else is about to be
// written, so the order of objects follows the order of events.
func (p *printer) tell(except *task) {
	if p.json == nil || len(p.pending) == 0 {
		return
	}
	var rec format.Syscall
	keep := p.pending[:0]
	for _, t := range p.pending {
		if t == except {
			keep = append(keep, t)
			continue
		}
		if t.in && t.shown && !t.told {
			p.record(t, &rec)
			rec.Dur = -1
			p.json.Unfinished(&rec)
			t.told = true
		}
	}
	p.pending = keep
}

// unpend drops t from the JSON pending list.
func (p *printer) unpend(t *task) {
	if i := slices.Index(p.pending, t); i >= 0 {
		p.pending = slices.Delete(p.pending, i, i+1)
	}
}

// exit handles a system call's exit stop.
func (p *printer) exit(ev *seize.Event) {
	t := p.task(ev.Task.Tid(), ev.Task.Pid())
	if ev.Nr == seize.NoSyscall || !t.in {
		// The task was attached or created inside the call (a new child
		// returning from fork): strace prints nothing for it either.
		t.in = false
		return
	}
	t.in = false
	if !t.shown {
		t.prev = sysabi.SyscallName(t.arch, t.nr)
		return
	}
	dur := p.now.Sub(t.start)
	errno := int(ev.Errno)
	if p.sum != nil && !strings.HasPrefix(t.name, "syscall_") {
		// strace counts only the calls of its tables.
		p.sum.Add(t.arch, t.nr, t.name, p.summaryTime(t, dur), errno != 0)
	}
	t.prev = t.name
	if !p.lines {
		return
	}
	var result string
	if t.dec == nil {
		result = format.Result(ev.Ret, errno)
	} else {
		p.fdTid = t.tid
		n := len(t.text)
		t.text, result = t.dec.Exit(t.text, &t.call, ev.Ret, errno, ev.Task)
		if t.name == "restart_syscall" {
			t.text = t.text[:n]
		}
	}
	st := filter.StatusSuccessful
	if errno != 0 {
		st = filter.StatusFailed
	}
	show := p.f.Status.Has(st)
	injected := t.injected
	if ev.Injected == nil {
		injected = nil
	}
	switch {
	case t.txt != nil:
		if !p.c.durations {
			dur = -1
		}
		result += injectNote(injected)
		if p.staged {
			if show {
				t.txt.SyscallLine(t.start, t.tid, t.name, t.text, result, dur)
			}
		} else {
			t.txt.SyscallExit(p.now, t.tid, t.name, t.text[t.entryLen:], result, dur)
		}
	case p.json != nil:
		p.unpend(t)
		if show {
			p.tell(t)
			var rec format.Syscall
			p.record(t, &rec)
			rec.Result, rec.Ret, rec.Errno, rec.Status = result, ev.Ret, errno, st.String()
			rec.Injected = injected
			p.json.Syscall(&rec)
		}
	case p.pf != nil:
		if show {
			var rec format.Syscall
			p.record(t, &rec)
			rec.Result, rec.Ret, rec.Errno, rec.Status = result, ev.Ret, errno, st.String()
			rec.Injected = injected
			p.pf.Syscall(&rec)
		}
	}
}

// noReturn ends t's pending call, which will never return: strace's
// "= ?" (StatusUnfinished) or "<detached ...>" (StatusDetached).
func (p *printer) noReturn(t *task, st filter.Status) {
	if !t.in {
		return
	}
	t.in = false
	if !t.shown || !p.lines {
		p.unpend(t)
		return
	}
	show := p.f.Status.Has(st)
	switch {
	case t.txt != nil:
		switch {
		case p.staged && show:
			t.txt.NoReturnLine(t.start, t.tid, t.name, t.text, st == filter.StatusDetached)
		case p.staged:
		case st == filter.StatusDetached:
			t.txt.Detached(t.tid)
		default:
			t.txt.NoReturn(p.now, t.tid)
		}
	case p.json != nil:
		p.unpend(t)
		if show {
			p.tell(t)
			var rec format.Syscall
			p.record(t, &rec)
			rec.Status = st.String()
			p.json.Syscall(&rec)
		}
	case p.pf != nil:
		if show {
			var rec format.Syscall
			p.record(t, &rec)
			rec.Status = st.String()
			p.pf.Syscall(&rec)
		}
	}
}

func (p *printer) signal(ev *seize.Event) {
	t := p.task(ev.Task.Tid(), ev.Task.Pid())
	if !p.lines || !p.f.Signals.Has(int(ev.Sig)) {
		return
	}
	switch {
	case t.txt != nil:
		t.txt.Line(p.now, t.tid, format.SignalLine(ev.Sig, ev.SigInfo))
	case p.json != nil:
		p.tell(nil)
		p.json.Signal(p.now, t.pid, t.tid, ev.Sig, ev.SigInfo)
	case p.pf != nil:
		p.pf.Signal(p.now, t.pid, t.tid, ev.Sig, ev.SigInfo)
	}
}

// exec handles a successful execve: a non-leader caller takes the
// leader's tid (S17), and the process gets a new name.
func (p *printer) exec(ev *seize.Event) {
	tid, pid := ev.Task.Tid(), ev.Task.Pid()
	if ev.OldTid != tid {
		if leader := p.tasks[tid]; leader != nil {
			// The old leader vanishes without an exit of its own.
			p.noReturn(leader, filter.StatusUnfinished)
			if leader.txt != nil && p.lines && p.c.quiet < 3 { // strace: -qqq hides it
				leader.txt.Line(p.now, tid, "+++ superseded by execve in pid "+strconv.Itoa(ev.OldTid)+" +++")
			}
			p.drop(leader)
		}
		if t := p.tasks[ev.OldTid]; t != nil {
			delete(p.tasks, ev.OldTid)
			t.tid = tid
			p.tasks[tid] = t
			if t.txt != nil {
				t.txt.Rekey(ev.OldTid, tid)
			}
		}
		pr := p.proc(pid)
		delete(pr.live, ev.OldTid)
		pr.live[tid] = true
		delete(pr.exiting, tid)
	}
	t := p.task(tid, pid)
	if !p.lines || p.json == nil && p.pf == nil {
		return
	}
	t.comm = comm(tid)
	exe, _ := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
	switch {
	case p.json != nil:
		p.tell(t)
		p.json.Exec(p.now, pid, tid, ev.OldTid, exe, t.comm)
	case p.pf != nil:
		if exe != "" {
			exe = filepath.Clean(exe)
		}
		p.pf.Exec(p.now, pid, tid, ev.OldTid, exe, t.comm)
	}
}

// drop forgets a task that is gone.
func (p *printer) drop(t *task) {
	p.unpend(t)
	if t.clock != nil {
		t.clock.close()
	}
	if t.txt != nil {
		t.txt.RemoveTask(t.tid)
		if t.file != nil {
			if err := t.txt.Flush(); err != nil && p.err == nil {
				p.err = err
			}
			t.file.Close()
		}
	}
	if p.tasks[t.tid] == t {
		delete(p.tasks, t.tid)
	}
}

func (p *printer) exiting(ev *seize.Event) {
	tid, pid := ev.Task.Tid(), ev.Task.Pid()
	t := p.task(tid, pid)
	p.noReturn(t, filter.StatusUnfinished)
	if t.txt != nil {
		t.txt.ClearSyscall(tid)
	}
	pr := p.proc(pid)
	delete(pr.live, tid)
	pr.exiting[tid] = ev.Status
	if len(pr.live) == 0 {
		// The last thread of the process is exiting: nothing can change
		// the statuses now. Write every exit line, the leader last as
		// strace does, and flush: the parent (a shell) must not learn of
		// the exit before the trace says it.
		for xt, st := range pr.exiting {
			if xt != pid {
				p.exitLine(pr, xt, pid, st)
			}
		}
		if st, ok := pr.exiting[pid]; ok {
			p.exitLine(pr, pid, pid, st)
		}
		if p.pf != nil {
			p.pf.ProcessEnd(p.now, pid, format.ExitLine(ev.Status))
		}
		if p.gate != nil && p.allExiting() {
			// Launch mode: the program and everything traced is going;
			// the summary must be there before the shell sees the exit.
			p.finishLocked()
			return
		}
		p.flushLocked()
	}
}

// allExiting reports whether every traced task has reached
// PTRACE_EVENT_EXIT.
func (p *printer) allExiting() bool {
	for _, pr := range p.procs {
		if len(pr.live) > 0 {
			return false
		}
	}
	return true
}

func (p *printer) exited(ev *seize.Event) {
	tid, pid := ev.Task.Tid(), ev.Task.Pid()
	pr := p.proc(pid)
	p.exitLine(pr, tid, pid, ev.Status)
	delete(pr.live, tid)
	delete(pr.exiting, tid)
	if t := p.tasks[tid]; t != nil {
		p.drop(t)
	}
	if tid == pid {
		if p.pf != nil {
			p.pf.ProcessEnd(p.now, pid, format.ExitLine(ev.Status))
		}
		delete(p.procs, pid)
	}
}

func (p *printer) exitLine(pr *proc, tid, pid int, st ptrace.Status) {
	if pr.printed[tid] {
		return
	}
	pr.printed[tid] = true
	if !p.lines {
		return
	}
	switch {
	case p.json != nil:
		p.tell(nil)
		p.json.Exit(p.now, pid, tid, st)
	case p.pf != nil:
		p.pf.Exit(p.now, pid, tid, st)
	default:
		if t := p.tasks[tid]; t != nil && t.txt != nil && p.c.quiet < 2 {
			t.txt.Line(p.now, tid, format.ExitLine(st))
		}
	}
}

func (p *printer) detached(ev *seize.Event) {
	tid, pid := ev.Task.Tid(), ev.Task.Pid()
	t := p.task(tid, pid)
	p.noReturn(t, filter.StatusDetached)
	delete(p.proc(pid).live, tid)
	switch {
	case !p.lines:
	case p.json != nil:
		p.tell(nil)
		p.json.Detached(p.now, pid, tid)
	case p.pf != nil:
		p.pf.Detached(p.now, pid, tid)
		if tid == pid {
			p.pf.ProcessEnd(p.now, pid, "detached")
		}
	}
	p.drop(t)
	p.messageLocked("Process %d detached", tid)
}

// finish writes what comes at the end: the -c summary, the end of a
// Perfetto trace; and flushes. Events after it are dropped.
func (p *printer) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finishLocked()
}

func (p *printer) finishLocked() {
	if p.finished {
		return
	}
	p.finished = true
	p.now = time.Now()
	p.tell(nil)
	p.flushLocked()
	if p.sum != nil && !p.sum.Empty() {
		switch {
		case p.json != nil:
			p.json.Summary(p.now, p.sum, p.c.sortBy)
		default:
			w := p.out
			if p.pf != nil {
				w = os.Stderr
			}
			if err := p.sum.WriteTable(w, p.c.sortBy); err != nil && p.err == nil {
				p.err = err
			}
		}
	}
	if p.pf != nil {
		if err := p.pf.Close(p.now); err != nil && p.err == nil {
			p.err = err
		}
	}
	p.flushLocked()
	for _, t := range p.tasks {
		if t.file != nil {
			t.file.Close()
			t.file = nil
		}
		if t.clock != nil {
			t.clock.close()
		}
	}
}

// gate hides, in launch mode, everything the seize launcher process does
// before it calls execve: the trace starts with the program's execve, as
// with strace.
type gate struct {
	pid   int
	open  bool
	shown bool
	// fresh: the program has exec'd and made no call yet. A SIGURG the
	// Go runtime sent the launcher (async preemption) can still be
	// pending then; untraced the program would never see it (ignored by
	// default), so neither does the trace.
	fresh bool
	tids  map[int]bool // the launcher's threads
	quiet map[int]bool // threads that die in the execve
}

// siTkill is SI_TKILL: sent by tkill or tgkill.
const siTkill = -6

func (g *gate) hide(ev *seize.Event) bool {
	tid := ev.Task.Tid()
	if g.open {
		switch {
		case ev.Kind == seize.EventExec:
			delete(g.quiet, tid)
			g.fresh = ev.Task.Pid() == g.pid
			return false
		case ev.Kind == seize.EventSyscallEntry:
			g.fresh = false
		case g.fresh && ev.Kind == seize.EventSignal && ev.Sig == syscall.SIGURG && ev.SigInfo != nil &&
			ev.SigInfo.Code == siTkill && int(ev.SigInfo.Pid()) == g.pid:
			return true
		}
		return g.quiet[tid]
	}
	if ev.Kind == seize.EventAttached {
		g.tids[tid] = true
		return true
	}
	if ev.Kind == seize.EventSyscallEntry && ev.Task.Pid() == g.pid {
		if name := sysabi.SyscallName(sysabi.Arch(ev.Arch), ev.Nr); name == "execve" {
			g.open = true
			for t := range g.tids {
				if t != tid {
					g.quiet[t] = true
				}
			}
			return false
		}
	}
	return true
}

// hintLimit is how many threads a process may have for hintCalls to read
// their calls (a read per thread).
const hintLimit = 128

// hintCalls notes, before an attach, the system call each thread of pid
// is in (/proc/PID/task/TID/syscall, for up to hintLimit threads): a call
// the attach interrupts that the kernel resumes with restart_syscall is
// then named in "<... resuming interrupted NAME ...>" (strace can only
// guess).
func (p *printer) hintCalls(pid int) {
	// Listing /proc/PID/task costs milliseconds with thousands of
	// threads (each getdents walks the thread list from its start): look
	// at the count first.
	st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return
	}
	if _, rest, ok := strings.Cut(string(st), "\nThreads:\t"); ok {
		n, _, _ := strings.Cut(rest, "\n")
		if k, err := strconv.Atoi(n); err != nil || k > hintLimit {
			return
		}
	}
	dir := "/proc/" + strconv.Itoa(pid) + "/task/"
	ents, err := os.ReadDir(dir)
	if err != nil || len(ents) > hintLimit {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.prevHint == nil {
		p.prevHint = make(map[int]string)
	}
	for _, e := range ents {
		tid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(dir + e.Name() + "/syscall")
		if err != nil {
			continue
		}
		f := strings.Fields(string(b))
		if len(f) == 0 {
			continue
		}
		nr, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil {
			continue // "running", or -1: not in a call
		}
		if name := sysabi.SyscallName(sysabi.NativeArch(), nr); name != "" && name != "restart_syscall" {
			p.prevHint[tid] = name
		}
	}
}
