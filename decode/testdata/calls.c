// calls.c exercises the system calls package decode knows, deterministically,
// for the differential test against strace. Run it in an empty directory:
// every path is relative. With the argument "exec" it only exits: the first
// run re-executes itself that way to show execve.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <linux/close_range.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/sysmacros.h>
#include <sys/mount.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static void on_usr1(int sig) { (void)sig; }

// more exercises the simpler file and process calls.
static void more(void) {
	char buf[64];
	getcwd(buf, sizeof buf);
	umask(022);
	umask(0);
	int fd = open("more.txt", O_RDWR | O_CREAT | O_EXCL, 0640);
	ftruncate(fd, 100);
	fsync(fd);
	fdatasync(fd);
	fchmod(fd, 0600);
	int in = open("data.txt", O_RDONLY);
	off_t off = 2;
	sendfile(fd, in, &off, 5);
	close(in);
	close(fd);
	chmod("more.txt", 04755);
	link("more.txt", "more2.txt");
	symlinkat("more.txt", AT_FDCWD, "more3.txt");
	mkdir("d", 0);
	rmdir("d");
	truncate("more.txt", 0);
	unlink("more2.txt");
	unlink("more3.txt");
	prctl(PR_SET_NAME, "calls");
	prctl(PR_GET_DUMPABLE);
	sched_yield();
	getpgrp();
	getsid(0);
	setpgid(0, 0);
	alarm(0);
	gid_t groups[8];
	getgroups(0, NULL);
	getgroups(8, groups);
	cpu_set_t cpus;
	sched_getaffinity(0, sizeof cpus, &cpus);
	int a = open("data.txt", O_RDONLY), b = open("copy.txt", O_WRONLY | O_CREAT, 0600);
	loff_t inoff = 1;
	copy_file_range(a, &inoff, b, NULL, 4, 0);
	close_range(a, b, 0);
	close_range(100, ~0U, CLOSE_RANGE_CLOEXEC);
	struct clone_args ca = {.exit_signal = SIGCHLD, .flags = CLONE_PARENT_SETTID};
	pid_t ptid = 0;
	ca.parent_tid = (unsigned long)&ptid;
	long c = syscall(SYS_clone3, &ca, sizeof ca);
	if (c == 0)
		_exit(0);
	wait4(c, NULL, 0, NULL);
	int pidfd = -1;
	struct clone_args cp = {.exit_signal = SIGCHLD, .flags = CLONE_PIDFD | CLONE_PARENT_SETTID};
	cp.pidfd = (unsigned long)&pidfd;
	cp.parent_tid = (unsigned long)&ptid;
	c = syscall(SYS_clone3, &cp, 64);
	if (c == 0)
		_exit(0);
	wait4(c, NULL, 0, NULL);
	close(pidfd);
}

// prctls makes the prctl calls real programs make (and some they do not),
// each with all five arguments so that none is stack garbage.
static void prctls(void) {
	char name[32];
	int v;
	unsigned long tidaddr;
	struct sock_fprog none = {0, NULL};
	prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
	prctl(PR_SET_PTRACER, 1, 0, 0, 0);
	prctl(PR_SET_NAME, "calls\tname-longer-than-16", 0, 0, 0);
	prctl(PR_GET_NAME, name, 0, 0, 0);
	prctl(PR_GET_NAME, (char *)8, 0, 0, 0);
	prctl(PR_SET_NAME, "calls", 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
	prctl(PR_GET_PDEATHSIG, &v, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &none, 0, 0);
	prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL, 0, 0);
	prctl(PR_SET_SECCOMP, 7, 1, 2, 3);
	prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
	prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0);
	prctl(PR_CAPBSET_READ, 99, 0, 0, 0);
	prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0);
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	prctl(PR_GET_CHILD_SUBREAPER, &v, 0, 0, 0);
	prctl(PR_SET_TIMERSLACK, 50000, 0, 0, 0);
	prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, 0, 4096, (unsigned long)"anon");
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_ADMIN, 0, 0);
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	prctl(PR_GET_TID_ADDRESS, &tidaddr, 0, 0, 0);
	prctl(PR_MCE_KILL_GET, 0, 0, 0, 0);
	prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
	prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0);
	prctl(0x12345678, 1, 2, 3, 4);
}

