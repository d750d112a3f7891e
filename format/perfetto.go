package format

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/seize-dev/seize/filter"
	"github.com/seize-dev/seize/internal/ptrace"
	"github.com/seize-dev/seize/sysabi"
)

// Perfetto writes a trace in the Chrome Trace Event format (the JSON
// Array form), which Perfetto's UI (ui.perfetto.dev) and chrome://tracing
// open:
//
//   - a track per thread, named "comm tid", grouped by process (named by
//     comm), from process_name/thread_name metadata events;
//   - a complete event ("ph":"X") per system call, from its entry stop to
//     its exit stop, with the decoded arguments and result as args;
//   - a "stopped (SIGTSTP)" slice for every job-control stop;
//   - instant events for signals, exec, exits and detaches;
//   - an async slice per process for its lifetime, from attach or
//     creation to exit;
//   - a flow arrow from the fork/clone/vfork call to the new task's first
//     system call.
//
// Timestamps are microseconds since the first event. The file is an array
// of events; the closing bracket, written by Close, is optional in the
// format, so a trace cut short still opens.
type Perfetto struct {
	w      *bufio.Writer
	b      []byte
	origin time.Time
	n      int
	flows  map[int]int // tid -> flow id waiting for the task's first slice
	flowN  int
	first  map[int]time.Time // tid -> start of the task's first slice

	stops map[int]stopStart
	live  map[int]bool // processes with an open lifetime slice
}

type stopStart struct {
	pid int
	at  time.Time
	sig syscall.Signal
}

// NewPerfetto returns a Perfetto writer to w through a buffer. Call Close
// at the end, Flush to write out buffered events.
func NewPerfetto(w io.Writer) *Perfetto {
	p := &Perfetto{
		w:     bufio.NewWriterSize(w, 64<<10),
		b:     make([]byte, 0, 1024),
		flows: make(map[int]int),
		first: make(map[int]time.Time),
		stops: make(map[int]stopStart),
		live:  make(map[int]bool),
	}
	p.w.WriteString("[\n")
	return p
}

// Flush writes out buffered events.
func (p *Perfetto) Flush() error { return p.w.Flush() }

// Close ends the slices still open (stops, process lifetimes) at time at,
// ends the array and flushes.
func (p *Perfetto) Close(at time.Time) error {
	for tid, s := range p.stops {
		p.stopSlice(at, tid, s)
	}
	for pid := range p.live {
		p.ProcessEnd(at, pid, "trace ended")
	}
	p.w.WriteString("\n]\n")
	return p.w.Flush()
}

// ts appends the "ts" of t: microseconds since the first event, with
// nanoseconds.
func (p *Perfetto) ts(dst []byte, t time.Time) []byte {
	if p.origin.IsZero() {
		p.origin = t
	}
	return appendMicros(dst, t.Sub(p.origin))
}

func appendMicros(dst []byte, d time.Duration) []byte {
	if d < 0 {
		d = 0
	}
	dst = strconv.AppendInt(dst, int64(d/time.Microsecond), 10)
	dst = append(dst, '.')
	return appendFrac(dst, int64(d%time.Microsecond), 3)
}

// begin starts an event object with its phase, name, category, pid, tid
// and ts.
func (p *Perfetto) begin(ph byte, name, cat string, pid, tid int, at time.Time) {
	b := p.b[:0]
	if p.n > 0 {
		b = append(b, ",\n"...)
	}
	p.n++
	b = append(b, `{"ph":"`...)
	b = append(b, ph)
	b = append(b, `","name":`...)
	b = appendJSONString(b, name)
	if cat != "" {
		b = append(b, `,"cat":"`...)
		b = append(b, cat...)
		b = append(b, '"')
	}
	b = append(b, `,"pid":`...)
	b = strconv.AppendInt(b, int64(pid), 10)
	b = append(b, `,"tid":`...)
	b = strconv.AppendInt(b, int64(tid), 10)
	b = append(b, `,"ts":`...)
	p.b = p.ts(b, at)
}

func (p *Perfetto) end() {
	p.b = append(p.b, '}')
	p.w.Write(p.b)
}

// arg appends one "key":"value" to an args object being built; first
// opens it.
func (p *Perfetto) arg(first bool, key string, val []byte) {
	p.argKey(first, key)
	p.b = appendJSONBytes(p.b, val)
}

