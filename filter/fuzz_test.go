package filter

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// FuzzParse feeds Parse arbitrary expressions (seeds in
// testdata/fuzz/FuzzParse): it must not panic, its errors must be
// *ParseError with a one-line message and leave the filter unchanged, and
// any trace set it accepts must compile to a seccomp program within the
// kernel's limit.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, expr string) {
		flt := New()
		before := *flt
		err := flt.Parse(expr)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q) = %T %v, want *ParseError", expr, err, err)
			}
			if msg := err.Error(); strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("Parse(%q): message is not one line: %q", expr, msg)
			}
			if !reflect.DeepEqual(*flt, before) {
				t.Fatalf("Parse(%q) failed but changed the filter", expr)
			}
			return
		}
		raw, err := flt.Trace.SeccompProgram(nil)
		if err != nil || len(raw) > bpfMaxInsns {
			t.Fatalf("Parse(%q): seccomp program of %d instructions: %v", expr, len(raw), err)
		}
	})
}