// numa makes the memory policy calls of ps and of NUMA-aware programs.
static void numa(void) {
	unsigned long mask[20] = {0};
	int mode;
	syscall(SYS_get_mempolicy, &mode, mask, 1025, 0, 0);
	syscall(SYS_get_mempolicy, &mode, mask, 65, 0, 4 /* MPOL_F_MEMS_ALLOWED */);
	mask[0] = 1;
	syscall(SYS_set_mempolicy, 1 /* MPOL_PREFERRED */, mask, 65);
	syscall(SYS_set_mempolicy, 0 /* MPOL_DEFAULT */, NULL, 0);
	syscall(SYS_set_mempolicy, 2 | (1 << 15) /* MPOL_BIND|MPOL_F_STATIC_NODES */, mask, 1025);
	syscall(SYS_mbind, (void *)0x1000, 4096, 2 /* MPOL_BIND */, mask, 64, 1 /* MPOL_MF_STRICT */);
	syscall(SYS_get_mempolicy, &mode, (void *)8, 1025, 0, 0);
}

static void on_alrm(int sig) { (void)sig; }

// interrupted blocks in read until SIGALRM, whose handler has no
// SA_RESTART: the read ends with ERESTARTSYS, turned into EINTR.
static void interrupted(void) {
	struct sigaction sa = {0};
	sa.sa_handler = on_alrm;
	sigaction(SIGALRM, &sa, NULL);
	int fds[2];
	pipe(fds);
	struct itimerval it = {.it_value = {0, 20000}};
	setitimer(ITIMER_REAL, &it, NULL);
	char b[4];
	read(fds[0], b, sizeof b);
	close(fds[0]);
	close(fds[1]);
}

