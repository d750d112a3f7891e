package decode

// capget and capset: {version=_LINUX_CAPABILITY_VERSION_3, pid=0} and
// {effective=1<<CAP_CHOWN|..., permitted=..., inheritable=0}, as strace
// prints them: each 32-bit half of a mask as flags of its own.

var (
	// efdFlags: eventfd2's flags.
	efdFlags = &xlat{unknown: "EFD_???", vals: []xval{
		{1, "EFD_SEMAPHORE"}, {0x80000, "EFD_CLOEXEC"}, {0x800, "EFD_NONBLOCK"},
	}}
	capVersions = &xlat{unknown: "_LINUX_CAPABILITY_VERSION_???", vals: []xval{
		{0x19980330, "_LINUX_CAPABILITY_VERSION_1"}, {0x20071026, "_LINUX_CAPABILITY_VERSION_2"},
		{0x20080522, "_LINUX_CAPABILITY_VERSION_3"},
	}}
	// capBits[0] names bits 0-31 of a mask ("1<<CAP_CHOWN"), capBits[1]
	// bits 32-63 by their place in the upper half.
	capBits = func() (b [2]*xlat) {
		for i := range b {
			b[i] = &xlat{unknown: "CAP_???"}
		}
		for _, e := range capNames.vals {
			if e.v < 64 {
				b[e.v/32].vals = append(b[e.v/32].vals, xval{1 << (e.v % 32), "1<<" + e.name})
			}
		}
		return b
	}()
)

// capVersion reads the version of the header at addr; 0, false if it
// cannot be read.
func (p *printer) capVersion(addr uint64) (uint32, bool) {
	if addr == 0 {
		return 0, false
	}
	v, ok := p.readU32(addr)
	return uint32(v), ok
}

// capHeader prints struct __user_cap_header_struct.
func (p *printer) capHeader(addr uint64) {
	var b [8]byte
	if addr == 0 || !p.read(addr, b[:]) {
		p.ptr(addr)
		return
	}
	p.s("{version=")
	p.b = appendEnum(p.b, capVersions, uint64(le.Uint32(b[0:])))
	p.s(", pid=")
	p.dec(int64(int32(le.Uint32(b[4:]))))
	p.s("}")
}

// capData prints the capability sets at addr: one struct of 32-bit masks
// for version 1, two (the lower and upper halves) for versions 2 and 3.
// Any other version leaves them as an address, as the kernel does.
func (p *printer) capData(addr uint64) {
	version, ok := p.capVersion(p.arg(0))
	n := 0
	switch {
	case !ok:
	case version == 0x19980330:
		n = 1
	case version == 0x20071026 || version == 0x20080522:
		n = 2
	}
	var b [24]byte
	if addr == 0 || n == 0 || !p.read(addr, b[:12*n]) {
		p.ptr(addr)
		return
	}
	for i, name := range [...]string{"{effective=", ", permitted=", ", inheritable="} {
		p.s(name)
		lo := uint64(le.Uint32(b[4*i:]))
		hi := uint64(0)
		if n == 2 {
			hi = uint64(le.Uint32(b[12+4*i:]))
		}
		if lo != 0 || hi == 0 {
			p.b = appendFlags(p.b, capBits[0], lo)
		}
		if hi != 0 {
			if lo != 0 {
				p.s("|")
			}
			p.b = appendFlags(p.b, capBits[1], hi)
		}
	}
	p.s("}")
}
