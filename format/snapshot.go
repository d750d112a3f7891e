package format

import (
	"io"
	"strconv"
	"time"
)

// Snapshot is what seize snapshot found in one process: where each of its
// threads was at one moment. docs/snapshot.md describes both renderings.
type Snapshot struct {
	Pid  int    // the process
	Comm string // the process's name
	Exe  string // its executable, "" when unknown
	// Time is when the last thread stopped: the moment described.
	Time time.Time
	// Held is how long the threads were held: from the attach to the
	// release of the last one, an upper bound for each thread.
	Held    time.Duration
	Threads []SnapshotThread
}

// SnapshotThread is one thread of a Snapshot.
type SnapshotThread struct {
	Tid  int    // the thread
	Comm string // its name
	// State is the thread's /proc state letter before the snapshot touched
	// it: R, S, D, T, Z...
	State byte
	// OffCPU is how long the thread had been off the CPU, asleep or
	// stopped, when the snapshot began; -1 when unknown or running.
	OffCPU time.Duration
	// Held says the thread stopped for the snapshot. A thread that did not
	// stop in time (an uninterruptible wait) is described from /proc.
	Held bool
	// Syscall is the call the thread is in, nil when it is in user space.
	// Name, Nr, Arch, Raw, NRaw and Args (the whole argument text) are
	// used.
	Syscall *Syscall
	IP, SP  uint64
	// Code says where IP is, when known.
	Code  *CodeLocation
	Wchan string // the kernel function it waits in, "" when none
	// Note is a remark on the thread: "exiting", "exited".
	Note string
}

// CodeLocation is an instruction address in a mapped file.
type CodeLocation struct {
	File   string // the mapped file
	Offset uint64 // the address's offset in the file
	Symbol string // the function, "" when unknown
	SymOff uint64 // the address's offset in the function
}

// stateNames are the words for /proc's state letters (fs/proc/array.c).
var stateNames = map[byte]string{
	'R': "running", 'S': "sleeping", 'D': "disk-sleep", 'T': "stopped", 't': "tracing-stop",
	'Z': "zombie", 'X': "dead", 'I': "idle", 'P': "parked", 'W': "waking", 'K': "wakekill",
}

// StateName is the word for a /proc state letter.
func StateName(st byte) string {
	if n, ok := stateNames[st]; ok {
		return n
	}
	return "unknown"
}

// String returns "symbol+0xoff (file)" or "file+0xoff".
func (c *CodeLocation) String() string {
	b := []byte(nil)
	if c.Symbol != "" {
		b = append(b, c.Symbol...)
		b = append(b, "+0x"...)
		b = strconv.AppendUint(b, c.SymOff, 16)
		b = append(b, " ("...)
		b = append(b, c.File...)
		b = append(b, ')')
	} else {
		b = append(b, c.File...)
		b = append(b, "+0x"...)
		b = strconv.AppendUint(b, c.Offset, 16)
	}
	return string(escapeText(nil, b))
}

// CallText is the call as strace prints it: name(args).
func (c *Syscall) CallText() string {
	b := append([]byte(c.Name), '(')
	b = append(b, c.Args...)
	return string(append(b, ')'))
}

// escapeText makes bytes from /proc (a thread's name, a file name)
// printable ASCII: others as \xNN.
func escapeText(dst, s []byte) []byte {
	for _, c := range s {
		if c >= 0x20 && c < 0x7f && c != '\\' {
			dst = append(dst, c)
			continue
		}
		dst = append(dst, '\\', 'x', hexDigit[c>>4], hexDigit[c&15])
	}
	return dst
}

// appendOffCPU appends d as seconds with milliseconds: "1.203s".
func appendOffCPU(dst []byte, d time.Duration) []byte {
	dst = strconv.AppendInt(dst, int64(d/time.Second), 10)
	dst = append(dst, '.')
	dst = appendFrac(dst, int64(d%time.Second/time.Millisecond), 3)
	return append(dst, 's')
}

// WriteSnapshotText writes s as a table: a header line, then one line per
// thread with its tid, name, state, how long it has been off the CPU, and
// where it is.
func WriteSnapshotText(w io.Writer, s *Snapshot) error {
	b := append([]byte(nil), "process "...)
	b = strconv.AppendInt(b, int64(s.Pid), 10)
	b = append(b, " ("...)
	b = escapeText(b, []byte(s.Comm))
	b = append(b, "), "...)
	b = strconv.AppendInt(b, int64(len(s.Threads)), 10)
	if len(s.Threads) == 1 {
		b = append(b, " thread"...)
	} else {
		b = append(b, " threads"...)
	}
	b = append(b, ", at "...)
	b = append(b, s.Time.Format("2006-01-02 15:04:05.000000")...)
	b = append(b, ", held "...)
	b = strconv.AppendFloat(b, float64(s.Held)/float64(time.Millisecond), 'f', 3, 64)
	b = append(b, " ms\n"...)
	b = appendRow(b, "TID", "NAME", "STATE", "FOR")
	b = append(b, "WHERE\n"...)
	for i := range s.Threads {
		b = appendThreadText(b, &s.Threads[i])
	}
	_, err := w.Write(b)
	return err
}

// appendRow appends the columns before WHERE: the tid right-aligned in
// 7, the name in 15, the state in 12, the time right-aligned in 8.
func appendRow(b []byte, tid, name, state, dur string) []byte {
	b = appendRight(b, tid, 7)
	b = append(b, ' ')
	b = appendLeft(b, name, 15)
	b = append(b, ' ')
	b = appendLeft(b, state, 12)
	b = append(b, ' ')
	b = appendRight(b, dur, 8)
	return append(b, "  "...)
}

