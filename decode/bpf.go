package decode

// Classic BPF programs, as strace -v prints a seccomp filter:
// [BPF_STMT(BPF_LD|BPF_W|BPF_ABS, 0x4), BPF_JUMP(BPF_JMP|BPF_K|BPF_JEQ,
// 0xc000003e, 0x1, 0), ...]. Without -v the program is its address.

var (
	bpfClasses = &xlat{unknown: "BPF_???", vals: []xval{
		{0, "BPF_LD"}, {1, "BPF_LDX"}, {2, "BPF_ST"}, {3, "BPF_STX"},
		{4, "BPF_ALU"}, {5, "BPF_JMP"}, {6, "BPF_RET"}, {7, "BPF_MISC"},
	}}
	bpfSizes = &xlat{unknown: "BPF_???", vals: []xval{{0x00, "BPF_W"}, {0x08, "BPF_H"}, {0x10, "BPF_B"}, {0x18, "BPF_DW"}}}
	bpfModes = &xlat{unknown: "BPF_???", vals: []xval{
		{0x00, "BPF_IMM"}, {0x20, "BPF_ABS"}, {0x40, "BPF_IND"}, {0x60, "BPF_MEM"}, {0x80, "BPF_LEN"}, {0xa0, "BPF_MSH"},
	}}
	bpfSrcs   = &xlat{unknown: "BPF_???", vals: []xval{{0x00, "BPF_K"}, {0x08, "BPF_X"}}}
	bpfALUOps = &xlat{unknown: "BPF_???", vals: []xval{
		{0x00, "BPF_ADD"}, {0x10, "BPF_SUB"}, {0x20, "BPF_MUL"}, {0x30, "BPF_DIV"}, {0x40, "BPF_OR"}, {0x50, "BPF_AND"},
		{0x60, "BPF_LSH"}, {0x70, "BPF_RSH"}, {0x80, "BPF_NEG"}, {0x90, "BPF_MOD"}, {0xa0, "BPF_XOR"},
	}}
	bpfJmpOps = &xlat{unknown: "BPF_???", vals: []xval{
		{0x00, "BPF_JA"}, {0x10, "BPF_JEQ"}, {0x20, "BPF_JGT"}, {0x30, "BPF_JGE"}, {0x40, "BPF_JSET"},
	}}
	bpfRvals   = &xlat{unknown: "BPF_???", vals: []xval{{0x00, "BPF_K"}, {0x08, "BPF_X"}, {0x10, "BPF_A"}}}
	bpfMiscOps = &xlat{unknown: "BPF_???", vals: []xval{{0x00, "BPF_TAX"}, {0x80, "BPF_TXA"}}}
	// seccompActions: the action half of a seccomp filter's return value.
	seccompActions = &xlat{unknown: "SECCOMP_RET_???", vals: []xval{
		{0x80000000, "SECCOMP_RET_KILL_PROCESS"}, {0x00000000, "SECCOMP_RET_KILL_THREAD"},
		{0x00030000, "SECCOMP_RET_TRAP"}, {0x00050000, "SECCOMP_RET_ERRNO"},
		{0x7fc00000, "SECCOMP_RET_USER_NOTIF"}, {0x7ff00000, "SECCOMP_RET_TRACE"},
		{0x7ffc0000, "SECCOMP_RET_LOG"}, {0x7fff0000, "SECCOMP_RET_ALLOW"},
	}}
)

