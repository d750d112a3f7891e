package main

import (
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/decode"
	"github.com/seize-dev/seize/format"
	"github.com/seize-dev/seize/sysabi"
	"golang.org/x/sys/unix"
)

// seize snapshot PID: what is this process doing right now?
//
// The snapshot is taken in four steps, each chosen so that the process
// cannot tell:
//
//  1. Sample /proc for every thread before touching anything: its state,
//     the call it sleeps in (/proc/TID/syscall), how long it has been off
//     the CPU (seize.OffCPU: the scheduler's se.exec_start), its kernel
//     wait channel and its count of voluntary context switches. The
//     interrupt that stops a thread wakes it, after which the scheduler no
//     longer tells when it went to sleep.
//  2. Attach (PTRACE_SEIZE every thread, then one PTRACE_INTERRUPT each)
//     and hold every thread at the stop that answers that interrupt: the
//     Handler asks for the hold at EventAttached, before the stop is
//     collected, so that no thread is interrupted twice. A thread asleep
//     in a call stops in user space with the call pending: the kernel
//     restarts it (-ERESTART*), or the engine rewinds it (S21: epoll_wait
//     and the others that would fail with EINTR), shortening a timeout by
//     the time already spent.
//  3. With every thread held, read each one's registers (Task.Place: the
//     call and its arguments as the program made it) and decode the call
//     from the now quiet memory. A thread whose place matches its sample
//     (same IP and SP, at most one voluntary switch since: the stop
//     itself) has been where it is since the sample; its state and
//     off-CPU time are the sampled ones.
//  4. Release every thread as it was (Tracer.Close: PTRACE_DETACH from the
//     held stop): a sleeping call goes on, a stopped process stays
//     stopped, nothing is delivered or lost.

// holdWait bounds the wait for every thread to stop. A thread in an
// uninterruptible wait (state D: disk I/O, a vfork parent) stops only when
// the wait ends; it is then described from its sample.
const holdWait = 500 * time.Millisecond

// snapConfig is the parsed command line of seize snapshot.
type snapConfig struct {
	pid      int
	format   string
	strLimit int
	help     bool
}

func parseSnapshotArgs(args []string) (*snapConfig, error) {
	c := &snapConfig{format: formatText}
	for i := 0; i < len(args); i++ {
		a := args[i]
		val := func(name string) (string, error) {
			if _, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(a, "--") {
				return v, nil
			}
			if len(a) > 2 && a[1] != '-' {
				return a[2:], nil // -s64
			}
			if i+1 >= len(args) {
				return "", usagef("option %s needs a value", name)
			}
			i++
			return args[i], nil
		}
		switch {
		case a == "-h" || a == "--help":
			c.help = true
		case a == "--format" || strings.HasPrefix(a, "--format="):
			v, err := val("--format")
			if err != nil {
				return nil, err
			}
			if v != formatText && v != formatJSON {
				return nil, usagef("invalid --format %q: use text or json", v)
			}
			c.format = v
		case strings.HasPrefix(a, "-s") || a == "--string-limit" || strings.HasPrefix(a, "--string-limit="):
			v, err := val(a)
			if err != nil {
				return nil, err
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return nil, usagef("invalid -s %q: give the number of bytes of strings to show", v)
			}
			c.strLimit = n
		case a == "-p":
			// seize -p habits: accept "snapshot -p PID".
			if i+1 >= len(args) {
				return nil, usagef("option -p needs a process id")
			}
			i++
			if err := c.setPid(args[i]); err != nil {
				return nil, err
			}
		case len(a) > 1 && a[0] == '-' && strings.Trim(a[1:], "0123456789") != "":
			return nil, usagef("unknown option %q", a)
		default:
			if err := c.setPid(a); err != nil {
				return nil, err
			}
		}
	}
	if c.pid == 0 && !c.help {
		return nil, usagef("give the process id to snapshot: seize snapshot PID")
	}
	return c, nil
}

func (c *snapConfig) setPid(s string) error {
	if c.pid != 0 {
		return usagef("give one process id (got %d and %s)", c.pid, s)
	}
	pid, err := strconv.Atoi(s)
	if err != nil || pid <= 0 {
		return usagef("invalid process id %q: give a positive number, as shown by ps", s)
	}
	c.pid = pid
	return nil
}