func appendLeft(b []byte, s string, w int) []byte {
	b = append(b, s...)
	for n := len(s); n < w; n++ {
		b = append(b, ' ')
	}
	return b
}

func appendRight(b []byte, s string, w int) []byte {
	for n := len(s); n < w; n++ {
		b = append(b, ' ')
	}
	return append(b, s...)
}

func appendThreadText(b []byte, t *SnapshotThread) []byte {
	var dur []byte
	switch {
	case t.OffCPU >= 0:
		dur = appendOffCPU(nil, t.OffCPU)
	case t.State == 'R' || t.State == 'Z' || t.State == 'X':
		dur = []byte("-")
	default:
		dur = []byte("?")
	}
	b = appendRow(b, strconv.Itoa(t.Tid), string(escapeText(nil, []byte(t.Comm))), StateName(t.State), string(dur))
	switch {
	case t.Note == "exited":
		b = append(b, "exited"...)
	case t.Syscall != nil:
		b = append(b, t.Syscall.CallText()...)
	default:
		b = append(b, "user space, ip "...)
		b = AppendHex(b, t.IP)
		if t.Code != nil {
			b = append(b, " in "...)
			b = append(b, t.Code.String()...)
		}
	}
	var notes []string
	if t.Note != "" && t.Note != "exited" {
		notes = append(notes, t.Note)
	}
	if !t.Held && t.Note != "exited" {
		notes = append(notes, "not stopped: read from /proc")
	}
	if t.Wchan != "" && (t.Syscall == nil || !t.Held || t.State == 'D') {
		notes = append(notes, "in kernel "+t.Wchan)
	}
	for i, n := range notes {
		if i == 0 {
			b = append(b, "  ["...)
		} else {
			b = append(b, ", "...)
		}
		b = escapeText(b, []byte(n))
		if i == len(notes)-1 {
			b = append(b, ']')
		}
	}
	return append(b, '\n')
}

// SnapshotSchemaVersion is the "v" of the snapshot object. It changes when
// a field changes meaning or type; new fields do not change it.
const SnapshotSchemaVersion = 1

// WriteSnapshotJSON writes s as one JSON object on one line, of printable
// ASCII; docs/snapshot.md is its schema.
func WriteSnapshotJSON(w io.Writer, s *Snapshot) error {
	b := append([]byte(nil), `{"v":`...)
	b = strconv.AppendInt(b, SnapshotSchemaVersion, 10)
	b = append(b, `,"kind":"snapshot","time":`...)
	b = AppendTime(b, s.Time)
	b = append(b, `,"pid":`...)
	b = strconv.AppendInt(b, int64(s.Pid), 10)
	b = append(b, `,"comm":`...)
	b = appendJSONString(b, s.Comm)
	if s.Exe != "" {
		b = append(b, `,"exe":`...)
		b = appendJSONString(b, s.Exe)
	}
	b = append(b, `,"held":`...)
	b = appendSeconds(b, s.Held)
	b = append(b, `,"threads":[`...)
	for i := range s.Threads {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendThreadJSON(b, &s.Threads[i])
	}
	b = append(b, "]}\n"...)
	_, err := w.Write(b)
	return err
}

func appendHexString(b []byte, v uint64) []byte {
	b = append(b, '"')
	b = AppendHex(b, v)
	return append(b, '"')
}

func appendThreadJSON(b []byte, t *SnapshotThread) []byte {
	b = append(b, `{"tid":`...)
	b = strconv.AppendInt(b, int64(t.Tid), 10)
	b = append(b, `,"comm":`...)
	b = appendJSONString(b, t.Comm)
	b = append(b, `,"state":`...)
	b = appendJSONString(b, string(rune(t.State)))
	b = append(b, `,"state_name":`...)
	b = appendJSONString(b, StateName(t.State))
	if t.OffCPU >= 0 {
		b = append(b, `,"off_cpu":`...)
		b = appendSeconds(b, t.OffCPU)
	}
	b = append(b, `,"held":`...)
	b = strconv.AppendBool(b, t.Held)
	if c := t.Syscall; c != nil {
		b = append(b, `,"syscall":{"name":`...)
		b = appendJSONString(b, c.Name)
		b = append(b, `,"nr":`...)
		b = strconv.AppendUint(b, c.Nr, 10)
		b = append(b, `,"arch":`...)
		b = appendJSONString(b, c.Arch.String())
		b = append(b, `,"args":`...)
		b = appendArgsJSON(b, c.Args)
		b = append(b, `,"args_raw":[`...)
		for i := 0; i < c.NRaw && i < 6; i++ {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendHexString(b, c.Raw[i])
		}
		b = append(b, `],"text":`...)
		b = appendJSONString(b, c.CallText())
		b = append(b, '}')
	}
	if t.Note != "exited" {
		b = append(b, `,"ip":`...)
		b = appendHexString(b, t.IP)
		b = append(b, `,"sp":`...)
		b = appendHexString(b, t.SP)
	}
	if c := t.Code; c != nil {
		b = append(b, `,"code":{"file":`...)
		b = appendJSONString(b, c.File)
		b = append(b, `,"offset":`...)
		b = appendHexString(b, c.Offset)
		if c.Symbol != "" {
			b = append(b, `,"symbol":`...)
			b = appendJSONString(b, c.Symbol)
			b = append(b, `,"symbol_offset":`...)
			b = appendHexString(b, c.SymOff)
		}
		b = append(b, '}')
	}
	if t.Wchan != "" {
		b = append(b, `,"wchan":`...)
		b = appendJSONString(b, t.Wchan)
	}
	if t.Note != "" {
		b = append(b, `,"note":`...)
		b = appendJSONString(b, t.Note)
	}
	return append(b, '}')
}
