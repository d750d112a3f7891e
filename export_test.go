package seize

import (
	"fmt"

	"github.com/seize-dev/seize/internal/ptrace"
)

// DebugState describes the tracer's tasks, for test failures.
func DebugState(tr *Tracer) string {
	var s string
	tr.call(func() {
		s = fmt.Sprintf("tid=%d release=%v tasks=%d", tr.tid.Load(), tr.release, len(tr.tasks))
		for _, t := range tr.sortedTasks() {
			s += fmt.Sprintf(" [%d state=%d intr=%v hold=%v det=%v rst=%v force=%v rc=%v gs=%v]", t.tid, t.state, t.interrupting, t.hold, t.detaching, t.restarting, t.forceSyscall, t.restartedCall, t.groupStopped)
		}
	})
	return s
}

// DebugPoll polls wait4 for pid from the tracer thread.
func DebugPoll(tr *Tracer, pid int) string {
	var s string
	tr.call(func() {
		p, st, err := ptraceWait(pid)
		s = fmt.Sprintf("wait4(%d)=%d st=%#x err=%v", pid, p, uint32(st), err)
	})
	return s
}

func ptraceWait(pid int) (int, ptrace.Status, error) {
	return ptrace.Wait4(pid, ptrace.WALL|ptrace.WNOHANG|ptrace.WNOTHREAD)
}

// EstimateLimit is how many threads of one attach get S21's estimate of
// when they went to sleep (attach_scale.go).
const EstimateLimit = estimateLimit
