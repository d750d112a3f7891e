package decode

import (
	"testing"

	"github.com/seize-dev/seize/sysabi"
)

// TestTableNames: every described call exists on an architecture (a typo
// would leave the call undecoded without anyone noticing).
func TestTableNames(t *testing.T) {
	exists := func(name string, arches ...sysabi.Arch) bool {
		for _, a := range arches {
			if _, ok := sysabi.SyscallNumber(a, name); ok {
				return true
			}
		}
		return false
	}
	subcalls := map[string]bool{}
	for _, n := range socketcallNames {
		subcalls[n] = true
	}
	for name := range syscallTable {
		if !exists(name, sysabi.ArchX86_64, sysabi.ArchAArch64, sysabi.ArchI386) && !subcalls[name] {
			t.Errorf("syscallTable has %q, which no architecture has", name)
		}
	}
	for name := range i386Table {
		if !exists(name, sysabi.ArchI386) {
			t.Errorf("i386Table has %q, which i386 does not have", name)
		}
	}
}
