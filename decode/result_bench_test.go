package decode_test

import (
	"testing"

	"github.com/seize-dev/seize/decode"
	"github.com/seize-dev/seize/sysabi"
)

// BenchmarkGetppid is the decoding of a getppid call, entry and exit: the
// call of bench's memory workload (1,000,000 of them). Its result, a pid,
// is the previous exit's string again (Decoder.intern): no allocation,
// where a new string per exit made that workload's heap grow until its
// first collection.
func BenchmarkGetppid(b *testing.B) {
	nr, _ := sysabi.SyscallNumber(x86, "getppid")
	var d decode.Decoder
	var c decode.Call
	buf := make([]byte, 0, 64)
	var res string
	b.ReportAllocs()
	for b.Loop() {
		buf = d.Entry(buf[:0], &c, x86, nr, [6]uint64{}, nil)
		buf, res = d.Exit(buf, &c, 4242, 0, nil)
	}
	if res != "4242" {
		b.Fatalf("result %s", res)
	}
}