const snapshotUsage = `usage: seize snapshot [--format text|json] [-s N] PID

Show what every thread of process PID is doing right now, without
disturbing it: for each thread its tid, name, state, how long it has
been asleep or stopped, and the system call it is blocked in with its
decoded arguments and the paths of its file descriptors (3</etc/passwd>),
or "user space" with the instruction pointer and the function it is in.

Every thread is stopped only in user space for a fraction of a
millisecond, then released exactly as it was: a call it sleeps in goes
on (it does not fail with EINTR, and its timeout still ends on time), a
stopped process stays stopped, no signal is delivered or lost, and its
parent is told nothing.

  --format FMT   text (default): a table, one line per thread;
                 json: one JSON object (schema in docs/snapshot.md)
  -s N           show at most N bytes of each string (default 32)
  -h, --help     this text

Exit status: 0 when the snapshot was printed, 1 otherwise.
`

// snapshotMain is seize snapshot.
func snapshotMain(args []string) int {
	c, err := parseSnapshotArgs(args)
	if err != nil {
		return fatalf("snapshot: %v (see seize snapshot --help)", err)
	}
	if c.help {
		os.Stdout.WriteString(snapshotUsage)
		return 0
	}
	s, err := takeSnapshot(c)
	if err != nil {
		var ae *seize.AttachError
		if errors.As(err, &ae) {
			return fatalf("%s", describe(err))
		}
		return fatalf("snapshot %d: %v", c.pid, err)
	}
	if c.format == formatJSON {
		err = format.WriteSnapshotJSON(os.Stdout, s)
	} else {
		err = format.WriteSnapshotText(os.Stdout, s)
	}
	if err != nil {
		return fatalf("writing the snapshot: %v", err)
	}
	return 0
}

// sample is what /proc says of a thread before the snapshot touches it.
type sample struct {
	state   byte
	comm    string
	inCall  bool // /proc/TID/syscall names a call
	stopped bool // /proc/TID/syscall has registers (the thread was off the CPU)
	nr      uint64
	args    [6]uint64
	sp, pc  uint64
	offCPU  time.Duration // -1 when unknown
	vol     int64         // voluntary context switches, -1 when unknown
	wchan   string
}

// snapTask is one thread during the snapshot.
type snapTask struct {
	task    *seize.Task
	held    bool
	gone    bool
	exiting bool
	stopped bool // in a group-stop
	place   seize.Place
	err     error
	vol     int64 // voluntary switches at the hold
}

type snapshotter struct {
	tr    *seize.Tracer
	pid   int
	mu    sync.Mutex
	tasks map[int]*snapTask
	// From the attach to the last release: an upper bound of how long
	// any thread was stopped.
	attached, released time.Time
	kick               chan struct{}
}

func (s *snapshotter) get(tid int) *snapTask {
	t := s.tasks[tid]
	if t == nil {
		t = &snapTask{vol: -1}
		s.tasks[tid] = t
	}
	return t
}

