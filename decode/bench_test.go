package decode_test

import (
	"testing"

	"github.com/seize-dev/seize/decode"
	"github.com/seize-dev/seize/sysabi"
)

func BenchmarkEntryOpenat(b *testing.B) {
	m := &fakeMem{}
	m.str(pathA, "/usr/lib/x86_64-linux-gnu/libc.so.6")
	nr, _ := sysabi.SyscallNumber(x86, "openat")
	args := [6]uint64{atFDCWD, pathA, 0o2000000}
	var d decode.Decoder
	var c decode.Call
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf = d.Entry(buf[:0], &c, x86, nr, args, m)
	}
	if string(buf) != `AT_FDCWD, "/usr/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY|O_CLOEXEC` {
		b.Fatalf("got %s", buf)
	}
}

func BenchmarkExitRead(b *testing.B) {
	m := &fakeMem{}
	data := make([]byte, 4096)
	for i := range data {
		data[i] = byte(i)
	}
	m.at(bufA, data)
	nr, _ := sysabi.SyscallNumber(x86, "read")
	args := [6]uint64{3, bufA, 4096}
	var d decode.Decoder
	var c decode.Call
	buf := make([]byte, 0, 512)
	var res string
	b.ReportAllocs()
	for b.Loop() {
		buf = d.Entry(buf[:0], &c, x86, nr, args, m)
		buf, res = d.Exit(buf, &c, 64, 0, m)
	}
	if res != "64" {
		b.Fatalf("result %s", res)
	}
}
