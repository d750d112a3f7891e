package decode

// prctl(2): the option names the option's arguments and how they print
// (include/uapi/linux/prctl.h, kernel/sys.c). Shapes checked against
// strace 6.1: options that take no argument print none, the others print
// what the option reads (a signal, a capability, a string) and then, for
// the options the kernel checks for zero, the rest in hex; options strace
// does not know print four arguments in hex.

import "golang.org/x/sys/unix"

// Subcommand and value tables of prctl's options.
var (
	prctlOptions = &xlat{unknown: "PR_???", vals: []xval{
		{unix.PR_SET_PDEATHSIG, "PR_SET_PDEATHSIG"}, {unix.PR_GET_PDEATHSIG, "PR_GET_PDEATHSIG"},
		{unix.PR_GET_DUMPABLE, "PR_GET_DUMPABLE"}, {unix.PR_SET_DUMPABLE, "PR_SET_DUMPABLE"},
		{unix.PR_GET_UNALIGN, "PR_GET_UNALIGN"}, {unix.PR_SET_UNALIGN, "PR_SET_UNALIGN"},
		{unix.PR_GET_KEEPCAPS, "PR_GET_KEEPCAPS"}, {unix.PR_SET_KEEPCAPS, "PR_SET_KEEPCAPS"},
		{unix.PR_GET_FPEMU, "PR_GET_FPEMU"}, {unix.PR_SET_FPEMU, "PR_SET_FPEMU"},
		{unix.PR_GET_FPEXC, "PR_GET_FPEXC"}, {unix.PR_SET_FPEXC, "PR_SET_FPEXC"},
		{unix.PR_GET_TIMING, "PR_GET_TIMING"}, {unix.PR_SET_TIMING, "PR_SET_TIMING"},
		{unix.PR_SET_NAME, "PR_SET_NAME"}, {unix.PR_GET_NAME, "PR_GET_NAME"},
		{unix.PR_GET_ENDIAN, "PR_GET_ENDIAN"}, {unix.PR_SET_ENDIAN, "PR_SET_ENDIAN"},
		{unix.PR_GET_SECCOMP, "PR_GET_SECCOMP"}, {unix.PR_SET_SECCOMP, "PR_SET_SECCOMP"},
		{unix.PR_CAPBSET_READ, "PR_CAPBSET_READ"}, {unix.PR_CAPBSET_DROP, "PR_CAPBSET_DROP"},
		{unix.PR_GET_TSC, "PR_GET_TSC"}, {unix.PR_SET_TSC, "PR_SET_TSC"},
		{unix.PR_GET_SECUREBITS, "PR_GET_SECUREBITS"}, {unix.PR_SET_SECUREBITS, "PR_SET_SECUREBITS"},
		{unix.PR_SET_TIMERSLACK, "PR_SET_TIMERSLACK"}, {unix.PR_GET_TIMERSLACK, "PR_GET_TIMERSLACK"},
		{unix.PR_TASK_PERF_EVENTS_DISABLE, "PR_TASK_PERF_EVENTS_DISABLE"},
		{unix.PR_TASK_PERF_EVENTS_ENABLE, "PR_TASK_PERF_EVENTS_ENABLE"},
		{unix.PR_MCE_KILL, "PR_MCE_KILL"}, {unix.PR_MCE_KILL_GET, "PR_MCE_KILL_GET"},
		{unix.PR_SET_MM, "PR_SET_MM"},
		{unix.PR_SET_CHILD_SUBREAPER, "PR_SET_CHILD_SUBREAPER"}, {unix.PR_GET_CHILD_SUBREAPER, "PR_GET_CHILD_SUBREAPER"},
		{unix.PR_SET_NO_NEW_PRIVS, "PR_SET_NO_NEW_PRIVS"}, {unix.PR_GET_NO_NEW_PRIVS, "PR_GET_NO_NEW_PRIVS"},
		{unix.PR_GET_TID_ADDRESS, "PR_GET_TID_ADDRESS"},
		{unix.PR_SET_THP_DISABLE, "PR_SET_THP_DISABLE"}, {unix.PR_GET_THP_DISABLE, "PR_GET_THP_DISABLE"},
		{unix.PR_MPX_ENABLE_MANAGEMENT, "PR_MPX_ENABLE_MANAGEMENT"},
		{unix.PR_MPX_DISABLE_MANAGEMENT, "PR_MPX_DISABLE_MANAGEMENT"},
		{unix.PR_SET_FP_MODE, "PR_SET_FP_MODE"}, {unix.PR_GET_FP_MODE, "PR_GET_FP_MODE"},
		{unix.PR_CAP_AMBIENT, "PR_CAP_AMBIENT"},
		{unix.PR_SVE_SET_VL, "PR_SVE_SET_VL"}, {unix.PR_SVE_GET_VL, "PR_SVE_GET_VL"},
		{unix.PR_GET_SPECULATION_CTRL, "PR_GET_SPECULATION_CTRL"},
		{unix.PR_SET_SPECULATION_CTRL, "PR_SET_SPECULATION_CTRL"},
		{unix.PR_PAC_RESET_KEYS, "PR_PAC_RESET_KEYS"},
		{unix.PR_SET_TAGGED_ADDR_CTRL, "PR_SET_TAGGED_ADDR_CTRL"},
		{unix.PR_GET_TAGGED_ADDR_CTRL, "PR_GET_TAGGED_ADDR_CTRL"},
		{unix.PR_SET_IO_FLUSHER, "PR_SET_IO_FLUSHER"}, {unix.PR_GET_IO_FLUSHER, "PR_GET_IO_FLUSHER"},
		{unix.PR_SET_SYSCALL_USER_DISPATCH, "PR_SET_SYSCALL_USER_DISPATCH"},
		{unix.PR_PAC_SET_ENABLED_KEYS, "PR_PAC_SET_ENABLED_KEYS"},
		{unix.PR_PAC_GET_ENABLED_KEYS, "PR_PAC_GET_ENABLED_KEYS"},
		{unix.PR_SCHED_CORE, "PR_SCHED_CORE"},
		{unix.PR_SME_SET_VL, "PR_SME_SET_VL"}, {unix.PR_SME_GET_VL, "PR_SME_GET_VL"},
		{unix.PR_SET_PTRACER, "PR_SET_PTRACER"}, {unix.PR_SET_VMA, "PR_SET_VMA"},
	}}
	// capNames: include/uapi/linux/capability.h, up to
	// CAP_CHECKPOINT_RESTORE as in strace 6.1.
	capNames = &xlat{unknown: "CAP_???", vals: []xval{
		{unix.CAP_CHOWN, "CAP_CHOWN"}, {unix.CAP_DAC_OVERRIDE, "CAP_DAC_OVERRIDE"},
		{unix.CAP_DAC_READ_SEARCH, "CAP_DAC_READ_SEARCH"}, {unix.CAP_FOWNER, "CAP_FOWNER"},
		{unix.CAP_FSETID, "CAP_FSETID"}, {unix.CAP_KILL, "CAP_KILL"}, {unix.CAP_SETGID, "CAP_SETGID"},
		{unix.CAP_SETUID, "CAP_SETUID"}, {unix.CAP_SETPCAP, "CAP_SETPCAP"},
		{unix.CAP_LINUX_IMMUTABLE, "CAP_LINUX_IMMUTABLE"}, {unix.CAP_NET_BIND_SERVICE, "CAP_NET_BIND_SERVICE"},
		{unix.CAP_NET_BROADCAST, "CAP_NET_BROADCAST"}, {unix.CAP_NET_ADMIN, "CAP_NET_ADMIN"},
		{unix.CAP_NET_RAW, "CAP_NET_RAW"}, {unix.CAP_IPC_LOCK, "CAP_IPC_LOCK"},
		{unix.CAP_IPC_OWNER, "CAP_IPC_OWNER"}, {unix.CAP_SYS_MODULE, "CAP_SYS_MODULE"},
		{unix.CAP_SYS_RAWIO, "CAP_SYS_RAWIO"}, {unix.CAP_SYS_CHROOT, "CAP_SYS_CHROOT"},
		{unix.CAP_SYS_PTRACE, "CAP_SYS_PTRACE"}, {unix.CAP_SYS_PACCT, "CAP_SYS_PACCT"},
		{unix.CAP_SYS_ADMIN, "CAP_SYS_ADMIN"}, {unix.CAP_SYS_BOOT, "CAP_SYS_BOOT"},
		{unix.CAP_SYS_NICE, "CAP_SYS_NICE"}, {unix.CAP_SYS_RESOURCE, "CAP_SYS_RESOURCE"},
		{unix.CAP_SYS_TIME, "CAP_SYS_TIME"}, {unix.CAP_SYS_TTY_CONFIG, "CAP_SYS_TTY_CONFIG"},
		{unix.CAP_MKNOD, "CAP_MKNOD"}, {unix.CAP_LEASE, "CAP_LEASE"}, {unix.CAP_AUDIT_WRITE, "CAP_AUDIT_WRITE"},
		{unix.CAP_AUDIT_CONTROL, "CAP_AUDIT_CONTROL"}, {unix.CAP_SETFCAP, "CAP_SETFCAP"},
		{unix.CAP_MAC_OVERRIDE, "CAP_MAC_OVERRIDE"}, {unix.CAP_MAC_ADMIN, "CAP_MAC_ADMIN"},
		{unix.CAP_SYSLOG, "CAP_SYSLOG"}, {unix.CAP_WAKE_ALARM, "CAP_WAKE_ALARM"},
		{unix.CAP_BLOCK_SUSPEND, "CAP_BLOCK_SUSPEND"}, {unix.CAP_AUDIT_READ, "CAP_AUDIT_READ"},
		{unix.CAP_PERFMON, "CAP_PERFMON"}, {unix.CAP_BPF, "CAP_BPF"},
		{unix.CAP_CHECKPOINT_RESTORE, "CAP_CHECKPOINT_RESTORE"},
	}}
	capAmbientCmds = &xlat{unknown: "PR_CAP_AMBIENT_???", vals: []xval{
		{unix.PR_CAP_AMBIENT_IS_SET, "PR_CAP_AMBIENT_IS_SET"}, {unix.PR_CAP_AMBIENT_RAISE, "PR_CAP_AMBIENT_RAISE"},
		{unix.PR_CAP_AMBIENT_LOWER, "PR_CAP_AMBIENT_LOWER"}, {unix.PR_CAP_AMBIENT_CLEAR_ALL, "PR_CAP_AMBIENT_CLEAR_ALL"},
	}}
	dumpableModes = &xlat{unknown: "SUID_DUMP_???", vals: []xval{
		{0, "SUID_DUMP_DISABLE"}, {1, "SUID_DUMP_USER"}, {2, "SUID_DUMP_ROOT"},
	}}
	mceKillCmds = &xlat{unknown: "PR_MCE_KILL_???", vals: []xval{
		{unix.PR_MCE_KILL_CLEAR, "PR_MCE_KILL_CLEAR"}, {unix.PR_MCE_KILL_SET, "PR_MCE_KILL_SET"},
	}}
	mceKillPolicies = &xlat{unknown: "PR_MCE_KILL_???", vals: []xval{
		{unix.PR_MCE_KILL_LATE, "PR_MCE_KILL_LATE"}, {unix.PR_MCE_KILL_EARLY, "PR_MCE_KILL_EARLY"},
		{unix.PR_MCE_KILL_DEFAULT, "PR_MCE_KILL_DEFAULT"},
	}}
	setMMCmds = &xlat{unknown: "PR_SET_MM_???", vals: []xval{
		{unix.PR_SET_MM_START_CODE, "PR_SET_MM_START_CODE"}, {unix.PR_SET_MM_END_CODE, "PR_SET_MM_END_CODE"},
		{unix.PR_SET_MM_START_DATA, "PR_SET_MM_START_DATA"}, {unix.PR_SET_MM_END_DATA, "PR_SET_MM_END_DATA"},
		{unix.PR_SET_MM_START_STACK, "PR_SET_MM_START_STACK"}, {unix.PR_SET_MM_START_BRK, "PR_SET_MM_START_BRK"},
		{unix.PR_SET_MM_BRK, "PR_SET_MM_BRK"}, {unix.PR_SET_MM_ARG_START, "PR_SET_MM_ARG_START"},
		{unix.PR_SET_MM_ARG_END, "PR_SET_MM_ARG_END"}, {unix.PR_SET_MM_ENV_START, "PR_SET_MM_ENV_START"},
		{unix.PR_SET_MM_ENV_END, "PR_SET_MM_ENV_END"}, {unix.PR_SET_MM_AUXV, "PR_SET_MM_AUXV"},
		{unix.PR_SET_MM_EXE_FILE, "PR_SET_MM_EXE_FILE"}, {unix.PR_SET_MM_MAP, "PR_SET_MM_MAP"},
		{unix.PR_SET_MM_MAP_SIZE, "PR_SET_MM_MAP_SIZE"},
	}}
	setVMACmds = &xlat{unknown: "PR_SET_VMA_???", vals: []xval{{unix.PR_SET_VMA_ANON_NAME, "PR_SET_VMA_ANON_NAME"}}}
	// secureBits: include/uapi/linux/securebits.h, bit n is 1<<n.
	secureBits = &xlat{unknown: "SECBIT_???", vals: []xval{
		{1 << 0, "SECBIT_NOROOT"}, {1 << 1, "SECBIT_NOROOT_LOCKED"},
		{1 << 2, "SECBIT_NO_SETUID_FIXUP"}, {1 << 3, "SECBIT_NO_SETUID_FIXUP_LOCKED"},
		{1 << 4, "SECBIT_KEEP_CAPS"}, {1 << 5, "SECBIT_KEEP_CAPS_LOCKED"},
		{1 << 6, "SECBIT_NO_CAP_AMBIENT_RAISE"}, {1 << 7, "SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED"},
	}}
	seccompModes = &xlat{unknown: "SECCOMP_MODE_???", vals: []xval{
		{0, "SECCOMP_MODE_DISABLED"}, {1, "SECCOMP_MODE_STRICT"}, {2, "SECCOMP_MODE_FILTER"},
	}}
	tscModes = &xlat{unknown: "PR_TSC_???", vals: []xval{
		{unix.PR_TSC_ENABLE, "PR_TSC_ENABLE"}, {unix.PR_TSC_SIGSEGV, "PR_TSC_SIGSEGV"},
	}}
	unalignFlags = &xlat{unknown: "PR_UNALIGN_???", vals: []xval{
		{unix.PR_UNALIGN_NOPRINT, "PR_UNALIGN_NOPRINT"}, {unix.PR_UNALIGN_SIGBUS, "PR_UNALIGN_SIGBUS"},
	}}
	specCmds = &xlat{unknown: "PR_SPEC_???", vals: []xval{
		{unix.PR_SPEC_STORE_BYPASS, "PR_SPEC_STORE_BYPASS"}, {unix.PR_SPEC_INDIRECT_BRANCH, "PR_SPEC_INDIRECT_BRANCH"},
		{unix.PR_SPEC_L1D_FLUSH, "PR_SPEC_L1D_FLUSH"},
	}}
	specSetModes = &xlat{unknown: "PR_SPEC_???", vals: []xval{
		{unix.PR_SPEC_ENABLE, "PR_SPEC_ENABLE"}, {unix.PR_SPEC_DISABLE, "PR_SPEC_DISABLE"},
		{unix.PR_SPEC_FORCE_DISABLE, "PR_SPEC_FORCE_DISABLE"}, {unix.PR_SPEC_DISABLE_NOEXEC, "PR_SPEC_DISABLE_NOEXEC"},
	}}
	specGetFlags = &xlat{vals: []xval{
		{unix.PR_SPEC_PRCTL, "PR_SPEC_PRCTL"}, {unix.PR_SPEC_ENABLE, "PR_SPEC_ENABLE"},
		{unix.PR_SPEC_DISABLE, "PR_SPEC_DISABLE"}, {unix.PR_SPEC_FORCE_DISABLE, "PR_SPEC_FORCE_DISABLE"},
		{unix.PR_SPEC_DISABLE_NOEXEC, "PR_SPEC_DISABLE_NOEXEC"},
	}}
	sysDispatchCmds = &xlat{unknown: "PR_SYS_DISPATCH_???", vals: []xval{
		{unix.PR_SYS_DISPATCH_OFF, "PR_SYS_DISPATCH_OFF"}, {unix.PR_SYS_DISPATCH_ON, "PR_SYS_DISPATCH_ON"},
	}}
	vlFlags = &xlat{vals: []xval{
		{unix.PR_SVE_SET_VL_ONEXEC, "PR_SVE_SET_VL_ONEXEC"}, {unix.PR_SVE_VL_INHERIT, "PR_SVE_VL_INHERIT"},
	}}
	smeVLFlags = &xlat{vals: []xval{
		{unix.PR_SME_SET_VL_ONEXEC, "PR_SME_SET_VL_ONEXEC"}, {unix.PR_SME_VL_INHERIT, "PR_SME_VL_INHERIT"},
	}}
	fpModes = &xlat{unknown: "PR_FP_MODE_???", vals: []xval{
		{unix.PR_FP_MODE_FR, "PR_FP_MODE_FR"}, {unix.PR_FP_MODE_FRE, "PR_FP_MODE_FRE"},
	}}
	schedCoreCmds = &xlat{unknown: "PR_SCHED_CORE_???", vals: []xval{
		{unix.PR_SCHED_CORE_GET, "PR_SCHED_CORE_GET"}, {unix.PR_SCHED_CORE_CREATE, "PR_SCHED_CORE_CREATE"},
		{unix.PR_SCHED_CORE_SHARE_TO, "PR_SCHED_CORE_SHARE_TO"}, {unix.PR_SCHED_CORE_SHARE_FROM, "PR_SCHED_CORE_SHARE_FROM"},
	}}
	// schedCorePidTypes: include/linux/pid.h's enum pid_type, as
	// PR_SCHED_CORE takes it.
	schedCorePidTypes = &xlat{unknown: "PIDTYPE_???", vals: []xval{
		{0, "PIDTYPE_PID"}, {1, "PIDTYPE_TGID"}, {2, "PIDTYPE_PGID"},
	}}
	mteTCFModes = &xlat{vals: []xval{
		{unix.PR_MTE_TCF_NONE, "PR_MTE_TCF_NONE"}, {unix.PR_MTE_TCF_SYNC, "PR_MTE_TCF_SYNC"},
		{unix.PR_MTE_TCF_ASYNC, "PR_MTE_TCF_ASYNC"}, {unix.PR_MTE_TCF_MASK, "PR_MTE_TCF_SYNC|PR_MTE_TCF_ASYNC"},
	}}
)