// argStr is arg for a string value.
func (p *Perfetto) argStr(first bool, key, val string) {
	p.argKey(first, key)
	p.b = appendJSONString(p.b, val)
}

func (p *Perfetto) argKey(first bool, key string) {
	if first {
		p.b = append(p.b, `,"args":{`...)
	} else {
		p.b = append(p.b, ',')
	}
	p.b = appendJSONString(p.b, key)
	p.b = append(p.b, ':')
}

// Syscall writes the complete event of a call. A call that never returned
// (Status "unfinished" or "detached") ends at Start+Dur all the same.
func (p *Perfetto) Syscall(c *Syscall) {
	if _, ok := p.first[c.Tid]; !ok {
		p.first[c.Tid] = c.Start
		if id, ok := p.flows[c.Tid]; ok {
			// The new task's first call: end the arrow from its creator.
			delete(p.flows, c.Tid)
			p.flowEnd(id, c.Pid, c.Tid, c.Start)
		}
	}
	p.begin('X', c.Name, "syscall", c.Pid, c.Tid, c.Start)
	p.b = append(p.b, `,"dur":`...)
	p.b = appendMicros(p.b, max(c.Dur, 0))
	p.arg(true, "args", c.Args)
	if c.Result != "" {
		p.argStr(false, "ret", c.Result)
	} else {
		p.argStr(false, "ret", "?")
	}
	if c.Status != "successful" {
		p.argStr(false, "status", c.Status)
	}
	if c.Injected != nil {
		p.argStr(false, "injected", InjectText(c.Injected))
	}
	p.b = append(p.b, '}')
	p.end()
}

// InjectText describes what -e inject= did to a call, one "key=value" per
// action, as JSON's "injected" object names them: "error=ENOENT",
// "retval=42", "signal=SIGUSR1", "delay_enter=100ms", "delay_exit=2ms".
func InjectText(in *filter.Inject) string {
	var parts []string
	if in.Actions&filter.InjectError != 0 {
		name := sysabi.ErrnoName(in.Error)
		if name == "" {
			name = strconv.Itoa(in.Error)
		}
		parts = append(parts, "error="+name)
	}
	if in.Actions&filter.InjectRetval != 0 {
		parts = append(parts, "retval="+strconv.FormatInt(in.Retval, 10))
	}
	if in.Actions&filter.InjectSignal != 0 {
		parts = append(parts, "signal="+SignalName(syscall.Signal(in.Signal)))
	}
	if in.Actions&filter.InjectDelayEnter != 0 {
		parts = append(parts, "delay_enter="+in.DelayEnter.String())
	}
	if in.Actions&filter.InjectDelayExit != 0 {
		parts = append(parts, "delay_exit="+in.DelayExit.String())
	}
	return strings.Join(parts, " ")
}

// Name names a thread "comm tid" and, for a process's leader or a new
// process, the process "comm". A later call renames (after exec).
func (p *Perfetto) Name(pid, tid int, comm string) {
	if comm == "" {
		return
	}
	if tid == pid {
		p.meta("process_name", pid, pid, comm)
	}
	p.meta("thread_name", pid, tid, comm+" "+strconv.Itoa(tid))
}

func (p *Perfetto) meta(what string, pid, tid int, name string) {
	b := p.b[:0]
	if p.n > 0 {
		b = append(b, ",\n"...)
	}
	p.n++
	b = append(b, `{"ph":"M","name":"`...)
	b = append(b, what...)
	b = append(b, `","pid":`...)
	b = strconv.AppendInt(b, int64(pid), 10)
	b = append(b, `,"tid":`...)
	b = strconv.AppendInt(b, int64(tid), 10)
	b = append(b, `,"args":{"name":`...)
	b = appendJSONString(b, name)
	p.b = append(b, '}')
	p.end()
}

// ProcessBegin opens the lifetime slice of process pid.
func (p *Perfetto) ProcessBegin(at time.Time, pid int, how string) {
	if p.live[pid] {
		return
	}
	p.live[pid] = true
	p.begin('b', "process "+strconv.Itoa(pid), "process", pid, pid, at)
	p.b = append(p.b, `,"id":`...)
	p.b = strconv.AppendInt(p.b, int64(pid), 10)
	p.argStr(true, "how", how)
	p.b = append(p.b, '}')
	p.end()
}

