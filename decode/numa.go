package decode

// NUMA memory policy calls: set_mempolicy, get_mempolicy, mbind
// (include/uapi/linux/mempolicy.h, mm/mempolicy.c).

var (
	mpolModes = &xlat{unknown: "MPOL_???", vals: []xval{
		{0, "MPOL_DEFAULT"}, {1, "MPOL_PREFERRED"}, {2, "MPOL_BIND"}, {3, "MPOL_INTERLEAVE"},
		{4, "MPOL_LOCAL"}, {5, "MPOL_PREFERRED_MANY"},
	}}
	// mpolModeFlags are the flags or'ed into a mode (MPOL_MODE_FLAGS).
	mpolModeFlags = &xlat{vals: []xval{
		{1 << 15, "MPOL_F_STATIC_NODES"}, {1 << 14, "MPOL_F_RELATIVE_NODES"}, {1 << 13, "MPOL_F_NUMA_BALANCING"},
	}}
	mpolGetFlags = &xlat{unknown: "MPOL_F_???", vals: []xval{
		{1, "MPOL_F_NODE"}, {2, "MPOL_F_ADDR"}, {4, "MPOL_F_MEMS_ALLOWED"},
	}}
	mpolMbindFlags = &xlat{unknown: "MPOL_MF_???", vals: []xval{
		{1, "MPOL_MF_STRICT"}, {2, "MPOL_MF_MOVE"}, {4, "MPOL_MF_MOVE_ALL"},
	}}
)

const mpolFlagBits = 1<<15 | 1<<14 | 1<<13

// mpolMode prints a policy mode with its flags: "MPOL_BIND|MPOL_F_STATIC_NODES".
func (p *printer) mpolMode(v uint64) {
	p.b = appendEnum(p.b, mpolModes, v&^mpolFlagBits)
	p.b = appendFlagsAfter(p.b, mpolModeFlags, v&mpolFlagBits)
}

// mpolModeOut prints the mode get_mempolicy stored: "[MPOL_DEFAULT]".
func (p *printer) mpolModeOut(addr uint64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	v, ok := p.readU32(addr)
	if p.failed() || !ok {
		p.hex(addr)
		return
	}
	p.s("[")
	p.mpolMode(v)
	p.s("]")
}

// nodemask prints the bitmap of maxnode-1 bits (the kernel's get_nodes
// reads that many) as unsigned longs: [0x00000000000001, 0000000000000000].
func (p *printer) nodemask(addr, maxnode uint64) {
	if addr == 0 {
		p.s("NULL")
		return
	}
	bits := uint64(8 * p.wordSize())
	if maxnode == 0 || maxnode > 1<<20 {
		p.hex(addr)
		return
	}
	n := (maxnode - 1 + bits - 1) / bits
	if n == 0 {
		p.s("[]")
		return
	}
	width := int(bits / 4)
	limit := uint64(p.elemLimit())
	p.s("[")
	for i := uint64(0); i < n; i++ {
		if i > 0 {
			p.s(", ")
		}
		if i == limit {
			p.s("...")
			break
		}
		w, ok := p.readWord(addr + i*bits/8)
		if !ok {
			if i == 0 {
				p.b = p.b[:len(p.b)-1]
				p.hex(addr)
				return
			}
			p.s("...")
			break
		}
		p.b = appendPaddedHex(p.b, w, width)
	}
	p.s("]")
}

// appendPaddedHex is C's "%#0*lx": zero-padded to width characters,
// the "0x" counted in it and left out for zero.
func appendPaddedHex(dst []byte, v uint64, width int) []byte {
	var digits [16]byte
	n := 0
	for x := v; x != 0; x >>= 4 {
		n++
	}
	prefix := 0
	if v != 0 {
		prefix = 2
		dst = append(dst, '0', 'x')
	}
	for i := prefix + n; i < width; i++ {
		dst = append(dst, '0')
	}
	for i := n - 1; i >= 0; i-- {
		digits[i] = hexDigits[v&0xf]
		v >>= 4
	}
	return append(dst, digits[:n]...)
}
