package seize_test

import (
	"fmt"
	"os"
	"syscall"

	"github.com/seize-dev/seize"
	"golang.org/x/sys/unix"
)

// Make a program's open of /etc/passwd fail with EACCES without running
// it, as strace -e inject=openat:error=EACCES would, and watch the
// program give up.
func ExampleEvent_Inject() {
	var path string
	tr, err := seize.NewTracer(&seize.Options{
		Syscalls: true, // Inject needs the syscall-entry stops
		Handler: func(ev *seize.Event) {
			switch ev.Kind {
			case seize.EventSyscallEntry:
				if ev.Nr != unix.SYS_OPENAT {
					return
				}
				path, _, _ = ev.Task.ReadString(ev.Args[1], 4096)
				if path == "/etc/passwd" {
					if err := ev.Inject(seize.Fault{Errno: syscall.EACCES}); err != nil {
						fmt.Println("inject:", err)
					}
				}
			case seize.EventSyscallExit:
				if ev.Injected != nil {
					fmt.Printf("openat(%q) = %d: %v (injected)\n", path, ev.Ret, ev.Errno)
				}
			case seize.EventExit:
				fmt.Println("cat exited with status", ev.ExitCode)
			}
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tr.Close()
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer null.Close()
	// cat's complaint goes to /dev/null.
	if _, err := tr.Start([]string{"cat", "/etc/passwd"}, &os.ProcAttr{Files: []*os.File{null, null, null}}); err != nil {
		fmt.Println(err)
		return
	}
	tr.Wait()
	// Output:
	// openat("/etc/passwd") = -13: permission denied (injected)
	// cat exited with status 1
}