// ProcessEnd closes the lifetime slice of process pid, saying how it
// ended.
func (p *Perfetto) ProcessEnd(at time.Time, pid int, how string) {
	if !p.live[pid] {
		return
	}
	delete(p.live, pid)
	p.begin('e', "process "+strconv.Itoa(pid), "process", pid, pid, at)
	p.b = append(p.b, `,"id":`...)
	p.b = strconv.AppendInt(p.b, int64(pid), 10)
	p.argStr(true, "end", how)
	p.b = append(p.b, '}')
	p.end()
}

// NewTask records that parentTid created tid (of process pid) by how
// ("fork", "vfork", "clone", "thread") in the call that started at from:
// an arrow from that call to the new task's first call, and an instant
// on the new task at at.
func (p *Perfetto) NewTask(at, from time.Time, parentPid, parentTid, pid, tid int, how string) {
	p.flowN++
	p.begin('s', "spawn", "process", parentPid, parentTid, from)
	p.b = append(p.b, `,"id":`...)
	p.b = strconv.AppendInt(p.b, int64(p.flowN), 10)
	p.end()
	if start, ok := p.first[tid]; ok {
		// The new task ran a call before its creator's event came.
		p.flowEnd(p.flowN, pid, tid, start)
	} else {
		p.flows[tid] = p.flowN
	}
	p.instant(at, pid, tid, how, "process", "parent", strconv.Itoa(parentTid))
}

// flowEnd ends arrow id in the slice that starts at start on tid.
func (p *Perfetto) flowEnd(id, pid, tid int, start time.Time) {
	p.begin('f', "spawn", "process", pid, tid, start)
	p.b = append(p.b, `,"bp":"e","id":`...)
	p.b = strconv.AppendInt(p.b, int64(id), 10)
	p.end()
}

func (p *Perfetto) instant(at time.Time, pid, tid int, name, cat, key, val string) {
	p.begin('i', name, cat, pid, tid, at)
	p.b = append(p.b, `,"s":"t"`...)
	if key != "" {
		p.argStr(true, key, val)
		p.b = append(p.b, '}')
	}
	p.end()
}

// Signal writes an instant for the delivery of sig.
func (p *Perfetto) Signal(at time.Time, pid, tid int, sig syscall.Signal, si *ptrace.SigInfo) {
	info := ""
	if si != nil && si.Signo != 0 {
		info = SigInfo(si)
	}
	p.instant(at, pid, tid, SignalName(sig), "signal", "siginfo", info)
}

// Stopped starts a "stopped (SIG)" slice on the task's track.
func (p *Perfetto) Stopped(at time.Time, pid, tid int, sig syscall.Signal) {
	if _, ok := p.stops[tid]; !ok {
		p.stops[tid] = stopStart{pid, at, sig}
	}
}

// Continued ends the task's stop slice.
func (p *Perfetto) Continued(at time.Time, pid, tid int) {
	if s, ok := p.stops[tid]; ok {
		p.stopSlice(at, tid, s)
	}
}

func (p *Perfetto) stopSlice(at time.Time, tid int, s stopStart) {
	delete(p.stops, tid)
	p.begin('X', "stopped ("+SignalName(s.sig)+")", "jobctl", s.pid, tid, s.at)
	p.b = append(p.b, `,"dur":`...)
	p.b = appendMicros(p.b, at.Sub(s.at))
	p.end()
}

// Exec writes an instant for an execve that now runs exe and renames the
// process and thread.
func (p *Perfetto) Exec(at time.Time, pid, tid, oldTid int, exe, comm string) {
	p.instant(at, pid, tid, "exec "+comm, "process", "exe", exe)
	p.Name(pid, tid, comm)
}

// Exit writes the task's "exited with N" or "killed by SIG" instant and
// ends its stop slice, if any.
func (p *Perfetto) Exit(at time.Time, pid, tid int, st ptrace.Status) {
	if s, ok := p.stops[tid]; ok {
		p.stopSlice(at, tid, s)
	}
	line := ExitLine(st)
	p.instant(at, pid, tid, line[4:len(line)-4], "process", "", "")
}

// Detached writes a "detached" instant.
func (p *Perfetto) Detached(at time.Time, pid, tid int) {
	if s, ok := p.stops[tid]; ok {
		p.stopSlice(at, tid, s)
	}
	p.instant(at, pid, tid, "detached", "process", "", "")
}
