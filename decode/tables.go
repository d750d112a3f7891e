package decode

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// Flag and enumeration tables. Values come from golang.org/x/sys/unix for
// the architecture seize is built for; a tracee is either of that
// architecture or, on x86-64, an i386 process, whose values are the same
// (asm/x86 headers). Where unix lacks the kernel's value, the literal
// cites its header. Orders follow what strace prints.

// Kernel values unix does not carry: glibc defines O_LARGEFILE as 0 on
// 64-bit targets, but the kernel sets __O_LARGEFILE in f_flags
// (arch/*/include/uapi/asm/fcntl.h, asm-generic 0100000; arm64 0400000).
var oLargeFile = func() uint64 {
	if runtime.GOARCH == "arm64" {
		return 0o400000
	}
	return 0o100000
}()

const (
	// ioctls of include/uapi/asm-generic/ioctls.h that unix lacks.
	fionRead = 0x541b
	fionBio  = 0x5421
	fionClex = 0x5450
	fioClex  = 0x5451
	fioAsync = 0x5452
	// The kernel's F_GETLK family (asm-generic/fcntl.h); a 386 build of
	// unix has glibc's LFS values instead.
	fGetlk  = 5
	fSetlk  = 6
	fSetlkw = 7
	atFDCWD = unix.AT_FDCWD
	// mapHugeShift is MAP_HUGE_SHIFT, include/uapi/asm-generic/hugetlb_encode.h.
	mapHugeShift = 26
	// mapTypeMask is MAP_TYPE, include/uapi/linux/mman.h.
	mapTypeMask = 0x0f
)

var openAccess = &xlat{vals: []xval{
	{unix.O_RDONLY, "O_RDONLY"}, {unix.O_WRONLY, "O_WRONLY"}, {unix.O_RDWR, "O_RDWR"}, {3, "O_ACCMODE"},
}}

var openFlags = &xlat{vals: []xval{ // strace adds no comment for unknown open bits
	{unix.O_CREAT, "O_CREAT"},
	{unix.O_EXCL, "O_EXCL"},
	{unix.O_NOCTTY, "O_NOCTTY"},
	{unix.O_TRUNC, "O_TRUNC"},
	{unix.O_APPEND, "O_APPEND"},
	{unix.O_NONBLOCK, "O_NONBLOCK"},
	{unix.O_SYNC, "O_SYNC"},
	{unix.O_SYNC &^ unix.O_DSYNC, "__O_SYNC"},
	{unix.O_DSYNC, "O_DSYNC"},
	{unix.O_DIRECT, "O_DIRECT"},
	{oLargeFile, "O_LARGEFILE"},
	{unix.O_NOFOLLOW, "O_NOFOLLOW"},
	{unix.O_NOATIME, "O_NOATIME"},
	{unix.O_CLOEXEC, "O_CLOEXEC"},
	{unix.O_PATH, "O_PATH"},
	{unix.O_TMPFILE, "O_TMPFILE"},
	{unix.O_TMPFILE &^ unix.O_DIRECTORY, "__O_TMPFILE"},
	{unix.O_DIRECTORY, "O_DIRECTORY"},
	{unix.O_ASYNC, "FASYNC"},
}}

var fdFlags = &xlat{vals: []xval{{unix.FD_CLOEXEC, "FD_CLOEXEC"}}}