// prctlAtExit tells whether prctl's option stores a value the call's
// text shows (PR_GET_NAME's name): its arguments then print at exit.
func prctlAtExit(c *Call) bool {
	switch c.args[0] & 0xffffffff {
	case unix.PR_GET_NAME, unix.PR_GET_PDEATHSIG, unix.PR_GET_CHILD_SUBREAPER, unix.PR_GET_ENDIAN,
		unix.PR_GET_FPEMU, unix.PR_GET_FPEXC, unix.PR_GET_TID_ADDRESS, unix.PR_GET_TSC, unix.PR_GET_UNALIGN:
		return true
	case unix.PR_SCHED_CORE:
		return c.args[1]&0xffffffff == unix.PR_SCHED_CORE_GET
	}
	return false
}

// prctlHex prints arguments from..4 in hex.
func (p *printer) prctlHex(from int8) {
	for i := from; i < 5; i++ {
		p.begin()
		p.hex(p.arg(i))
	}
}

// prctlArgs prints prctl's arguments after the option.
func (p *printer) prctlArgs() {
	opt := p.arg(0) & 0xffffffff
	a2, a3 := p.arg(1), p.arg(2)
	switch opt {
	case unix.PR_GET_KEEPCAPS, unix.PR_GET_SECCOMP, unix.PR_GET_TIMERSLACK, unix.PR_GET_TIMING,
		unix.PR_GET_DUMPABLE, unix.PR_GET_SECUREBITS, unix.PR_GET_FP_MODE, unix.PR_SVE_GET_VL,
		unix.PR_SME_GET_VL, unix.PR_TASK_PERF_EVENTS_DISABLE, unix.PR_TASK_PERF_EVENTS_ENABLE:
		// No arguments.
	case unix.PR_GET_CHILD_SUBREAPER, unix.PR_GET_ENDIAN, unix.PR_GET_FPEMU, unix.PR_GET_FPEXC:
		p.begin()
		p.outPtr(a2, func(b []byte) { p.udec(uint64(le.Uint32(b))) }, 4)
	case unix.PR_GET_NAME:
		p.begin()
		if p.failed() {
			p.ptr(a2)
			return
		}
		p.commName(a2, 16)
	case unix.PR_GET_PDEATHSIG:
		p.begin()
		p.outPtr(a2, func(b []byte) { p.sig(int64(le.Uint32(b))) }, 4)
	case unix.PR_GET_TID_ADDRESS:
		p.begin()
		n := p.wordSize()
		p.outPtr(a2, func(b []byte) {
			if n == 8 {
				p.ptr(le.Uint64(b))
			} else {
				p.ptr(uint64(le.Uint32(b)))
			}
		}, n)
	case unix.PR_GET_TSC:
		p.begin()
		p.outPtr(a2, func(b []byte) { p.b = appendEnum(p.b, tscModes, uint64(le.Uint32(b))) }, 4)
	case unix.PR_GET_UNALIGN:
		p.begin()
		p.outPtr(a2, func(b []byte) { p.b = appendFlags(p.b, unalignFlags, uint64(le.Uint32(b))) }, 4)
	case unix.PR_GET_SPECULATION_CTRL:
		p.begin()
		p.b = appendEnum(p.b, specCmds, a2)
	case unix.PR_SET_CHILD_SUBREAPER, unix.PR_SET_ENDIAN, unix.PR_SET_FPEMU, unix.PR_SET_FPEXC,
		unix.PR_SET_KEEPCAPS, unix.PR_SET_TIMING:
		p.begin()
		p.udec(a2)
	case unix.PR_SET_DUMPABLE:
		p.begin()
		p.b = appendEnum(p.b, dumpableModes, a2)
	case unix.PR_CAPBSET_READ, unix.PR_CAPBSET_DROP:
		p.begin()
		p.b = appendEnum(p.b, capNames, a2)
	case unix.PR_CAP_AMBIENT:
		p.begin()
		p.b = appendEnum(p.b, capAmbientCmds, a2)
		switch a2 {
		case unix.PR_CAP_AMBIENT_RAISE, unix.PR_CAP_AMBIENT_LOWER, unix.PR_CAP_AMBIENT_IS_SET:
			p.begin()
			p.b = appendEnum(p.b, capNames, a3)
			p.prctlHex(3)
		default:
			p.prctlHex(2)
		}
	case unix.PR_MCE_KILL:
		p.begin()
		p.b = appendEnum(p.b, mceKillCmds, a2)
		p.begin()
		if a2 == unix.PR_MCE_KILL_SET {
			p.b = appendEnum(p.b, mceKillPolicies, a3)
		} else {
			p.hex(a3)
		}
		p.prctlHex(3)
	case unix.PR_SET_NAME:
		p.begin()
		p.commName(a2, 15)
	case unix.PR_SET_VMA:
		p.begin()
		p.b = appendEnum(p.b, setVMACmds, a2)
		if a2 != unix.PR_SET_VMA_ANON_NAME {
			p.prctlHex(2)
			return
		}
		p.begin()
		p.ptr(a3)
		p.begin()
		p.udec(p.arg(3))
		p.begin()
		p.str(p.arg(4))
	case unix.PR_SET_MM:
		p.begin()
		p.b = appendEnum(p.b, setMMCmds, a2&0xffffffff)
		p.prctlHex(2)
	case unix.PR_SET_PDEATHSIG:
		p.begin()
		if a2 > 128 {
			p.udec(a2)
		} else {
			p.sig(int64(a2))
		}
	case unix.PR_SET_PTRACER:
		p.begin()
		if int32(a2) == -1 {
			p.s("PR_SET_PTRACER_ANY")
		} else {
			p.dec(int64(int32(a2)))
		}
	case unix.PR_SET_SECCOMP:
		p.begin()
		p.b = appendEnum(p.b, seccompModes, a2)
		switch a2 {
		case 1: // SECCOMP_MODE_STRICT
		case 2: // SECCOMP_MODE_FILTER
			p.begin()
			p.sockFprog(a3)
		default:
			p.prctlHex(2)
		}
	case unix.PR_SET_SECUREBITS:
		p.begin()
		p.b = appendFlags(p.b, secureBits, a2)
	case unix.PR_SET_TIMERSLACK:
		p.begin()
		p.dec(p.argLong(1))
	case unix.PR_SET_TSC:
		p.begin()
		p.b = appendEnum(p.b, tscModes, a2&0xffffffff)
	case unix.PR_SET_UNALIGN:
		p.begin()
		p.b = appendFlags(p.b, unalignFlags, a2&0xffffffff)
	case unix.PR_SET_NO_NEW_PRIVS, unix.PR_SET_THP_DISABLE, unix.PR_SET_IO_FLUSHER:
		p.begin()
		p.udec(a2)
		p.prctlHex(2)
	case unix.PR_SET_SPECULATION_CTRL:
		p.begin()
		p.b = appendEnum(p.b, specCmds, a2)
		p.begin()
		switch a2 {
		case unix.PR_SPEC_STORE_BYPASS, unix.PR_SPEC_INDIRECT_BRANCH, unix.PR_SPEC_L1D_FLUSH:
			p.b = appendEnum(p.b, specSetModes, a3)
		default:
			p.hex(a3)
		}
	case unix.PR_SET_SYSCALL_USER_DISPATCH:
		p.begin()
		p.b = appendEnum(p.b, sysDispatchCmds, a2)
		p.begin()
		p.hex(a3)
		p.begin()
		p.hex(p.arg(3))
		p.begin()
		p.ptr(p.arg(4))
	case unix.PR_SVE_SET_VL:
		p.begin()
		p.vl(a2, vlFlags, unix.PR_SVE_VL_LEN_MASK)
	case unix.PR_SME_SET_VL:
		p.begin()
		p.vl(a2, smeVLFlags, unix.PR_SME_VL_LEN_MASK)
	case unix.PR_SET_FP_MODE:
		p.begin()
		p.b = appendFlags(p.b, fpModes, a2&0xffffffff)
	case unix.PR_SCHED_CORE:
		p.begin()
		p.b = appendEnum(p.b, schedCoreCmds, a2&0xffffffff)
		p.begin()
		p.dec(int64(int32(a3)))
		p.begin()
		pt := p.arg(3) & 0xffffffff
		p.hex(pt)
		n, ok := schedCorePidTypes.lookup(pt)
		if !ok {
			n = schedCorePidTypes.unknown
		}
		p.s(" /* " + n + " */")
		p.begin()
		if a2&0xffffffff == unix.PR_SCHED_CORE_GET && !p.failed() {
			p.outPtr(p.arg(4), func(b []byte) { p.hex(le.Uint64(b)) }, 8)
		} else {
			p.ptr(p.arg(4))
		}
	case unix.PR_SET_TAGGED_ADDR_CTRL:
		p.begin()
		p.taggedAddr(a2)
		p.prctlHex(2)
	default:
		// The options that take no pointer (PR_GET_NO_NEW_PRIVS, ...) and
		// the unknown ones.
		p.prctlHex(1)
	}
}