static void files(void) {
	char buf[300];
	struct stat st;
	int fd = open("data.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	write(fd, "hello, world\n", 13);
	write(fd, "esc \x1b[2J tab\t nl\n bs\\ q\" \x01\x7f\xff\xc3\xa9 end", 30);
	pwrite64(fd, "PW", 2, 100);
	struct iovec wv[2] = {{"abc", 3}, {"defg", 4}};
	writev(fd, wv, 2);
	pwritev(fd, wv, 2, 200);
	pwritev2(fd, wv, 1, 300, RWF_DSYNC);
	close(fd);
	fd = creat("created.txt", 0600);
	close(fd);
	fd = openat(AT_FDCWD, "data.txt", O_RDONLY | O_CLOEXEC);
	read(fd, buf, sizeof buf);
	pread64(fd, buf, 5, 0);
	lseek(fd, 0, SEEK_SET);
	lseek(fd, 3, SEEK_CUR);
	lseek(fd, -1, SEEK_END);
	char r1[4], r2[8];
	struct iovec rv[2] = {{r1, sizeof r1}, {r2, sizeof r2}};
	lseek(fd, 0, SEEK_SET);
	readv(fd, rv, 2);
	preadv(fd, rv, 2, 1);
	preadv2(fd, rv, 1, 2, RWF_NOWAIT);
	fstat(fd, &st);
	close(fd);
	open("missing.txt", O_RDONLY);
	openat(AT_FDCWD, "missing/dir/x", O_RDWR | O_APPEND | O_NONBLOCK);
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};
	fd = syscall(SYS_openat2, AT_FDCWD, "data.txt", &how, sizeof how);
	close(fd);
	stat("data.txt", &st);
	lstat("data.txt", &st);
	stat("nope", &st);
	fstatat(AT_FDCWD, "data.txt", &st, AT_SYMLINK_NOFOLLOW);
	struct statx sx;
	statx(AT_FDCWD, "data.txt", AT_STATX_SYNC_AS_STAT, STATX_BASIC_STATS, &sx);
	statx(AT_FDCWD, "nope", 0, STATX_ALL, &sx);
	access("data.txt", R_OK | W_OK);
	access("nope", F_OK);
	faccessat(AT_FDCWD, "data.txt", X_OK, 0);
	syscall(SYS_faccessat2, AT_FDCWD, "data.txt", R_OK, AT_EACCESS);
	mkdir("sub", 0755);
	mkdirat(AT_FDCWD, "sub/inner", 0700);
	symlink("data.txt", "link");
	readlink("link", buf, sizeof buf);
	readlinkat(AT_FDCWD, "link", buf, 3);
	readlink("data.txt", buf, sizeof buf);
	rename("created.txt", "renamed.txt");
	renameat(AT_FDCWD, "renamed.txt", AT_FDCWD, "renamed2.txt");
	syscall(SYS_renameat2, AT_FDCWD, "renamed2.txt", AT_FDCWD, "renamed3.txt", RENAME_NOREPLACE);
	unlink("renamed3.txt");
	unlinkat(AT_FDCWD, "link", 0);
	unlinkat(AT_FDCWD, "sub/inner", AT_REMOVEDIR);
	chdir("sub");
	int dfd = open("..", O_RDONLY | O_DIRECTORY);
	fchdir(dfd);
	char dents[512];
	int dn = open("sub", O_RDONLY | O_DIRECTORY);
	syscall(SYS_getdents64, dn, dents, sizeof dents);
	close(dn);
	close(dfd);

	fd = open("data.txt", O_RDONLY);
	fcntl(fd, F_GETFD);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	int d = fcntl(fd, F_DUPFD, 10);
	close(d);
	d = fcntl(fd, F_DUPFD_CLOEXEC, 20);
	close(d);
	struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
	fcntl(fd, F_SETLK, &fl);
	fl.l_type = F_UNLCK;
	fcntl(fd, F_SETLKW, &fl);
	struct termios tio;
	ioctl(fd, TCGETS, &tio);
	struct winsize ws;
	ioctl(fd, TIOCGWINSZ, &ws);
	int fds[2];
	pipe(fds);
	write(fds[1], "xy", 2);
	int avail;
	ioctl(fds[0], FIONREAD, &avail);
	close(fds[0]);
	close(fds[1]);
	pipe2(fds, O_CLOEXEC | O_NONBLOCK);
	d = dup(fd);
	dup2(fd, 30);
	dup3(fd, 31, O_CLOEXEC);
	close(30);
	close(31);
	close(d);
	close(fds[0]);
	close(fds[1]);
	close(fd);
	close(-1);
}

static void memory(void) {
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p = mremap(p, 8192, 16384, MREMAP_MAYMOVE);
	mprotect(p, 4096, PROT_READ);
	madvise(p, 8192, MADV_DONTNEED);
	munmap(p, 16384);
	mmap(NULL, 4096, PROT_NONE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	mmap((void *)0x10000, 4096, PROT_EXEC, MAP_PRIVATE | MAP_FIXED_NOREPLACE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	int fd = open("data.txt", O_RDONLY);
	mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	sbrk(0);
	brk(0);
}

static void processes(void) {
	pid_t c = fork();
	if (c == 0)
		_exit(3);
	int status;
	wait4(c, &status, 0, NULL);
	c = vfork();
	if (c == 0)
		_exit(0);
	siginfo_t si;
	waitid(P_PID, c, &si, WEXITED);
	wait4(-1, &status, WNOHANG, NULL);
	kill(0, 0);
	kill(99999999, SIGTERM);
	syscall(SYS_tkill, getpid(), 0);
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), 0);
	struct rlimit rl;
	prlimit(0, RLIMIT_NOFILE, NULL, &rl);
	getrlimit(RLIMIT_STACK, &rl);
	getpid();
	getppid();
	getuid();
	geteuid();
	getgid();
	getegid();
	syscall(SYS_gettid);
}