// handle is the tracer's Handler (on the tracer thread).
func (s *snapshotter) handle(ev *seize.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tid := ev.Task.Tid()
	t := s.get(tid)
	switch ev.Kind {
	case seize.EventAttached:
		// Hold the task at the stop that answers the attach's interrupt;
		// it has not been collected yet, so no second interrupt is sent.
		t.task = ev.Task
		t.err = s.tr.Interrupt(tid)
	case seize.EventGroupStop:
		t.stopped = true
	case seize.EventExiting:
		t.exiting = true
	case seize.EventInterrupted:
		t.task = ev.Task
		t.held = true
		t.place, t.err = ev.Task.Place()
		t.vol = volSwitches(s.pid, tid)
	case seize.EventDetached:
		t.gone = true
		s.released = time.Now()
	case seize.EventExit:
		t.gone = true
	default:
		return
	}
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// allHeld reports whether every traced task is held or gone.
func (s *snapshotter) allHeld() bool {
	tids := s.tr.Tasks()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, tid := range tids {
		if t := s.tasks[tid]; t == nil || !t.held && !t.gone {
			return false
		}
	}
	return true
}

func takeSnapshot(c *snapConfig) (*format.Snapshot, error) {
	pid := c.pid
	samples := sampleProcess(pid)
	s := &snapshotter{pid: pid, tasks: make(map[int]*snapTask), kick: make(chan struct{}, 1)}
	tr, err := seize.NewTracer(&seize.Options{Handler: s.handle, NoColocate: true})
	if err != nil {
		return nil, err
	}
	s.tr = tr
	defer tr.Close()
	s.attached = time.Now()
	if err := tr.Attach(pid); err != nil {
		return nil, err
	}
	deadline := time.NewTimer(holdWait)
	defer deadline.Stop()
wait:
	for !s.allHeld() {
		select {
		case <-s.kick:
		case <-deadline.C:
			break wait
		case <-time.After(5 * time.Millisecond):
			// Tasks() may have grown without an event for this goroutine.
		}
	}
	snap := &format.Snapshot{Pid: pid, Time: time.Now(), Comm: readTrim("/proc/" + strconv.Itoa(pid) + "/comm")}
	snap.Exe, _ = os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
	dec := &decode.Decoder{Opts: decode.Options{StringLimit: c.strLimit, FdPath: func(fd int) string {
		link := "/proc/" + strconv.Itoa(pid) + "/fd/" + strconv.Itoa(fd)
		if fd == -100 { // AT_FDCWD
			link = "/proc/" + strconv.Itoa(pid) + "/cwd"
		}
		p, _ := os.Readlink(link)
		return p
	}}}
	maps := readMaps(pid)

	// Describe every thread while they are held: their memory is quiet.
	s.mu.Lock()
	tids := make([]int, 0, len(s.tasks)+len(samples))
	for tid, t := range s.tasks {
		if !t.gone || t.held {
			tids = append(tids, tid)
		}
	}
	for tid := range samples {
		if s.tasks[tid] == nil {
			tids = append(tids, tid) // not traced: a zombie leader, or gone
		}
	}
	slices.Sort(tids)
	tids = slices.Compact(tids)
	if i := slices.Index(tids, pid); i > 0 {
		tids = append(append([]int{pid}, tids[:i]...), tids[i+1:]...)
	}
	for _, tid := range tids {
		th, ok := s.describe(dec, maps, tid, s.tasks[tid], samples[tid])
		if ok {
			snap.Threads = append(snap.Threads, th)
		}
	}
	s.mu.Unlock()

	tr.Close()
	s.mu.Lock()
	if !s.released.IsZero() {
		snap.Held = s.released.Sub(s.attached)
	}
	s.mu.Unlock()
	if len(snap.Threads) == 0 {
		return nil, errors.New("the process exited during the snapshot")
	}
	for i := range snap.Threads {
		if l := snap.Threads[i].Code; l != nil {
			symbolize(pid, maps, l)
		}
	}
	return snap, nil
}

// describe builds the line of one thread.
func (s *snapshotter) describe(dec *decode.Decoder, maps []mapping, tid int, t *snapTask, pre *sample) (format.SnapshotThread, bool) {
	th := format.SnapshotThread{Tid: tid, OffCPU: -1}
	if pre != nil {
		th.Comm, th.State, th.Wchan = pre.comm, pre.state, pre.wchan
	} else {
		th.Comm = readTrim("/proc/" + strconv.Itoa(s.pid) + "/task/" + strconv.Itoa(tid) + "/comm")
	}
	switch {
	case t != nil && t.held && t.err == nil:
		pl := t.place
		th.Held, th.IP, th.SP = true, pl.IP, pl.SP
		// The sample still holds if the thread has not moved since: same
		// registers, and no sleep but the stop itself.
		same := pre != nil && pre.stopped && pre.pc == pl.IP && pre.sp == pl.SP &&
			pre.vol >= 0 && t.vol >= 0 && t.vol-pre.vol <= 1
		switch {
		case same:
			th.OffCPU = pre.offCPU
		case t.stopped:
			th.State = 'T'
		case pl.Syscall:
			th.State = 'S'
		default:
			th.State = 'R'
		}
		if same && pre.state == 'R' {
			th.OffCPU = -1
		}
		if pl.Syscall {
			th.Syscall = decodeCall(dec, sysabi.Arch(pl.Arch), pl.Nr, pl.Args, pl.IP, pl.SP, t.task)
		}
		if t.exiting {
			th.Note = "exiting"
		}
	case pre == nil:
		return th, false // came and went
	case t != nil && t.gone:
		th.Note = "exited"
	case pre.state == 'Z' || pre.state == 'X':
		th.Note = "exited"
	default:
		// Not stopped in time (an uninterruptible wait) or not traced:
		// what /proc said before.
		th.IP, th.SP, th.OffCPU = pre.pc, pre.sp, pre.offCPU
		if pre.inCall {
			mem := decode.Memory(pidMemory(tid))
			if t != nil && t.task != nil {
				mem = t.task
			}
			th.Syscall = decodeCall(dec, sysabi.NativeArch(), pre.nr, pre.args, pre.pc, pre.sp, mem)
		}
	}
	if th.Syscall == nil && th.Note != "exited" && th.IP != 0 {
		th.Code = locate(maps, th.IP)
	}
	return th, true
}

// decodeCall formats a call in progress as strace would print it, with
// every argument: Entry's, then Pending's.
func decodeCall(dec *decode.Decoder, arch sysabi.Arch, nr uint64, args [6]uint64, ip, sp uint64, mem decode.Memory) *format.Syscall {
	var call decode.Call
	call.SetStackPointer(sp)
	text := dec.Entry(nil, &call, arch, nr, args, mem)
	text = dec.Pending(text, &call, mem)
	c := &format.Syscall{Name: call.Name(), Nr: nr, Arch: arch, Raw: args, NRaw: sysabi.SyscallNargs(arch, nr), Args: text}
	if c.Name == "restart_syscall" {
		// The kernel resumes a call interrupted earlier (by a stop, or by
		// an earlier snapshot); its registers no longer say which one.
		what := "system call"
		if n := interruptedCall(arch, ip, mem); n != "" {
			what = n
		}
		c.Args = []byte("<... resuming interrupted " + what + " ...>")
		c.NRaw = 0
	}
	return c
}

// interruptedCall guesses which call restart_syscall resumes from the
// instruction before the system call instruction at ip: C libraries and
// Go load the call's number as an immediate right before it (x86-64:
// "mov $NR, %eax; syscall"; arm64: "mov x8, #NR; svc #0"). "" when the
// code is not of that shape.
func interruptedCall(arch sysabi.Arch, ip uint64, mem decode.Memory) string {
	var nr uint64
	switch arch {
	case sysabi.ArchX86_64:
		var b [7]byte
		if n, _ := mem.ReadMemory(ip-7, b[:]); n != len(b) || b[0] != 0xb8 || b[5] != 0x0f || b[6] != 0x05 {
			return ""
		}
		nr = uint64(b[1]) | uint64(b[2])<<8 | uint64(b[3])<<16 | uint64(b[4])<<24
	case sysabi.ArchAArch64:
		var b [8]byte
		if n, _ := mem.ReadMemory(ip-8, b[:]); n != len(b) {
			return ""
		}
		mov := uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
		svc := uint32(b[4]) | uint32(b[5])<<8 | uint32(b[6])<<16 | uint32(b[7])<<24
		if svc != 0xd4000001 || mov&0xffe0001f != 0xd2800008 { // movz x8, #imm16
			return ""
		}
		nr = uint64(mov>>5) & 0xffff
	default:
		return ""
	}
	name := sysabi.SyscallName(arch, nr)
	if name == "restart_syscall" || strings.HasPrefix(name, "syscall_") {
		return ""
	}
	return name
}

// pidMemory reads a thread's memory without a stop (process_vm_readv).
type pidMemory int

func (p pidMemory) ReadMemory(addr uint64, buf []byte) (int, error) {
	if len(buf) == 0 {
		return 0, nil
	}
	local := []unix.Iovec{{Base: &buf[0], Len: uint64(len(buf))}}
	remote := []unix.RemoteIovec{{Base: uintptr(addr), Len: len(buf)}}
	return unix.ProcessVMReadv(int(p), local, remote, 0)
}

func readTrim(path string) string {
	b, _ := os.ReadFile(path)
	return strings.TrimSuffix(string(b), "\n")
}

// sampleProcess samples every thread of pid (step 1). Missing files leave
// fields unknown; a missing process gives an empty map (Attach then says
// why).
func sampleProcess(pid int) map[int]*sample {
	dir := "/proc/" + strconv.Itoa(pid) + "/task/"
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	// seize.OffCPU moves this thread to the sampled thread's CPU for a
	// moment: keep it on one OS thread meanwhile.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	out := make(map[int]*sample, len(ents))
	for _, e := range ents {
		tid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if sm := sampleThread(dir+e.Name()+"/", tid); sm != nil {
			out[tid] = sm
		}
	}
	return out
}

func sampleThread(dir string, tid int) *sample {
	stat, err := os.ReadFile(dir + "stat")
	if err != nil {
		return nil
	}
	i := strings.LastIndexByte(string(stat), ')')
	if i < 0 || i+2 >= len(stat) {
		return nil
	}
	sm := &sample{state: stat[i+2], offCPU: -1, vol: -1}
	if sm.state != 'R' && sm.state != 'Z' && sm.state != 'X' {
		if d, ok := seize.OffCPU(tid); ok {
			sm.offCPU = d
		}
	}
	sm.comm = readTrim(dir + "comm")
	if w := readTrim(dir + "wchan"); w != "0" {
		sm.wchan = w
	}
	// "running", "NR SP PC" outside a call, or "NR A0..A5 SP PC"
	// (proc_pid_syscall).
	f := strings.Fields(readTrim(dir + "syscall"))
	hex := func(s string) uint64 {
		v, _ := strconv.ParseUint(strings.TrimPrefix(s, "0x"), 16, 64)
		return v
	}
	switch len(f) {
	case 9:
		nr, err := strconv.ParseInt(f[0], 10, 64)
		if err == nil && nr >= 0 {
			sm.inCall, sm.nr = true, uint64(nr)
			for j := range sm.args {
				sm.args[j] = hex(f[1+j])
			}
		}
		sm.stopped, sm.sp, sm.pc = true, hex(f[7]), hex(f[8])
	case 3:
		sm.stopped, sm.sp, sm.pc = true, hex(f[1]), hex(f[2])
	}
	sm.vol = volSwitchesAt(dir + "status")
	return sm
}

func volSwitches(pid, tid int) int64 {
	return volSwitchesAt("/proc/" + strconv.Itoa(pid) + "/task/" + strconv.Itoa(tid) + "/status")
}

func volSwitchesAt(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return -1
	}
	_, rest, ok := strings.Cut(string(b), "\nvoluntary_ctxt_switches:")
	if !ok {
		return -1
	}
	v, _, _ := strings.Cut(rest, "\n")
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// mapping is a file mapping of /proc/PID/maps.
type mapping struct {
	start, end, off uint64
	path            string
}

func readMaps(pid int) []mapping {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/maps")
	if err != nil {
		return nil
	}
	var ms []mapping
	for _, line := range strings.Split(string(b), "\n") {
		// start-end perms offset dev inode path
		f := strings.Fields(line)
		if len(f) < 6 || !strings.HasPrefix(f[5], "/") {
			continue
		}
		lo, hi, _ := strings.Cut(f[0], "-")
		m := mapping{path: strings.Join(f[5:], " ")}
		m.start, _ = strconv.ParseUint(lo, 16, 64)
		m.end, _ = strconv.ParseUint(hi, 16, 64)
		m.off, _ = strconv.ParseUint(f[2], 16, 64)
		ms = append(ms, m)
	}
	return ms
}

// locate finds the mapped file that holds ip.
func locate(maps []mapping, ip uint64) *format.CodeLocation {
	for _, m := range maps {
		if ip >= m.start && ip < m.end {
			return &format.CodeLocation{File: m.path, Offset: ip - m.start + m.off}
		}
	}
	return nil
}

// symbolize names the function at l's file offset, from the file's ELF
// symbol tables (the static one if the file has it, else the dynamic).
func symbolize(pid int, maps []mapping, l *format.CodeLocation) {
	var f *elf.File
	var err error
	for _, m := range maps {
		if m.path == l.File {
			// map_files names the very file mapped, even if the path now
			// names another one or lives in another mount namespace.
			f, err = elf.Open(fmt.Sprintf("/proc/%d/map_files/%x-%x", pid, m.start, m.end))
			break
		}
	}
	if f == nil || err != nil {
		if f, err = elf.Open("/proc/" + strconv.Itoa(pid) + "/root" + l.File); err != nil {
			return
		}
	}
	defer f.Close()
	// File offset to the address the symbols use, through the segment
	// that maps it.
	var vaddr uint64
	found := false
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD && l.Offset >= p.Off && l.Offset < p.Off+p.Filesz {
			vaddr, found = l.Offset-p.Off+p.Vaddr, true
			break
		}
	}
	if !found {
		return
	}
	for _, get := range []func() ([]elf.Symbol, error){f.Symbols, f.DynamicSymbols} {
		syms, err := get()
		if err != nil {
			continue
		}
		for _, s := range syms {
			if elf.ST_TYPE(s.Info) == elf.STT_FUNC && s.Value <= vaddr && vaddr < s.Value+s.Size {
				l.Symbol, l.SymOff = s.Name, vaddr-s.Value
				return
			}
		}
	}
}