// seccomp(2)'s operations and filter flags.
var (
	seccompOps = &xlat{unknown: "SECCOMP_SET_MODE_???", vals: []xval{
		{0, "SECCOMP_SET_MODE_STRICT"}, {1, "SECCOMP_SET_MODE_FILTER"},
		{2, "SECCOMP_GET_ACTION_AVAIL"}, {3, "SECCOMP_GET_NOTIF_SIZES"},
	}}
	seccompFilterFlags = &xlat{unknown: "SECCOMP_FILTER_FLAG_???", vals: []xval{
		{1, "SECCOMP_FILTER_FLAG_TSYNC"}, {2, "SECCOMP_FILTER_FLAG_LOG"}, {4, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"},
		{8, "SECCOMP_FILTER_FLAG_NEW_LISTENER"}, {16, "SECCOMP_FILTER_FLAG_TSYNC_ESRCH"},
		{32, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"},
	}}
)

// seccompArgs prints seccomp(2)'s flags (step kSeccompFlags) or its
// argument (kSeccompArg), which depend on the operation.
func (p *printer) seccompArgs(k kind, v uint64) {
	op := p.c.args[0]
	if k == kSeccompFlags {
		if op == 1 { // SECCOMP_SET_MODE_FILTER
			p.b = appendFlags(p.b, seccompFilterFlags, v&0xffffffff)
		} else {
			p.hex(v & 0xffffffff)
		}
		return
	}
	switch op {
	case 1:
		p.sockFprog(v)
	case 2: // SECCOMP_GET_ACTION_AVAIL: the action asked about
		w, ok := p.readU32(v)
		if v == 0 || !ok {
			p.ptr(v)
			return
		}
		p.s("[")
		p.b = appendEnum(p.b, seccompActions, uint64(w))
		p.s("]")
	case 3: // SECCOMP_GET_NOTIF_SIZES
		var b [6]byte
		if p.failed() || !p.read(v, b[:]) {
			p.ptr(v)
			return
		}
		p.u16Fields(b[:], "seccomp_notif", "seccomp_notif_resp", "seccomp_data")
	default:
		p.ptr(v)
	}
}

// bpfMaxInsns bounds how many instructions are read (the kernel's
// BPF_MAXINSNS).
const bpfMaxInsns = 4096

// bpfProgram prints n instructions at addr, a seccomp filter's: a return
// value is a SECCOMP_RET_* action and its data.
func (p *printer) bpfProgram(addr uint64, n int) {
	if addr == 0 || n > bpfMaxInsns {
		p.ptr(addr)
		return
	}
	var ins [8]byte
	if !p.read(addr, ins[:]) && n > 0 {
		p.hex(addr)
		return
	}
	p.s("[")
	for i := 0; i < n; i++ {
		if i > 0 {
			p.s(", ")
			if !p.read(addr+uint64(8*i), ins[:]) {
				p.s("...")
				break
			}
		}
		code := uint64(le.Uint16(ins[0:]))
		jt, jf := uint64(ins[2]), uint64(ins[3])
		k := uint64(le.Uint32(ins[4:]))
		jump := code&7 == 5 && (jt != 0 || jf != 0)
		if jump {
			p.s("BPF_JUMP(")
		} else {
			p.s("BPF_STMT(")
		}
		p.bpfCode(code)
		p.s(", ")
		if code&7 == 6 { // BPF_RET
			p.seccompRet(k)
		} else {
			p.hex(k)
		}
		if jump {
			p.s(", ")
			p.hex(jt)
			p.s(", ")
			p.hex(jf)
		}
		p.s(")")
	}
	p.s("]")
}

// bpfCode prints an instruction's code: its class and the fields that
// class has, then any other bit as unknown.
func (p *printer) bpfCode(code uint64) {
	class := code & 7
	p.b = appendEnum(p.b, bpfClasses, class)
	rest := uint64(0)
	field := func(x *xlat, v uint64) {
		p.s("|")
		p.b = appendEnum(p.b, x, v)
	}
	switch class {
	case 0, 1: // BPF_LD, BPF_LDX
		field(bpfSizes, code&0x18)
		field(bpfModes, code&0xe0)
	case 2, 3: // BPF_ST, BPF_STX
		rest = code &^ 7
	case 4, 5: // BPF_ALU, BPF_JMP
		field(bpfSrcs, code&0x08)
		if class == 4 {
			field(bpfALUOps, code&0xf0)
		} else {
			field(bpfJmpOps, code&0xf0)
		}
	case 6: // BPF_RET
		field(bpfRvals, code&0x18)
		rest = code &^ (7 | 0x18)
	case 7: // BPF_MISC
		field(bpfMiscOps, code&0xf8)
		rest = code &^ (7 | 0xf8)
	}
	if rest != 0 {
		p.s("|")
		p.hex(rest)
		p.s(" /* BPF_??? */")
	}
}

// seccompRet prints a seccomp filter's return value: the action, and its
// data in hex ("SECCOMP_RET_ERRNO|0x1").
func (p *printer) seccompRet(k uint64) {
	action, data := k&0xffff0000, k&0xffff
	p.b = appendEnum(p.b, seccompActions, action)
	if data != 0 {
		p.s("|")
		p.hex(data)
	}
}
