package decode_test

import (
	"encoding/binary"
	"sort"
)

// fakeMem is tracee memory made of mapped regions; reads stop at the end
// of a region, as process_vm_readv stops at an unmapped page.
type fakeMem struct {
	regions []region
	reads   int
}

type region struct {
	addr uint64
	data []byte
}

func (m *fakeMem) ReadMemory(addr uint64, buf []byte) (int, error) {
	m.reads++
	for _, r := range m.regions {
		if addr >= r.addr && addr-r.addr < uint64(len(r.data)) {
			return copy(buf, r.data[addr-r.addr:]), nil
		}
	}
	return 0, errFault{}
}

type errFault struct{}

func (errFault) Error() string { return "bad address" }

// at maps data at addr and returns addr.
func (m *fakeMem) at(addr uint64, data []byte) uint64 {
	for i, r := range m.regions {
		if r.addr == addr { // the kernel overwrote it
			m.regions = append(m.regions[:i], m.regions[i+1:]...)
			break
		}
	}
	m.regions = append(m.regions, region{addr, append([]byte(nil), data...)})
	sort.Slice(m.regions, func(i, j int) bool { return m.regions[i].addr < m.regions[j].addr })
	return addr
}

// str maps a NUL-terminated string.
func (m *fakeMem) str(addr uint64, s string) uint64 { return m.at(addr, append([]byte(s), 0)) }

// words builds little-endian structs field by field: each value is
// written with the size given before it.
type words []byte

func (w words) u8(v uint8) words   { return append(w, v) }
func (w words) u16(v uint16) words { return binary.LittleEndian.AppendUint16(w, v) }
func (w words) u32(v uint32) words { return binary.LittleEndian.AppendUint32(w, v) }
func (w words) u64(v uint64) words { return binary.LittleEndian.AppendUint64(w, v) }
func (w words) pad(n int) words    { return append(w, make([]byte, n)...) }
