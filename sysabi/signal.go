package sysabi

import (
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// Kernel real-time signal range (the C library reserves the first few
// for itself and reports a larger SIGRTMIN).
const (
	sigRTMin = 32
	sigRTMax = 64
)

// signalNames holds the names of signals 1..sigRTMax, built on first use.
// Signals 1-31 come from unix.SignalName (x86 and arm64 number them
// alike); real-time signals are named as strace names them: 32 is
// "SIGRTMIN" and 32+n is "SIGRT_n".
var signalNames = sync.OnceValue(func() *[sigRTMax + 1]string {
	var t [sigRTMax + 1]string
	for s := 1; s < sigRTMin; s++ {
		t[s] = unix.SignalName(unix.Signal(s))
	}
	t[sigRTMin] = "SIGRTMIN"
	for s := sigRTMin + 1; s <= sigRTMax; s++ {
		t[s] = "SIGRT_" + strconv.Itoa(s-sigRTMin)
	}
	return &t
})

// signalAliases are accepted by SignalNumber in addition to the names
// SignalName returns (without the SIG prefix).
var signalAliases = map[string]int{
	"IOT":    6,
	"CLD":    17,
	"POLL":   29,
	"UNUSED": 31,
	"RTMAX":  sigRTMax,
}

var signalNumbers = sync.OnceValue(func() map[string]int {
	m := make(map[string]int, sigRTMax+len(signalAliases))
	for s, name := range signalNames() {
		if name != "" {
			m[strings.TrimPrefix(name, "SIG")] = s
		}
	}
	for n, s := range signalAliases {
		m[n] = s
	}
	return m
})

// SignalName returns the name of signal sig, such as "SIGINT". Real-time
// signals are named as strace names them: 32 is "SIGRTMIN", 33 is
// "SIGRT_1", ..., 64 is "SIGRT_32". It returns "" for 0 and values out of
// range.
func SignalName(sig int) string {
	if sig > 0 && sig <= sigRTMax {
		return signalNames()[sig]
	}
	return ""
}

// SignalNumber returns the number of the signal called name. Matching is
// case-insensitive and the "SIG" prefix is optional: "SIGINT", "INT" and
// "int" all give 2. It accepts the names SignalName returns, "RTMIN",
// "RT_n", and the aliases IOT, CLD, POLL, UNUSED and RTMAX. Numbers are not
// accepted.
func SignalNumber(name string) (int, bool) {
	n := strings.ToUpper(name)
	n = strings.TrimPrefix(n, "SIG")
	s, ok := signalNumbers()[n]
	return s, ok
}

// si_code values of include/uapi/asm-generic/siginfo.h.
var (
	siGenericCodes = map[int]string{
		0:    "SI_USER",
		0x80: "SI_KERNEL",
		-1:   "SI_QUEUE",
		-2:   "SI_TIMER",
		-3:   "SI_MESGQ",
		-4:   "SI_ASYNCIO",
		-5:   "SI_SIGIO",
		-6:   "SI_TKILL",
		-7:   "SI_DETHREAD",
		-60:  "SI_ASYNCNL",
	}
	sigillCodes = []string{1: "ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP",
		"ILL_PRVOPC", "ILL_PRVREG", "ILL_COPROC", "ILL_BADSTK", "ILL_BADIADDR"}
	sigfpeCodes = []string{1: "FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV", "FPE_FLTOVF",
		"FPE_FLTUND", "FPE_FLTRES", "FPE_FLTINV", "FPE_FLTSUB",
		14: "FPE_FLTUNK", 15: "FPE_CONDTRAP"}
	sigsegvCodes = []string{1: "SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR", "SEGV_PKUERR",
		"SEGV_ACCADI", "SEGV_ADIDERR", "SEGV_ADIPERR", "SEGV_MTEAERR", "SEGV_MTESERR",
		"SEGV_CPERR"}
	sigbusCodes  = []string{1: "BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR", "BUS_MCEERR_AR", "BUS_MCEERR_AO"}
	sigtrapCodes = []string{1: "TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH", "TRAP_HWBKPT", "TRAP_UNK", "TRAP_PERF"}
	sigchldCodes = []string{1: "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED"}
	sigpollCodes = []string{1: "POLL_IN", "POLL_OUT", "POLL_MSG", "POLL_ERR", "POLL_PRI", "POLL_HUP"}
	sigsysCodes  = []string{1: "SYS_SECCOMP", "SYS_USER_DISPATCH"}
)

// SigCodeName returns the symbolic name of si_code value code for signal
// signo: the generic SI_USER, SI_KERNEL, SI_QUEUE, SI_TIMER, SI_MESGQ,
// SI_ASYNCIO, SI_SIGIO, SI_TKILL, SI_DETHREAD and SI_ASYNCNL for any signal,
// and the positive codes of SIGILL (ILL_*), SIGFPE (FPE_*), SIGSEGV
// (SEGV_*), SIGBUS (BUS_*), SIGTRAP (TRAP_*), SIGCHLD (CLD_*), SIGPOLL alias
// SIGIO (POLL_*) and SIGSYS (SYS_SECCOMP, SYS_USER_DISPATCH). It returns ""
// for unknown combinations; the caller prints the number.
func SigCodeName(signo, code int) string {
	if name, ok := siGenericCodes[code]; ok {
		return name
	}
	var codes []string
	switch signo {
	case int(unix.SIGILL):
		codes = sigillCodes
	case int(unix.SIGFPE):
		codes = sigfpeCodes
	case int(unix.SIGSEGV):
		codes = sigsegvCodes
	case int(unix.SIGBUS):
		codes = sigbusCodes
	case int(unix.SIGTRAP):
		codes = sigtrapCodes
	case int(unix.SIGCHLD):
		codes = sigchldCodes
	case int(unix.SIGIO):
		codes = sigpollCodes
	case int(unix.SIGSYS):
		codes = sigsysCodes
	}
	if code > 0 && code < len(codes) {
		return codes[code]
	}
	return ""
}
