// calls32.c makes i386 system calls with int $0x80, without a C library
// (none may be installed for -m32): build with
//   cc -m32 -nostdlib -static -fno-pic -fno-stack-protector -O1
// Run it in an empty directory; it creates f32.txt.

typedef unsigned int u32;
typedef unsigned long long u64;

static long sys(long n, long a, long b, long c, long d, long e, long f) {
	long r;
	__asm__ volatile("push %%ebp; mov %7, %%ebp; int $0x80; pop %%ebp"
			 : "=a"(r)
			 : "a"(n), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e), "m"(f)
			 : "memory");
	return r;
}

#define S0(n) sys(n, 0, 0, 0, 0, 0, 0)
#define S1(n, a) sys(n, (long)(a), 0, 0, 0, 0, 0)
#define S2(n, a, b) sys(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define S3(n, a, b, c) sys(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define S4(n, a, b, c, d) sys(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define S5(n, a, b, c, d, e) sys(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
#define S6(n, a, b, c, d, e, f) sys(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

struct iovec32 {
	u32 base, len;
};

struct sigaction32 {
	u32 handler, flags, restorer;
	u64 mask;
};

static char buf[512];
static char big[4096];

static void handler(int sig) { (void)sig; }

void _start(void) {
	static const char msg[] = "hello, i386\n";
	S3(4, 1, msg, sizeof msg - 1);                               // write
	long fd = S3(5, "f32.txt", 01 | 0100 | 01000 | 0100000, 0644); // open O_WRONLY|O_CREAT|O_TRUNC|O_LARGEFILE
	S3(4, fd, "esc \x1b[2J \xff", 10);
	struct iovec32 wv[2] = {{(u32) "abc", 3}, {(u32) "defg", 4}};
	S3(146, fd, wv, 2);                      // writev
	S5(181, fd, "PW", 2, 0x10, 0);           // pwrite64 at 16 (lo, hi)
	S2(194, fd, 4);                          // ftruncate64 low half only: (fd, lo, hi)
	S1(6, fd);                               // close
	fd = S4(295, -100, "f32.txt", 0100000, 0); // openat O_RDONLY|O_LARGEFILE
	S3(3, fd, buf, sizeof buf);              // read
	S5(180, fd, buf, 3, 1, 0);               // pread64
	u64 res = 0;
	S5(140, fd, 0, 2, &res, 0);              // _llseek(fd, hi, lo, &res, SEEK_SET)
	struct iovec32 rv[2] = {{(u32)buf, 2}, {(u32)(buf + 8), 8}};
	S3(145, fd, rv, 2);                      // readv
	S2(197, fd, big);                        // fstat64
	S2(195, "f32.txt", big);                 // stat64
	S4(300, -100, "f32.txt", big, 0x100);    // fstatat64 AT_SYMLINK_NOFOLLOW
	S5(383, -100, "f32.txt", 0, 0x7ff, big); // statx
	S2(221, fd, 3);                          // fcntl64 F_GETFL
	S3(221, fd, 2, 1);                       // fcntl64 F_SETFD FD_CLOEXEC
	S3(54, fd, 0x5401, big);                 // ioctl TCGETS
	S3(220, fd, big, sizeof big);            // getdents64 (ENOTDIR)
	S1(6, fd);
	S2(33, "f32.txt", 4);                    // access R_OK
	S2(183, buf, sizeof buf);                // getcwd
	long m = S6(192, 0, 8192, 3, 0x22, -1, 0); // mmap2
	S3(125, m, 4096, 1);                     // mprotect
	S2(91, m, 8192);                         // munmap
	u32 old[6] = {0, 4096, 3, 0x22, (u32)-1, 0};
	m = S1(90, old);                         // old mmap
	S2(91, m, 4096);
	S1(45, 0);                               // brk
	struct sigaction32 sa = {(u32)handler, 0x10000000, 0, (1ull << 1) | (1ull << 14)};
	S4(174, 10, &sa, 0, 8);                  // rt_sigaction(SIGUSR1)
	S4(174, 10, 0, &sa, 8);
	u64 set = 1ull << 1;
	S4(175, 0, &set, 0, 8);                  // rt_sigprocmask(SIG_BLOCK)
	S4(175, 1, &set, &set, 8);
	u32 ts32[2];
	S2(265, 1, ts32);                        // clock_gettime (time32)
	u64 ts64[2];
	S2(403, 1, ts64);                        // clock_gettime64
	u32 req[2] = {0, 1000};
	S2(162, req, 0);                         // nanosleep
	u64 req64[2] = {0, 1000};
	S4(407, 1, 0, req64, 0);                 // clock_nanosleep_time64
	static u32 word = 1;
	S4(240, &word, 129, 1, 0);               // futex(FUTEX_WAKE_PRIVATE)
	S6(422, &word, 128, 0, 0, 0, 0);         // futex_time64(FUTEX_WAIT_PRIVATE) EAGAIN
	S2(191, 7, big);                         // ugetrlimit(RLIMIT_NOFILE)
	S4(340, 0, 3, 0, big);                   // prlimit64(RLIMIT_STACK)
	S1(122, big);                            // uname
	u32 pfd[2];
	S2(331, pfd, 02000000);                  // pipe2 O_CLOEXEC
	S3(4, pfd[1], "z", 1);
	u32 pollfd[2] = {pfd[0], 1};
	S3(168, pollfd, 1, 0);                   // poll
	// socketcall
	u32 a[6] = {2, 1, 0};
	long s = S2(102, 1, a);                  // socket(AF_INET, SOCK_STREAM, 0)
	unsigned char sin[16] = {2, 0, 0, 9, 127, 0, 0, 1};
	a[0] = s, a[1] = (u32)sin, a[2] = 16;
	S2(102, 3, a);                           // connect
	a[0] = 1, a[1] = 2, a[2] = 0, a[3] = (u32)pfd;
	S2(102, 8, a);                           // socketpair(AF_UNIX, SOCK_DGRAM, 0)
	a[0] = pfd[0], a[1] = (u32) "ping", a[2] = 4, a[3] = 0, a[4] = 0, a[5] = 0;
	S2(102, 11, a);                          // sendto
	a[0] = pfd[1], a[1] = (u32)buf, a[2] = 64, a[3] = 0, a[4] = 0, a[5] = 0;
	S2(102, 12, a);                          // recvfrom
	S2(102, 1, 8);                           // socketcall with a bad pointer
	S1(20, 0);                               // getpid
	S3(4, 1, (void *)8, 5);                  // write EFAULT
	S1(10, "f32.txt");                       // unlink
	// Signals waited for, and POSIX timers, in the 32-bit layouts.
	u64 usr2 = 1ull << 11;
	S4(175, 0, &usr2, 0, 8);                 // rt_sigprocmask(SIG_BLOCK, [USR2])
	long me = S0(20);
	S2(37, me, 12);                          // kill(me, SIGUSR2)
	u32 si[32];
	u32 wait32[2] = {0, 1000000};
	S4(177, &usr2, si, wait32, 8);           // rt_sigtimedwait: SIGUSR2 SI_USER
	u64 wait64[2] = {0, 1000000};
	S4(421, &usr2, si, wait64, 8);           // rt_sigtimedwait_time64: EAGAIN
	u32 ev[16] = {0x55, 14, 4, 1};           // value, SIGALRM, SIGEV_THREAD_ID, tid 1
	u32 timer;
	S3(259, 1, ev, &timer);                  // timer_create(CLOCK_MONOTONIC): EINVAL, tid 1 is not ours
	ev[2] = 1;                               // SIGEV_NONE
	S3(259, 1, ev, &timer);
	u32 its32[4] = {1, 5, 2, 500000000};
	S4(260, timer, 0, its32, 0);             // timer_settime
	u64 its64[4] = {1, 5, 2, 500000000};
	S4(409, timer, 1, its64, 0);             // timer_settime64 TIMER_ABSTIME
	S1(263, timer);                          // timer_delete
	S1(252, 0);                              // exit_group
}