// seccomp(2) and filter programs, none of them installed (bad flags or
// operations): -v prints every instruction.
static void seccomps(void) {
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xc000003e, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14),
		BPF_STMT(BPF_ST, 2),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_X, 0),
		BPF_STMT(BPF_ALU | BPF_NEG, 0),
		BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_X, 0, 2, 3),
		BPF_STMT(BPF_MISC | BPF_TXA, 0),
		BPF_STMT(BPF_RET | BPF_A, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 7),
		BPF_STMT(BPF_RET | BPF_K, 0x12340000),
		BPF_STMT(0xffff, 0x10),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {sizeof f / sizeof f[0], f};
	syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0x80000000, &prog);
	syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 1 | 2 | 0x1000, &prog);
	prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 1, 0);
	struct sock_fprog bad = {3, (void *)8};
	syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0x80000000, &bad);
	syscall(SYS_seccomp, SECCOMP_SET_MODE_STRICT, 1, 0);
	syscall(SYS_seccomp, 9, 0, 0);
	unsigned int act = SECCOMP_RET_KILL_PROCESS;
	syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &act);
	act = 0x12345678;
	syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &act);
	struct seccomp_notif_sizes sz;
	syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz);
}

// capget and capset (setting what is already set), eventfd2.
static void capabilities(void) {
	struct __user_cap_header_struct h = {0, 0};
	syscall(SYS_capget, &h, NULL);
	struct __user_cap_data_struct d[2];
	h.version = _LINUX_CAPABILITY_VERSION_3;
	syscall(SYS_capget, &h, d);
	syscall(SYS_capset, &h, d);
	h.version = _LINUX_CAPABILITY_VERSION_1;
	syscall(SYS_capget, &h, d);
	h.version = 0x1234;
	syscall(SYS_capget, &h, d);
	syscall(SYS_capget, (void *)8, d);
	int e = syscall(SYS_eventfd2, 0, 0x80000 | 0x800 | 1);
	close(e);
	syscall(SYS_eventfd2, 1, 4);
}

