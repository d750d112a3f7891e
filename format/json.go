package format

import (
	"bufio"
	"io"
	"strconv"
	"syscall"
	"time"

	"github.com/seize-dev/seize/filter"
	"github.com/seize-dev/seize/internal/ptrace"
	"github.com/seize-dev/seize/sysabi"
)

// SchemaVersion is the "v" of every JSON object. It changes when a field
// changes meaning or type; new fields and kinds do not change it.
const SchemaVersion = 1

// Syscall is one system call as the JSON and Perfetto writers take it:
// call Nr of the table of Arch (its personality), made by thread Tid of
// process Pid.
type Syscall struct {
	Pid, Tid int
	Name     string // what strace prints ("socket" for i386's socketcall subcall)
	Nr       uint64
	Arch     sysabi.Arch
	Raw      [6]uint64 // the argument registers
	NRaw     int       // how many of Raw the call takes
	Args     []byte    // decode's argument text: entry part, then exit part
	Result   string    // decode's result text; "" when the call did not return
	Ret      int64     // the kernel's return value (-errno on failure)
	Errno    int       // the error number, or 0
	// Status is "successful", "failed", "unfinished" (the call never
	// returned: exit, execve by another thread) or "detached" (seize let
	// the task go during the call); "" in an "unfinished" object.
	Status string
	Start  time.Time     // the entry stop
	Dur    time.Duration // entry stop to exit stop; -1 when unknown
	// Resumed says an "unfinished" object for this call came first.
	Resumed bool
	// Injected is the -e inject= or -e fault= expression that tampered
	// with the call, or nil.
	Injected *filter.Inject
}

// JSON writes JSON Lines: one object per event, every one with "v" (the
// schema version), "kind", "time", "pid" and "tid". docs/json-schema.md
// is the schema. The output is printable ASCII.
type JSON struct {
	w *bufio.Writer
	b []byte
}

// NewJSON returns a JSON writer to w through a buffer. Call Flush.
func NewJSON(w io.Writer) *JSON {
	return &JSON{w: bufio.NewWriterSize(w, 64<<10), b: make([]byte, 0, 1024)}
}

// Flush writes out buffered lines.
func (j *JSON) Flush() error { return j.w.Flush() }

// AppendTime appends t as seconds since the Unix epoch with microseconds,
// a JSON number.
func AppendTime(dst []byte, t time.Time) []byte {
	dst = strconv.AppendInt(dst, t.Unix(), 10)
	dst = append(dst, '.')
	return appendFrac(dst, int64(t.Nanosecond()/1000), 6)
}

// appendSeconds appends d in seconds with nanoseconds, a JSON number.
func appendSeconds(dst []byte, d time.Duration) []byte {
	if d < 0 {
		dst = append(dst, '-')
		d = -d
	}
	dst = strconv.AppendInt(dst, int64(d/time.Second), 10)
	dst = append(dst, '.')
	return appendFrac(dst, int64(d%time.Second), 9)
}

func (j *JSON) begin(kind string, at time.Time, pid, tid int) {
	b := append(j.b[:0], `{"v":`...)
	b = strconv.AppendInt(b, SchemaVersion, 10)
	b = append(b, `,"kind":"`...)
	b = append(b, kind...)
	b = append(b, `","time":`...)
	b = AppendTime(b, at)
	b = append(b, `,"pid":`...)
	b = strconv.AppendInt(b, int64(pid), 10)
	b = append(b, `,"tid":`...)
	j.b = strconv.AppendInt(b, int64(tid), 10)
}

func (j *JSON) end() {
	j.b = append(j.b, "}\n"...)
	j.w.Write(j.b)
}

func (j *JSON) str(key, val string) {
	j.b = append(j.b, ',', '"')
	j.b = append(j.b, key...)
	j.b = append(j.b, '"', ':')
	j.b = appendJSONString(j.b, val)
}

