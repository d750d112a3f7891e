package filter

import (
	"fmt"
	"slices"

	"golang.org/x/net/bpf"

	"github.com/seize-dev/seize/sysabi"
)

// From include/uapi/linux/seccomp.h and include/uapi/linux/filter.h.
const (
	seccompRetTrace = 0x7ff00000 // SECCOMP_RET_TRACE: stop for the tracer (or ENOSYS without one)
	seccompRetAllow = 0x7fff0000 // SECCOMP_RET_ALLOW
	seccompDataNr   = 0          // offsetof(struct seccomp_data, nr)
	seccompDataArch = 4          // offsetof(struct seccomp_data, arch)
	bpfMaxInsns     = 4096       // BPF_MAXINSNS
)

// SeccompProgram returns a classic BPF program for seccomp(2)
// (SECCOMP_SET_MODE_FILTER) that returns SECCOMP_RET_TRACE for the system
// calls in s and SECCOMP_RET_ALLOW for the others, so that a tracer using
// PTRACE_O_TRACESECCOMP and PTRACE_CONT stops only where it has something to
// show, as strace --seccomp-bpf does.
//
// The program first compares seccomp_data.arch with each of arches (all
// three supported architectures when arches is empty); a system call of any
// other architecture gets RET_TRACE, so that nothing is missed. Within an
// architecture it returns RET_TRACE exactly where s.Has reports true: for
// the selected calls and for unnamed numbers (those above the table, x32's
// included). i386's socketcall and ipc are in s whenever one of their
// subcalls was selected, which covers what strace --seccomp-bpf achieves by
// always stopping them.
//
// Each architecture's part is a balanced tree of comparisons over the
// ranges of numbers with equal verdicts. It uses only the instructions the
// kernel's seccomp action cache can evaluate when the filter is installed
// (loads of nr and arch, comparisons with constants, returns:
// seccomp_is_const_allow, Linux 5.11), so a call the program allows costs
// no run of it at all: the kernel looks the number up in a bitmap, as for
// a one-instruction RET_ALLOW filter. Only where that tree would be too
// long for three architectures to fit (more than 1,300 instructions, for
// sets that alternate almost number by number) is the shorter of it and a
// tree over 32-number words, whose leaves test the number's bit in the
// word's mask, used. A verdict costs a dozen instructions at most, and the
// program stays below the kernel's BPF_MAXINSNS (4096); an error is
// returned if it would not.
//
// The caveats of strace --seccomp-bpf apply to whoever installs the program:
// it must be installed by the tracee itself (after PR_SET_NO_NEW_PRIVS,
// which disables set-user-ID execution, unless it has CAP_SYS_ADMIN), so
// only in programs the tracer starts, not in processes it attaches to; it is
// inherited by every child and across execve, so the tracer must follow
// forks; and it cannot be removed, so after the tracer detaches or dies the
// selected system calls fail with ENOSYS instead of running.
func (s *SyscallSet) SeccompProgram(arches []sysabi.Arch) ([]bpf.RawInstruction, error) {
	return s.program(arches, (*SyscallSet).preferredSection)
}

// maxRangeSection is the longest range form preferredSection keeps: three
// such sections and the dispatch on the architecture fit in BPF_MAXINSNS.
const maxRangeSection = 1300

// preferredSection returns rangeSection, which the kernel's action cache
// understands (see SeccompProgram), unless it is longer than
// maxRangeSection; then the shorter of the two forms.
func (s *SyscallSet) preferredSection(a sysabi.Arch) []bpf.Instruction {
	if r := s.rangeSection(a); len(r) <= maxRangeSection {
		return r
	}
	return s.shortestSection(a)
}

// sectionFunc returns the part of a program that decides for one
// architecture.
type sectionFunc func(s *SyscallSet, a sysabi.Arch) []bpf.Instruction

func (s *SyscallSet) program(arches []sysabi.Arch, section sectionFunc) ([]bpf.RawInstruction, error) {
	list, err := programArches(arches)
	if err != nil {
		return nil, err
	}
	sections := make([][]bpf.Instruction, len(list))
	for k, a := range list {
		sections[k] = section(s, a)
	}

	// Dispatch on the architecture:
	//	0:      A = arch
	//	1+2k:   if A == arches[k] goto 2+2k else goto 3+2k
	//	2+2k:   goto section k
	//	1+2n:   return TRACE (another architecture)
	//	2+2n..: the sections, one after the other
	n := len(list)
	prog := []bpf.Instruction{bpf.LoadAbsolute{Off: seccompDataArch, Size: 4}}
	start := 2 + 2*n
	for k, a := range list {
		here := len(prog) + 1 // index of the goto
		prog = append(prog,
			bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(a), SkipTrue: 0, SkipFalse: 1},
			bpf.Jump{Skip: uint32(start - here - 1)})
		start += len(sections[k])
	}
	prog = append(prog, bpf.RetConstant{Val: seccompRetTrace})
	for _, sec := range sections {
		prog = append(prog, sec...)
	}
	if len(prog) > bpfMaxInsns {
		return nil, fmt.Errorf("filter: seccomp program of %d instructions exceeds the kernel's limit of %d", len(prog), bpfMaxInsns)
	}
	return bpf.Assemble(prog)
}

