package format

import (
	"io"
	"testing"
	"time"
)

// Benchmarks of the text writer on the hot path (issue 5): one traced
// call is an entry and an exit. They measure and count allocations; CI
// may run them briefly (-benchtime=100x) and never asserts times. Run:
// go test -run '^$' -bench . -benchmem ./format

var benchArgs = []byte(`AT_FDCWD, "/usr/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY|O_CLOEXEC`)

// BenchmarkTextCall is one call's line, entry then exit, as
// `seize -o FILE` writes it (one task: no prefix) and as
// `seize -f -tt -T -o FILE` writes it.
func BenchmarkTextCall(b *testing.B) {
	for _, c := range []struct {
		name  string
		setup func(*Text)
	}{
		{"Plain", func(*Text) {}},
		{"PidTimeDuration", func(f *Text) {
			f.ToFile, f.Prefix, f.Time, f.Durations = true, true, TimeMicros, true
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			f := NewText(io.Discard)
			c.setup(f)
			f.AddTask(10)
			at := time.Now()
			b.ReportAllocs()
			for b.Loop() {
				f.SyscallEntry(at, 10, "openat", benchArgs)
				f.SyscallExit(at, 10, "openat", nil, "3", 1500*time.Nanosecond)
			}
		})
	}
}

// BenchmarkTextInterleaved is two tasks whose calls overlap: each line is
// cut (<unfinished ...>) and resumed (<... read resumed>), strace's
// -f shape under threads.
func BenchmarkTextInterleaved(b *testing.B) {
	f := NewText(io.Discard)
	f.ToFile, f.Prefix = true, true
	f.AddTask(10)
	f.AddTask(11)
	at := time.Now()
	in, out := []byte("3, "), []byte(`"hello", 4096`)
	b.ReportAllocs()
	for b.Loop() {
		f.SyscallEntry(at, 10, "read", in)
		f.SyscallEntry(at, 11, "getppid", nil)
		f.SyscallExit(at, 10, "read", out, "5", -1)
		f.SyscallExit(at, 11, "getppid", nil, "4242", -1)
	}
}