// flock, fallocate, memfd_create, pidfds, inotify, priorities, ids,
// mlockall, unshare (of nothing), signalfd4, getcpu, sched_getscheduler.
static void misc(void) {
	int fd = open("misc.tmp", O_RDWR | O_CREAT, 0600);
	flock(fd, LOCK_EX | LOCK_NB);
	flock(fd, LOCK_UN);
	flock(fd, 0x40);
	fallocate(fd, 0, 0, 4096);
	fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 0, 4096);
	close(fd);
	unlink("misc.tmp");
	int m = syscall(SYS_memfd_create, "seize-memfd", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	close(m);
	syscall(SYS_memfd_create, (void *)8, 0x10000);
	int pfd = syscall(SYS_pidfd_open, getpid(), 0);
	syscall(SYS_pidfd_send_signal, pfd, 0, NULL, 0);
	close(pfd);
	syscall(SYS_pidfd_open, -1, 0x800);
	int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	int wd = inotify_add_watch(in, ".", IN_CREATE | IN_DELETE | IN_MODIFY | IN_ONLYDIR);
	inotify_add_watch(in, "/nonexistent", IN_ALL_EVENTS);
	inotify_rm_watch(in, wd);
	close(in);
	getpriority(PRIO_PROCESS, 0);
	setpriority(PRIO_PROCESS, 0, getpriority(PRIO_PROCESS, 0));
	uid_t r, e, s;
	getresuid(&r, &e, &s);
	getresgid(&r, &e, &s);
	setresuid(-1, -1, -1);
	setresgid(-1, -1, -1);
	setreuid(-1, -1);
	setregid(-1, -1);
	syscall(SYS_setfsuid, -1);
	syscall(SYS_setfsgid, -1);
	mlockall(0x80);
	munlockall();
	unshare(0);
	sigset_t ss;
	sigemptyset(&ss);
	sigaddset(&ss, SIGUSR1);
	int sfd = signalfd(-1, &ss, SFD_CLOEXEC | SFD_NONBLOCK);
	close(sfd);
	unsigned node; // the CPU changes from run to run; the node does not here
	syscall(SYS_getcpu, NULL, &node, NULL);
	sched_getscheduler(0);
	// times() returns the ticks since boot: decode_test.go has it.
	int u = open("utimes.tmp", O_RDWR | O_CREAT, 0600);
	struct timespec ut[2] = {{1, 2}, {0, UTIME_NOW}};
	utimensat(AT_FDCWD, "utimes.tmp", ut, 0);
	utimensat(AT_FDCWD, "utimes.tmp", NULL, AT_SYMLINK_NOFOLLOW);
	struct timespec ut2[2] = {{0, UTIME_OMIT}, {5, 0}};
	syscall(SYS_utimensat, u, NULL, ut2, 0);
	syscall(SYS_utimensat, AT_FDCWD, "utimes.tmp", (void *)8, 0);
	close(u);
	unlink("utimes.tmp");
	getrusage(RUSAGE_THREAD, (void *)8); // the figures vary: decode_test.go
	umount2("/nonexistent", MNT_DETACH);
	umount2("/nonexistent", 0);
	int sp[2], sq[2];
	pipe(sp);
	pipe(sq);
	write(sp[1], "abc", 3);
	tee(sp[0], sq[1], 3, SPLICE_F_NONBLOCK);
	splice(sp[0], NULL, sq[1], NULL, 3, SPLICE_F_MOVE | SPLICE_F_MORE);
	int sf = open("splice.tmp", O_RDWR | O_CREAT, 0600);
	write(sp[1], "abc", 3);
	__off64_t soff = 0;
	splice(sp[0], NULL, sf, &soff, 3, 0);
	sync_file_range(sf, 0, 4096, SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
	readahead(sf, 0, 4096);
	syncfs(sf);
	close(sf);
	close(sp[0]);
	close(sp[1]);
	close(sq[0]);
	close(sq[1]);
	unlink("splice.tmp");
	mknodat(AT_FDCWD, "node.fifo", S_IFIFO | 0644, 0);
	mknodat(AT_FDCWD, "node.chr", S_IFCHR | 0600, makedev(1, 3));
	syscall(SYS_mknod, "node.fifo2", S_IFIFO | 0600, 0);
	unlink("node.fifo");
	unlink("node.chr");
	unlink("node.fifo2");
	struct sched_param spar = {0};
	sched_getparam(0, &spar);
	sched_setscheduler(0, SCHED_OTHER, &spar);
	sched_setparam(0, &spar);
	sched_get_priority_max(SCHED_FIFO);
	sched_get_priority_min(SCHED_RR);
	syscall(SYS_ioprio_set, 1, 0, 2 << 13 | 4);
	syscall(SYS_ioprio_get, 1, 0);
}

static void signals(void) {
	struct sigaction sa = {0};
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	struct sigaction old;
	sigaction(SIGUSR1, NULL, &old);
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, &old);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &sa, NULL);
	sigset_t set, oldset;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, &oldset);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	sigfillset(&set);
	sigprocmask(SIG_SETMASK, &set, &oldset);
	sigprocmask(SIG_SETMASK, &oldset, NULL);
	static char stack[16384];
	stack_t ss = {.ss_sp = stack, .ss_size = sizeof stack, .ss_flags = 0};
	stack_t oss;
	sigaltstack(&ss, &oss);
	sigaltstack(NULL, &oss);
	raise(SIGUSR1);
	// rt_sigtimedwait: a timeout, a signal with and without its siginfo,
	// a queued one, a bad timeout; rt_sigqueueinfo and rt_tgsigqueueinfo.
	sigset_t w;
	sigemptyset(&w);
	sigaddset(&w, SIGUSR2);
	sigaddset(&w, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &w, NULL);
	struct timespec wts = {0, 1000000};
	siginfo_t wsi;
	sigtimedwait(&w, &wsi, &wts);
	sigtimedwait(&w, NULL, &wts);
	kill(getpid(), SIGUSR2);
	sigtimedwait(&w, &wsi, &wts);
	union sigval sv = {.sival_int = 42};
	sigqueue(getpid(), SIGRTMIN, sv);
	sigtimedwait(&w, &wsi, NULL);
	kill(getpid(), SIGUSR2);
	sigtimedwait(&w, NULL, NULL);
	siginfo_t q;
	memset(&q, 0, sizeof q);
	q.si_signo = SIGUSR2;
	q.si_code = SI_QUEUE;
	q.si_pid = getpid();
	q.si_value.sival_int = 7;
	syscall(SYS_rt_tgsigqueueinfo, getpid(), getpid(), SIGUSR2, &q);
	sigtimedwait(&w, &wsi, &wts);
	syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR2, &q);
	sigtimedwait(&w, &wsi, (struct timespec *)1);
	sigtimedwait(&w, &wsi, &wts); // takes that SIGUSR2
	sigprocmask(SIG_UNBLOCK, &w, NULL);
}

