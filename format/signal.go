package format

import (
	"strconv"
	"strings"
	"syscall"

	"github.com/seize-dev/seize/internal/ptrace"
	"github.com/seize-dev/seize/sysabi"
)

// SignalName names a signal as strace does ("SIGINT"), or by number.
func SignalName(sig syscall.Signal) string {
	if n := sysabi.SignalName(int(sig)); n != "" {
		return n
	}
	return strconv.Itoa(int(sig))
}

// si_code values that are the same for every signal.
const (
	siUser   = 0
	siKernel = 0x80
	siQueue  = -1
	siTimer  = -2
	siMesgq  = -3
	siTkill  = -6
)

// SigInfo formats a siginfo in strace's braces:
// {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=42, ...}.
func SigInfo(si *ptrace.SigInfo) string {
	var b strings.Builder
	sig := syscall.Signal(si.Signo)
	b.WriteString("{si_signo=")
	b.WriteString(SignalName(sig))
	b.WriteString(", si_code=")
	code := int(si.Code)
	if n := sysabi.SigCodeName(int(si.Signo), code); n != "" {
		b.WriteString(n)
	} else {
		b.WriteString(strconv.Itoa(code))
	}
	if si.Errno != 0 {
		b.WriteString(", si_errno=")
		b.WriteString(strconv.Itoa(int(si.Errno)))
	}
	pidUID := func() {
		b.WriteString(", si_pid=")
		b.WriteString(strconv.Itoa(int(si.Pid())))
		b.WriteString(", si_uid=")
		b.WriteString(strconv.FormatUint(uint64(si.UID()), 10))
	}
	word := func(off int) uint64 {
		var v uint64
		for i := 7; i >= 0; i-- {
			v = v<<8 | uint64(si.Fields[off+i])
		}
		return v
	}
	switch {
	case code == siUser || code == siTkill:
		pidUID()
	case code == siQueue || code == siMesgq:
		pidUID()
		v := si.Value()
		b.WriteString(", si_int=" + strconv.Itoa(int(int32(v))))
		b.WriteString(", si_ptr=" + Hex(v))
	case code == siTimer:
		b.WriteString(", si_timerid=" + strconv.Itoa(int(si.Pid())))
		b.WriteString(", si_overrun=" + strconv.Itoa(int(int32(si.UID()))))
		v := si.Value()
		b.WriteString(", si_int=" + strconv.Itoa(int(int32(v))))
		b.WriteString(", si_ptr=" + Hex(v))
	case code <= 0 || code == siKernel:
		// Nothing more is defined.
	case sig == syscall.SIGCHLD:
		pidUID()
		b.WriteString(", si_status=")
		if code == 1 { // CLD_EXITED
			b.WriteString(strconv.Itoa(int(si.Status())))
		} else {
			b.WriteString(SignalName(syscall.Signal(si.Status())))
		}
		b.WriteString(", si_utime=" + strconv.FormatInt(int64(word(16)), 10))
		b.WriteString(", si_stime=" + strconv.FormatInt(int64(word(24)), 10))
	case sig == syscall.SIGSEGV || sig == syscall.SIGBUS || sig == syscall.SIGILL ||
		sig == syscall.SIGFPE || sig == syscall.SIGTRAP:
		b.WriteString(", si_addr=")
		if a := si.Addr(); a == 0 {
			b.WriteString("NULL")
		} else {
			b.WriteString(Hex(a))
		}
	case sig == syscall.SIGIO:
		b.WriteString(", si_band=" + strconv.FormatInt(int64(word(0)), 10))
		b.WriteString(", si_fd=" + strconv.Itoa(int(int32(word(8)))))
	case sig == syscall.SIGSYS:
		b.WriteString(", si_call_addr=" + Hex(word(0)))
		b.WriteString(", si_syscall=" + strconv.Itoa(int(int32(word(8)))))
		b.WriteString(", si_arch=" + sysabi.Arch(uint32(word(8)>>32)).String())
	}
	b.WriteString("}")
	return b.String()
}

// SignalLine is strace's "--- SIGINT {...} ---".
func SignalLine(sig syscall.Signal, si *ptrace.SigInfo) string {
	if si == nil || si.Signo == 0 {
		return "--- " + SignalName(sig) + " ---"
	}
	return "--- " + SignalName(sig) + " " + SigInfo(si) + " ---"
}

// StoppedLine is strace's "--- stopped by SIGTSTP ---".
func StoppedLine(sig syscall.Signal) string { return "--- stopped by " + SignalName(sig) + " ---" }

// ExitLine is strace's "+++ exited with N +++" or "+++ killed by SIG +++".
func ExitLine(st ptrace.Status) string {
	switch {
	case st.Exited():
		return "+++ exited with " + strconv.Itoa(st.ExitCode()) + " +++"
	case st.CoreDump():
		return "+++ killed by " + SignalName(st.TermSig()) + " (core dumped) +++"
	default:
		return "+++ killed by " + SignalName(st.TermSig()) + " +++"
	}
}
