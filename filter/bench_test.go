package filter

import (
	"testing"

	"github.com/seize-dev/seize/sysabi"
)

func BenchmarkHas(b *testing.B) {
	f := New()
	if err := f.Parse("trace=%file,%process"); err != nil {
		b.Fatal(err)
	}
	arches := []sysabi.Arch{sysabi.ArchX86_64, sysabi.ArchI386, sysabi.ArchAArch64}
	b.ReportAllocs()
	hits := 0
	for i := 0; b.Loop(); i++ {
		if f.Trace.Has(arches[i%3], uint64(i%512)) {
			hits++
		}
	}
	if hits == 0 {
		b.Fatal("nothing selected")
	}
}

func TestHasDoesNotAllocate(t *testing.T) {
	f := parse(t, "trace=%file")
	sig := parse(t, "signal=!SIGCHLD")
	st := parse(t, "status=failed")
	n := testing.AllocsPerRun(100, func() {
		for nr := uint64(0); nr < 600; nr++ {
			f.Trace.Has(sysabi.ArchX86_64, nr)
			f.Trace.Has(0x1234, nr)
		}
		sig.Signals.Has(17)
		st.Status.Has(StatusFailed)
	})
	if n != 0 {
		t.Errorf("Has allocates: %v allocations per run", n)
	}
}

// BenchmarkSeccompProgram is the cost of building the filter of -e
// trace=%process, which the seize command does twice at start-up (the
// launcher and the tracer).
func BenchmarkSeccompProgram(b *testing.B) {
	f := New()
	if err := f.Parse("trace=%process"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Trace.SeccompProgram(nil); err != nil {
			b.Fatal(err)
		}
	}
}
