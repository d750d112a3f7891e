package filter

import (
	"encoding/binary"
	"fmt"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/net/bpf"

	"github.com/seize-dev/seize/sysabi"
)

// seccompExprs are the -e trace= expressions whose programs are checked.
var seccompExprs = []string{
	"trace=all", "trace=none", "trace=%file", "trace=!%file", "trace=%desc", "trace=!%desc",
	"trace=%net", "trace=%process,%signal", "trace=%memory,%ipc,%creds", "trace=%pure",
	"trace=%clock", "trace=getpid,close", "trace=/^get", "trace=open@32", "trace=2",
	"trace=%%stat,%%statfs",
}

// alternating selects every other named number on every architecture: the
// worst case for the number of ranges, which makes the program use long
// jumps.
func alternating() SyscallSet {
	s := noneSyscalls()
	for _, a := range arches {
		for k, n := range probeNumbers(a) {
			if k%2 == 0 {
				s.Add(a, n)
			}
		}
	}
	return s
}

type namedSet struct {
	name string
	set  SyscallSet
}

func seccompSets(t *testing.T) []namedSet {
	var sets []namedSet
	for _, e := range seccompExprs {
		sets = append(sets, namedSet{e, parse(t, e).Trace})
	}
	return append(sets, namedSet{"alternating", alternating()})
}

// vmRun runs the program in x/net/bpf's VM on a fake seccomp_data. The VM
// loads words in network (big-endian) order, so the fields are stored that
// way; the kernel reads them in native order from its own struct.
func vmRun(t *testing.T, vm *bpf.VM, arch uint32, nr uint32) uint32 {
	t.Helper()
	var data [64]byte // struct seccomp_data
	binary.BigEndian.PutUint32(data[seccompDataNr:], nr)
	binary.BigEndian.PutUint32(data[seccompDataArch:], arch)
	v, err := vm.Run(data[:])
	if err != nil {
		t.Fatalf("VM: %v", err)
	}
	return uint32(v)
}

// generators are the ways to build an architecture's part of a program:
// the one SeccompProgram uses and each of the forms it chooses from.
var generators = []struct {
	name string
	gen  sectionFunc
}{
	{"preferred", (*SyscallSet).preferredSection},
	{"shortest", (*SyscallSet).shortestSection},
	{"ranges", (*SyscallSet).rangeSection},
	{"bitmap", (*SyscallSet).bitmapSection},
}

func newVM(t *testing.T, raw []bpf.RawInstruction) *bpf.VM {
	t.Helper()
	insns, ok := bpf.Disassemble(raw)
	if !ok {
		t.Fatalf("program has instructions x/net/bpf cannot decode")
	}
	vm, err := bpf.NewVM(insns)
	if err != nil {
		t.Fatalf("NewVM: %v", err)
	}
	return vm
}

// TestSeccompProgramVM runs every program on every number of every
// architecture: RET_TRACE exactly where Has reports true, and for any
// architecture the program was not built for.
func TestSeccompProgramVM(t *testing.T) {
	other := []uint32{0, 0x40000028 /* ARM */, 0x80000016 /* S390X */, 0xffffffff, uint32(x86) ^ 1}
	numbers := []uint32{maxNr, maxNr + 1, 0x40000000, 0x40000000 | 2, 0x7fffffff, 0xffffffff}
	for n := uint32(0); n < maxNr; n++ {
		numbers = append(numbers, n)
	}
	for _, ns := range seccompSets(t) {
		for _, g := range generators {
			for _, subset := range [][]sysabi.Arch{nil, {x86}, {i32, a64}} {
				raw, err := ns.set.program(subset, g.gen)
				if err != nil {
					t.Fatalf("%s %s %v: %v", ns.name, g.name, subset, err)
				}
				if len(raw) > bpfMaxInsns {
					t.Fatalf("%s: %d instructions", ns.name, len(raw))
				}
				vm := newVM(t, raw)
				built := subset
				if built == nil {
					built = arches[:]
				}
				bad := 0
				for _, a := range arches {
					isBuilt := false
					for _, b := range built {
						isBuilt = isBuilt || a == b
					}
					for _, n := range numbers {
						want := !isBuilt || ns.set.Has(a, uint64(n))
						if got := vmRun(t, vm, uint32(a), n) == seccompRetTrace; got != want {
							if bad++; bad <= 10 {
								t.Errorf("%s %s %v: %s %#x (%s): trace=%v, want %v", ns.name, g.name, subset, a, n,
									sysabi.SyscallName(a, uint64(n)), got, want)
							}
						}
					}
				}
				for _, a := range other {
					for _, n := range []uint32{0, 2, 59, 1000} {
						if v := vmRun(t, vm, a, n); v != seccompRetTrace {
							t.Errorf("%s %s: arch %#x nr %d: %#x, want RET_TRACE", ns.name, g.name, a, n, v)
						}
					}
				}
			}
		}
	}
}

