// Command seize traces the system calls and signals of a program, like
// strace, without disturbing it: see seize --help.
//
// Launch mode (seize -- CMD) uses the layout strace calls -D, with the
// tracer out of the way: the process the shell started becomes CMD itself
// (it execs), and the tracer runs as a detached process in a session of
// its own that seizes it first. The shell thus has exactly one job, the
// program, and job control behaves as untraced by the kernel's own rules
// for seized processes (S6, S7, S9); the shell sees the program's exit
// status and fatal signal directly (S15).
package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/filter"
	"golang.org/x/sys/unix"
)

// Environment of the helper processes of launch mode.
const (
	roleEnv   = "SEIZE_INTERNAL_ROLE"
	targetEnv = "SEIZE_INTERNAL_TARGET"
	outEnv    = "SEIZE_INTERNAL_OUTPUT"
)

// init keeps main on the main thread, so that launch mode's execve is made
// by the thread group leader: an execve from another thread would give
// the trace a first line under a Go runtime thread's tid (S17).
func init() { runtime.LockOSThread() }

func main() {
	switch os.Getenv(roleEnv) {
	case "spawn":
		os.Exit(spawnMain())
	case "trace":
		os.Exit(traceMain())
	}
	os.Exit(cliMain(os.Args[1:]))
}

func fatalf(format string, a ...any) int {
	fmt.Fprintf(os.Stderr, "seize: "+format+"\n", a...)
	return 1
}

func cliMain(args []string) int {
	if len(args) > 0 && args[0] == "snapshot" {
		return snapshotMain(args[1:]) // snapshot.go
	}
	c, err := parseArgs(args)
	var pe *filter.ParseError
	switch {
	case errors.As(err, &pe):
		return fatalf("%v", err) // already says what to do
	case err != nil:
		return fatalf("%v (see seize --help)", err)
	}
	if c.help {
		io.WriteString(os.Stdout, usageText)
		return 0
	}
	for _, w := range c.warnings {
		fmt.Fprintf(os.Stderr, "seize: %s\n", w)
	}
	var outFile *os.File
	name := c.output
	if c.separate {
		// -ff: FILE.PID per task. In launch mode this process becomes
		// the program, so its file can be opened (and fail) now; with -p
		// the tracer opens every file.
		name = ""
		if len(c.pids) == 0 {
			name = c.output + "." + strconv.Itoa(os.Getpid())
		}
	}
	if name != "" {
		outFile, err = os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
		if err != nil {
			return fatalf("cannot write the trace to %s: %v", name, unwrapPath(err))
		}
	}
	if len(c.pids) > 0 {
		return attachMain(c, outFile)
	}
	return launchMain(c, outFile)
}

// unwrapPath drops the *PathError wrapping, whose text repeats the path.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// launchMain checks the command, starts the tracer, waits until it has
// seized this process, and execs the command.
func launchMain(c *config, outFile *os.File) int {
	path, err := exec.LookPath(c.cmd[0])
	if err != nil {
		var ee *exec.Error
		switch {
		case errors.Is(err, exec.ErrNotFound):
			return fatalf("%s: command not found", c.cmd[0])
		case errors.As(err, &ee):
			return fatalf("cannot run %s: %v", c.cmd[0], unwrapPath(ee.Err))
		default:
			return fatalf("cannot run %s: %v", c.cmd[0], unwrapPath(err))
		}
	}
	allowTracer()
	// A blocking pipe, read with read(2): the tracer's "ok" wakes this
	// thread directly, not through the runtime's poller (about 0.5 ms
	// less to start a program).
	var pfd [2]int
	if err := syscall.Pipe2(pfd[:], syscall.O_CLOEXEC); err != nil {
		return fatalf("%v", err)
	}
	w := os.NewFile(uintptr(pfd[1]), "ready")
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return fatalf("%v", err)
	}
	files := []*os.File{devnull, os.Stdout, os.Stderr, w}
	env := append(os.Environ(), roleEnv+"=spawn", targetEnv+"="+strconv.Itoa(os.Getpid()))
	if outFile != nil {
		files = append(files, outFile)
		env = append(env, outEnv+"=1")
	}
	spawner, err := os.StartProcess("/proc/self/exe", append([]string{"seize"}, os.Args[1:]...), &os.ProcAttr{Env: env, Files: files})
	w.Close()
	devnull.Close()
	if err != nil {
		return fatalf("cannot start the tracer: %v", err)
	}
	spawner.Wait()
	var msg []byte
	for buf := make([]byte, 512); ; {
		n, err := syscall.Read(pfd[0], buf)
		if err == syscall.EINTR {
			continue
		}
		if n <= 0 {
			break
		}
		msg = append(msg, buf[:n]...)
	}
	syscall.Close(pfd[0])
	if outFile != nil {
		outFile.Close()
	}
	switch s := string(msg); {
	case s == "ok":
	case s == "":
		return fatalf("the tracer exited before it could attach")
	default:
		return fatalf("%s", s)
	}
	if prog := c.seccompProgram(); prog != nil { // seccomp.go
		if err := installSeccomp(prog); err != nil {
			fmt.Fprintf(os.Stderr, "seize: --seccomp-bpf: the seccomp filter is unavailable (%v); tracing every system call\n", err)
		}
	}
	err = syscall.Exec(path, c.cmd, os.Environ())
	return fatalf("cannot run %s: %v", c.cmd[0], err)
}

