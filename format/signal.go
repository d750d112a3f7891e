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

// sigField is one field of a siginfo as strace prints it: a name
// ("SIGCHLD", "CLD_EXITED", "x86_64"), a number, or an address (hex, or
// NULL when zero).
type sigField struct {
	key   string
	sym   string
	num   int64
	kind  uint8
	plain bool // an address printed as %#lx even when zero (no NULL)
}

const (
	fieldNum uint8 = iota
	fieldSym
	fieldAddr
	fieldTicks // a clock_t: strace adds "/* 0.01 s */" in text when not 0
)

// userHZ is the unit of clock_t values (USER_HZ, sysconf(_SC_CLK_TCK)).
const userHZ = 100

// appendTicks appends a clock_t as strace prints it: "3 /* 0.03 s */".
func appendTicks(dst []byte, v int64) []byte {
	dst = strconv.AppendInt(dst, v, 10)
	if v <= 0 {
		return dst
	}
	dst = append(dst, " /* "...)
	dst = strconv.AppendInt(dst, v/userHZ, 10)
	dst = append(dst, '.')
	if f := v % userHZ; f < 10 {
		dst = append(dst, '0')
	}
	dst = strconv.AppendInt(dst, v%userHZ, 10)
	return append(dst, " s */"...)
}

// sigFields lists the fields strace prints for si, in its order.
func sigFields(si *ptrace.SigInfo, emit func(sigField)) {
	sig := syscall.Signal(si.Signo)
	sym := func(key, s string) { emit(sigField{key: key, sym: s, kind: fieldSym}) }
	num := func(key string, v int64) { emit(sigField{key: key, num: v, kind: fieldNum}) }
	addr := func(key string, v uint64) { emit(sigField{key: key, num: int64(v), kind: fieldAddr}) }
	sym("si_signo", SignalName(sig))
	code := int(si.Code)
	if n := sysabi.SigCodeName(int(si.Signo), code); n != "" {
		sym("si_code", n)
	} else {
		num("si_code", int64(code))
	}
	if si.Errno != 0 {
		num("si_errno", int64(si.Errno))
	}
	pidUID := func() {
		num("si_pid", int64(si.Pid()))
		num("si_uid", int64(si.UID()))
	}
	word := func(off int) uint64 {
		var v uint64
		for i := 7; i >= 0; i-- {
			v = v<<8 | uint64(si.Fields[off+i])
		}
		return v
	}
	value := func() {
		v := si.Value()
		num("si_int", int64(int32(v)))
		emit(sigField{key: "si_ptr", num: int64(v), kind: fieldAddr, plain: true})
	}
	switch {
	case code == siUser || code == siTkill:
		pidUID()
	case code == siQueue || code == siMesgq:
		pidUID()
		value()
	case code == siTimer:
		num("si_timerid", int64(si.Pid()))
		num("si_overrun", int64(int32(si.UID())))
		value()
	case code <= 0 || code == siKernel:
		// Nothing more is defined.
	case sig == syscall.SIGCHLD:
		pidUID()
		if code == 1 { // CLD_EXITED
			num("si_status", int64(si.Status()))
		} else {
			sym("si_status", SignalName(syscall.Signal(si.Status())))
		}
		emit(sigField{key: "si_utime", num: int64(word(16)), kind: fieldTicks})
		emit(sigField{key: "si_stime", num: int64(word(24)), kind: fieldTicks})
	case sig == syscall.SIGSEGV || sig == syscall.SIGBUS || sig == syscall.SIGILL ||
		sig == syscall.SIGFPE || sig == syscall.SIGTRAP:
		addr("si_addr", si.Addr())
	case sig == syscall.SIGIO:
		num("si_band", int64(word(0)))
		num("si_fd", int64(int32(word(8))))
	case sig == syscall.SIGSYS:
		emit(sigField{key: "si_call_addr", num: int64(word(0)), kind: fieldAddr, plain: true})
		num("si_syscall", int64(int32(word(8))))
		sym("si_arch", sysabi.Arch(uint32(word(8)>>32)).String())
	}
}

// SigInfo formats a siginfo in strace's braces:
// {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=42, ...}.
func SigInfo(si *ptrace.SigInfo) string {
	var b strings.Builder
	b.WriteString("{")
	first := true
	sigFields(si, func(f sigField) {
		if !first {
			b.WriteString(", ")
		}
		first = false
		b.WriteString(f.key)
		b.WriteString("=")
		switch f.kind {
		case fieldSym:
			b.WriteString(f.sym)
		case fieldNum:
			b.WriteString(strconv.FormatInt(f.num, 10))
		case fieldTicks:
			b.Write(appendTicks(nil, f.num))
		case fieldAddr:
			// si_addr prints NULL for zero; si_ptr and si_call_addr %#lx.
			if f.num == 0 && !f.plain {
				b.WriteString("NULL")
			} else {
				b.WriteString(Hex(uint64(f.num)))
			}
		}
	})
	b.WriteString("}")
	return b.String()
}

// appendSigInfoJSON appends si as a JSON object: names as strings,
// numbers as numbers, addresses as "0x..." strings.
func appendSigInfoJSON(dst []byte, si *ptrace.SigInfo) []byte {
	dst = append(dst, '{')
	first := true
	sigFields(si, func(f sigField) {
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = appendJSONString(dst, f.key)
		dst = append(dst, ':')
		switch f.kind {
		case fieldSym:
			dst = appendJSONString(dst, f.sym)
		case fieldNum, fieldTicks:
			dst = strconv.AppendInt(dst, f.num, 10)
		case fieldAddr:
			dst = append(dst, '"')
			dst = AppendHex(dst, uint64(f.num))
			dst = append(dst, '"')
		}
	})
	return append(dst, '}')
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