static void network(void) {
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	int v;
	socklen_t vl = sizeof v;
	getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &vl);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(9)};
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	connect(s, (struct sockaddr *)&sin, sizeof sin);
	close(s);
	s = socket(AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons(9)};
	inet_pton(AF_INET6, "::1", &sin6.sin6_addr);
	connect(s, (struct sockaddr *)&sin6, sizeof sin6);
	close(s);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	strcpy(sun.sun_path, "sock");
	bind(s, (struct sockaddr *)&sun, sizeof sun);
	listen(s, 5);
	struct sockaddr_un got;
	socklen_t gl = sizeof got;
	getsockname(s, (struct sockaddr *)&got, &gl);
	gl = sizeof got;
	accept4(s, (struct sockaddr *)&got, &gl, SOCK_CLOEXEC);
	accept(s, NULL, NULL);
	int cl = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(cl, (struct sockaddr *)&sun, sizeof sun);
	gl = sizeof got;
	int ac = accept4(s, (struct sockaddr *)&got, &gl, SOCK_CLOEXEC);
	int on = 1;
	setsockopt(ac, SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
	struct linger lg = {1, 0};
	setsockopt(cl, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(ac);
	close(cl);
	close(s);
	unlink("sock");
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	sendto(sv[0], "ping", 4, 0, NULL, 0);
	char buf[64];
	recvfrom(sv[1], buf, sizeof buf, 0, NULL, NULL);
	struct iovec iov[2] = {{"msg1", 4}, {"msg22", 5}};
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
	sendmsg(sv[0], &mh, MSG_DONTWAIT);
	char b1[3], b2[16];
	struct iovec riov[2] = {{b1, sizeof b1}, {b2, sizeof b2}};
	struct msghdr rmh = {.msg_iov = riov, .msg_iovlen = 2};
	recvmsg(sv[1], &rmh, 0);
	recvfrom(sv[1], buf, sizeof buf, MSG_DONTWAIT, NULL, NULL);
	getpeername(sv[0], (struct sockaddr *)&got, &gl);
	shutdown(sv[0], SHUT_RDWR);
	close(sv[0]);
	close(sv[1]);
}

static void polling(void) {
	int fds[2];
	pipe(fds);
	write(fds[1], "z", 1);
	struct pollfd pf[2] = {{.fd = fds[0], .events = POLLIN}, {.fd = fds[1], .events = POLLOUT | POLLIN}};
	poll(pf, 2, 0);
	struct timespec ts = {0, 1000};
	ppoll(pf, 1, &ts, NULL);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(fds[0], &rs);
	struct timeval tv = {0, 0};
	select(fds[0] + 1, &rs, NULL, NULL, &tv);
	FD_ZERO(&rs);
	FD_SET(fds[0], &rs);
	pselect(fds[0] + 1, &rs, NULL, NULL, &ts, NULL);
	FD_ZERO(&rs);
	FD_SET(fds[0], &rs);
	fd_set ws;
	FD_ZERO(&ws);
	FD_SET(fds[1], &ws);
	struct timeval tv2 = {0, 1000};
	syscall(SYS_select, fds[1] + 1, &rs, &ws, NULL, &tv2);
	sigset_t pm;
	sigemptyset(&pm);
	sigaddset(&pm, SIGUSR2);
	ppoll(pf, 2, NULL, &pm);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u64 = 7};
	epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], &ev);
	struct epoll_event out[4];
	epoll_wait(ep, out, 4, 0);
	epoll_pwait(ep, out, 4, 0, NULL);
	struct timespec z = {0, 0};
	syscall(SYS_epoll_pwait2, ep, out, 4, &z, NULL, 8);
	epoll_ctl(ep, EPOLL_CTL_DEL, fds[0], NULL);
	close(ep);
	close(fds[0]);
	close(fds[1]);
}