// allowTracer lets the tracer, which is not an ancestor of this process,
// attach under Yama's ptrace_scope 1.
func allowTracer() {
	b, err := os.ReadFile("/proc/sys/kernel/yama/ptrace_scope")
	if err != nil || strings.TrimSpace(string(b)) != "1" || os.Geteuid() == 0 {
		return
	}
	unix.Prctl(unix.PR_SET_PTRACER, unix.PR_SET_PTRACER_ANY, 0, 0, 0)
}

// spawnMain is the short-lived middle process of launch mode: it starts
// the tracer in a new session and exits at once, so that the program has
// no extra child and the tracer gets no terminal signals.
func spawnMain() int {
	ready := os.NewFile(3, "ready")
	files := []*os.File{os.Stdin, os.Stdout, os.Stderr, ready}
	if os.Getenv(outEnv) == "1" {
		files = append(files, os.NewFile(4, "output"))
	}
	env := os.Environ()
	for i, kv := range env {
		if strings.HasPrefix(kv, roleEnv+"=") {
			env[i] = roleEnv + "=trace"
		}
	}
	p, err := os.StartProcess("/proc/self/exe", os.Args, &os.ProcAttr{Env: env, Files: files, Sys: &syscall.SysProcAttr{Setsid: true}})
	if err != nil {
		fmt.Fprintf(ready, "cannot start the tracer: %v", err)
		return 1
	}
	p.Release()
	return 0
}

// traceMain is the tracer of launch mode.
func traceMain() int {
	c, err := parseArgs(os.Args[1:])
	if err != nil {
		return 1
	}
	target, _ := strconv.Atoi(os.Getenv(targetEnv))
	ready := os.NewFile(3, "ready")
	out, toFile := os.Stderr, false
	if os.Getenv(outEnv) == "1" {
		out, toFile = os.NewFile(4, "output"), true
		if c.separate {
			launchFile = out
		}
	}
	signal.Ignore(syscall.SIGPIPE)
	p := newPrinter(out, toFile, c)
	p.gate = &gate{pid: target, tids: map[int]bool{}, quiet: map[int]bool{}}
	p.setQuiet(true) // no "attached" chatter about the launcher
	tr, err := seize.NewTracer(&seize.Options{Handler: p.handle, Syscalls: true, FollowForks: c.follow, Idle: p.flush,
		Seccomp: c.seccompProgram()})
	if err != nil {
		fmt.Fprintf(ready, "%v", err)
		return 1
	}
	if err := tr.Attach(target); err != nil {
		fmt.Fprintf(ready, "%s", describe(err))
		return 1
	}
	p.setQuiet(false)
	ready.WriteString("ok")
	ready.Close()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		sig := (<-sigs).(syscall.Signal)
		// S14: the program was started by seize, so it goes with it, as
		// with strace: continued, then sent the same signal, then every
		// task is released with its pending signals.
		unix.Kill(target, syscall.SIGCONT)
		unix.Kill(target, sig)
		if errors.Is(tr.DetachAll(), seize.ErrFiltered) {
			// --seccomp-bpf: what runs under the filter needs a tracer
			// until it exits (seccomp.go). The trace ends here.
			p.finish()
			fmt.Fprintf(os.Stderr, "seize: the trace ends here; seize stays, silently, until the programs under its seccomp filter exit (--seccomp-bpf: without a tracer their traced system calls would fail with ENOSYS)\n")
			tr.Close()
		}
	}()
	tr.Wait()
	p.finish()
	tr.Close()
	if p.err != nil {
		return 1
	}
	return 0
}