// outPtr prints "[v]" for an n-byte value the kernel stored at addr, or
// the address when the call failed or the memory cannot be read.
func (p *printer) outPtr(addr uint64, print func([]byte), n int) {
	var b [8]byte
	if p.failed() || !p.read(addr, b[:n]) {
		p.ptr(addr)
		return
	}
	p.s("[")
	print(b[:n])
	p.s("]")
}

// commName prints a task name of at most n bytes, the way the kernel
// keeps it (TASK_COMM_LEN): "..." when the string goes on.
func (p *printer) commName(addr uint64, n int) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	if p.mem == nil {
		p.hex(addr)
		return
	}
	s, complete, ok := p.cstr(addr, n)
	if !ok {
		p.hex(addr)
		return
	}
	p.b = p.d.quote(p.b, s, !complete, 0)
}

// sockFprog prints struct sock_fprog: {len=N, filter=ADDR}, or with -v
// the instructions instead of ADDR.
func (p *printer) sockFprog(addr uint64) {
	ws := uint64(p.wordSize())
	var b [16]byte
	if addr == 0 {
		p.s("NULL")
		return
	}
	if !p.read(addr, b[:2*ws]) {
		p.hex(addr)
		return
	}
	n := le.Uint16(b[:])
	filter := uint64(le.Uint32(b[4:]))
	if ws == 8 {
		filter = le.Uint64(b[8:])
	}
	p.s("{len=")
	p.udec(uint64(n))
	p.s(", filter=")
	if p.d.Opts.Verbose {
		p.bpfProgram(filter, int(n)) // -v: the instructions
	} else {
		p.ptr(filter)
	}
	p.s("}")
}

