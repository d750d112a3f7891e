package seize

import (
	"syscall"
	"testing"

	"github.com/seize-dev/seize/internal/ptrace"
)

// FuzzDispatch feeds the wait-status classifier arbitrary sequences of
// (tid, status, event message, syscall-info op) as a confused or hostile
// kernel might, and checks that the engine neither panics nor loses track:
// every listed task is keyed by its own tid, and a task the engine says is
// gone is not listed.
func FuzzDispatch(f *testing.F) {
	f.Add([]byte{10, 0x7f, 0x14, 0, 0, 10, 0x7f, 0x14, 0x80, 0})       // SIGTSTP, then group-stop
	f.Add([]byte{10, 0x7f, 0x85, 0, 1, 10, 0x7f, 0x85, 0, 2})          // syscall entry and exit
	f.Add([]byte{11, 0x7f, 0x05, 0x04, 10, 10, 0x09, 0, 0, 0})         // exec by 11 reported by 10, then killed
	f.Add([]byte{20, 0x7f, 0x05, 0x80, 0, 10, 0x7f, 0x05, 0x01, 20})   // child first, then fork event
	f.Add([]byte{10, 0x00, 0x03, 0, 0, 10, 0x7f, 0x13, 0x80, 0, 9, 0}) // exit, then a stop of a gone task
	f.Fuzz(func(t *testing.T, data []byte) {
		k := newFake()
		tr := &Tracer{k: k, opts: Options{Syscalls: true, FollowForks: data != nil && len(data)%2 == 0, Handler: func(ev *Event) {
			if ev.Task == nil {
				t.Fatal("event without a task")
			}
		}}, tasks: map[int]*Task{}}
		for _, tid := range []int{10, 11} {
			tk := tr.newTask(tid, 10)
			tk.seenFirstStop = true
		}
		for len(data) >= 5 {
			tid := 8 + int(data[0]%16)
			st := ptrace.Status(uint32(data[1]) | uint32(data[2])<<8 | uint32(data[3])<<16)
			k.msgs[int(tid)] = uint64(8 + data[4]%16)
			k.sysinfo[int(tid)] = ptrace.SyscallInfo{Op: data[4] % 4, Nr: uint64(data[4]), Arch: 0xc000003e}
			k.tgids[int(tid)] = 8 + int(data[4]%3)
			data = data[5:]
			tr.dispatch(tid, st)
			if len(data) > 0 && data[0]%7 == 0 {
				if tk := tr.tasks[tid]; tk != nil {
					tr.detach(tk)
				}
			}
			for key, tk := range tr.tasks {
				if tk.tid != key {
					t.Fatalf("task %d listed under %d", tk.tid, key)
				}
			}
			if st.Exited() || st.Signaled() {
				if _, ok := tr.tasks[tid]; ok {
					t.Fatalf("task %d listed after its exit status %#x", tid, uint32(st))
				}
			}
		}
		_ = syscall.SIGSTOP
	})
}
