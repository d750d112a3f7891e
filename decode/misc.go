package decode

// Flags and names of smaller calls: flock, fallocate, memfd_create,
// pidfd_open, inotify, priorities, mlockall, signalfd4,
// sched_getscheduler; and struct tms (times).
var (
	flockOps = &xlat{unknown: "LOCK_???", vals: []xval{
		{1, "LOCK_SH"}, {2, "LOCK_EX"}, {4, "LOCK_NB"}, {8, "LOCK_UN"},
		{32, "LOCK_MAND"}, {64, "LOCK_READ"}, {128, "LOCK_WRITE"},
	}}
	fallocFlags = &xlat{unknown: "FALLOC_FL_???", vals: []xval{
		{1, "FALLOC_FL_KEEP_SIZE"}, {2, "FALLOC_FL_PUNCH_HOLE"}, {4, "FALLOC_FL_NO_HIDE_STALE"},
		{8, "FALLOC_FL_COLLAPSE_RANGE"}, {0x10, "FALLOC_FL_ZERO_RANGE"}, {0x20, "FALLOC_FL_INSERT_RANGE"},
		{0x40, "FALLOC_FL_UNSHARE_RANGE"},
	}}
	mfdFlags = &xlat{unknown: "MFD_???", vals: []xval{
		{1, "MFD_CLOEXEC"}, {2, "MFD_ALLOW_SEALING"}, {4, "MFD_HUGETLB"}, {8, "MFD_NOEXEC_SEAL"}, {16, "MFD_EXEC"},
	}}
	pidfdFlags       = &xlat{unknown: "PIDFD_???", vals: []xval{{0x800, "PIDFD_NONBLOCK"}}}
	inotifyInitFlags = &xlat{unknown: "IN_???", vals: []xval{{0x800, "IN_NONBLOCK"}, {0x80000, "IN_CLOEXEC"}}}
	inotifyMask      = &xlat{unknown: "IN_???", vals: []xval{
		{0x1, "IN_ACCESS"}, {0x2, "IN_MODIFY"}, {0x4, "IN_ATTRIB"}, {0x8, "IN_CLOSE_WRITE"},
		{0x10, "IN_CLOSE_NOWRITE"}, {0x20, "IN_OPEN"}, {0x40, "IN_MOVED_FROM"}, {0x80, "IN_MOVED_TO"},
		{0x100, "IN_CREATE"}, {0x200, "IN_DELETE"}, {0x400, "IN_DELETE_SELF"}, {0x800, "IN_MOVE_SELF"},
		{0x2000, "IN_UNMOUNT"}, {0x4000, "IN_Q_OVERFLOW"}, {0x8000, "IN_IGNORED"},
		{0x1000000, "IN_ONLYDIR"}, {0x2000000, "IN_DONT_FOLLOW"}, {0x4000000, "IN_EXCL_UNLINK"},
		{0x10000000, "IN_MASK_CREATE"}, {0x20000000, "IN_MASK_ADD"}, {0x40000000, "IN_ISDIR"},
		{0x80000000, "IN_ONESHOT"},
	}}
	prioWhich     = &xlat{unknown: "PRIO_???", vals: []xval{{0, "PRIO_PROCESS"}, {1, "PRIO_PGRP"}, {2, "PRIO_USER"}}}
	mlockallFlags = &xlat{unknown: "MCL_???", vals: []xval{{1, "MCL_CURRENT"}, {2, "MCL_FUTURE"}, {4, "MCL_ONFAULT"}}}
	sfdFlags      = &xlat{unknown: "SFD_???", vals: []xval{{0x80000, "SFD_CLOEXEC"}, {0x800, "SFD_NONBLOCK"}}}
	rusageWho     = &xlat{unknown: "RUSAGE_???", vals: []xval{
		{0, "RUSAGE_SELF"}, {0xffffffff, "RUSAGE_CHILDREN"}, {1, "RUSAGE_THREAD"}, {0xfffffffe, "RUSAGE_BOTH"},
	}}
	umountFlags = &xlat{unknown: "MNT_???", vals: []xval{
		{1, "MNT_FORCE"}, {2, "MNT_DETACH"}, {4, "MNT_EXPIRE"}, {8, "UMOUNT_NOFOLLOW"},
	}}
	spliceFlags = &xlat{unknown: "SPLICE_F_???", vals: []xval{
		{1, "SPLICE_F_MOVE"}, {2, "SPLICE_F_NONBLOCK"}, {4, "SPLICE_F_MORE"}, {8, "SPLICE_F_GIFT"},
	}}
	syncFileRangeFlags = &xlat{unknown: "SYNC_FILE_RANGE_???", vals: []xval{
		{1, "SYNC_FILE_RANGE_WAIT_BEFORE"}, {2, "SYNC_FILE_RANGE_WRITE"}, {4, "SYNC_FILE_RANGE_WAIT_AFTER"},
	}}
	ioprioWho = &xlat{unknown: "IOPRIO_WHO_???", vals: []xval{
		{1, "IOPRIO_WHO_PROCESS"}, {2, "IOPRIO_WHO_PGRP"}, {3, "IOPRIO_WHO_USER"},
	}}
	ioprioClasses = &xlat{unknown: "IOPRIO_CLASS_???", vals: []xval{
		{0, "IOPRIO_CLASS_NONE"}, {1, "IOPRIO_CLASS_RT"}, {2, "IOPRIO_CLASS_BE"}, {3, "IOPRIO_CLASS_IDLE"},
	}}
	schedPolicies = &xlat{unknown: "SCHED_???", vals: []xval{
		{0, "SCHED_OTHER"}, {1, "SCHED_FIFO"}, {2, "SCHED_RR"}, {3, "SCHED_BATCH"},
		{5, "SCHED_IDLE"}, {6, "SCHED_DEADLINE"},
	}}
)

