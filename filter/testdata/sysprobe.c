/*
 * sysprobe: a freestanding helper for the filter package's tests, built for
 * x86_64 (cc) and i386 (cc -m32) without a C library, so that the only system
 * calls it makes are the ones below.
 *
 *   sysprobe oracle NR...
 *       Installs a seccomp filter that fails, with ENOTUNIQ, every system call
 *       whose sixth argument is MAGIC, then calls every NR with that argument. Nothing runs, but a tracer (strace -n) sees every call on
 *       entry, so strace's own -e trace= selection can be read off its output.
 *       (ptrace's syscall-entry stop comes before seccomp since Linux 4.8.)
 *
 *   sysprobe filter FILE NR...
 *       Forks a child that installs the classic BPF program stored in FILE
 *       (8-byte struct sock_filter records) after PR_SET_NO_NEW_PRIVS, calls
 *       every NR with arguments (-1, 0, 0, 0, 0, 0) and stores the results in
 *       shared memory. Its exit_group may be filtered away too, so the
 *       parent, which watches a flag in that memory, kills it with SIGKILL,
 *       then prints "NR RESULT" per call. Without a tracer,
 *       SECCOMP_RET_TRACE makes a call fail with -ENOSYS without running it.
 */

#define MAGIC 0x5eed5eedL
#define ENOTUNIQ 76
#define SECCOMP_RET_ALLOW 0x7fff0000U
#define SECCOMP_RET_ERRNO 0x00050000U
#define PR_SET_NO_NEW_PRIVS 38
#define SECCOMP_SET_MODE_FILTER 1
#define MAXINSNS 4096
#define MAXCALLS 512

#if defined(__x86_64__)
enum { NR_read = 0, NR_write = 1, NR_open = 2, NR_close = 3, NR_mmap = 9,
       NR_sched_yield = 24, NR_fork = 57, NR_exit = 60, NR_wait4 = 61,
       NR_kill = 62, NR_prctl = 157, NR_exit_group = 231, NR_seccomp = 317 };

static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

__asm__(".text\n.globl _start\n_start:\n"
	"xor %ebp,%ebp\nmov %rsp,%rdi\nand $-16,%rsp\ncall cmain\nhlt\n");
#elif defined(__i386__)
enum { NR_exit = 1, NR_fork = 2, NR_read = 3, NR_write = 4, NR_open = 5,
       NR_close = 6, NR_kill = 37, NR_wait4 = 114, NR_sched_yield = 158,
       NR_prctl = 172, NR_mmap = 192 /* mmap2 */, NR_exit_group = 252,
       NR_seccomp = 354 };

long sys6(long n, long a, long b, long c, long d, long e, long f);
__asm__(".text\n.globl sys6\nsys6:\n"
	"push %ebp\npush %edi\npush %esi\npush %ebx\n"
	"mov 20(%esp),%eax\nmov 24(%esp),%ebx\nmov 28(%esp),%ecx\n"
	"mov 32(%esp),%edx\nmov 36(%esp),%esi\nmov 40(%esp),%edi\n"
	"mov 44(%esp),%ebp\nint $0x80\n"
	"pop %ebx\npop %esi\npop %edi\npop %ebp\nret\n");

__asm__(".text\n.globl _start\n_start:\n"
	"xor %ebp,%ebp\nmov %esp,%eax\nand $-16,%esp\nsub $12,%esp\n"
	"push %eax\ncall cmain\nhlt\n");
#else
#error "sysprobe supports x86_64 and i386 only"
#endif

struct sock_filter {
	unsigned short code;
	unsigned char jt, jf;
	unsigned int k;
};

struct sock_fprog {
	unsigned short len;
	struct sock_filter *filter;
};

static struct sock_filter prog[MAXINSNS];

static void die(const char *msg)
{
	long n = 0;
	while (msg[n])
		n++;
	sys6(NR_write, 2, (long)msg, n, 0, 0, 0);
	sys6(NR_exit_group, 111, 0, 0, 0, 0, 0);
	for (;;)
		__builtin_trap();
}

static long parse(const char *s)
{
	long v = 0;
	if (!*s)
		die("sysprobe: empty number\n");
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			die("sysprobe: bad number\n");
		v = v * 10 + (*s - '0');
	}
	return v;
}

static char out[MAXCALLS * 32];
static long outlen;

static void put(const char *s)
{
	while (*s)
		out[outlen++] = *s++;
}

static void putnum(long v)
{
	char buf[24];
	int i = 0;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
	if (v < 0)
		out[outlen++] = '-';
	do {
		buf[i++] = '0' + u % 10;
		u /= 10;
	} while (u);
	while (i)
		out[outlen++] = buf[--i];
}

