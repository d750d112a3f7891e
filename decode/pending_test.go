package decode_test

import (
	"testing"

	"github.com/seize-dev/seize/decode"
	"github.com/seize-dev/seize/sysabi"
)

// TestPending: Entry plus Pending is the whole argument list of a call in
// progress: output arguments as addresses, value-result lengths as their
// value at entry, and the arguments after them as at entry.
func TestPending(t *testing.T) {
	for _, tc := range []struct {
		call string
		args [6]uint64
		mem  func(m *fakeMem)
		want string
	}{
		{"read", [6]uint64{3, 0x7ffd1000, 64}, nil, "3, 0x7ffd1000, 64"},
		{"accept", [6]uint64{8, 0x7ffd2000, 0x7ffd3000}, func(m *fakeMem) { m.at(0x7ffd3000, words{}.u32(16)) }, "8, 0x7ffd2000, [16]"},
		{"accept", [6]uint64{8, 0, 0}, nil, "8, NULL, NULL"},
		{"epoll_wait", [6]uint64{7, 0x7ffd4000, 4, 100000}, nil, "7, 0x7ffd4000, 4, 100000"},
		{"nanosleep", [6]uint64{0x7ffd5000, 0}, func(m *fakeMem) { m.at(0x7ffd5000, words{}.u64(10).u64(0)) }, "{tv_sec=10, tv_nsec=0}, NULL"},
		{"wait4", [6]uint64{^uint64(0), 0x7ffd6000, 0, 0}, nil, "-1, 0x7ffd6000, 0, NULL"},
		{"pause", [6]uint64{}, nil, ""},
		{"close", [6]uint64{3}, nil, "3"},
	} {
		m := &fakeMem{}
		if tc.mem != nil {
			tc.mem(m)
		}
		nr, ok := sysabi.SyscallNumber(sysabi.ArchX86_64, tc.call)
		if !ok {
			t.Fatalf("no %s", tc.call)
		}
		var d decode.Decoder
		var c decode.Call
		out := d.Entry(nil, &c, sysabi.ArchX86_64, nr, tc.args, m)
		out = d.Pending(out, &c, m)
		if string(out) != tc.want {
			t.Errorf("%s: %q, want %q", tc.call, out, tc.want)
		}
	}
	// Without Entry, nothing.
	var d decode.Decoder
	if out := d.Pending([]byte("x"), &decode.Call{}, &fakeMem{}); string(out) != "x" {
		t.Errorf("Pending without Entry: %q", out)
	}
}