// attachMain traces running processes until they exit or seize is told to
// stop (SIGINT, SIGTERM, SIGHUP), then detaches, leaving each as it was.
func attachMain(c *config, outFile *os.File) int {
	out, toFile := io.Writer(os.Stderr), false
	if outFile != nil {
		out, toFile = outFile, true
	}
	signal.Ignore(syscall.SIGPIPE)
	p := newPrinter(out, toFile, c)
	tr, err := seize.NewTracer(&seize.Options{Handler: p.handle, Syscalls: true, FollowForks: c.follow, Idle: p.flush})
	if err != nil {
		return fatalf("%v", err)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	// ^Z (or kill -TSTP) stops seize the way it stops any job, but a
	// stopped tracer would hold every traced process at its next stop:
	// seize detaches first and attaches again when it is continued.
	tstp := make(chan os.Signal, 1)
	signal.Notify(tstp, syscall.SIGTSTP)
	if attachPids(c, tr, p, c.pids, true) == 0 {
		tr.Close()
		return 1
	}
	for {
		done := make(chan struct{})
		go func() {
			tr.Wait()
			close(done)
		}()
		select {
		case <-done:
		case <-sigs:
			tr.DetachAll()
			<-done
		case <-tstp:
			pids := tracedProcesses(tr)
			// A pidfd per process says, after the stop, whether it is
			// still the same process: its pid may name another by then.
			fds := make([]int, len(pids))
			for i, pid := range pids {
				if fds[i], err = unix.PidfdOpen(pid, 0); err != nil {
					fds[i] = -1
				}
			}
			tr.DetachAll()
			<-done
			p.message("stopped; the %s %s untraced until seize is continued (fg or bg)",
				plural(len(pids), "process runs", "processes run"), "on")
			p.flush()
			suspend(tstp)
			var live []int
			for i, pid := range pids {
				if fds[i] >= 0 && unix.PidfdSendSignal(fds[i], 0, nil, 0) == nil {
					live = append(live, pid)
				} else {
					p.message("Process %d exited while seize was stopped", pid)
				}
				if fds[i] >= 0 {
					unix.Close(fds[i])
				}
			}
			if attachPids(c, tr, p, live, false) > 0 {
				continue
			}
		}
		break
	}
	p.finish()
	tr.Close()
	if p.err != nil {
		return fatalf("writing the trace: %v", p.err)
	}
	return 0
}

// attachPids attaches the processes in pids and says so; it returns how
// many it attached. On the first attach it also reports the errors; when
// seize attaches again after a stop, a process that exited meanwhile is
// only mentioned.
func attachPids(c *config, tr *seize.Tracer, p *printer, pids []int, first bool) int {
	attached := 0
	for _, pid := range pids {
		if pid == os.Getppid() {
			// Tracing the process that waits for seize to finish (a
			// shell's $$) would trace it forever.
			fmt.Fprintf(os.Stderr, "seize: attach %d: that is seize's parent, which waits for seize to finish; give the pid of another process\n", pid)
			continue
		}
		p.hintCalls(pid)
		p.attaching.Store(true)
		err := tr.Attach(pid)
		p.attaching.Store(false)
		if err != nil {
			if !first && (errors.Is(err, seize.ErrExited) || errors.Is(err, seize.ErrNoSuchProcess)) {
				p.message("Process %d exited while seize was stopped", pid)
				continue
			}
			p.flush()
			fmt.Fprintf(os.Stderr, "seize: %s\n", describe(err))
			if errors.Is(err, seize.ErrAttachBlocked) {
				// The tracer thread stays in the kernel until that execve
				// ends, serving nothing: exiting releases every process
				// attached so far (the kernel's exit_ptrace).
				p.flush()
				os.Exit(1)
			}
			continue
		}
		attached++
		if n := p.threads(pid); n > 1 {
			p.message("Process %d attached with %d threads", pid, n)
		} else {
			p.message("Process %d attached", pid)
		}
	}
	return attached
}

// tracedProcesses returns the thread group ids of the tracer's tasks, in
// order, each once.
func tracedProcesses(tr *seize.Tracer) []int {
	var pids []int
	seen := map[int]bool{}
	for _, tid := range tr.Tasks() {
		pid := tgid(tid)
		if pid > 0 && !seen[pid] {
			seen[pid] = true
			pids = append(pids, pid)
		}
	}
	return pids
}

// tgid reads the thread group id of tid from /proc; 0 if it is gone.
func tgid(tid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(tid) + "/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "Tgid:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return 0
}

// suspend stops seize with SIGTSTP, as the default action would have, so
// that its shell sees it Stopped, and returns once it is continued.
func suspend(tstp chan os.Signal) {
	cont := make(chan os.Signal, 1)
	signal.Notify(cont, syscall.SIGCONT)
	signal.Stop(tstp)
	// os/signal keeps the runtime's handler installed after Stop or
	// Reset, and that handler drops an unwanted SIGTSTP: put the default
	// action in place for the stop, and the runtime's handler back after.
	var dfl, old [4]uint64 // struct sigaction: handler, flags, restorer, mask
	syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(syscall.SIGTSTP),
		uintptr(unsafe.Pointer(&dfl)), uintptr(unsafe.Pointer(&old)), 8, 0, 0)
	syscall.Kill(os.Getpid(), syscall.SIGTSTP)
	// The kernel discards it in an orphaned process group (nobody could
	// continue seize): once it is no longer pending and seize runs, seize
	// was either stopped and continued or never stopped.
	for waited := false; ; waited = true {
		select {
		case <-cont:
		case <-time.After(10 * time.Millisecond):
			if !waited || signalPending(syscall.SIGTSTP) {
				continue
			}
		}
		break
	}
	syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(syscall.SIGTSTP),
		uintptr(unsafe.Pointer(&old)), 0, 8, 0, 0)
	signal.Stop(cont)
	signal.Notify(tstp, syscall.SIGTSTP)
	for len(tstp) > 0 {
		<-tstp
	}
}

