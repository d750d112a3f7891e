package decode

// Quoting of tracee bytes. Every byte a tracee controls reaches the output
// through quote (or quoteBare for -y paths), which emits only printable
// ASCII: a traced program cannot send escape sequences to the terminal.

const hexDigits = "0123456789abcdef"

// quote styles.
const (
	qForceHex uint8 = 1 << iota // every byte as \xNN (getrandom's buffer)
	qNoLimit                    // the caller already cut s (paths: PATH_MAX)
	qNulEnds                    // a NUL ends the string (C strings)
)

// DefaultStringLimit is strace's default -s.
const DefaultStringLimit = 32

func (d *Decoder) limit() int {
	switch {
	case d.Opts.StringLimit > 0:
		return d.Opts.StringLimit
	case d.Opts.StringLimit < 0: // strace -s 0
		return 0
	}
	return DefaultStringLimit
}

// Escape appends s quoted and escaped exactly as strace prints strings:
// printable ASCII as is, \" \\ \t \n \v \f \r, other bytes as the shortest
// octal escape that cannot run into a following digit (\0, \33, \177,
// \0001), or \xNN in -x mode (Opts.Hex 1, when s holds any byte that is
// neither printable nor whitespace) and for every byte in -xx mode (Opts.Hex
// 2). At most Opts.StringLimit bytes are shown; "..." after the closing
// quote marks a string cut here or, when truncated is true, by the caller.
// The output is printable ASCII whatever s holds.
func (d *Decoder) Escape(dst []byte, s []byte, truncated bool) []byte {
	return d.quote(dst, s, truncated, 0)
}

func (d *Decoder) quote(dst []byte, s []byte, truncated bool, style uint8) []byte {
	if style&qNulEnds != 0 {
		for i, c := range s {
			if c == 0 {
				s = s[:i]
				break
			}
		}
	}
	if style&qNoLimit == 0 {
		if l := d.limit(); len(s) > l {
			s, truncated = s[:l], true
		}
	}
	dst = append(dst, '"')
	dst = escapeBytes(dst, s, d.useHex(s, style), "")
	dst = append(dst, '"')
	if truncated {
		dst = append(dst, "..."...)
	}
	return dst
}

// useHex tells whether s is to be printed all in \xNN.
func (d *Decoder) useHex(s []byte, style uint8) bool {
	switch {
	case style&qForceHex != 0 || d.Opts.Hex >= 2:
		return true
	case d.Opts.Hex == 1:
		for _, c := range s {
			// strace -x: hex for all when a byte is neither printable
			// ASCII nor one of the whitespace escapes \t\n\v\f\r.
			if c > 0x7e || (c < ' ' && (c < '\t' || c > '\r')) {
				return true
			}
		}
	}
	return false
}

// escapeBytes appends s escaped, without quotes. Bytes in extra are escaped
// in octal too (strace's -y escapes '<' and '>' in paths).
func escapeBytes(dst []byte, s []byte, hex bool, extra string) []byte {
	for i, c := range s {
		if hex {
			dst = append(dst, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
			continue
		}
		switch c {
		case '"':
			dst = append(dst, '\\', '"')
			continue
		case '\\':
			dst = append(dst, '\\', '\\')
			continue
		case '\f':
			dst = append(dst, '\\', 'f')
			continue
		case '\n':
			dst = append(dst, '\\', 'n')
			continue
		case '\r':
			dst = append(dst, '\\', 'r')
			continue
		case '\t':
			dst = append(dst, '\\', 't')
			continue
		case '\v':
			dst = append(dst, '\\', 'v')
			continue
		}
		if c >= ' ' && c <= 0x7e && !inSet(c, extra) {
			dst = append(dst, c)
			continue
		}
		dst = append(dst, '\\')
		if i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '7' {
			// A digit follows: use all three octal digits.
			dst = append(dst, '0'+c>>6, '0'+(c>>3)&7)
		} else if c>>3 != 0 {
			if c>>6 != 0 {
				dst = append(dst, '0'+c>>6)
			}
			dst = append(dst, '0'+(c>>3)&7)
		}
		dst = append(dst, '0'+c&7)
	}
	return dst
}

func inSet(c byte, set string) bool {
	for i := 0; i < len(set); i++ {
		if set[i] == c {
			return true
		}
	}
	return false
}