func (j *JSON) num(key string, v int64) {
	j.b = append(j.b, ',', '"')
	j.b = append(j.b, key...)
	j.b = append(j.b, '"', ':')
	j.b = strconv.AppendInt(j.b, v, 10)
}

func (j *JSON) boolean(key string, v bool) {
	j.b = append(j.b, ',', '"')
	j.b = append(j.b, key...)
	j.b = append(j.b, '"', ':')
	j.b = strconv.AppendBool(j.b, v)
}

func (j *JSON) signal(sig syscall.Signal) {
	j.str("sig", SignalName(sig))
	j.num("signo", int64(sig))
}

func (j *JSON) call(c *Syscall) {
	j.str("name", c.Name)
	j.num("nr", int64(c.Nr))
	j.str("arch", c.Arch.String())
	j.b = append(j.b, `,"args":`...)
	j.b = appendArgsJSON(j.b, c.Args)
	j.b = append(j.b, `,"args_raw":[`...)
	for i := 0; i < c.NRaw && i < 6; i++ {
		if i > 0 {
			j.b = append(j.b, ',')
		}
		j.b = append(j.b, '"')
		j.b = AppendHex(j.b, c.Raw[i])
		j.b = append(j.b, '"')
	}
	j.b = append(j.b, ']')
}

// Syscall writes a "syscall" object: the whole call, entry and exit.
func (j *JSON) Syscall(c *Syscall) {
	j.begin("syscall", c.Start, c.Pid, c.Tid)
	j.call(c)
	j.str("status", c.Status)
	if c.Result != "" {
		j.num("ret", c.Ret)
		j.str("ret_text", c.Result)
		if c.Errno != 0 {
			name := sysabi.ErrnoName(c.Errno)
			if name == "" {
				name = strconv.Itoa(c.Errno)
			}
			j.str("errno", name)
			j.num("errno_code", int64(c.Errno))
			j.str("errno_text", sysabi.ErrnoText(c.Errno))
		}
	}
	if c.Dur >= 0 {
		j.b = append(j.b, `,"dur":`...)
		j.b = appendSeconds(j.b, c.Dur)
	}
	if c.Resumed {
		j.boolean("resumed", true)
	}
	if c.Injected != nil {
		j.injected(c.Injected)
	}
	j.end()
}

// injected writes "injected": what -e inject= did to a call, one field
// per action of the expression.
func (j *JSON) injected(in *filter.Inject) {
	j.b = append(j.b, `,"injected":{`...)
	n := len(j.b)
	if in.Actions&filter.InjectError != 0 {
		name := sysabi.ErrnoName(in.Error)
		if name == "" {
			name = strconv.Itoa(in.Error)
		}
		j.str("error", name)
	}
	if in.Actions&filter.InjectRetval != 0 {
		j.num("retval", in.Retval)
	}
	if in.Actions&filter.InjectSignal != 0 {
		j.str("signal", SignalName(syscall.Signal(in.Signal)))
	}
	if in.Actions&filter.InjectDelayEnter != 0 {
		j.b = append(j.b, `,"delay_enter":`...)
		j.b = appendSeconds(j.b, in.DelayEnter)
	}
	if in.Actions&filter.InjectDelayExit != 0 {
		j.b = append(j.b, `,"delay_exit":`...)
		j.b = appendSeconds(j.b, in.DelayExit)
	}
	if len(j.b) > n {
		j.b = append(j.b[:n], j.b[n+1:]...) // the first field's comma
	}
	j.b = append(j.b, '}')
}

// Unfinished writes an "unfinished" object: a call that has started and
// whose end is not known yet, with the arguments known at entry. The
// "syscall" object that follows for it has "resumed": true.
func (j *JSON) Unfinished(c *Syscall) {
	j.begin("unfinished", c.Start, c.Pid, c.Tid)
	j.call(c)
	j.end()
}