static void install(unsigned short len)
{
	struct sock_fprog fp;
	fp.len = len;
	fp.filter = prog;
	if (sys6(NR_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0) != 0)
		die("sysprobe: prctl(PR_SET_NO_NEW_PRIVS) failed\n");
	if (sys6(NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, (long)&fp, 0, 0, 0) != 0)
		die("sysprobe: seccomp(SECCOMP_SET_MODE_FILTER) failed\n");
}

static void oracle(char **nrs, long count)
{
	/* A = args[5] (low half, little-endian); A == MAGIC ? ERRNO(ENOTUNIQ) : ALLOW */
	prog[0] = (struct sock_filter){ 0x20, 0, 0, 16 + 5 * 8 };
	prog[1] = (struct sock_filter){ 0x15, 0, 1, (unsigned int)MAGIC };
	prog[2] = (struct sock_filter){ 0x06, 0, 0, SECCOMP_RET_ERRNO | ENOTUNIQ };
	prog[3] = (struct sock_filter){ 0x06, 0, 0, SECCOMP_RET_ALLOW };
	install(4);
	for (long i = 0; i < count; i++)
		sys6(parse(nrs[i]), 0, 0, 0, 0, 0, MAGIC);
}

struct shared {
	volatile long done;
	long n;
	long nr[MAXCALLS];
	long ret[MAXCALLS];
};

static void filter(const char *path, char **nrs, long count)
{
	if (count > MAXCALLS)
		die("sysprobe: too many calls\n");
	long fd = sys6(NR_open, (long)path, 0, 0, 0, 0, 0);
	if (fd < 0)
		die("sysprobe: cannot open filter file\n");
	long size = 0;
	for (;;) {
		long n = sys6(NR_read, fd, (long)prog + size, sizeof(prog) - size, 0, 0, 0);
		if (n < 0)
			die("sysprobe: cannot read filter file\n");
		if (n == 0)
			break;
		size += n;
		if (size == sizeof(prog))
			die("sysprobe: filter too long\n");
	}
	sys6(NR_close, fd, 0, 0, 0, 0, 0);
	if (size == 0 || size % 8)
		die("sysprobe: filter file is not a list of sock_filter records\n");

	struct shared *sh = (struct shared *)sys6(NR_mmap, 0, sizeof(struct shared),
						  3 /* PROT_READ|PROT_WRITE */,
						  0x21 /* MAP_SHARED|MAP_ANONYMOUS */, -1, 0);
	if ((unsigned long)sh > -4096UL)
		die("sysprobe: mmap failed\n");
	long nums[MAXCALLS];
	for (long i = 0; i < count; i++)
		nums[i] = parse(nrs[i]);

	long pid = sys6(NR_fork, 0, 0, 0, 0, 0, 0);
	if (pid < 0)
		die("sysprobe: fork failed\n");
	if (pid == 0) {
		install((unsigned short)(size / 8));
		for (long i = 0; i < count; i++) {
			sh->nr[i] = nums[i];
			sh->ret[i] = sys6(nums[i], -1, 0, 0, 0, 0, 0);
			sh->n = i + 1;
		}
		sh->done = 1;
		sys6(NR_exit_group, 0, 0, 0, 0, 0, 0);
		for (;;)
			; /* the parent kills us */
	}
	int status = 0;
	int reaped = 0;
	while (!sh->done) {
		if (sys6(NR_wait4, pid, (long)&status, 1 /* WNOHANG */, 0, 0, 0) == pid) {
			/* It may have set done and exited between our two looks. */
			if (!sh->done)
				die("sysprobe: child died before finishing its calls\n");
			reaped = 1;
			break;
		}
		sys6(NR_sched_yield, 0, 0, 0, 0, 0, 0);
	}
	if (!reaped) {
		sys6(NR_kill, pid, 9 /* SIGKILL */, 0, 0, 0, 0);
		if (sys6(NR_wait4, pid, (long)&status, 0, 0, 0, 0) != pid)
			die("sysprobe: wait4 failed\n");
	}
	if (sh->n != count)
		die("sysprobe: child did not finish its calls\n");
	for (long i = 0; i < count; i++) {
		putnum(sh->nr[i]);
		put(" ");
		putnum(sh->ret[i]);
		put("\n");
	}
	sys6(NR_write, 1, (long)out, outlen, 0, 0, 0);
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

void cmain(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	if (argc >= 2 && streq(argv[1], "oracle"))
		oracle(argv + 2, argc - 2);
	else if (argc >= 3 && streq(argv[1], "filter"))
		filter(argv[2], argv + 3, argc - 3);
	else
		die("usage: sysprobe oracle NR... | sysprobe filter FILE NR...\n");
	sys6(NR_exit_group, 0, 0, 0, 0, 0, 0);
	for (;;)
		__builtin_trap();
}
