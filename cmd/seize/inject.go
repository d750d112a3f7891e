package main

import (
	"fmt"
	"os"
	"syscall"

	"github.com/seize-dev/seize"
	"github.com/seize-dev/seize/filter"
	"github.com/seize-dev/seize/sysabi"
)

// inject applies -e inject= and -e fault= at a call's entry, as strace
// does: the invocations of each system call are counted per task, from 1,
// and only while the call is traced (-e trace=); those the expression's
// when= selects are tampered with.
func (p *printer) inject(t *task, ev *seize.Event, arch sysabi.Arch) {
	t.injected = nil
	if len(p.f.Injects) == 0 || !t.shown {
		return
	}
	in := p.f.Inject(arch, ev.Nr)
	if in == nil {
		return
	}
	if t.injCount == nil {
		t.injCount = make(map[uint64]uint64)
	}
	key := uint64(arch)<<32 | ev.Nr
	n := t.injCount[key] + 1
	t.injCount[key] = n
	if !in.When.Has(n) {
		return
	}
	var f seize.Fault
	if in.Actions&filter.InjectError != 0 {
		f.Errno = syscall.Errno(in.Error)
	}
	if in.Actions&filter.InjectRetval != 0 {
		f.Return, f.Retval = true, in.Retval
	}
	f.Signal = syscall.Signal(in.Signal)
	f.DelayEnter, f.DelayExit = in.DelayEnter, in.DelayExit
	if err := ev.Inject(f); err != nil {
		// The task was killed meanwhile: its exit follows.
		fmt.Fprintf(os.Stderr, "seize: inject into %s of %d: %v\n", sysabi.SyscallName(arch, ev.Nr), t.tid, err)
		return
	}
	t.injected = in
}

// injectNote is what strace appends to the result of a call it tampered
// with: " (INJECTED)" for error= and retval=, " (DELAYED)" for the delays.
func injectNote(in *filter.Inject) string {
	switch {
	case in == nil:
		return ""
	case in.Skips() && in.Delays():
		return " (INJECTED) (DELAYED)"
	case in.Skips():
		return " (INJECTED)"
	case in.Delays():
		return " (DELAYED)"
	}
	return ""
}