var atFlags = &xlat{unknown: "AT_???", vals: []xval{
	{unix.AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW"},
	{unix.AT_REMOVEDIR, "AT_REMOVEDIR"},
	{unix.AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW"},
	{unix.AT_NO_AUTOMOUNT, "AT_NO_AUTOMOUNT"},
	{unix.AT_EMPTY_PATH, "AT_EMPTY_PATH"},
	{unix.AT_RECURSIVE, "AT_RECURSIVE"},
}}

var faccessatFlags = &xlat{unknown: "AT_???", vals: []xval{
	{unix.AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW"},
	{unix.AT_EACCESS, "AT_EACCESS"},
	{unix.AT_EMPTY_PATH, "AT_EMPTY_PATH"},
}}

var statxSync = &xlat{vals: []xval{
	{unix.AT_STATX_SYNC_AS_STAT, "AT_STATX_SYNC_AS_STAT"},
	{unix.AT_STATX_FORCE_SYNC, "AT_STATX_FORCE_SYNC"},
	{unix.AT_STATX_DONT_SYNC, "AT_STATX_DONT_SYNC"},
}}

var accessModes = &xlat{zero: "F_OK", unknown: "?_OK", vals: []xval{
	{unix.R_OK, "R_OK"}, {unix.W_OK, "W_OK"}, {unix.X_OK, "X_OK"},
}}

var seekWhence = &xlat{unknown: "SEEK_???", vals: []xval{
	{unix.SEEK_SET, "SEEK_SET"}, {unix.SEEK_CUR, "SEEK_CUR"}, {unix.SEEK_END, "SEEK_END"},
	{unix.SEEK_DATA, "SEEK_DATA"}, {unix.SEEK_HOLE, "SEEK_HOLE"},
}}

var fcntlCmds = &xlat{unknown: "F_???", vals: []xval{
	{unix.F_DUPFD, "F_DUPFD"}, {unix.F_GETFD, "F_GETFD"}, {unix.F_SETFD, "F_SETFD"},
	{unix.F_GETFL, "F_GETFL"}, {unix.F_SETFL, "F_SETFL"}, {fGetlk, "F_GETLK"},
	{fSetlk, "F_SETLK"}, {fSetlkw, "F_SETLKW"}, {unix.F_SETOWN, "F_SETOWN"},
	{unix.F_GETOWN, "F_GETOWN"}, {unix.F_SETSIG, "F_SETSIG"}, {unix.F_GETSIG, "F_GETSIG"},
	{unix.F_SETOWN_EX, "F_SETOWN_EX"}, {unix.F_GETOWN_EX, "F_GETOWN_EX"},
	{unix.F_OFD_GETLK, "F_OFD_GETLK"}, {unix.F_OFD_SETLK, "F_OFD_SETLK"}, {unix.F_OFD_SETLKW, "F_OFD_SETLKW"},
	{unix.F_SETLEASE, "F_SETLEASE"}, {unix.F_GETLEASE, "F_GETLEASE"}, {unix.F_NOTIFY, "F_NOTIFY"},
	{unix.F_DUPFD_CLOEXEC, "F_DUPFD_CLOEXEC"}, {unix.F_SETPIPE_SZ, "F_SETPIPE_SZ"},
	{unix.F_GETPIPE_SZ, "F_GETPIPE_SZ"}, {unix.F_ADD_SEALS, "F_ADD_SEALS"}, {unix.F_GET_SEALS, "F_GET_SEALS"},
}}

// fcntlCmds32 adds the i386 fcntl64 commands (arch/x86 uses the
// asm-generic/fcntl.h values 12-14).
var fcntlCmds32 = &xlat{unknown: "F_???", vals: append([]xval{
	{12, "F_GETLK64"}, {13, "F_SETLK64"}, {14, "F_SETLKW64"},
}, fcntlCmds.vals...)}

var lockTypes = &xlat{unknown: "F_???", vals: []xval{
	{unix.F_RDLCK, "F_RDLCK"}, {unix.F_WRLCK, "F_WRLCK"}, {unix.F_UNLCK, "F_UNLCK"},
}}

var protFlags = func() *xlat {
	x := &xlat{unknown: "PROT_???", vals: []xval{
		{unix.PROT_NONE, "PROT_NONE"}, {unix.PROT_READ, "PROT_READ"}, {unix.PROT_WRITE, "PROT_WRITE"},
		{unix.PROT_EXEC, "PROT_EXEC"},
	}}
	if runtime.GOARCH == "arm64" {
		// arch/arm64/include/uapi/asm/mman.h
		x.vals = append(x.vals, xval{0x10, "PROT_BTI"}, xval{0x20, "PROT_MTE"})
	} else {
		x.vals = append(x.vals, xval{0x8, "PROT_SEM"}) // asm-generic/mman-common.h
	}
	x.vals = append(x.vals, xval{unix.PROT_GROWSDOWN, "PROT_GROWSDOWN"}, xval{unix.PROT_GROWSUP, "PROT_GROWSUP"})
	return x
}()

var mapTypes = &xlat{unknown: "MAP_???", vals: []xval{
	{0, "MAP_FILE"}, {unix.MAP_SHARED, "MAP_SHARED"}, {unix.MAP_PRIVATE, "MAP_PRIVATE"},
	{unix.MAP_SHARED_VALIDATE, "MAP_SHARED_VALIDATE"},
}}

var mapFlags = func() *xlat {
	x := &xlat{unknown: "MAP_???", vals: []xval{
		{unix.MAP_FIXED, "MAP_FIXED"}, {unix.MAP_ANONYMOUS, "MAP_ANONYMOUS"},
	}}
	if runtime.GOARCH != "arm64" {
		x.vals = append(x.vals, xval{0x40, "MAP_32BIT"}) // arch/x86/include/uapi/asm/mman.h
	}
	x.vals = append(x.vals, []xval{
		{unix.MAP_NORESERVE, "MAP_NORESERVE"}, {unix.MAP_POPULATE, "MAP_POPULATE"},
		{unix.MAP_NONBLOCK, "MAP_NONBLOCK"}, {unix.MAP_GROWSDOWN, "MAP_GROWSDOWN"},
		{unix.MAP_DENYWRITE, "MAP_DENYWRITE"}, {unix.MAP_EXECUTABLE, "MAP_EXECUTABLE"},
		{unix.MAP_LOCKED, "MAP_LOCKED"}, {unix.MAP_STACK, "MAP_STACK"}, {unix.MAP_HUGETLB, "MAP_HUGETLB"},
		{unix.MAP_SYNC, "MAP_SYNC"}, {0x4000000, "MAP_UNINITIALIZED"}, // include/uapi/asm-generic/mman-common.h
		{unix.MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE"},
	}...)
	return x
}()

var madvAdvice = &xlat{unknown: "MADV_???", vals: []xval{
	{unix.MADV_NORMAL, "MADV_NORMAL"}, {unix.MADV_RANDOM, "MADV_RANDOM"},
	{unix.MADV_SEQUENTIAL, "MADV_SEQUENTIAL"}, {unix.MADV_WILLNEED, "MADV_WILLNEED"},
	{unix.MADV_DONTNEED, "MADV_DONTNEED"}, {unix.MADV_FREE, "MADV_FREE"}, {unix.MADV_REMOVE, "MADV_REMOVE"},
	{unix.MADV_DONTFORK, "MADV_DONTFORK"}, {unix.MADV_DOFORK, "MADV_DOFORK"},
	{unix.MADV_MERGEABLE, "MADV_MERGEABLE"}, {unix.MADV_UNMERGEABLE, "MADV_UNMERGEABLE"},
	{unix.MADV_HUGEPAGE, "MADV_HUGEPAGE"}, {unix.MADV_NOHUGEPAGE, "MADV_NOHUGEPAGE"},
	{unix.MADV_DONTDUMP, "MADV_DONTDUMP"}, {unix.MADV_DODUMP, "MADV_DODUMP"},
	{unix.MADV_WIPEONFORK, "MADV_WIPEONFORK"}, {unix.MADV_KEEPONFORK, "MADV_KEEPONFORK"},
	{unix.MADV_COLD, "MADV_COLD"}, {unix.MADV_PAGEOUT, "MADV_PAGEOUT"},
	{unix.MADV_POPULATE_READ, "MADV_POPULATE_READ"}, {unix.MADV_POPULATE_WRITE, "MADV_POPULATE_WRITE"},
	{unix.MADV_DONTNEED_LOCKED, "MADV_DONTNEED_LOCKED"}, {unix.MADV_COLLAPSE, "MADV_COLLAPSE"},
	{unix.MADV_HWPOISON, "MADV_HWPOISON"}, {101, "MADV_SOFT_OFFLINE"}, // asm-generic/mman-common.h
}}

var mremapFlags = &xlat{unknown: "MREMAP_???", vals: []xval{
	{unix.MREMAP_MAYMOVE, "MREMAP_MAYMOVE"}, {unix.MREMAP_FIXED, "MREMAP_FIXED"},
	{unix.MREMAP_DONTUNMAP, "MREMAP_DONTUNMAP"},
}}

var msyncFlags = &xlat{unknown: "MS_???", vals: []xval{
	{unix.MS_ASYNC, "MS_ASYNC"}, {unix.MS_INVALIDATE, "MS_INVALIDATE"}, {unix.MS_SYNC, "MS_SYNC"},
}}

var cloneFlags = &xlat{unknown: "CLONE_???", vals: []xval{
	{unix.CLONE_VM, "CLONE_VM"}, {unix.CLONE_FS, "CLONE_FS"}, {unix.CLONE_FILES, "CLONE_FILES"},
	{unix.CLONE_SIGHAND, "CLONE_SIGHAND"}, {unix.CLONE_PIDFD, "CLONE_PIDFD"},
	{unix.CLONE_PTRACE, "CLONE_PTRACE"}, {unix.CLONE_VFORK, "CLONE_VFORK"},
	{unix.CLONE_PARENT, "CLONE_PARENT"}, {unix.CLONE_THREAD, "CLONE_THREAD"},
	{unix.CLONE_NEWNS, "CLONE_NEWNS"}, {unix.CLONE_SYSVSEM, "CLONE_SYSVSEM"},
	{unix.CLONE_SETTLS, "CLONE_SETTLS"}, {unix.CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID"},
	{unix.CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID"}, {unix.CLONE_DETACHED, "CLONE_DETACHED"},
	{unix.CLONE_UNTRACED, "CLONE_UNTRACED"}, {unix.CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID"},
	{unix.CLONE_NEWCGROUP, "CLONE_NEWCGROUP"}, {unix.CLONE_NEWUTS, "CLONE_NEWUTS"},
	{unix.CLONE_NEWIPC, "CLONE_NEWIPC"}, {unix.CLONE_NEWUSER, "CLONE_NEWUSER"},
	{unix.CLONE_NEWPID, "CLONE_NEWPID"}, {unix.CLONE_NEWNET, "CLONE_NEWNET"},
	{unix.CLONE_IO, "CLONE_IO"}, {unix.CLONE_CLEAR_SIGHAND, "CLONE_CLEAR_SIGHAND"},
	{unix.CLONE_INTO_CGROUP, "CLONE_INTO_CGROUP"}, {unix.CLONE_NEWTIME, "CLONE_NEWTIME"},
}}

var waitOptions = &xlat{unknown: "W???", vals: []xval{
	{unix.WNOHANG, "WNOHANG"}, {unix.WSTOPPED, "WSTOPPED"}, {unix.WEXITED, "WEXITED"},
	{unix.WCONTINUED, "WCONTINUED"}, {unix.WNOWAIT, "WNOWAIT"}, {unix.WNOTHREAD, "__WNOTHREAD"},
	{unix.WALL, "__WALL"}, {unix.WCLONE, "__WCLONE"},
}}

var idTypes = &xlat{unknown: "P_???", vals: []xval{
	{unix.P_ALL, "P_ALL"}, {unix.P_PID, "P_PID"}, {unix.P_PGID, "P_PGID"}, {unix.P_PIDFD, "P_PIDFD"},
}}

var rlimitResources = &xlat{unknown: "RLIMIT_???", vals: []xval{
	{unix.RLIMIT_CPU, "RLIMIT_CPU"}, {unix.RLIMIT_FSIZE, "RLIMIT_FSIZE"}, {unix.RLIMIT_DATA, "RLIMIT_DATA"},
	{unix.RLIMIT_STACK, "RLIMIT_STACK"}, {unix.RLIMIT_CORE, "RLIMIT_CORE"}, {unix.RLIMIT_RSS, "RLIMIT_RSS"},
	{unix.RLIMIT_NPROC, "RLIMIT_NPROC"}, {unix.RLIMIT_NOFILE, "RLIMIT_NOFILE"},
	{unix.RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK"}, {unix.RLIMIT_AS, "RLIMIT_AS"}, {unix.RLIMIT_LOCKS, "RLIMIT_LOCKS"},
	{unix.RLIMIT_SIGPENDING, "RLIMIT_SIGPENDING"}, {unix.RLIMIT_MSGQUEUE, "RLIMIT_MSGQUEUE"},
	{unix.RLIMIT_NICE, "RLIMIT_NICE"}, {unix.RLIMIT_RTPRIO, "RLIMIT_RTPRIO"}, {unix.RLIMIT_RTTIME, "RLIMIT_RTTIME"},
}}

var sigprocmaskHow = &xlat{unknown: "SIG_???", vals: []xval{
	{unix.SIG_BLOCK, "SIG_BLOCK"}, {unix.SIG_UNBLOCK, "SIG_UNBLOCK"}, {unix.SIG_SETMASK, "SIG_SETMASK"},
}}

// saFlags: include/uapi/asm-generic/signal-defs.h and arch/x86's
// SA_RESTORER; unix has no SA_* constants.
var saFlags = &xlat{unknown: "SA_???", vals: []xval{
	{0x04000000, "SA_RESTORER"}, {0x08000000, "SA_ONSTACK"}, {0x10000000, "SA_RESTART"},
	{0x40000000, "SA_NODEFER"}, {0x80000000, "SA_RESETHAND"}, {0x4, "SA_SIGINFO"},
	{0x1, "SA_NOCLDSTOP"}, {0x2, "SA_NOCLDWAIT"}, {0x400, "SA_UNSUPPORTED"}, {0x800, "SA_EXPOSE_TAGBITS"},
}}

const saRestorer = 0x04000000

// ssFlags: include/uapi/linux/signal.h.
var ssFlags = &xlat{unknown: "SS_???", vals: []xval{
	{1, "SS_ONSTACK"}, {2, "SS_DISABLE"}, {1 << 31, "SS_AUTODISARM"},
}}

var addressFamilies = &xlat{unknown: "AF_???", vals: []xval{
	{unix.AF_UNSPEC, "AF_UNSPEC"}, {unix.AF_UNIX, "AF_UNIX"}, {unix.AF_INET, "AF_INET"},
	{unix.AF_AX25, "AF_AX25"}, {unix.AF_IPX, "AF_IPX"}, {unix.AF_APPLETALK, "AF_APPLETALK"},
	{unix.AF_NETROM, "AF_NETROM"}, {unix.AF_BRIDGE, "AF_BRIDGE"}, {unix.AF_ATMPVC, "AF_ATMPVC"},
	{unix.AF_X25, "AF_X25"}, {unix.AF_INET6, "AF_INET6"}, {unix.AF_ROSE, "AF_ROSE"},
	{12, "AF_DECnet"}, {unix.AF_NETBEUI, "AF_NETBEUI"}, {unix.AF_SECURITY, "AF_SECURITY"},
	{unix.AF_KEY, "AF_KEY"}, {unix.AF_NETLINK, "AF_NETLINK"}, {unix.AF_PACKET, "AF_PACKET"},
	{unix.AF_ASH, "AF_ASH"}, {unix.AF_ECONET, "AF_ECONET"}, {unix.AF_ATMSVC, "AF_ATMSVC"},
	{unix.AF_RDS, "AF_RDS"}, {unix.AF_SNA, "AF_SNA"}, {unix.AF_IRDA, "AF_IRDA"},
	{unix.AF_PPPOX, "AF_PPPOX"}, {unix.AF_WANPIPE, "AF_WANPIPE"}, {unix.AF_LLC, "AF_LLC"},
	{unix.AF_IB, "AF_IB"}, {unix.AF_MPLS, "AF_MPLS"}, {unix.AF_CAN, "AF_CAN"}, {unix.AF_TIPC, "AF_TIPC"},
	{unix.AF_BLUETOOTH, "AF_BLUETOOTH"}, {unix.AF_IUCV, "AF_IUCV"}, {unix.AF_RXRPC, "AF_RXRPC"},
	{unix.AF_ISDN, "AF_ISDN"}, {unix.AF_PHONET, "AF_PHONET"}, {unix.AF_IEEE802154, "AF_IEEE802154"},
	{unix.AF_CAIF, "AF_CAIF"}, {unix.AF_ALG, "AF_ALG"}, {unix.AF_NFC, "AF_NFC"}, {unix.AF_VSOCK, "AF_VSOCK"},
	{unix.AF_KCM, "AF_KCM"}, {unix.AF_QIPCRTR, "AF_QIPCRTR"}, {unix.AF_SMC, "AF_SMC"},
	{unix.AF_XDP, "AF_XDP"}, {unix.AF_MCTP, "AF_MCTP"},
}}

var socketTypes = &xlat{unknown: "SOCK_???", vals: []xval{
	{unix.SOCK_STREAM, "SOCK_STREAM"}, {unix.SOCK_DGRAM, "SOCK_DGRAM"}, {unix.SOCK_RAW, "SOCK_RAW"},
	{unix.SOCK_RDM, "SOCK_RDM"}, {unix.SOCK_SEQPACKET, "SOCK_SEQPACKET"}, {unix.SOCK_DCCP, "SOCK_DCCP"},
	{unix.SOCK_PACKET, "SOCK_PACKET"},
}}

var socketFlags = &xlat{unknown: "SOCK_???", vals: []xval{
	{unix.SOCK_CLOEXEC, "SOCK_CLOEXEC"}, {unix.SOCK_NONBLOCK, "SOCK_NONBLOCK"},
}}

var ipProtocols = &xlat{unknown: "IPPROTO_???", vals: []xval{
	{unix.IPPROTO_IP, "IPPROTO_IP"}, {unix.IPPROTO_ICMP, "IPPROTO_ICMP"}, {unix.IPPROTO_IGMP, "IPPROTO_IGMP"},
	{unix.IPPROTO_IPIP, "IPPROTO_IPIP"}, {unix.IPPROTO_TCP, "IPPROTO_TCP"}, {unix.IPPROTO_EGP, "IPPROTO_EGP"},
	{unix.IPPROTO_PUP, "IPPROTO_PUP"}, {unix.IPPROTO_UDP, "IPPROTO_UDP"}, {unix.IPPROTO_IDP, "IPPROTO_IDP"},
	{unix.IPPROTO_TP, "IPPROTO_TP"}, {unix.IPPROTO_DCCP, "IPPROTO_DCCP"}, {unix.IPPROTO_IPV6, "IPPROTO_IPV6"},
	{unix.IPPROTO_RSVP, "IPPROTO_RSVP"}, {unix.IPPROTO_GRE, "IPPROTO_GRE"}, {unix.IPPROTO_ESP, "IPPROTO_ESP"},
	{unix.IPPROTO_AH, "IPPROTO_AH"}, {unix.IPPROTO_ICMPV6, "IPPROTO_ICMPV6"}, {unix.IPPROTO_MTP, "IPPROTO_MTP"},
	{unix.IPPROTO_BEETPH, "IPPROTO_BEETPH"}, {unix.IPPROTO_ENCAP, "IPPROTO_ENCAP"},
	{unix.IPPROTO_PIM, "IPPROTO_PIM"}, {unix.IPPROTO_COMP, "IPPROTO_COMP"}, {unix.IPPROTO_L2TP, "IPPROTO_L2TP"},
	{unix.IPPROTO_SCTP, "IPPROTO_SCTP"}, {unix.IPPROTO_UDPLITE, "IPPROTO_UDPLITE"},
	{unix.IPPROTO_MPLS, "IPPROTO_MPLS"}, {unix.IPPROTO_ETHERNET, "IPPROTO_ETHERNET"},
	{unix.IPPROTO_RAW, "IPPROTO_RAW"}, {unix.IPPROTO_MPTCP, "IPPROTO_MPTCP"},
}}

var netlinkProtocols = &xlat{unknown: "NETLINK_???", vals: []xval{
	{unix.NETLINK_ROUTE, "NETLINK_ROUTE"}, {unix.NETLINK_UNUSED, "NETLINK_UNUSED"},
	{unix.NETLINK_USERSOCK, "NETLINK_USERSOCK"}, {unix.NETLINK_FIREWALL, "NETLINK_FIREWALL"},
	{unix.NETLINK_SOCK_DIAG, "NETLINK_SOCK_DIAG"}, {unix.NETLINK_NFLOG, "NETLINK_NFLOG"},
	{unix.NETLINK_XFRM, "NETLINK_XFRM"}, {unix.NETLINK_SELINUX, "NETLINK_SELINUX"},
	{unix.NETLINK_ISCSI, "NETLINK_ISCSI"}, {unix.NETLINK_AUDIT, "NETLINK_AUDIT"},
	{unix.NETLINK_FIB_LOOKUP, "NETLINK_FIB_LOOKUP"}, {unix.NETLINK_CONNECTOR, "NETLINK_CONNECTOR"},
	{unix.NETLINK_NETFILTER, "NETLINK_NETFILTER"}, {unix.NETLINK_IP6_FW, "NETLINK_IP6_FW"},
	{unix.NETLINK_DNRTMSG, "NETLINK_DNRTMSG"}, {unix.NETLINK_KOBJECT_UEVENT, "NETLINK_KOBJECT_UEVENT"},
	{unix.NETLINK_GENERIC, "NETLINK_GENERIC"}, {unix.NETLINK_SCSITRANSPORT, "NETLINK_SCSITRANSPORT"},
	{unix.NETLINK_ECRYPTFS, "NETLINK_ECRYPTFS"}, {unix.NETLINK_RDMA, "NETLINK_RDMA"},
	{unix.NETLINK_CRYPTO, "NETLINK_CRYPTO"}, {unix.NETLINK_SMC, "NETLINK_SMC"},
}}

var shutdownHow = &xlat{unknown: "SHUT_???", vals: []xval{
	{unix.SHUT_RD, "SHUT_RD"}, {unix.SHUT_WR, "SHUT_WR"}, {unix.SHUT_RDWR, "SHUT_RDWR"},
}}

var msgFlags = &xlat{unknown: "MSG_???", vals: []xval{
	{unix.MSG_OOB, "MSG_OOB"}, {unix.MSG_PEEK, "MSG_PEEK"}, {unix.MSG_DONTROUTE, "MSG_DONTROUTE"},
	{unix.MSG_CTRUNC, "MSG_CTRUNC"}, {unix.MSG_PROXY, "MSG_PROBE"}, {unix.MSG_TRUNC, "MSG_TRUNC"},
	{unix.MSG_DONTWAIT, "MSG_DONTWAIT"}, {unix.MSG_EOR, "MSG_EOR"}, {unix.MSG_WAITALL, "MSG_WAITALL"},
	{unix.MSG_FIN, "MSG_FIN"}, {unix.MSG_SYN, "MSG_SYN"}, {unix.MSG_CONFIRM, "MSG_CONFIRM"},
	{unix.MSG_RST, "MSG_RST"}, {unix.MSG_ERRQUEUE, "MSG_ERRQUEUE"}, {unix.MSG_NOSIGNAL, "MSG_NOSIGNAL"},
	{unix.MSG_MORE, "MSG_MORE"}, {unix.MSG_WAITFORONE, "MSG_WAITFORONE"}, {unix.MSG_BATCH, "MSG_BATCH"},
	{unix.MSG_ZEROCOPY, "MSG_ZEROCOPY"}, {unix.MSG_FASTOPEN, "MSG_FASTOPEN"},
	{unix.MSG_CMSG_CLOEXEC, "MSG_CMSG_CLOEXEC"},
}}

var socketLevels = &xlat{unknown: "SOL_???", vals: []xval{
	{unix.SOL_IP, "SOL_IP"}, {unix.SOL_SOCKET, "SOL_SOCKET"}, {unix.SOL_TCP, "SOL_TCP"},
	{unix.SOL_UDP, "SOL_UDP"}, {unix.SOL_IPV6, "SOL_IPV6"}, {unix.SOL_ICMPV6, "SOL_ICMPV6"},
	{132, "SOL_SCTP"}, {136, "SOL_UDPLITE"}, // include/linux/socket.h {unix.SOL_RAW, "SOL_RAW"},
	{unix.SOL_PACKET, "SOL_PACKET"}, {unix.SOL_NETLINK, "SOL_NETLINK"}, {unix.SOL_ALG, "SOL_ALG"},
	{unix.SOL_TLS, "SOL_TLS"}, {unix.SOL_XDP, "SOL_XDP"}, {unix.SOL_MPTCP, "SOL_MPTCP"},
}}

var solSocketOptions = &xlat{unknown: "SO_???", vals: []xval{
	{unix.SO_DEBUG, "SO_DEBUG"}, {unix.SO_REUSEADDR, "SO_REUSEADDR"}, {unix.SO_TYPE, "SO_TYPE"},
	{unix.SO_ERROR, "SO_ERROR"}, {unix.SO_DONTROUTE, "SO_DONTROUTE"}, {unix.SO_BROADCAST, "SO_BROADCAST"},
	{unix.SO_SNDBUF, "SO_SNDBUF"}, {unix.SO_RCVBUF, "SO_RCVBUF"}, {unix.SO_SNDBUFFORCE, "SO_SNDBUFFORCE"},
	{unix.SO_RCVBUFFORCE, "SO_RCVBUFFORCE"}, {unix.SO_KEEPALIVE, "SO_KEEPALIVE"},
	{unix.SO_OOBINLINE, "SO_OOBINLINE"}, {unix.SO_NO_CHECK, "SO_NO_CHECK"}, {unix.SO_PRIORITY, "SO_PRIORITY"},
	{unix.SO_LINGER, "SO_LINGER"}, {unix.SO_BSDCOMPAT, "SO_BSDCOMPAT"}, {unix.SO_REUSEPORT, "SO_REUSEPORT"},
	{unix.SO_PASSCRED, "SO_PASSCRED"}, {unix.SO_PEERCRED, "SO_PEERCRED"}, {unix.SO_RCVLOWAT, "SO_RCVLOWAT"},
	{unix.SO_SNDLOWAT, "SO_SNDLOWAT"}, {unix.SO_RCVTIMEO_OLD, "SO_RCVTIMEO_OLD"},
	{unix.SO_SNDTIMEO_OLD, "SO_SNDTIMEO_OLD"}, {unix.SO_BINDTODEVICE, "SO_BINDTODEVICE"},
	{unix.SO_ATTACH_FILTER, "SO_ATTACH_FILTER"}, {unix.SO_DETACH_FILTER, "SO_DETACH_FILTER"},
	{unix.SO_PEERNAME, "SO_PEERNAME"}, {unix.SO_TIMESTAMP_OLD, "SO_TIMESTAMP_OLD"},
	{unix.SO_ACCEPTCONN, "SO_ACCEPTCONN"}, {unix.SO_PEERSEC, "SO_PEERSEC"}, {unix.SO_PASSSEC, "SO_PASSSEC"},
	{unix.SO_MARK, "SO_MARK"}, {unix.SO_PROTOCOL, "SO_PROTOCOL"}, {unix.SO_DOMAIN, "SO_DOMAIN"},
	{unix.SO_RXQ_OVFL, "SO_RXQ_OVFL"}, {unix.SO_PEEK_OFF, "SO_PEEK_OFF"}, {unix.SO_BUSY_POLL, "SO_BUSY_POLL"},
	{unix.SO_INCOMING_CPU, "SO_INCOMING_CPU"}, {unix.SO_ATTACH_BPF, "SO_ATTACH_BPF"},
	{unix.SO_COOKIE, "SO_COOKIE"}, {unix.SO_PEERGROUPS, "SO_PEERGROUPS"}, {unix.SO_ZEROCOPY, "SO_ZEROCOPY"},
	{unix.SO_TXTIME, "SO_TXTIME"}, {unix.SO_BINDTOIFINDEX, "SO_BINDTOIFINDEX"},
	{unix.SO_RCVTIMEO_NEW, "SO_RCVTIMEO_NEW"}, {unix.SO_SNDTIMEO_NEW, "SO_SNDTIMEO_NEW"},
}}

var tcpOptions = &xlat{unknown: "TCP_???", vals: []xval{
	{unix.TCP_NODELAY, "TCP_NODELAY"}, {unix.TCP_MAXSEG, "TCP_MAXSEG"}, {unix.TCP_CORK, "TCP_CORK"},
	{unix.TCP_KEEPIDLE, "TCP_KEEPIDLE"}, {unix.TCP_KEEPINTVL, "TCP_KEEPINTVL"}, {unix.TCP_KEEPCNT, "TCP_KEEPCNT"},
	{unix.TCP_SYNCNT, "TCP_SYNCNT"}, {unix.TCP_LINGER2, "TCP_LINGER2"}, {unix.TCP_DEFER_ACCEPT, "TCP_DEFER_ACCEPT"},
	{unix.TCP_WINDOW_CLAMP, "TCP_WINDOW_CLAMP"}, {unix.TCP_INFO, "TCP_INFO"}, {unix.TCP_QUICKACK, "TCP_QUICKACK"},
	{unix.TCP_CONGESTION, "TCP_CONGESTION"}, {unix.TCP_MD5SIG, "TCP_MD5SIG"},
	{unix.TCP_USER_TIMEOUT, "TCP_USER_TIMEOUT"}, {unix.TCP_FASTOPEN, "TCP_FASTOPEN"},
	{unix.TCP_NOTSENT_LOWAT, "TCP_NOTSENT_LOWAT"}, {unix.TCP_ULP, "TCP_ULP"},
	{unix.TCP_FASTOPEN_CONNECT, "TCP_FASTOPEN_CONNECT"}, {unix.TCP_INQ, "TCP_INQ"},
}}

var ipOptions = &xlat{unknown: "IP_???", vals: []xval{
	{unix.IP_TOS, "IP_TOS"}, {unix.IP_TTL, "IP_TTL"}, {unix.IP_HDRINCL, "IP_HDRINCL"},
	{unix.IP_OPTIONS, "IP_OPTIONS"}, {unix.IP_ROUTER_ALERT, "IP_ROUTER_ALERT"}, {unix.IP_RECVOPTS, "IP_RECVOPTS"},
	{unix.IP_RETOPTS, "IP_RETOPTS"}, {unix.IP_PKTINFO, "IP_PKTINFO"}, {unix.IP_PKTOPTIONS, "IP_PKTOPTIONS"},
	{unix.IP_MTU_DISCOVER, "IP_MTU_DISCOVER"}, {unix.IP_RECVERR, "IP_RECVERR"}, {unix.IP_RECVTTL, "IP_RECVTTL"},
	{unix.IP_RECVTOS, "IP_RECVTOS"}, {unix.IP_MTU, "IP_MTU"}, {unix.IP_FREEBIND, "IP_FREEBIND"},
	{unix.IP_TRANSPARENT, "IP_TRANSPARENT"}, {unix.IP_ORIGDSTADDR, "IP_ORIGDSTADDR"},
	{unix.IP_MINTTL, "IP_MINTTL"}, {unix.IP_NODEFRAG, "IP_NODEFRAG"},
	{unix.IP_BIND_ADDRESS_NO_PORT, "IP_BIND_ADDRESS_NO_PORT"}, {unix.IP_RECVFRAGSIZE, "IP_RECVFRAGSIZE"},
	{unix.IP_RECVERR_RFC4884, "IP_RECVERR_RFC4884"}, {unix.IP_MULTICAST_IF, "IP_MULTICAST_IF"},
	{unix.IP_MULTICAST_TTL, "IP_MULTICAST_TTL"}, {unix.IP_MULTICAST_LOOP, "IP_MULTICAST_LOOP"},
	{unix.IP_ADD_MEMBERSHIP, "IP_ADD_MEMBERSHIP"}, {unix.IP_DROP_MEMBERSHIP, "IP_DROP_MEMBERSHIP"},
	{unix.IP_MULTICAST_ALL, "IP_MULTICAST_ALL"}, {unix.IP_UNICAST_IF, "IP_UNICAST_IF"},
}}

var ipv6Options = &xlat{unknown: "IPV6_???", vals: []xval{
	{unix.IPV6_ADDRFORM, "IPV6_ADDRFORM"}, {unix.IPV6_UNICAST_HOPS, "IPV6_UNICAST_HOPS"},
	{unix.IPV6_MULTICAST_IF, "IPV6_MULTICAST_IF"}, {unix.IPV6_MULTICAST_HOPS, "IPV6_MULTICAST_HOPS"},
	{unix.IPV6_MULTICAST_LOOP, "IPV6_MULTICAST_LOOP"}, {unix.IPV6_ADD_MEMBERSHIP, "IPV6_ADD_MEMBERSHIP"},
	{unix.IPV6_DROP_MEMBERSHIP, "IPV6_DROP_MEMBERSHIP"}, {unix.IPV6_MTU_DISCOVER, "IPV6_MTU_DISCOVER"},
	{unix.IPV6_MTU, "IPV6_MTU"}, {unix.IPV6_RECVERR, "IPV6_RECVERR"}, {unix.IPV6_V6ONLY, "IPV6_V6ONLY"},
	{unix.IPV6_RECVPKTINFO, "IPV6_RECVPKTINFO"}, {unix.IPV6_PKTINFO, "IPV6_PKTINFO"},
	{unix.IPV6_RECVHOPLIMIT, "IPV6_RECVHOPLIMIT"}, {unix.IPV6_HOPLIMIT, "IPV6_HOPLIMIT"},
	{unix.IPV6_TCLASS, "IPV6_TCLASS"}, {unix.IPV6_RECVTCLASS, "IPV6_RECVTCLASS"},
	{unix.IPV6_FREEBIND, "IPV6_FREEBIND"}, {unix.IPV6_TRANSPARENT, "IPV6_TRANSPARENT"},
}}

var pollEvents = &xlat{unknown: "POLL???", vals: []xval{
	{unix.POLLIN, "POLLIN"}, {unix.POLLPRI, "POLLPRI"}, {unix.POLLOUT, "POLLOUT"}, {unix.POLLERR, "POLLERR"},
	{unix.POLLHUP, "POLLHUP"}, {unix.POLLNVAL, "POLLNVAL"},
	// include/uapi/asm-generic/poll.h
	{0x40, "POLLRDNORM"}, {0x80, "POLLRDBAND"}, {0x100, "POLLWRNORM"}, {0x200, "POLLWRBAND"},
	{0x400, "POLLMSG"}, {0x1000, "POLLREMOVE"}, {unix.POLLRDHUP, "POLLRDHUP"},
}}

var epollCtlOps = &xlat{unknown: "EPOLL_CTL_???", vals: []xval{
	{unix.EPOLL_CTL_ADD, "EPOLL_CTL_ADD"}, {unix.EPOLL_CTL_DEL, "EPOLL_CTL_DEL"}, {unix.EPOLL_CTL_MOD, "EPOLL_CTL_MOD"},
}}

var epollEvents = &xlat{unknown: "EPOLL???", vals: []xval{
	{unix.EPOLLIN, "EPOLLIN"}, {unix.EPOLLPRI, "EPOLLPRI"}, {unix.EPOLLOUT, "EPOLLOUT"},
	{unix.EPOLLERR, "EPOLLERR"}, {unix.EPOLLHUP, "EPOLLHUP"}, {0x20, "EPOLLNVAL"},
	{unix.EPOLLRDNORM, "EPOLLRDNORM"}, {unix.EPOLLRDBAND, "EPOLLRDBAND"}, {unix.EPOLLWRNORM, "EPOLLWRNORM"},
	{unix.EPOLLWRBAND, "EPOLLWRBAND"}, {unix.EPOLLMSG, "EPOLLMSG"}, {unix.EPOLLRDHUP, "EPOLLRDHUP"},
	{unix.EPOLLEXCLUSIVE, "EPOLLEXCLUSIVE"}, {unix.EPOLLWAKEUP, "EPOLLWAKEUP"},
	{unix.EPOLLONESHOT, "EPOLLONESHOT"}, {unix.EPOLLET & 0xffffffff, "EPOLLET"},
}}

var epollFlags = &xlat{unknown: "EPOLL_???", vals: []xval{{unix.EPOLL_CLOEXEC, "EPOLL_CLOEXEC"}}}

// futexCmds are the FUTEX_CMD_MASK values of include/uapi/linux/futex.h.
var futexCmds = &xlat{unknown: "FUTEX_???", vals: []xval{
	{0, "FUTEX_WAIT"}, {1, "FUTEX_WAKE"}, {2, "FUTEX_FD"}, {3, "FUTEX_REQUEUE"},
	{4, "FUTEX_CMP_REQUEUE"}, {5, "FUTEX_WAKE_OP"}, {6, "FUTEX_LOCK_PI"}, {7, "FUTEX_UNLOCK_PI"},
	{8, "FUTEX_TRYLOCK_PI"}, {9, "FUTEX_WAIT_BITSET"}, {10, "FUTEX_WAKE_BITSET"},
	{11, "FUTEX_WAIT_REQUEUE_PI"}, {12, "FUTEX_CMP_REQUEUE_PI"}, {13, "FUTEX_LOCK_PI2"},
}}

const (
	futexPrivate       = 128
	futexClockRealtime = 256
	futexBitsetAny     = 0xffffffff
)

var futexWakeOps = &xlat{unknown: "FUTEX_OP_???", vals: []xval{
	{0, "FUTEX_OP_SET"}, {1, "FUTEX_OP_ADD"}, {2, "FUTEX_OP_OR"}, {3, "FUTEX_OP_ANDN"}, {4, "FUTEX_OP_XOR"},
}}

var futexWakeCmps = &xlat{unknown: "FUTEX_OP_CMP_???", vals: []xval{
	{0, "FUTEX_OP_CMP_EQ"}, {1, "FUTEX_OP_CMP_NE"}, {2, "FUTEX_OP_CMP_LT"}, {3, "FUTEX_OP_CMP_LE"},
	{4, "FUTEX_OP_CMP_GT"}, {5, "FUTEX_OP_CMP_GE"},
}}

var clockIDs = &xlat{unknown: "CLOCK_???", vals: []xval{
	{unix.CLOCK_REALTIME, "CLOCK_REALTIME"}, {unix.CLOCK_MONOTONIC, "CLOCK_MONOTONIC"},
	{unix.CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID"},
	{unix.CLOCK_THREAD_CPUTIME_ID, "CLOCK_THREAD_CPUTIME_ID"}, {unix.CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW"},
	{unix.CLOCK_REALTIME_COARSE, "CLOCK_REALTIME_COARSE"}, {unix.CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE"},
	{unix.CLOCK_BOOTTIME, "CLOCK_BOOTTIME"}, {unix.CLOCK_REALTIME_ALARM, "CLOCK_REALTIME_ALARM"},
	{unix.CLOCK_BOOTTIME_ALARM, "CLOCK_BOOTTIME_ALARM"}, {unix.CLOCK_TAI, "CLOCK_TAI"},
}}

var timerFlags = &xlat{unknown: "TIMER_???", vals: []xval{{unix.TIMER_ABSTIME, "TIMER_ABSTIME"}}}

// tfdFlags: timerfd_create's flags; tfdSetFlags: timerfd_settime's.
var (
	tfdFlags    = &xlat{unknown: "TFD_???", vals: []xval{{unix.TFD_CLOEXEC, "TFD_CLOEXEC"}, {unix.TFD_NONBLOCK, "TFD_NONBLOCK"}}}
	tfdSetFlags = &xlat{unknown: "TFD_TIMER_???", vals: []xval{{unix.TFD_TIMER_ABSTIME, "TFD_TIMER_ABSTIME"}, {2, "TFD_TIMER_CANCEL_ON_SET"}}}
)

// sigevNotify: struct sigevent's sigev_notify.
var sigevNotify = &xlat{unknown: "SIGEV_???", vals: []xval{
	{0, "SIGEV_SIGNAL"}, {1, "SIGEV_NONE"}, {2, "SIGEV_THREAD"}, {4, "SIGEV_THREAD_ID"},
}}

// archPrctlCodes: arch/x86/include/uapi/asm/prctl.h, as known to strace 6.1.
var archPrctlCodes = &xlat{unknown: "ARCH_???", vals: []xval{
	{0x1001, "ARCH_SET_GS"}, {0x1002, "ARCH_SET_FS"}, {0x1003, "ARCH_GET_FS"}, {0x1004, "ARCH_GET_GS"},
	{0x1011, "ARCH_GET_CPUID"}, {0x1012, "ARCH_SET_CPUID"}, {0x1021, "ARCH_GET_XCOMP_SUPP"},
	{0x1022, "ARCH_GET_XCOMP_PERM"}, {0x1023, "ARCH_REQ_XCOMP_PERM"}, {0x1024, "ARCH_GET_XCOMP_GUEST_PERM"},
	{0x1025, "ARCH_REQ_XCOMP_GUEST_PERM"}, {0x2001, "ARCH_MAP_VDSO_X32"}, {0x2002, "ARCH_MAP_VDSO_32"},
	{0x2003, "ARCH_MAP_VDSO_64"},
}}

var grndFlags = &xlat{unknown: "GRND_???", vals: []xval{
	{unix.GRND_NONBLOCK, "GRND_NONBLOCK"}, {unix.GRND_RANDOM, "GRND_RANDOM"}, {unix.GRND_INSECURE, "GRND_INSECURE"},
}}

var renameFlags = &xlat{unknown: "RENAME_???", vals: []xval{
	{unix.RENAME_NOREPLACE, "RENAME_NOREPLACE"}, {unix.RENAME_EXCHANGE, "RENAME_EXCHANGE"},
	{unix.RENAME_WHITEOUT, "RENAME_WHITEOUT"},
}}

var resolveFlags = &xlat{unknown: "RESOLVE_???", vals: []xval{
	{unix.RESOLVE_NO_XDEV, "RESOLVE_NO_XDEV"}, {unix.RESOLVE_NO_MAGICLINKS, "RESOLVE_NO_MAGICLINKS"},
	{unix.RESOLVE_NO_SYMLINKS, "RESOLVE_NO_SYMLINKS"}, {unix.RESOLVE_BENEATH, "RESOLVE_BENEATH"},
	{unix.RESOLVE_IN_ROOT, "RESOLVE_IN_ROOT"}, {0x20, "RESOLVE_CACHED"}, // include/uapi/linux/openat2.h
}}

var rwfFlags = &xlat{unknown: "RWF_???", vals: []xval{
	{unix.RWF_HIPRI, "RWF_HIPRI"}, {unix.RWF_DSYNC, "RWF_DSYNC"}, {unix.RWF_SYNC, "RWF_SYNC"},
	{unix.RWF_NOWAIT, "RWF_NOWAIT"}, {unix.RWF_APPEND, "RWF_APPEND"},
}}

var statxMasks = &xlat{unknown: "STATX_???", vals: []xval{
	{unix.STATX_ALL, "STATX_ALL"}, {unix.STATX_BASIC_STATS, "STATX_BASIC_STATS"},
	{unix.STATX_TYPE, "STATX_TYPE"}, {unix.STATX_MODE, "STATX_MODE"}, {unix.STATX_NLINK, "STATX_NLINK"},
	{unix.STATX_UID, "STATX_UID"}, {unix.STATX_GID, "STATX_GID"}, {unix.STATX_ATIME, "STATX_ATIME"},
	{unix.STATX_MTIME, "STATX_MTIME"}, {unix.STATX_CTIME, "STATX_CTIME"}, {unix.STATX_INO, "STATX_INO"},
	{unix.STATX_SIZE, "STATX_SIZE"}, {unix.STATX_BLOCKS, "STATX_BLOCKS"}, {unix.STATX_BTIME, "STATX_BTIME"},
	{unix.STATX_MNT_ID, "STATX_MNT_ID"}, {unix.STATX_DIOALIGN, "STATX_DIOALIGN"},
}}

var statxAttrs = &xlat{unknown: "STATX_ATTR_???", vals: []xval{
	{unix.STATX_ATTR_COMPRESSED, "STATX_ATTR_COMPRESSED"}, {unix.STATX_ATTR_IMMUTABLE, "STATX_ATTR_IMMUTABLE"},
	{unix.STATX_ATTR_APPEND, "STATX_ATTR_APPEND"}, {unix.STATX_ATTR_NODUMP, "STATX_ATTR_NODUMP"},
	{unix.STATX_ATTR_ENCRYPTED, "STATX_ATTR_ENCRYPTED"}, {unix.STATX_ATTR_AUTOMOUNT, "STATX_ATTR_AUTOMOUNT"},
	{unix.STATX_ATTR_MOUNT_ROOT, "STATX_ATTR_MOUNT_ROOT"}, {unix.STATX_ATTR_VERITY, "STATX_ATTR_VERITY"},
	{unix.STATX_ATTR_DAX, "STATX_ATTR_DAX"},
}}

var fileTypes = &xlat{vals: []xval{
	{unix.S_IFREG, "S_IFREG"}, {unix.S_IFSOCK, "S_IFSOCK"}, {unix.S_IFIFO, "S_IFIFO"},
	{unix.S_IFLNK, "S_IFLNK"}, {unix.S_IFDIR, "S_IFDIR"}, {unix.S_IFBLK, "S_IFBLK"}, {unix.S_IFCHR, "S_IFCHR"},
}}

var direntTypes = &xlat{unknown: "DT_???", vals: []xval{
	{unix.DT_UNKNOWN, "DT_UNKNOWN"}, {unix.DT_FIFO, "DT_FIFO"}, {unix.DT_CHR, "DT_CHR"}, {unix.DT_DIR, "DT_DIR"},
	{unix.DT_BLK, "DT_BLK"}, {unix.DT_REG, "DT_REG"}, {unix.DT_LNK, "DT_LNK"}, {unix.DT_SOCK, "DT_SOCK"},
	{unix.DT_WHT, "DT_WHT"},
}}

// ioctl requests decoded by name (include/uapi/asm-generic/ioctls.h via
// unix). strace 6.1 prints the SNDCTL_TMR_* aliases that share the
// TCSETS* numbers; seize copies the shape.
var ioctlNames = &xlat{vals: []xval{
	{unix.TCGETS, "TCGETS"}, {unix.TCSETS, "SNDCTL_TMR_START or TCSETS"},
	{unix.TCSETSW, "SNDCTL_TMR_STOP or TCSETSW"}, {unix.TCSETSF, "SNDCTL_TMR_CONTINUE or TCSETSF"},
	{unix.TIOCGWINSZ, "TIOCGWINSZ"}, {unix.TIOCSWINSZ, "TIOCSWINSZ"}, {fionRead, "FIONREAD"},
	{unix.TIOCGPGRP, "TIOCGPGRP"}, {unix.TIOCSPGRP, "TIOCSPGRP"}, {fionBio, "FIONBIO"},
	{fioClex, "FIOCLEX"}, {fionClex, "FIONCLEX"}, {unix.TIOCSCTTY, "TIOCSCTTY"},
	{unix.TIOCNOTTY, "TIOCNOTTY"}, {unix.TIOCGPTN, "TIOCGPTN"}, {unix.TIOCSPTLCK, "TIOCSPTLCK"},
	{unix.TIOCGSID, "TIOCGSID"}, {fioAsync, "FIOASYNC"},
}}

// Termios flag tables: include/uapi/asm-generic/termbits.h via unix, in
// strace's order (POSIX names first).
var (
	termIflags = &xlat{vals: []xval{
		{unix.IGNBRK, "IGNBRK"}, {unix.BRKINT, "BRKINT"}, {unix.IGNPAR, "IGNPAR"}, {unix.PARMRK, "PARMRK"},
		{unix.INPCK, "INPCK"}, {unix.ISTRIP, "ISTRIP"}, {unix.INLCR, "INLCR"}, {unix.IGNCR, "IGNCR"},
		{unix.ICRNL, "ICRNL"}, {unix.IUCLC, "IUCLC"}, {unix.IXON, "IXON"}, {unix.IXANY, "IXANY"},
		{unix.IXOFF, "IXOFF"}, {unix.IMAXBEL, "IMAXBEL"}, {unix.IUTF8, "IUTF8"},
	}}
	termOflags = &xlat{vals: []xval{
		{unix.OPOST, "OPOST"}, {unix.OLCUC, "OLCUC"}, {unix.ONLCR, "ONLCR"}, {unix.OCRNL, "OCRNL"},
		{unix.ONOCR, "ONOCR"}, {unix.ONLRET, "ONLRET"}, {unix.OFILL, "OFILL"}, {unix.OFDEL, "OFDEL"},
	}}
	termCflags = &xlat{vals: []xval{
		{unix.CSTOPB, "CSTOPB"}, {unix.CREAD, "CREAD"}, {unix.PARENB, "PARENB"}, {unix.PARODD, "PARODD"},
		{unix.HUPCL, "HUPCL"}, {unix.CLOCAL, "CLOCAL"}, {unix.CMSPAR, "CMSPAR"}, {unix.CRTSCTS, "CRTSCTS"},
	}}
	termLflags = &xlat{vals: []xval{
		{unix.ISIG, "ISIG"}, {unix.ICANON, "ICANON"}, {unix.XCASE, "XCASE"}, {unix.ECHO, "ECHO"},
		{unix.ECHOE, "ECHOE"}, {unix.ECHOK, "ECHOK"}, {unix.ECHONL, "ECHONL"}, {unix.NOFLSH, "NOFLSH"},
		{unix.IEXTEN, "IEXTEN"}, {unix.ECHOCTL, "ECHOCTL"}, {unix.ECHOPRT, "ECHOPRT"}, {unix.ECHOKE, "ECHOKE"},
		{unix.FLUSHO, "FLUSHO"}, {unix.PENDIN, "PENDIN"}, {unix.TOSTOP, "TOSTOP"}, {unix.EXTPROC, "EXTPROC"},
	}}
	// Delay fields of c_oflag, printed as enumerations before the flags.
	termOdelays = []struct {
		mask  uint64
		names *xlat
	}{
		{unix.NLDLY, &xlat{vals: []xval{{unix.NL0, "NL0"}, {unix.NL1, "NL1"}}}},
		{unix.CRDLY, &xlat{vals: []xval{{unix.CR0, "CR0"}, {unix.CR1, "CR1"}, {unix.CR2, "CR2"}, {unix.CR3, "CR3"}}}},
		{unix.TABDLY, &xlat{vals: []xval{{unix.TAB0, "TAB0"}, {unix.TAB1, "TAB1"}, {unix.TAB2, "TAB2"}, {unix.TAB3, "TAB3"}}}},
		{unix.BSDLY, &xlat{vals: []xval{{unix.BS0, "BS0"}, {unix.BS1, "BS1"}}}},
		{unix.VTDLY, &xlat{vals: []xval{{unix.VT0, "VT0"}, {unix.VT1, "VT1"}}}},
		{unix.FFDLY, &xlat{vals: []xval{{unix.FF0, "FF0"}, {unix.FF1, "FF1"}}}},
	}
	termBauds = &xlat{vals: []xval{
		{unix.B0, "B0"}, {unix.B50, "B50"}, {unix.B75, "B75"}, {unix.B110, "B110"}, {unix.B134, "B134"},
		{unix.B150, "B150"}, {unix.B200, "B200"}, {unix.B300, "B300"}, {unix.B600, "B600"},
		{unix.B1200, "B1200"}, {unix.B1800, "B1800"}, {unix.B2400, "B2400"}, {unix.B4800, "B4800"},
		{unix.B9600, "B9600"}, {unix.B19200, "B19200"}, {unix.B38400, "B38400"}, {unix.B57600, "B57600"},
		{unix.B115200, "B115200"}, {unix.B230400, "B230400"}, {unix.B460800, "B460800"},
		{unix.B500000, "B500000"}, {unix.B576000, "B576000"}, {unix.B921600, "B921600"},
		{unix.B1000000, "B1000000"}, {unix.B1152000, "B1152000"}, {unix.B1500000, "B1500000"},
		{unix.B2000000, "B2000000"}, {unix.B2500000, "B2500000"}, {unix.B3000000, "B3000000"},
		{unix.B3500000, "B3500000"}, {unix.B4000000, "B4000000"},
	}}
	termCsizes = &xlat{vals: []xval{{unix.CS5, "CS5"}, {unix.CS6, "CS6"}, {unix.CS7, "CS7"}, {unix.CS8, "CS8"}}}
)

var itimerWhich = &xlat{unknown: "ITIMER_???", vals: []xval{
	{unix.ITIMER_REAL, "ITIMER_REAL"}, {unix.ITIMER_VIRTUAL, "ITIMER_VIRTUAL"}, {unix.ITIMER_PROF, "ITIMER_PROF"},
}}

var fadvAdvice = &xlat{unknown: "POSIX_FADV_???", vals: []xval{
	{unix.FADV_NORMAL, "POSIX_FADV_NORMAL"}, {unix.FADV_RANDOM, "POSIX_FADV_RANDOM"},
	{unix.FADV_SEQUENTIAL, "POSIX_FADV_SEQUENTIAL"}, {unix.FADV_WILLNEED, "POSIX_FADV_WILLNEED"},
	{unix.FADV_DONTNEED, "POSIX_FADV_DONTNEED"}, {unix.FADV_NOREUSE, "POSIX_FADV_NOREUSE"},
}}

var xattrFlags = &xlat{unknown: "XATTR_???", vals: []xval{
	{unix.XATTR_CREATE, "XATTR_CREATE"}, {unix.XATTR_REPLACE, "XATTR_REPLACE"},
}}

// statfsFlags: ST_VALID is 0x20 and ST_NOSYMFOLLOW 0x2000 in
// include/linux/statfs.h; unix has the others.
var statfsFlags = &xlat{unknown: "ST_???", vals: []xval{
	{unix.ST_RDONLY, "ST_RDONLY"}, {unix.ST_NOSUID, "ST_NOSUID"}, {unix.ST_NODEV, "ST_NODEV"},
	{unix.ST_NOEXEC, "ST_NOEXEC"}, {unix.ST_SYNCHRONOUS, "ST_SYNCHRONOUS"}, {0x20, "ST_VALID"},
	{unix.ST_MANDLOCK, "ST_MANDLOCK"}, {unix.ST_NOATIME, "ST_NOATIME"}, {unix.ST_NODIRATIME, "ST_NODIRATIME"},
	{unix.ST_RELATIME, "ST_RELATIME"}, {0x2000, "ST_NOSYMFOLLOW"},
}}

var fsMagics = &xlat{vals: []xval{
	{unix.EXT2_SUPER_MAGIC, "EXT2_SUPER_MAGIC"}, {unix.TMPFS_MAGIC, "TMPFS_MAGIC"},
	{unix.PROC_SUPER_MAGIC, "PROC_SUPER_MAGIC"}, {unix.SYSFS_MAGIC, "SYSFS_MAGIC"},
	{unix.BTRFS_SUPER_MAGIC, "BTRFS_SUPER_MAGIC"}, {unix.XFS_SUPER_MAGIC, "XFS_SUPER_MAGIC"},
	{unix.OVERLAYFS_SUPER_MAGIC, "OVERLAYFS_SUPER_MAGIC"}, {unix.CGROUP2_SUPER_MAGIC, "CGROUP2_SUPER_MAGIC"},
	{unix.CGROUP_SUPER_MAGIC, "CGROUP_SUPER_MAGIC"}, {unix.DEVPTS_SUPER_MAGIC, "DEVPTS_SUPER_MAGIC"},
	{unix.NFS_SUPER_MAGIC, "NFS_SUPER_MAGIC"}, {unix.SQUASHFS_MAGIC, "SQUASHFS_MAGIC"},
	{unix.FUSE_SUPER_MAGIC, "FUSE_SUPER_MAGIC"}, {unix.RAMFS_MAGIC, "RAMFS_MAGIC"},
	{unix.DEBUGFS_MAGIC, "DEBUGFS_MAGIC"}, {unix.TRACEFS_MAGIC, "TRACEFS_MAGIC"},
	{unix.SECURITYFS_MAGIC, "SECURITYFS_MAGIC"}, {unix.SELINUX_MAGIC, "SELINUX_MAGIC"},
	{unix.HUGETLBFS_MAGIC, "HUGETLBFS_MAGIC"}, {unix.MSDOS_SUPER_MAGIC, "MSDOS_SUPER_MAGIC"},
	{unix.F2FS_SUPER_MAGIC, "F2FS_SUPER_MAGIC"}, {unix.V9FS_MAGIC, "V9FS_MAGIC"},
	{unix.BPF_FS_MAGIC, "BPF_FS_MAGIC"}, {unix.ISOFS_SUPER_MAGIC, "ISOFS_SUPER_MAGIC"},
	{unix.EXFAT_SUPER_MAGIC, "EXFAT_SUPER_MAGIC"}, {unix.NSFS_MAGIC, "NSFS_MAGIC"},
	{unix.PIPEFS_MAGIC, "PIPEFS_MAGIC"}, {unix.SOCKFS_MAGIC, "SOCKFS_MAGIC"},
}}

var closeRangeFlags = &xlat{unknown: "CLOSE_RANGE_???", vals: []xval{
	{unix.CLOSE_RANGE_UNSHARE, "CLOSE_RANGE_UNSHARE"}, {unix.CLOSE_RANGE_CLOEXEC, "CLOSE_RANGE_CLOEXEC"},
}}
