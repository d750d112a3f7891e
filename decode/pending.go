package decode

// Pending appends the arguments that Entry left for Exit, as they stand
// while the call is still in progress, so that Entry's text plus
// Pending's is the whole argument list of a call caught asleep (seize
// snapshot). An output argument that the kernel has not filled in yet
// prints as its address (NULL when null), a value-result argument as the
// value it held at entry ("[16]" for accept's address length), and the
// arguments after them as Entry prints arguments. strace has no
// equivalent: it prints such arguments only when the call returns. Call
// it after Entry, instead of Exit.
func (d *Decoder) Pending(dst []byte, c *Call, mem Memory) (out []byte) {
	if !c.entered || c.desc == nil || c.printed < 0 || c.printed >= len(c.desc.steps) {
		return dst
	}
	start := len(dst)
	defer func() {
		if r := recover(); r != nil {
			if strict {
				panic(r)
			}
			out = dst[:start]
		}
	}()
	p := &c.pr
	*p = printer{d: d, c: c, mem: mem, b: dst}
	for _, st := range c.desc.steps[c.printed:] {
		if !st.k.atExit(p) {
			p.step(st)
			continue
		}
		switch st.k {
		case kSocklen, kOffInOut, kCloneExit:
			// They print the value saved at entry, or pointers, when
			// not at exit.
			p.step(st)
		default:
			p.begin()
			p.ptr(p.arg(st.a))
		}
	}
	return p.b
}
