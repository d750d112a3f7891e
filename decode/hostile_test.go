package decode_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/seize-dev/seize/decode"
	"github.com/seize-dev/seize/sysabi"
)

const (
	allBytesAt = 0x10000 // every byte value, repeated
	pointersAt = 0x30000 // words pointing back into the hostile regions
	escapesAt  = 0x50000 // "\x1b[2J" repeated: a terminal escape
	regionSize = 16 << 10
)

// hostileMem maps regions that make decoders follow pointers, read
// strings without terminators up to unmapped memory, and meet every byte
// value and a terminal escape sequence.
func hostileMem() *fakeMem {
	m := &fakeMem{}
	all := make([]byte, regionSize)
	for i := range all {
		all[i] = byte(i)
	}
	m.at(allBytesAt, all)
	ptrs := make(words, 0, regionSize)
	targets := []uint64{allBytesAt, escapesAt, pointersAt, allBytesAt + 1, 8, escapesAt + regionSize - 3}
	for i := 0; len(ptrs) < regionSize; i++ {
		ptrs = ptrs.u64(targets[i%len(targets)])
	}
	m.at(pointersAt, ptrs)
	m.at(escapesAt, bytes.Repeat([]byte("\x1b[2J"), regionSize/4))
	return m
}

// hostileValues are argument values: NULL, an unmapped pointer, pointers
// into each region and near its end (strings with no NUL before the
// unmapped page), huge lengths and all-ones.
var hostileValues = []uint64{
	0, 8, allBytesAt, pointersAt, escapesAt, allBytesAt + regionSize - 5, pointersAt + regionSize - 8,
	1 << 40, ^uint64(0), 0xffffffff, 3, 64,
}

// checkOutput fails on anything but printable ASCII.
func checkOutput(t *testing.T, what string, out []byte) {
	t.Helper()
	if !utf8.Valid(out) {
		t.Fatalf("%s: invalid UTF-8: %q", what, trunc(string(out)))
	}
	if i := bytes.IndexFunc(out, func(r rune) bool { return r < 0x20 || r >= 0x7f }); i >= 0 {
		t.Fatalf("%s: byte %#x at %d: %q", what, out[i], i, trunc(string(out)))
	}
}

// TestHostileMemory decodes every system call of every architecture with
// hostile arguments and memory: the output stays printable and bounded,
// and the reads stay bounded whatever the lengths say.
func TestHostileMemory(t *testing.T) {
	m := hostileMem()
	for _, arch := range []sysabi.Arch{x86, i386, arm64} {
		for _, opts := range []decode.Options{{}, {Verbose: true, Hex: 1}, {StringLimit: 1 << 20, Hex: 2, FdPath: func(int) string { return "\x1b]0;pwned\x07" }}} {
			d := decode.Decoder{Opts: opts}
			var c decode.Call
			for nr := uint64(0); nr < 500; nr++ {
				if strings.HasPrefix(sysabi.SyscallName(arch, nr), "syscall_") {
					continue
				}
				for k := range hostileValues {
					var args [6]uint64
					for i := range args {
						args[i] = hostileValues[(k+i*(k+1))%len(hostileValues)]
					}
					c.SetStackPointer(args[5])
					m.reads = 0
					entry := d.Entry(nil, &c, arch, nr, args, m)
					for _, r := range []struct {
						ret   int64
						errno int
					}{{int64(args[2]), 0}, {-14, 14}, {1 << 40, 0}} {
						out, res := d.Exit(append([]byte(nil), entry...), &c, r.ret, r.errno, m)
						line := append(append(out, " = "...), res...)
						what := sysabi.SyscallName(arch, nr)
						checkOutput(t, what, line)
						if len(line) > 4<<20 {
							t.Fatalf("%s: %d bytes of output", what, len(line))
						}
					}
					if m.reads > 100000 {
						t.Fatalf("%s: %d reads", sysabi.SyscallName(arch, nr), m.reads)
					}
				}
			}
		}
	}
}

func TestHostileCases(t *testing.T) {
	m := hostileMem()
	runCasesMem := func(cc callCase) { cc.mem = func(f *fakeMem) { *f = *m }; cc.run(t) }
	// An unmapped buffer prints as its address.
	runCasesMem(callCase{name: "unmapped", call: "write", args: [6]uint64{1, 8, 10}, errno: 14,
		want: `write(1, 0x8, 10) = -1 EFAULT (Bad address)`})
	// A length of 1<<40 reads only -s bytes.
	runCasesMem(callCase{name: "huge", call: "write", args: [6]uint64{1, escapesAt, 1 << 40}, errno: 9,
		want: `write(1, "\33[2J\33[2J\33[2J\33[2J\33[2J\33[2J\33[2J\33[2J"..., 1099511627776) = -1 EBADF (Bad file descriptor)`})
	// A path that runs into unmapped memory before its NUL.
	runCasesMem(callCase{name: "no nul", call: "open", args: [6]uint64{escapesAt + regionSize - 3, 0}, errno: 14,
		want: `open(0x53ffd, O_RDONLY) = -1 EFAULT (Bad address)`})
	// Every byte value.
	runCasesMem(callCase{name: "bytes", call: "write", args: [6]uint64{1, allBytesAt, 256}, ret: 256,
		opts: decode.Options{StringLimit: 256},
		want: `write(1, "\0\1\2\3\4\5\6\7\10\t\n\v\f\r\16\17\20\21\22\23\24\25\26\27\30\31\32\33\34\35\36\37 !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_` +
			"`" + `abcdefghijklmnopqrstuvwxyz{|}~\177\200\201\202\203\204\205\206\207\210\211\212\213\214\215\216\217\220\221\222\223\224\225\226\227\230\231\232\233\234\235\236\237\240\241\242\243\244\245\246\247\250\251\252\253\254\255\256\257\260\261\262\263\264\265\266\267\270\271\272\273\274\275\276\277\300\301\302\303\304\305\306\307\310\311\312\313\314\315\316\317\320\321\322\323\324\325\326\327\330\331\332\333\334\335\336\337\340\341\342\343\344\345\346\347\350\351\352\353\354\355\356\357\360\361\362\363\364\365\366\367\370\371\372\373\374\375\376\377", 256) = 256`})

	// Reads are capped: a read(2) of 1<<40 bytes copies -s bytes.
	var d decode.Decoder
	var c decode.Call
	nr, _ := sysabi.SyscallNumber(x86, "read")
	counter := &countMem{Memory: m}
	entry := d.Entry(nil, &c, x86, nr, [6]uint64{0, allBytesAt, 1 << 40}, counter)
	out, _ := d.Exit(entry, &c, 1<<40, 0, counter)
	if counter.bytes > 64 {
		t.Errorf("read %d bytes of tracee memory for a 32-byte string", counter.bytes)
	}
	checkOutput(t, "read", out)
}

// countMem counts the bytes asked of the tracee.
type countMem struct {
	decode.Memory
	bytes int
}

func (m *countMem) ReadMemory(addr uint64, buf []byte) (int, error) {
	m.bytes += len(buf)
	return m.Memory.ReadMemory(addr, buf)
}
