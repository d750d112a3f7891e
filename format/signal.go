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

// sigField is one field of a siginfo as strace prints it: a name
// ("SIGCHLD", "CLD_EXITED", "x86_64"), a number, or an address (hex, or
// NULL when zero).
type sigField struct {
	key   string
	sym   string
	num   int64
	kind  uint8
	plain bool   // an address printed as %#lx even when zero (no NULL)
	text  string // what the text form prints instead, if not ""
}

const (
	fieldNum uint8 = iota
	fieldSym
	fieldAddr
	fieldTicks // a clock_t: strace adds "/* 0.01 s */" in text when not 0
	fieldHex   // a number strace prints in hex (%#x): a number in JSON
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
	emit(sigField{key: "si_signo", sym: SignalName(syscall.Signal(si.Signo)), kind: fieldSym})
	code := int(si.Code)
	if n := sysabi.SigCodeName(int(si.Signo), code); n != "" {
		emit(sigField{key: "si_code", sym: n, kind: fieldSym})
	} else {
		emit(sigField{key: "si_code", num: int64(code), kind: fieldNum})
	}
	if si.Errno != 0 {
		emit(sigField{key: "si_errno", num: int64(si.Errno), kind: fieldNum})
	}
	sysabi.SigInfoFields(int(si.Signo), code, si.Fields[:], 8, func(sf sysabi.SigField) {
		f := sigField{key: sf.Key, num: sf.Val}
		switch sf.Kind {
		case sysabi.SigNum:
			f.kind = fieldNum
		case sysabi.SigHex:
			f.kind = fieldHex
		case sysabi.SigAddr:
			f.kind = fieldAddr
		case sysabi.SigPtr:
			f.kind, f.plain = fieldAddr, true
		case sysabi.SigTicks:
			f.kind = fieldTicks
		case sysabi.SigSignal:
			f.kind, f.sym = fieldSym, SignalName(syscall.Signal(sf.Val))
		case sysabi.SigSyscall:
			// strace's text names the call; JSON keeps the number.
			f.kind, f.text = fieldNum, sysabi.SigSyscallName(sf.Arch, sf.Val)
		case sysabi.SigArch:
			a := sysabi.Arch(uint32(sf.Val))
			f.kind, f.sym, f.text = fieldSym, a.String(), a.AuditName()
			if f.text == "" {
				f.text = Hex(uint64(uint32(sf.Val)))
			}
		}
		emit(f)
	})
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
		if f.text != "" {
			b.WriteString(f.text)
			return
		}
		switch f.kind {
		case fieldSym:
			b.WriteString(f.sym)
		case fieldNum:
			b.WriteString(strconv.FormatInt(f.num, 10))
		case fieldTicks:
			b.Write(appendTicks(nil, f.num))
		case fieldHex:
			b.WriteString(Hex(uint64(f.num)))
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
		case fieldNum, fieldTicks, fieldHex:
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