static void futexes(void) {
	static int word = 1;
	syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	struct timespec ts = {0, 1000};
	syscall(SYS_futex, &word, FUTEX_WAIT, 1, &ts, NULL, 0);
}

static void timings(void) {
	struct timespec ts = {0, 1000}, rem;
	nanosleep(&ts, &rem);
	clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
	struct timespec now;
	syscall(SYS_clock_gettime, CLOCK_REALTIME, &now);
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now);
	struct timeval tv;
	syscall(SYS_gettimeofday, &tv, NULL);
	// POSIX timers and timerfds (raw calls: glibc's timer_t is not the
	// kernel's id).
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGALRM;
	ev.sigev_value.sival_int = 0x55;
	int tid1, tid2, tid3;
	syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &tid1);
	ev.sigev_notify = SIGEV_NONE;
	syscall(SYS_timer_create, CLOCK_REALTIME, &ev, &tid2);
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev._sigev_un._tid = 1;
	syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &tid3);
	syscall(SYS_timer_create, CLOCK_MONOTONIC, (void *)1, &tid3);
	struct itimerspec its = {{1, 5}, {2, 500000000}}, old;
	syscall(SYS_timer_settime, tid2, 0, &its, &old);
	syscall(SYS_timer_settime, tid2, TIMER_ABSTIME, &its, NULL);
	syscall(SYS_timer_gettime, tid2, (void *)1);
	syscall(SYS_timer_getoverrun, tid2);
	syscall(SYS_timer_delete, tid2);
	syscall(SYS_timer_delete, tid2);
	syscall(SYS_timer_delete, tid1);
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, &old);
	timerfd_settime(tfd, 0, &its, NULL);
	timerfd_settime(tfd, 0, (void *)1, NULL);
	close(tfd);
}

static void startup(void) {
	unsigned char rnd[8];
	getrandom(rnd, sizeof rnd, GRND_NONBLOCK);
	getrandom(rnd, 0, 0);
	struct utsname u;
	uname(&u);
	syscall(SYS_set_tid_address, NULL);
	unsigned long fsbase;
	syscall(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, &fsbase);
}

static void hostile(void) {
	int hf = open("hostile.txt", O_WRONLY | O_CREAT, 0600);
	write(hf, (void *)8, 10);
	close(hf);
	open((char *)8, O_RDONLY);
	read(-1, (void *)8, 1UL << 40);
	write(-1, "x", 1UL << 40);
	char long_s[100];
	memset(long_s, 'A', sizeof long_s);
	long_s[99] = 0;
	open(long_s, O_RDONLY);
	syscall(500, 1, 2, 3, 4, 5, 6);
}

int main(int argc, char **argv) {
	if (argc > 1 && strcmp(argv[1], "exec") == 0)
		return 0;
	files();
	memory();
	processes();
	signals();
	network();
	polling();
	futexes();
	timings();
	startup();
	hostile();
	more();
	prctls();
	numa();
	seccomps();
	capabilities();
	misc();
	interrupted();
	pid_t c = fork();
	if (c == 0) {
		char *av[] = {"./calls", "exec", NULL};
		char *ev[] = {"A=1", "B=2", NULL};
		execve("./calls", av, ev);
		_exit(127);
	}
	int status;
	wait4(c, &status, 0, NULL);
	char *av[] = {"./calls", "exec", NULL};
	char *ev[] = {"A=1", "B=2", NULL};
	execve("./nonexistent", av, ev);
	execve("./calls", av, ev);
	return 1;
}