// schedPolicyResult prints sched_getscheduler's result: "0 (SCHED_OTHER)".
func schedPolicyResult(p *printer) bool {
	ret := p.c.ret
	p.dec(ret)
	if ret >= 0 {
		p.s(" (")
		p.b = appendEnum(p.b, schedPolicies, uint64(ret)&^0x40000000)
		if ret&0x40000000 != 0 {
			p.s("|SCHED_RESET_ON_FORK")
		}
		p.s(")")
	}
	return true
}

// tms prints struct tms: four clock_t.
func (p *printer) tms(addr uint64) {
	ws := p.wordSize()
	var b [32]byte
	if addr == 0 || p.failed() || !p.read(addr, b[:4*ws]) {
		p.ptr(addr)
		return
	}
	for i, name := range [...]string{"{tms_utime=", ", tms_stime=", ", tms_cutime=", ", tms_cstime="} {
		p.s(name)
		p.dec(p.sword(b[i*ws:]))
	}
	p.s("}")
}

// utimens prints utimensat's times: NULL, or two timespecs where a
// tv_nsec of UTIME_NOW or UTIME_OMIT stands for the whole time.
func (p *printer) utimens(addr uint64, t64 bool) {
	ts, ok := p.timespecPair(addr, t64)
	if !ok {
		return
	}
	p.s("[")
	for i := uint64(0); i < 2; i++ {
		if i > 0 {
			p.s(", ")
		}
		sec, nsec, _ := p.readTimePair(addr+i*ts, t64)
		switch nsec {
		case 1<<30 - 1:
			p.s("UTIME_NOW")
		case 1<<30 - 2:
			p.s("UTIME_OMIT")
		default:
			p.s("{tv_sec=")
			p.dec(sec)
			p.s(", tv_nsec=")
			p.dec(nsec)
			p.s("}")
			p.dateComment(sec, nsec)
		}
	}
	p.s("]")
}

// rusage prints struct rusage: the two times, and with -v every count.
func (p *printer) rusage(addr uint64) {
	ws := p.wordSize()
	var b [144]byte
	n := 4*ws + 14*ws // two timevals, fourteen longs
	if addr == 0 || p.failed() || !p.read(addr, b[:n]) {
		p.ptr(addr)
		return
	}
	tv := func(off int) {
		p.s("{tv_sec=")
		p.dec(p.sword(b[off:]))
		p.s(", tv_usec=")
		p.dec(p.sword(b[off+ws:]))
		p.s("}")
	}
	p.s("{ru_utime=")
	tv(0)
	p.s(", ru_stime=")
	tv(2 * ws)
	if !p.d.Opts.Verbose {
		p.s(", ...}")
		return
	}
	for i, name := range [...]string{"ru_maxrss", "ru_ixrss", "ru_idrss", "ru_isrss", "ru_minflt", "ru_majflt",
		"ru_nswap", "ru_inblock", "ru_oublock", "ru_msgsnd", "ru_msgrcv", "ru_nsignals", "ru_nvcsw", "ru_nivcsw"} {
		p.s(", ")
		p.s(name)
		p.s("=")
		p.dec(p.sword(b[4*ws+i*ws:]))
	}
	p.s("}")
}

// loffPtr prints a loff_t * read at entry (splice's offsets): [0], NULL,
// or the address if it cannot be read.
func (p *printer) loffPtr(addr uint64) {
	var b [8]byte
	if addr == 0 || !p.read(addr, b[:]) {
		p.ptr(addr)
		return
	}
	p.s("[")
	p.dec(int64(le.Uint64(b[:])))
	p.s("]")
}

// ioprio prints an I/O priority as strace does:
// IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4).
func (p *printer) ioprio(v uint64) {
	v &= 0xffff
	p.s("IOPRIO_PRIO_VALUE(")
	p.b = appendEnum(p.b, ioprioClasses, v>>13)
	p.s(", ")
	p.udec(v & 0x1fff)
	p.s(")")
}

// ioprioResult prints ioprio_get's result: "0 (IOPRIO_PRIO_VALUE(...))".
func ioprioResult(p *printer) bool {
	ret := p.c.ret
	p.dec(ret)
	if ret >= 0 {
		p.s(" (")
		p.ioprio(uint64(ret))
		p.s(")")
	}
	return true
}