// Signal writes a "signal" object: sig is about to be delivered.
func (j *JSON) Signal(at time.Time, pid, tid int, sig syscall.Signal, si *ptrace.SigInfo) {
	j.begin("signal", at, pid, tid)
	j.signal(sig)
	if si != nil && si.Signo != 0 {
		j.b = append(j.b, `,"siginfo":`...)
		j.b = appendSigInfoJSON(j.b, si)
	}
	j.str("text", SignalLine(sig, si))
	j.end()
}

// Stopped writes a "stopped" object: a job-control stop by sig.
func (j *JSON) Stopped(at time.Time, pid, tid int, sig syscall.Signal) {
	j.begin("stopped", at, pid, tid)
	j.signal(sig)
	j.end()
}

// Continued writes a "continued" object: SIGCONT ended a stop; si names
// the sender when known.
func (j *JSON) Continued(at time.Time, pid, tid int, si *ptrace.SigInfo) {
	j.begin("continued", at, pid, tid)
	if si != nil && si.Signo != 0 {
		j.b = append(j.b, `,"siginfo":`...)
		j.b = appendSigInfoJSON(j.b, si)
	}
	j.end()
}

// Exit writes an "exit" object (with "code") or a "killed" object (with
// "sig" and "core").
func (j *JSON) Exit(at time.Time, pid, tid int, st ptrace.Status) {
	if st.Exited() {
		j.begin("exit", at, pid, tid)
		j.num("code", int64(st.ExitCode()))
	} else {
		j.begin("killed", at, pid, tid)
		j.signal(st.TermSig())
		j.boolean("core", st.CoreDump())
	}
	j.end()
}

// Attached writes an "attached" object: seize traces a new task. how is
// "attach" (-p), "fork", "vfork", "clone" (a new process by clone) or
// "thread"; parent is the tid that created it, 0 for "attach".
func (j *JSON) Attached(at time.Time, pid, tid, parent int, how string) {
	j.begin("attached", at, pid, tid)
	j.str("how", how)
	if parent != 0 {
		j.num("parent", int64(parent))
	}
	j.end()
}

// Detached writes a "detached" object: seize let the task go.
func (j *JSON) Detached(at time.Time, pid, tid int) {
	j.begin("detached", at, pid, tid)
	j.end()
}

// Exec writes an "exec" object: the process now runs exe (empty when
// unknown); oldTid is the thread that called execve, now tid.
func (j *JSON) Exec(at time.Time, pid, tid, oldTid int, exe, comm string) {
	j.begin("exec", at, pid, tid)
	j.num("old_tid", int64(oldTid))
	if exe != "" {
		j.str("exe", exe)
	}
	if comm != "" {
		j.str("comm", comm)
	}
	j.end()
}

// Summary writes a "summary" object: the -c table's numbers, with times
// in seconds. pid and tid are 0.
func (j *JSON) Summary(at time.Time, s *Summary, by SortBy) {
	j.begin("summary", at, 0, 0)
	j.b = append(j.b, `,"syscalls":[`...)
	n := 0
	for _, arch := range s.Arches() {
		for _, r := range s.Rows(arch, by) {
			if n > 0 {
				j.b = append(j.b, ',')
			}
			n++
			j.b = append(j.b, `{"name":`...)
			j.b = appendJSONString(j.b, r.Name)
			j.num("nr", int64(r.Nr))
			j.str("arch", r.Arch.String())
			j.num("calls", int64(r.Calls))
			j.num("errors", int64(r.Errors))
			j.b = append(j.b, `,"seconds":`...)
			j.b = appendSeconds(j.b, r.Time)
			j.b = append(j.b, `,"min":`...)
			j.b = appendSeconds(j.b, r.Min)
			j.b = append(j.b, `,"max":`...)
			j.b = appendSeconds(j.b, r.Max)
			j.b = append(j.b, '}')
		}
	}
	j.b = append(j.b, ']')
	j.end()
}