// vl prints an SVE or SME vector length: its flags, then the length.
func (p *printer) vl(v uint64, flags *xlat, mask uint64) {
	if f := v &^ mask; f != 0 {
		p.b = appendFlags(p.b, flags, f)
		p.s("|")
	}
	p.hex(v & mask)
}

// taggedAddr prints PR_SET_TAGGED_ADDR_CTRL's control word.
func (p *printer) taggedAddr(v uint64) {
	if v&unix.PR_TAGGED_ADDR_ENABLE == 0 {
		p.s("!")
	}
	p.s("PR_TAGGED_ADDR_ENABLE|")
	p.b = appendEnum(p.b, mteTCFModes, v&unix.PR_MTE_TCF_MASK)
	if tag := v & unix.PR_MTE_TAG_MASK; tag != 0 {
		p.s("|")
		p.hex(tag >> unix.PR_MTE_TAG_SHIFT)
		p.s("<<PR_MTE_TAG_SHIFT")
	}
	if rest := v &^ (unix.PR_TAGGED_ADDR_ENABLE | unix.PR_MTE_TCF_MASK | unix.PR_MTE_TAG_MASK); rest != 0 {
		p.s("|")
		p.hex(rest)
	}
}

// prctlResult adds the name of what the option returns:
// "1 (SUID_DUMP_USER)", "0x15 (SECBIT_NOROOT|...)".
func prctlResult(p *printer) bool {
	ret := uint64(p.c.ret)
	aux := func(x *xlat) bool {
		p.dec(p.c.ret)
		if n, ok := x.lookup(ret); ok {
			p.s(" (")
			p.s(n)
			p.s(")")
		}
		return true
	}
	hexFlags := func(x *xlat) bool {
		if ret == 0 {
			return false
		}
		p.hex(ret)
		p.s(" (")
		p.b = appendFlags(p.b, x, ret)
		p.s(")")
		return true
	}
	switch p.arg(0) & 0xffffffff {
	case unix.PR_GET_DUMPABLE:
		return aux(dumpableModes)
	case unix.PR_MCE_KILL_GET:
		return aux(mceKillPolicies)
	case unix.PR_GET_SECUREBITS:
		return hexFlags(secureBits)
	case unix.PR_GET_FP_MODE:
		return hexFlags(fpModes)
	case unix.PR_GET_SPECULATION_CTRL:
		switch p.arg(1) {
		case unix.PR_SPEC_STORE_BYPASS, unix.PR_SPEC_INDIRECT_BRANCH, unix.PR_SPEC_L1D_FLUSH:
			p.hex(ret)
			if ret != 0 {
				p.s(" (")
				p.b = appendFlags(p.b, specGetFlags, ret)
				p.s(")")
			} else {
				p.s(" (PR_SPEC_NOT_AFFECTED)")
			}
			return true
		}
	}
	return false
}
