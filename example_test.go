package seize_test

import (
	"bufio"
	"context"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/internal/testprog"
	"github.com/seize-dev/seize/sysabi"
)

// Count the system calls of a command: Start runs it traced from its
// first instruction, and the Handler sees every call's exit.
func ExampleTracer_Start() {
	counts := make(map[string]int)
	exitCode := -1
	tr, err := seize.NewTracer(&seize.Options{
		Syscalls: true,
		// The Handler runs on the tracer's thread, one event at a time.
		Handler: func(ev *seize.Event) {
			switch ev.Kind {
			case seize.EventSyscallExit:
				counts[sysabi.SyscallName(sysabi.Arch(ev.Arch), ev.Nr)]++
			case seize.EventExit:
				exitCode = ev.ExitCode
			}
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer tr.Close()

	// nil attributes: the command inherits stdin, stdout and stderr.
	if _, err := tr.Start([]string{"sh", "-c", "echo one; echo two; echo three"}, nil); err != nil {
		log.Fatal(err)
	}
	tr.Wait() // until the command has exited; the tracer reaped it
	fmt.Println("write:", counts["write"])
	fmt.Println("execve:", counts["execve"]) // tracing starts after the exec
	fmt.Println("exit status:", exitCode)
	// Output:
	// one
	// two
	// three
	// write: 3
	// execve: 0
	// exit status: 0
}

// Watch which files a running process opens. Attach seizes it without
// stopping it; the Handler reads each openat's path from the process's
// memory at the call's exit.
func ExampleTracer_Attach() {
	dir, err := os.MkdirTemp("", "seize-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello\n"), 0o644); err != nil {
		log.Fatal(err)
	}

	// A running process, not started by the tracer: a shell that opens
	// each file named on its input.
	sh := exec.Command("sh", "-c", `echo ready; while read f; do true < "$f"; done`)
	sh.Dir = dir
	in, _ := sh.StdinPipe()
	out, _ := sh.StdoutPipe()
	if err := sh.Start(); err != nil {
		log.Fatal(err)
	}
	defer sh.Wait()
	defer in.Close()
	bufio.NewReader(out).ReadString('\n') // "ready": the shell is up

	tr, err := seize.NewTracer(&seize.Options{
		Syscalls: true,
		Handler: func(ev *seize.Event) {
			if ev.Kind != seize.EventSyscallExit || sysabi.SyscallName(sysabi.Arch(ev.Arch), ev.Nr) != "openat" {
				return
			}
			path, _, err := ev.Task.ReadString(ev.Args[1], 4096)
			switch {
			case err != nil:
				fmt.Println("?:", err)
			case ev.Errno != 0:
				fmt.Printf("%s: %v\n", path, ev.Errno)
			default:
				fmt.Printf("%s: fd %d\n", path, ev.Ret)
			}
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer tr.Close()
	if err := tr.Attach(sh.Process.Pid); err != nil {
		log.Fatal(err)
	}

	fmt.Fprintln(in, "notes.txt")
	fmt.Fprintln(in, "missing.txt")
	in.Close() // end of input: the shell exits
	tr.Wait()  // until it has
	// Output:
	// notes.txt: fd 3
	// missing.txt: no such file or directory
}

// Hold a whole process stopped, look at every thread, and release it
// exactly as it was. Interrupt stops a thread wherever it is, in user
// space or asleep in a system call, and holds it until Resume; a call it
// was asleep in then carries on as if nothing had happened.
func ExampleTracer_Interrupt() {
	// A process of three threads, each asleep in its own call: "trio"
	// in pause, "reader" in a read of its stdin, "waiter" in a futex
	// wait for a condition variable (see startTrio).
	p := startTrio()
	defer p.kill()

	// Buffered: the Handler must never wait for a goroutine that is
	// itself waiting for the tracer (here, in Interrupt).
	held := make(chan int, 64)
	tr, err := seize.NewTracer(&seize.Options{
		Handler: func(ev *seize.Event) {
			if ev.Kind == seize.EventInterrupted {
				held <- ev.Task.Tid()
			}
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer tr.Close()
	if err := tr.Attach(p.pid); err != nil {
		log.Fatal(err)
	}

	tids := tr.Tasks() // every thread of the process
	for _, tid := range tids {
		if err := tr.Interrupt(tid); err != nil {
			log.Fatal(err)
		}
	}
	for range tids {
		<-held
	}
	// The whole process is stopped now: inspect it at leisure.
	var threads []string
	for _, tid := range tids {
		threads = append(threads, fmt.Sprintf("%s: %s", threadName(tid), blockedIn(tid)))
	}
	sort.Strings(threads)
	fmt.Println(strings.Join(threads, "\n"))

	for _, tid := range tids {
		tr.Resume(tid)
	}
	tr.DetachAll() // untraced, each thread back in its call

	// The reader's read goes on as if never interrupted: no EINTR.
	fmt.Fprintln(p.stdin, "hello")
	fmt.Println(p.line())
	// Output:
	// reader: read
	// trio: pause
	// waiter: futex
	// reader: read r=6 errno=0
}

// Trace until a context is done: WaitContext then releases every task as
// it was and returns the context's error.
func ExampleTracer_WaitContext() {
	sleeper := exec.Command("sleep", "10")
	if err := sleeper.Start(); err != nil {
		log.Fatal(err)
	}
	defer sleeper.Wait()
	defer sleeper.Process.Kill()

	tr, err := seize.NewTracer(&seize.Options{Syscalls: true})
	if err != nil {
		log.Fatal(err)
	}
	defer tr.Close()
	if err := tr.Attach(sleeper.Process.Pid); err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	fmt.Println(tr.WaitContext(ctx))
	fmt.Println("still traced:", len(tr.Tasks()) > 0)
	// Output:
	// context deadline exceeded
	// still traced: false
}

// trio is the process of ExampleTracer_Interrupt.
type trio struct {
	pid   int
	cmd   *exec.Cmd
	stdin *os.File
	lines *bufio.Scanner
}

// startTrio starts the test program's "trio" mode and waits until each of
// its threads sleeps in its call.
func startTrio() *trio {
	path, err := testprog.Build()
	if err != nil {
		log.Fatal(err)
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		log.Fatal(err)
	}
	defer inR.Close()
	cmd := exec.Command(path, "trio")
	cmd.Stdin = inR
	out, err := cmd.StdoutPipe()
	if err != nil {
		log.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	p := &trio{pid: cmd.Process.Pid, cmd: cmd, stdin: inW, lines: bufio.NewScanner(out)}
	p.line() // "ready PID"
	want := map[string]string{"trio": "pause", "reader": "read", "waiter": "futex"}
	for deadline := time.Now().Add(5 * time.Second); ; {
		asleep := 0
		tids, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", p.pid))
		for _, d := range tids {
			tid, _ := strconv.Atoi(d.Name())
			if want[threadName(tid)] == blockedIn(tid) && testprog.State(tid) == 'S' {
				asleep++
			}
		}
		if asleep == len(want) {
			return p
		}
		if time.Now().After(deadline) {
			p.kill()
			log.Fatalf("trio: %d of %d threads asleep after 5s", asleep, len(want))
		}
		time.Sleep(time.Millisecond)
	}
}

// line returns the next line the program prints.
func (p *trio) line() string {
	if !p.lines.Scan() {
		return "(no more output)"
	}
	return p.lines.Text()
}

func (p *trio) kill() {
	p.cmd.Process.Kill()
	p.stdin.Close()
	p.cmd.Wait()
}

// threadName is a thread's name (/proc/TID/comm).
func threadName(tid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", tid))
	return strings.TrimSpace(string(b))
}

// blockedIn names the system call a sleeping or stopped thread is in,
// from /proc/TID/syscall.
func blockedIn(tid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/syscall", tid))
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	nr, err := strconv.Atoi(f[0])
	if err != nil || nr < 0 {
		return "user space"
	}
	return sysabi.SyscallName(sysabi.NativeArch(), uint64(nr))
}
