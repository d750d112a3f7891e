package decode_test

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"testing"

	"github.com/seize-dev/seize/decode"
	"github.com/seize-dev/seize/sysabi"
)

// unescape parses Escape's output back: the quoted bytes and whether
// "..." followed.
func unescape(t *testing.T, q []byte) ([]byte, bool) {
	t.Helper()
	trunc := bytes.HasSuffix(q, []byte(`"...`))
	if trunc {
		q = q[:len(q)-3]
	}
	if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
		t.Fatalf("not quoted: %q", q)
	}
	q = q[1 : len(q)-1]
	var out []byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '"' {
			t.Fatalf("bare quote in %q", q)
		}
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i >= len(q) {
			t.Fatalf("dangling backslash in %q", q)
		}
		switch q[i] {
		case '"', '\\':
			out = append(out, q[i])
		case 't':
			out = append(out, '\t')
		case 'n':
			out = append(out, '\n')
		case 'v':
			out = append(out, '\v')
		case 'f':
			out = append(out, '\f')
		case 'r':
			out = append(out, '\r')
		case 'x':
			v, err := strconv.ParseUint(string(q[i+1:i+3]), 16, 8)
			if err != nil {
				t.Fatalf("bad \\x in %q", q)
			}
			out = append(out, byte(v))
			i += 2
		default:
			j := i
			for j < len(q) && j < i+3 && q[j] >= '0' && q[j] <= '7' {
				j++
			}
			v, err := strconv.ParseUint(string(q[i:j]), 8, 8)
			if err != nil || j == i {
				t.Fatalf("bad escape in %q", q)
			}
			out = append(out, byte(v))
			i = j - 1
		}
	}
	return out, trunc
}

// FuzzEscape checks that Escape's output is printable ASCII that parses
// back to the input, cut at the limit.
func FuzzEscape(f *testing.F) {
	f.Add([]byte("hello\n"), uint8(0), uint8(0), false)
	f.Add([]byte("\x1b[2J\x00\x017\xff"), uint8(1), uint8(4), true)
	f.Add([]byte("\"\\\t"), uint8(2), uint8(0), false)
	f.Fuzz(func(t *testing.T, s []byte, hex, limit uint8, truncated bool) {
		d := decode.Decoder{Opts: decode.Options{Hex: int(hex % 3), StringLimit: int(limit)}}
		out := d.Escape(nil, s, truncated)
		checkOutput(t, "Escape", out)
		got, trunc := unescape(t, out)
		l := int(limit)
		if l == 0 {
			l = decode.DefaultStringLimit
		}
		want := s
		if len(want) > l {
			want = want[:l]
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("Escape(%q) = %s, parses back to %q", s, out, got)
		}
		if trunc != (truncated || len(s) > l) {
			t.Fatalf("Escape(%q, %v) = %s: wrong truncation mark", s, truncated, out)
		}
	})
}

// FuzzDecode decodes a system call whose number, arguments, result and
// memory come from the input. Memory is mapped at three addresses that
// arguments may point into. Nothing may panic and the output must be
// printable.
func FuzzDecode(f *testing.F) {
	seed := func(arch uint8, name string, args [6]uint64, ret int64, mem []byte) {
		a := []sysabi.Arch{x86, i386, arm64}[arch%3]
		nr, _ := sysabi.SyscallNumber(a, name)
		b := make([]byte, 48)
		for i, v := range args {
			binary.LittleEndian.PutUint64(b[8*i:], v)
		}
		f.Add(arch, uint16(nr), b, ret, mem, false)
	}
	seed(0, "openat", [6]uint64{atFDCWD, pathA, 0o2000000}, 3, []byte("/etc/passwd\x00"))
	seed(0, "read", [6]uint64{3, pathA, 1 << 40}, 100, []byte("\x1b[2Jhello"))
	seed(0, "execve", [6]uint64{pathA, pathB, pathB}, 0, words{}.u64(pathA).u64(pathB).u64(0))
	seed(1, "socketcall", [6]uint64{3, pathA}, 0, words{}.u32(3).u32(pathB).u32(16))
	seed(2, "rt_sigaction", [6]uint64{2, pathA, pathB, 8}, 0, words{}.u64(1).u64(0x14000000).u64(0).u64(6))
	seed(0, "sendmsg", [6]uint64{3, pathA, 0}, 5, words{}.u64(pathB).u64(16).u64(pathC).u64(2).u64(pathA).u64(40))
	f.Fuzz(func(t *testing.T, arch uint8, nr uint16, argb []byte, ret int64, mem []byte, verbose bool) {
		a := []sysabi.Arch{x86, i386, arm64}[arch%3]
		var args [6]uint64
		for i := range args {
			if len(argb) >= 8*(i+1) {
				args[i] = binary.LittleEndian.Uint64(argb[8*i:])
			}
		}
		m := &fakeMem{}
		if len(mem) > 0 {
			m.at(pathA, mem)
			m.at(pathB, mem[len(mem)/2:])
			m.at(pathC, mem[len(mem)/3:])
		}
		d := decode.Decoder{Opts: decode.Options{Verbose: verbose, StringLimit: int(nr % 64)}}
		var c decode.Call
		c.SetStackPointer(args[5])
		entry := d.Entry(nil, &c, a, uint64(nr%500), args, m)
		errno := 0
		if ret < 0 && ret > -4096 {
			errno = int(-ret)
		}
		out, res := d.Exit(entry, &c, ret, errno, m)
		checkOutput(t, sysabi.SyscallName(a, uint64(nr%500)), append(out, res...))
	})
}

const pathC = 0x5000
