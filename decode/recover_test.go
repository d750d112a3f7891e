package decode

import (
	"testing"

	"github.com/seize-dev/seize/sysabi"
)

// panicMem panics on every read.
type panicMem struct{}

func (panicMem) ReadMemory(uint64, []byte) (int, error) { panic("boom") }

// TestRecover: a panic while decoding gives strace's raw style, not a
// crashed tracer.
func TestRecover(t *testing.T) {
	strict = false
	defer func() { strict = true }()
	var d Decoder
	var c Call
	nr, _ := sysabi.SyscallNumber(sysabi.ArchX86_64, "openat")
	out := d.Entry([]byte("openat("), &c, sysabi.ArchX86_64, nr, [6]uint64{0xffffffffffffff9c, 0x1000, 0}, panicMem{})
	if string(out) != "openat(0xffffffffffffff9c, 0x1000, 0, 0" {
		t.Errorf("Entry = %q", out)
	}
	args, res := d.Exit(out, &c, 3, 0, panicMem{})
	if string(args) != string(out) || res != "3" {
		t.Errorf("Exit = %q, %q", args, res)
	}
	nr, _ = sysabi.SyscallNumber(sysabi.ArchX86_64, "read")
	out = d.Entry(nil, &c, sysabi.ArchX86_64, nr, [6]uint64{3, 0x1000, 10}, nil)
	args, res = d.Exit(out, &c, 10, 0, panicMem{})
	if string(args) != "3, " || res != "10" {
		t.Errorf("read = %q, %q", args, res)
	}
}
