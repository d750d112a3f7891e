package seize

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// Reading /proc at scale (issue 5: attach 10,000 threads in 150 ms).
//
// A /proc read costs about 10 µs of kernel time (the path walk, the
// inode, the text the file generates), and os.ReadFile adds as much
// again: it fstat()s the file, registers the descriptor with the runtime
// poller and allocates. The attach path therefore reads /proc with raw
// system calls into a reused buffer, lists threads with one getdents64,
// and reads nothing per thread that it can do without: checking that a
// seized tid belongs to the process is a tgkill of signal 0, not a stat
// file.

// readProc reads the /proc file at path (relative to dirfd, or absolute
// with dirfd unix.AT_FDCWD) into buf, which must be large enough.
func readProc(dirfd int, path string, buf []byte) ([]byte, error) {
	var fd int
	var err error
	for {
		fd, err = unix.Openat(dirfd, path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	n := 0
	for n < len(buf) {
		m, err := unix.Read(fd, buf[n:])
		if err == syscall.EINTR {
			continue // the tracer thread's wake-up signal (internal/wake)
		}
		if err != nil {
			return nil, err
		}
		if m == 0 {
			break
		}
		n += m
	}
	return buf[:n], nil
}

// taskLister lists the threads of a process. One getdents64 call with a
// buffer large enough for every entry walks the thread list once: the
// 8 KiB of os.File.Readdirnames make proc_task_readdir walk it from the
// start for each of some 30 batches (first_tid), 13 ms for 10,000
// threads.
type taskLister struct {
	buf []byte
}

// list returns the tids of process tgid, sorted.
func (l *taskLister) list(tgid int) ([]int, error) {
	var fd int
	var err error
	for {
		fd, err = unix.Open("/proc/"+strconv.Itoa(tgid)+"/task", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	if l.buf == nil {
		l.buf = make([]byte, 16<<10)
	}
	var tids []int
	for {
		n, err := unix.Getdents(fd, l.buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n <= 0 {
			break
		}
		tids = appendDirentTids(tids, l.buf[:n])
		if n > len(l.buf)/2 {
			// Most of the buffer used: next time, room for twice as many.
			l.buf = make([]byte, 2*len(l.buf))
		}
	}
	slices.Sort(tids)
	return tids, nil
}

// appendDirentTids appends the numeric names of the linux_dirent64
// records in b (ino u64, off s64, reclen u16, type u8, name NUL-ended).
func appendDirentTids(tids []int, b []byte) []int {
	const nameOff = 19
	for len(b) >= nameOff {
		reclen := int(binary.NativeEndian.Uint16(b[16:18]))
		if reclen < nameOff || reclen > len(b) {
			break
		}
		tid, digits := 0, 0
		for _, c := range b[nameOff:reclen] {
			if c < '0' || c > '9' {
				break
			}
			tid = tid*10 + int(c-'0')
			digits++
		}
		if digits > 0 && b[nameOff+digits] == 0 {
			tids = append(tids, tid)
		}
		b = b[reclen:]
	}
	return tids
}

// statFields returns the state letter and the last CPU (fields 3 and 39)
// of a /proc stat record.
func statFields(b []byte) (state byte, cpu int, ok bool) {
	// comm may contain spaces and parentheses: fields start after the
	// last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return 0, -1, false
	}
	b = b[i+2:]
	state = b[0]
	// Field 3 is the first after ')'; field 39 is 36 fields further.
	for f := 3; f < 39; f++ {
		j := bytes.IndexByte(b, ' ')
		if j < 0 {
			return 0, -1, false
		}
		b = b[j+1:]
	}
	cpu, digits := 0, 0
	for _, c := range b {
		if c < '0' || c > '9' {
			break
		}
		cpu = cpu*10 + int(c-'0')
		digits++
	}
	if digits == 0 {
		return 0, -1, false
	}
	return state, cpu, true
}

// schedField returns the value of key in a /proc/TID/sched record, in
// nanoseconds: the scheduler prints times as milliseconds with six
// decimals (SPLIT_NS).
func schedField(b []byte, key string) (int64, bool) {
	for len(b) > 0 {
		line := b
		if j := bytes.IndexByte(b, '\n'); j >= 0 {
			line, b = b[:j], b[j+1:]
		} else {
			b = nil
		}
		if len(line) < len(key) || string(line[:len(key)]) != key {
			continue
		}
		rest := line[len(key):]
		if len(rest) == 0 || (rest[0] != ' ' && rest[0] != ':') {
			continue // a longer key with this prefix
		}
		j := bytes.IndexByte(rest, ':')
		if j < 0 {
			return 0, false
		}
		return parseMillis(rest[j+1:])
	}
	return 0, false
}

// parseMillis parses "  123.456789" (milliseconds with up to nine
// decimals) into nanoseconds.
func parseMillis(b []byte) (int64, bool) {
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	var ms, frac int64
	digits, scale := 0, int64(1000000)
	i := 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		ms = ms*10 + int64(b[i]-'0')
		digits++
	}
	if i < len(b) && b[i] == '.' {
		for i++; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if scale > 1 {
				scale /= 10
				frac += int64(b[i]-'0') * scale
			}
		}
	}
	if digits == 0 {
		return 0, false
	}
	return ms*1000000 + frac, true
}
