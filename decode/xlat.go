package decode

import "strconv"

// xval names one value of a flag set or enumeration.
type xval struct {
	v    uint64
	name string
}

// xlat is a table of names for the values of one argument or field: an
// enumeration (one value) or a flag set (several bits). Entries are kept
// in the order strace prints them; for flags, a composite entry (O_SYNC,
// STATX_BASIC_STATS) comes before its parts so that it wins.
type xlat struct {
	vals []xval
	// unknown is the comment strace prints after a value it cannot name,
	// "0x63 /* F_??? */".
	unknown string
	// zero, for flag sets, is what 0 prints as when no entry has value 0
	// ("0" if empty).
	zero string
}

// lookup returns the name of v in an enumeration.
func (x *xlat) lookup(v uint64) (string, bool) {
	for _, e := range x.vals {
		if e.v == v {
			return e.name, true
		}
	}
	return "", false
}

// appendHex appends v as C's %#x does ("0" for zero).
func appendHex(dst []byte, v uint64) []byte {
	if v == 0 {
		return append(dst, '0')
	}
	dst = append(dst, '0', 'x')
	return strconv.AppendUint(dst, v, 16)
}

// appendEnum appends v's name, or "0x63 /* F_??? */" for unknown values.
func appendEnum(dst []byte, x *xlat, v uint64) []byte {
	if n, ok := x.lookup(v); ok {
		return append(dst, n...)
	}
	dst = appendHex(dst, v)
	if x.unknown != "" {
		dst = append(dst, " /* "...)
		dst = append(dst, x.unknown...)
		dst = append(dst, " */"...)
	}
	return dst
}

// appendFlags appends v as names joined by '|', unknown bits last in hex;
// a value with no known bit prints as "0x10 /* PROT_??? */".
func appendFlags(dst []byte, x *xlat, v uint64) []byte {
	if v == 0 {
		for _, e := range x.vals {
			if e.v == 0 {
				return append(dst, e.name...)
			}
		}
		if x.zero != "" {
			return append(dst, x.zero...)
		}
		return append(dst, '0')
	}
	n := 0
	for _, e := range x.vals {
		if e.v != 0 && v&e.v == e.v {
			if n > 0 {
				dst = append(dst, '|')
			}
			dst = append(dst, e.name...)
			v &^= e.v
			n++
		}
	}
	if v != 0 {
		if n > 0 {
			dst = append(dst, '|')
		}
		dst = appendHex(dst, v)
		if n == 0 && x.unknown != "" {
			dst = append(dst, " /* "...)
			dst = append(dst, x.unknown...)
			dst = append(dst, " */"...)
		}
	}
	return dst
}

// appendFlagsAfter appends flags that follow an already printed enum part
// ("O_RDONLY" then "|O_CLOEXEC"): nothing when v is 0.
func appendFlagsAfter(dst []byte, x *xlat, v uint64) []byte {
	if v == 0 {
		return dst
	}
	dst = append(dst, '|')
	return appendFlags(dst, x, v)
}