// programArches validates and deduplicates the arches of SeccompProgram.
func programArches(in []sysabi.Arch) ([]sysabi.Arch, error) {
	if len(in) == 0 {
		return arches[:], nil
	}
	var list []sysabi.Arch
	for _, a := range in {
		if archIndex(a) < 0 {
			return nil, fmt.Errorf("filter: no system call table for architecture %v", a)
		}
		if !slices.Contains(list, a) {
			list = append(list, a)
		}
	}
	return list, nil
}

// segment is a range of values of A, from start to the next segment's
// start (or 2^32), that leaf decides: with a constant verdict, or, in the
// bitmap form, by testing the number's bit (in X) against mask.
type segment struct {
	start uint32
	kind  leafKind
	mask  uint32
}

type leafKind uint8

const (
	leafAllow leafKind = iota
	leafTrace
	leafMask
)

func (seg segment) leaf() []bpf.Instruction {
	switch seg.kind {
	case leafAllow:
		return []bpf.Instruction{bpf.RetConstant{Val: seccompRetAllow}}
	case leafTrace:
		return []bpf.Instruction{bpf.RetConstant{Val: seccompRetTrace}}
	}
	return []bpf.Instruction{
		bpf.TXA{},
		bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: seg.mask, SkipTrue: 0, SkipFalse: 1},
		bpf.RetConstant{Val: seccompRetTrace},
		bpf.RetConstant{Val: seccompRetAllow},
	}
}

// appendSegment adds a segment, merging it into the previous one when both
// have the same constant verdict.
func appendSegment(segs []segment, seg segment) []segment {
	if n := len(segs); n > 0 && seg.kind != leafMask && segs[n-1].kind == seg.kind {
		return segs
	}
	return append(segs, seg)
}

func constLeaf(trace bool) leafKind {
	if trace {
		return leafTrace
	}
	return leafAllow
}

// shortestSection returns the shorter of rangeSection and bitmapSection.
func (s *SyscallSet) shortestSection(a sysabi.Arch) []bpf.Instruction {
	r, b := s.rangeSection(a), s.bitmapSection(a)
	if len(b) < len(r) {
		return b
	}
	return r
}

// rangeSection loads the number and searches the ranges of equal verdicts
// over the whole 32-bit space of seccomp_data.nr.
func (s *SyscallSet) rangeSection(a sysabi.Arch) []bpf.Instruction {
	var segs []segment
	for nr := uint64(0); nr < maxNr; nr++ {
		segs = appendSegment(segs, segment{start: uint32(nr), kind: constLeaf(s.Has(a, nr))})
	}
	segs = appendSegment(segs, segment{start: maxNr, kind: leafTrace}) // unnamed
	return withLoad(searchTree(segs), bpf.LoadAbsolute{Off: seccompDataNr, Size: 4})
}

// bitmapSection puts 1<<(nr%32) in X and nr/32 in A, then searches the
// 32-number words; a word with both verdicts tests X against its mask.
func (s *SyscallSet) bitmapSection(a sysabi.Arch) []bpf.Instruction {
	var segs []segment
	for w := uint64(0); w < maxNr/32; w++ {
		var mask uint32
		for b := range uint64(32) {
			if s.Has(a, w*32+b) {
				mask |= 1 << b
			}
		}
		switch mask {
		case 0:
			segs = appendSegment(segs, segment{start: uint32(w), kind: leafAllow})
		case ^uint32(0):
			segs = appendSegment(segs, segment{start: uint32(w), kind: leafTrace})
		default:
			segs = appendSegment(segs, segment{start: uint32(w), kind: leafMask, mask: mask})
		}
	}
	segs = appendSegment(segs, segment{start: maxNr / 32, kind: leafTrace}) // unnamed
	return withLoad(searchTree(segs),
		bpf.LoadAbsolute{Off: seccompDataNr, Size: 4},
		bpf.ALUOpConstant{Op: bpf.ALUOpAnd, Val: 31},
		bpf.TAX{},
		bpf.LoadConstant{Dst: bpf.RegA, Val: 1},
		bpf.ALUOpX{Op: bpf.ALUOpShiftLeft},
		bpf.TAX{},
		bpf.LoadAbsolute{Off: seccompDataNr, Size: 4},
		bpf.ALUOpConstant{Op: bpf.ALUOpShiftRight, Val: 5})
}

// withLoad prefixes tree with the instructions that set up A (and X),
// unless the tree is a single return, which needs neither.
func withLoad(tree []bpf.Instruction, load ...bpf.Instruction) []bpf.Instruction {
	if len(tree) == 1 {
		return tree
	}
	return append(load, tree...)
}

// searchTree returns a binary search over segs on the value in A: each node
// tests A >= the start of the middle segment; the lower half follows it,
// the upper half comes after the lower one. Conditional jumps reach 255
// instructions at most, so a longer lower half is skipped by an
// unconditional jump.
func searchTree(segs []segment) []bpf.Instruction {
	if len(segs) == 1 {
		return segs[0].leaf()
	}
	mid := len(segs) / 2
	lower, upper := searchTree(segs[:mid]), searchTree(segs[mid:])
	var out []bpf.Instruction
	if len(lower) <= 255 {
		out = append(out, bpf.JumpIf{Cond: bpf.JumpGreaterOrEqual, Val: segs[mid].start, SkipTrue: uint8(len(lower))})
	} else {
		out = append(out,
			bpf.JumpIf{Cond: bpf.JumpGreaterOrEqual, Val: segs[mid].start, SkipTrue: 0, SkipFalse: 1},
			bpf.Jump{Skip: uint32(len(lower))})
	}
	out = append(out, lower...)
	return append(out, upper...)
}