func TestSeccompProgramSize(t *testing.T) {
	for _, ns := range seccompSets(t) {
		var sizes []string
		for _, g := range generators {
			raw, err := ns.set.program(nil, g.gen)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, fmt.Sprintf("%s %4d", g.name, len(raw)))
			if g.name == "shortest" && len(raw) > 400 || g.name == "preferred" && len(raw) > bpfMaxInsns {
				t.Errorf("%s: %d instructions", ns.name, len(raw))
			}
		}
		t.Logf("%-28s %s", ns.name, strings.Join(sizes, "  "))
	}
	s := alternating()
	raw, err := s.program(nil, (*SyscallSet).rangeSection)
	if err != nil || len(raw) > bpfMaxInsns {
		t.Fatalf("alternating set: %d instructions, %v", len(raw), err)
	}
	hasLongJump := false
	for _, r := range raw {
		hasLongJump = hasLongJump || (r.Op == 0x05 && r.K > 0) // BPF_JMP|BPF_JA
	}
	if !hasLongJump {
		t.Errorf("the alternating set did not exercise long jumps")
	}
	if _, err := s.SeccompProgram([]sysabi.Arch{0x40000028}); err == nil {
		t.Errorf("SeccompProgram accepted an architecture without tables")
	}
}

// safeCalls are system calls the probe can make with arguments
// (-1, 0, 0, 0, 0, 0) without effect on anything but its own throwaway child:
// each fails (bad descriptor, bad address, invalid argument, no child) or
// only reads. Together they touch every class.
var safeCalls = []string{
	"getpid", "getppid", "gettid", "getuid", "geteuid", "getgid", "getegid", "getpgrp",
	"sched_yield", "read", "write", "close", "dup", "fsync", "lseek", "fstat", "ioctl",
	"getdents64", "access", "open", "stat", "lstat", "chdir", "mkdir", "unlink", "statfs",
	"fstatfs", "socket", "connect", "sendto", "shutdown", "rt_sigprocmask", "rt_sigpending",
	"clock_gettime", "gettimeofday", "uname", "wait4", "waitid", "madvise", "mprotect",
	"munmap", "msgget", "shmdt", "setuid", "getgroups", "getcwd", "umask", "getuid32",
	"fstat64", "stat64", "socketcall", "ipc",
}

