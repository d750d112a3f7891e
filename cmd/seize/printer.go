package main

import (
	"fmt"
	"io"
	"os"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/format"
	"github.com/seize-dev/seize/internal/ptrace"
	"github.com/seize-dev/seize/sysabi"
)

// printer turns events into strace-style text. It runs on the tracer
// thread, inside the Handler.
type printer struct {
	txt    *format.Text
	quiet  bool
	follow bool
	msgs   io.Writer // "seize: Process N attached" messages
	sameFD bool      // msgs and txt share a file: flush txt first
	gate   *gate     // launch mode: hide the launcher before its execve
	procs  map[int]*proc
	err    error
	args   []string
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
		txt:    format.NewText(out),
		quiet:  c.quiet,
		follow: c.follow,
		msgs:   os.Stderr,
		sameFD: !toFile,
		procs:  make(map[int]*proc),
	}
	p.txt.ToFile = toFile
	p.txt.Prefix = toFile && c.follow
	return p
}

func (p *printer) flush() {
	if err := p.txt.Flush(); err != nil && p.err == nil {
		p.err = err
	}
}

func (p *printer) message(format string, a ...any) {
	if p.quiet {
		return
	}
	if p.sameFD {
		p.flush()
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

func (p *printer) handle(ev *seize.Event) {
	t := ev.Task
	tid := t.Tid()
	if p.gate != nil {
		if p.gate.hide(ev) {
			return
		}
		if !p.gate.shown {
			// The launcher's execve: from here on it is the program.
			p.gate.shown = true
			p.txt.AddTask(tid)
			p.proc(t.Pid()).live[tid] = true
		}
	}
	switch ev.Kind {
	case seize.EventAttached:
		p.txt.AddTask(tid)
		p.proc(t.Pid()).live[tid] = true
	case seize.EventNewTask:
		if p.follow {
			p.message("Process %d attached", ev.NewTid)
		}
	case seize.EventSyscallEntry:
		name := sysabi.SyscallName(sysabi.Arch(ev.Arch), ev.Nr)
		n := sysabi.SyscallNargs(sysabi.Arch(ev.Arch), ev.Nr)
		args := p.args[:0]
		for i := 0; i < n && i < 6; i++ {
			args = append(args, format.Hex(ev.Args[i]))
		}
		p.args = args
		p.txt.SyscallEntry(tid, name, args)
	case seize.EventSyscallExit:
		name := "????"
		if ev.Nr != seize.NoSyscall {
			name = sysabi.SyscallName(sysabi.Arch(ev.Arch), ev.Nr)
		}
		p.txt.SyscallExit(tid, name, format.Result(name, ev.Ret, ev.Errno))
		p.txt.ClearSyscall(tid)
	case seize.EventSignal:
		p.txt.ClearSyscall(tid)
		p.txt.Line(tid, format.SignalLine(ev.Sig, ev.SigInfo))
	case seize.EventGroupStop:
		p.txt.Line(tid, format.StoppedLine(ev.Sig))
	case seize.EventExec:
		if ev.OldTid != tid {
			p.txt.Rekey(ev.OldTid, tid)
			pr := p.proc(t.Pid())
			delete(pr.live, ev.OldTid)
			pr.live[tid] = true
			delete(pr.exiting, tid)
		}
	case seize.EventExiting:
		p.txt.NoReturn(tid)
		p.txt.ClearSyscall(tid)
		pr := p.proc(t.Pid())
		delete(pr.live, tid)
		pr.exiting[tid] = ev.Status
		if len(pr.live) == 0 {
			// The last thread of the process is exiting: nothing can
			// change the statuses now. Write every exit line, the leader
			// last as strace does, and flush: the parent (a shell) must
			// not learn of the exit before the trace says it.
			for xt, st := range pr.exiting {
				if xt != t.Pid() {
					p.exitLine(pr, xt, st)
				}
			}
			if st, ok := pr.exiting[t.Pid()]; ok {
				p.exitLine(pr, t.Pid(), st)
			}
			p.flush()
		}
	case seize.EventExit:
		pr := p.proc(t.Pid())
		p.exitLine(pr, tid, ev.Status)
		delete(pr.live, tid)
		delete(pr.exiting, tid)
		p.txt.RemoveTask(tid)
		if tid == t.Pid() {
			delete(p.procs, t.Pid())
		}
	case seize.EventDetached:
		p.txt.NoReturn(tid)
		p.txt.RemoveTask(tid)
		pr := p.proc(t.Pid())
		delete(pr.live, tid)
		p.message("Process %d detached", tid)
	}
}

func (p *printer) exitLine(pr *proc, tid int, st ptrace.Status) {
	if pr.printed[tid] {
		return
	}
	pr.printed[tid] = true
	p.txt.Line(tid, format.ExitLine(st))
}

// gate hides, in launch mode, everything the seize launcher process does
// before it calls execve: the trace starts with the program's execve, as
// with strace.
type gate struct {
	pid   int
	open  bool
	shown bool
	tids  map[int]bool // the launcher's threads
	quiet map[int]bool // threads that die in the execve
}

func (g *gate) hide(ev *seize.Event) bool {
	tid := ev.Task.Tid()
	if g.open {
		if ev.Kind == seize.EventExec {
			delete(g.quiet, tid)
			return false
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