// signalPending says whether sig is pending for seize (/proc/self/status).
func signalPending(sig syscall.Signal) bool {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return false
	}
	for _, l := range strings.Split(string(b), "\n") {
		v, ok := strings.CutPrefix(l, "ShdPnd:")
		if !ok {
			v, ok = strings.CutPrefix(l, "SigPnd:")
		}
		if !ok {
			continue
		}
		if m, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64); err == nil && m&(1<<(uint(sig)-1)) != 0 {
			return true
		}
	}
	return false
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return strconv.Itoa(n) + " " + many
}

// describe turns an attach error into a line that says what to do.
func describe(err error) string {
	var ae *seize.AttachError
	pid := 0
	if errors.As(err, &ae) {
		pid = ae.Pid
	}
	var at *seize.AlreadyTracedError
	switch {
	case errors.As(err, &at):
		return fmt.Sprintf("attach %d: operation not permitted: already traced by pid %d %q; detach that tracer first", pid, at.TracerPid, at.TracerComm)
	case errors.Is(err, seize.ErrExited):
		return fmt.Sprintf("attach %d: the process exited before it could be attached", pid)
	case errors.Is(err, seize.ErrNoSuchProcess):
		return fmt.Sprintf("attach %d: no such process; check the pid (ps -e)", pid)
	case errors.Is(err, seize.ErrPermission):
		return fmt.Sprintf("attach %d: operation not permitted; run seize as the process's owner or as root", pid)
	case errors.Is(err, seize.ErrSelf):
		return fmt.Sprintf("attach %d: that is seize itself; give the pid of another process", pid)
	case errors.Is(err, seize.ErrKernelThread):
		return fmt.Sprintf("attach %d: that is a kernel thread, which cannot be traced", pid)
	}
	return err.Error()
}