// TestSeccompProgramKernel installs the programs in real processes (x86_64
// and, when cc can build it, i386), which make the calls above without a
// tracer: exactly the selected ones must fail with ENOSYS (RET_TRACE
// without a tracer), the others must run.
func TestSeccompProgramKernel(t *testing.T) {
	for _, arch := range []sysabi.Arch{x86, i32} {
		t.Run(arch.String(), func(t *testing.T) {
			probe := buildProbe(t, arch)
			var nrs []uint64
			for _, name := range safeCalls {
				if n, ok := sysabi.SyscallNumber(arch, name); ok {
					nrs = append(nrs, n)
				}
			}
			// Without filtering none may fail with ENOSYS (a kernel without
			// SysV IPC would, for example): leave such calls out.
			none := noneSyscalls()
			raw, err := none.SeccompProgram(nil)
			if err != nil {
				t.Fatal(err)
			}
			base := runFilterProbe(t, probe, raw, nrs)
			var usable []uint64
			for _, n := range nrs {
				if base[n] == -int64(syscall.ENOSYS) {
					t.Logf("%s: %s is ENOSYS without filtering; left out", arch, sysabi.SyscallName(arch, n))
					continue
				}
				usable = append(usable, n)
			}
			if len(usable) < 30 {
				t.Fatalf("only %d usable calls", len(usable))
			}
			for _, ns := range seccompSets(t) {
				for _, g := range generators {
					raw, err := ns.set.program(nil, g.gen)
					if err != nil {
						t.Fatal(err)
					}
					res := runFilterProbe(t, probe, raw, usable)
					var diffs []string
					traced := 0
					for _, n := range usable {
						want := ns.set.Has(arch, n)
						got := res[n] == -int64(syscall.ENOSYS)
						if got {
							traced++
						}
						if got != want {
							diffs = append(diffs, fmt.Sprintf("%s=%d", sysabi.SyscallName(arch, n), res[n]))
						}
					}
					if len(diffs) > 0 {
						t.Errorf("%s %s: %d calls disagree with Has (result shown): %s", ns.name, g.name, len(diffs),
							strings.Join(diffs[:min(len(diffs), 20)], " "))
					}
					if g.name == "preferred" {
						t.Logf("%-28s %2d of %d calls stopped", ns.name, traced, len(usable))
					}
				}
			}
			// A program built for the other architectures only must stop
			// every call: an unknown architecture gets RET_TRACE.
			var others []sysabi.Arch
			for _, a := range arches {
				if a != arch {
					others = append(others, a)
				}
			}
			none = noneSyscalls()
			raw, err = none.SeccompProgram(others)
			if err != nil {
				t.Fatal(err)
			}
			for n, r := range runFilterProbe(t, probe, raw, usable) {
				if r != -int64(syscall.ENOSYS) {
					t.Errorf("program without %s: %s returned %d, want ENOSYS", arch, sysabi.SyscallName(arch, n), r)
				}
			}
		})
	}
}

// constAllow mirrors the kernel's seccomp_is_const_allow (kernel/seccomp.c,
// Linux 5.11): run prog for (arch, nr) with only the instructions whose
// result depends on nothing else; false where another is met.
func constAllow(prog []bpf.RawInstruction, arch, nr uint32) bool {
	var a uint32
	for pc := 0; pc < len(prog); pc++ {
		in := prog[pc]
		switch in.Op {
		case 0x20: // BPF_LD | BPF_W | BPF_ABS
			switch in.K {
			case seccompDataNr:
				a = nr
			case seccompDataArch:
				a = arch
			default:
				return false
			}
		case 0x06: // BPF_RET | BPF_K
			return in.K == seccompRetAllow
		case 0x05: // BPF_JMP | BPF_JA
			pc += int(in.K)
		case 0x15, 0x35, 0x25, 0x45: // JEQ, JGE, JGT, JSET with K
			var res bool
			switch in.Op {
			case 0x15:
				res = a == in.K
			case 0x35:
				res = a >= in.K
			case 0x25:
				res = a > in.K
			case 0x45:
				res = a&in.K != 0
			}
			if res {
				pc += int(in.Jt)
			} else {
				pc += int(in.Jf)
			}
		default:
			return false
		}
	}
	return false
}

// TestSeccompProgramCacheable: for every set, the adversarial one
// included, the kernel's action cache decides every call the program allows (x86_64 and
// its compat i386, the two a x86_64 kernel caches), so an unselected call
// costs what it costs under a one-instruction RET_ALLOW filter.
func TestSeccompProgramCacheable(t *testing.T) {
	for _, ns := range seccompSets(t) {
		raw, err := ns.set.SeccompProgram(nil)
		if err != nil {
			t.Fatal(err)
		}
		uncached := 0
		for _, a := range []sysabi.Arch{x86, i32} {
			for nr := uint64(0); nr < maxNr; nr++ {
				if !ns.set.Has(a, nr) && !constAllow(raw, uint32(a), uint32(nr)) {
					uncached++
				}
			}
		}
		if uncached > 0 {
			t.Errorf("%s: %d allowed numbers the kernel's cache cannot decide", ns.name, uncached)
		}
	}
	// The bitmap form is not cacheable: the check can fail.
	s := parse(t, "trace=%file").Trace
	raw, _ := s.program(nil, (*SyscallSet).bitmapSection)
	if nr, _ := sysabi.SyscallNumber(x86, "getppid"); constAllow(raw, uint32(x86), uint32(nr)) {
		t.Errorf("the bitmap form passed as cacheable")
	}
}
