// tracee: the programs seize's tests trace. One binary, one mode per test
// scenario: tracee MODE [ARGS...]. Every mode first allows any process of
// the same user to trace it (PR_SET_PTRACER_ANY, for Yama), prints
// "ready <pid>" on stdout when set up, and flushes every line.
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/futex.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...) {
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof buf - 2) n = sizeof buf - 2;
	buf[n++] = '\n';
	ssize_t off = 0;
	while (off < n) {
		ssize_t w = write(1, buf + off, n - off);
		if (w < 0 && errno == EINTR) continue;
		if (w <= 0) return;
		off += w;
	}
}

static void ready(void) { say("ready %d", getpid()); }

static volatile sig_atomic_t got_tstp, got_cont, got_usr1;
static void on_tstp(int sig) {
	(void)sig;
	got_tstp++;
	const char m[] = "handler SIGTSTP\n";
	write(1, m, sizeof m - 1);
	// Behave like a well-mannered interactive program: restore the
	// default action and stop for real.
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTSTP);
	signal(SIGTSTP, SIG_DFL);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(SIGTSTP);
	signal(SIGTSTP, on_tstp);
}
static void on_cont(int sig) { (void)sig; got_cont++; }
static void on_usr1(int sig) { (void)sig; got_usr1++; }

static void *spin_thread(void *arg) {
	(void)arg;
	for (volatile unsigned long i = 0;; i++) {
	}
	return NULL;
}

static void *block_thread(void *arg) {
	(void)arg;
	for (;;) pause();
	return NULL;
}

static void *trio_reader(void *arg) {
	(void)arg;
	prctl(PR_SET_NAME, "reader", 0, 0, 0);
	char buf[64];
	ssize_t r = read(0, buf, sizeof buf);
	say("reader: read r=%zd errno=%d", r, r < 0 ? errno : 0);
	return NULL;
}

static pthread_mutex_t trio_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t trio_cond = PTHREAD_COND_INITIALIZER;

static void *trio_waiter(void *arg) {
	(void)arg;
	prctl(PR_SET_NAME, "waiter", 0, 0, 0);
	pthread_mutex_lock(&trio_mu);
	for (;;) pthread_cond_wait(&trio_cond, &trio_mu); // never signalled
	return NULL;
}

static void *churn_thread(void *arg) {
	(void)arg;
	for (;;) {
		pthread_t t[4];
		for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, (void *(*)(void *))usleep, (void *)100);
		for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
	}
	return NULL;
}

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

// spawn_thread: the thread of mode spawn; reports its tid, then sleeps.
static void *spawn_thread(void *arg) {
	long ms = (long)arg;
	say("thread %ld", (long)syscall(SYS_gettid));
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) && errno == EINTR) {
	}
	return NULL;
}

// wait_line blocks until a byte arrives on stdin: the test's go-ahead,
// sent once it has attached.
static void wait_line(void) {
	char b;
	while (read(0, &b, 1) < 0 && errno == EINTR) {
	}
}

// forkmix: each task makes forkmix_n getppid and gettid calls.
static long forkmix_n;
static void forkmix_calls(void) {
	for (long i = 0; i < forkmix_n; i++) {
		syscall(SYS_getppid);
		syscall(SYS_gettid);
	}
}
static void *forkmix_thread(void *arg) { (void)arg; forkmix_calls(); return NULL; }
static void forkmix_threads(int n) {
	pthread_t t[8];
	for (int i = 0; i < n; i++) pthread_create(&t[i], NULL, forkmix_thread, NULL);
	for (int i = 0; i < n; i++) pthread_join(t[i], NULL);
}

static void *exec_thread(void *arg) {
	char **argv = arg;
	usleep(20000);
	execv(argv[0], argv);
	say("execv failed: %s", strerror(errno));
	_exit(127);
}

// ---- Attach under fire (S22) and the stress suite's program ----

static long mono_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

// eintr reports a blocking call that failed with EINTR: tracing must
// never cause one (S21); the stress suite fails on these lines.
static void eintr(const char *call) {
	say("EINTR %s tid=%ld t=%ld", call, (long)syscall(SYS_gettid), mono_ns());
}

// is_traced: the leader's TracerPid is set.
static int is_traced(void) {
	char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY);
	if (fd < 0) return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0) return 0;
	buf[n] = 0;
	char *p = strstr(buf, "TracerPid:");
	return p && atoi(p + 10) != 0;
}

struct execwhen {
	char **argv;
	long delay_us;
};

// exec_when_traced busy-polls until the process is traced, so that its
// execve lands while the tracer is still seizing the other threads.
static void exec_when_traced(struct execwhen *w) {
	while (!is_traced()) {
	}
	if (w->delay_us) usleep(w->delay_us);
	execv(w->argv[0], w->argv);
	say("execv failed: %s", strerror(errno));
	_exit(127);
}

static void *execwhen_thread(void *arg) {
	exec_when_traced(arg);
	return NULL;
}

static void *exit_on_line(void *arg) {
	(void)arg;
	say("thread %ld", (long)syscall(SYS_gettid));
	wait_line();
	return NULL;
}

static int stress_ep, stress_rd, stress_wr;

static void put_num(char *b, int *n, long v) {
	char t[24];
	int k = 0;
	if (v < 0) { b[(*n)++] = '-'; v = -v; }
	do { t[k++] = '0' + v % 10; v /= 10; } while (v);
	while (k) b[(*n)++] = t[--k];
}

// rt_handler reports each real-time signal with its sigqueue value.
static void rt_handler(int sig, siginfo_t *si, void *uc) {
	(void)uc;
	char b[64];
	int n = 0;
	b[n++] = 'r'; b[n++] = 't'; b[n++] = ' ';
	put_num(b, &n, sig);
	b[n++] = ' ';
	put_num(b, &n, si->si_value.sival_int);
	b[n++] = '\n';
	int e = errno;
	write(1, b, n);
	errno = e;
}

static void nap(long ms, const char *what) {
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	if (nanosleep(&ts, NULL) < 0 && errno == EINTR) eintr(what);
}

static void *w_nanosleep(void *a) { (void)a; for (;;) nap(30, "nanosleep"); return NULL; }
static void *w_read(void *a) {
	(void)a;
	for (;;) {
		char c;
		if (read(stress_rd, &c, 1) < 0 && errno == EINTR) eintr("read");
	}
	return NULL;
}
static void *w_write(void *a) {
	(void)a;
	for (;;) {
		nap(20, "nanosleep");
		if (write(stress_wr, "x", 1) < 0 && errno == EINTR) eintr("write");
	}
	return NULL;
}
static void *w_epoll(void *a) {
	(void)a;
	for (;;) {
		struct epoll_event e;
		if (epoll_wait(stress_ep, &e, 1, 40) < 0 && errno == EINTR) eintr("epoll_wait");
	}
	return NULL;
}
static void *w_sigtimedwait(void *a) {
	(void)a;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	for (;;) {
		struct timespec ts = {0, 40000000};
		if (sigtimedwait(&s, NULL, &ts) < 0 && errno == EINTR) eintr("sigtimedwait");
	}
	return NULL;
}
static void *w_signals(void *a) {
	(void)a;
	sigset_t s;
	sigemptyset(&s);
	for (int i = 0; i < 4; i++) sigaddset(&s, SIGRTMIN + i);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	for (;;) pause(); // EINTR after a handler is normal here
	return NULL;
}
static void *w_fork(void *a) {
	(void)a;
	for (;;) {
		pid_t c = fork();
		if (c == 0) {
			struct timespec ts = {0, 2000000};
			nanosleep(&ts, NULL);
			_exit(0);
		}
		if (c > 0) {
			int st;
			while (waitpid(c, &st, 0) < 0) {
				if (errno != EINTR) break;
				eintr("wait4");
			}
		}
		nap(10, "nanosleep");
	}
	return NULL;
}

// blockthreads: threads that start their timed calls together.
static void *busy_thread(void *a) {
	(void)a;
	for (;;) syscall(SYS_getppid);
	return NULL;
}
static void *idle_thread(void *a) {
	(void)a;
	for (;;) pause();
	return NULL;
}
static int bt_ms, bt_ep;
static pthread_barrier_t bt_start;
static void *bt_thread(void *a) {
	(void)a;
	int tid = (int)syscall(SYS_gettid);
	pthread_barrier_wait(&bt_start);
	for (long i = 0;; i++) {
		struct epoll_event out;
		double t0 = now();
		long r = epoll_wait(bt_ep, &out, 1, bt_ms);
		int e = r < 0 ? errno : 0;
		say("epoll_wait %d %ld r=%ld errno=%d ms=%.1f", tid, i, r, e, (now() - t0) * 1000);
	}
	return NULL;
}

// stress_modes runs the modes of this section; it returns only for an
// unknown mode.
static void stress_modes(int argc, char **argv, const char *mode) {
	if (!strcmp(mode, "execattach")) { // execattach WHO N US PROG ARGS...: N threads; once traced, WHO (leader|first|last) waits US µs and execs PROG
		const char *who = argv[2];
		int n = atoi(argv[3]);
		struct execwhen w = {argv + 5, atol(argv[4])};
		pthread_attr_t a;
		pthread_attr_init(&a);
		pthread_attr_setstacksize(&a, 64 << 10);
		for (int i = 1; i < n; i++) {
			int execs = (i == 1 && !strcmp(who, "first")) || (i == n - 1 && !strcmp(who, "last"));
			pthread_t t;
			if (pthread_create(&t, &a, execs ? execwhen_thread : block_thread, execs ? (void *)&w : NULL)) {
				say("pthread_create failed at %d", i);
				exit(1);
			}
		}
		ready();
		if (!strcmp(who, "leader")) exec_when_traced(&w);
		for (;;) pause();
	}
	if (!strcmp(mode, "execonline")) { // execonline N PROG ARGS...: N threads; the leader execs PROG when a line arrives on stdin
		int n = atoi(argv[2]);
		for (int i = 1; i < n; i++) {
			pthread_t t;
			pthread_create(&t, NULL, block_thread, NULL);
		}
		ready();
		wait_line();
		execv(argv[3], argv + 3);
		say("execv failed: %s", strerror(errno));
		exit(127);
	}
	if (!strcmp(mode, "zombieleader")) { // zombieleader N: N pausing threads; the leader exits with pthread_exit
		int n = atoi(argv[2]);
		for (int i = 0; i < n; i++) {
			pthread_t t;
			pthread_create(&t, NULL, block_thread, NULL);
		}
		ready();
		pthread_exit(NULL);
	}
	if (!strcmp(mode, "threadexit")) { // threadexit: a thread prints "thread TID" and exits on a stdin line
		pthread_t t;
		ready();
		pthread_create(&t, NULL, exit_on_line, NULL);
		for (;;) pause();
	}
	if (!strcmp(mode, "stress")) { // stress [spin,fork,churn]: blocking calls reporting EINTR, real-time signals reported
		const char *flags = argc > 2 ? argv[2] : "";
		int p[2], q[2];
		if (pipe(p) || pipe(q)) exit(1);
		stress_rd = p[0];
		stress_wr = p[1];
		stress_ep = epoll_create1(0);
		struct epoll_event ev = {.events = EPOLLIN};
		epoll_ctl(stress_ep, EPOLL_CTL_ADD, q[0], &ev); // never written
		struct sigaction sa = {0};
		sa.sa_sigaction = rt_handler;
		sa.sa_flags = SA_SIGINFO | SA_RESTART;
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGUSR2);
		for (int i = 0; i < 4; i++) {
			sigaction(SIGRTMIN + i, &sa, NULL);
			sigaddset(&s, SIGRTMIN + i);
		}
		// Only w_signals takes the real-time signals, so that their
		// handler interrupts no call that the suite watches.
		pthread_sigmask(SIG_BLOCK, &s, NULL);
		void *(*fns[])(void *) = {w_nanosleep, w_read, w_write, w_epoll, w_sigtimedwait, w_signals};
		for (unsigned i = 0; i < sizeof fns / sizeof fns[0]; i++) {
			pthread_t t;
			pthread_create(&t, NULL, fns[i], NULL);
		}
		pthread_t t;
		if (strstr(flags, "spin")) pthread_create(&t, NULL, spin_thread, NULL);
		if (strstr(flags, "fork")) pthread_create(&t, NULL, w_fork, NULL);
		if (strstr(flags, "churn")) pthread_create(&t, NULL, churn_thread, NULL);
		ready();
		say("stress rtmin=%d", (int)SIGRTMIN);
		for (;;) pause();
	}
}

// ---- seize snapshot's program ----

// Mode snapshot: one named thread blocked in each kind of call, a
// spinning one, and the main thread in pause. Each thread prints
// "thread NAME TID" before it blocks, and a line for each return.
static int sn_pipe[2], sn_epipe[2], sn_ep, sn_lfd;
static int sn_futex; // stays 0: FUTEX_WAIT on it sleeps until woken

static void sn_name(const char *name) {
	prctl(PR_SET_NAME, name, 0, 0, 0);
	say("thread %s %ld", name, (long)syscall(SYS_gettid));
}
static void *sn_sleep(void *a) {
	(void)a;
	sn_name("sn-sleep");
	for (;;) {
		struct timespec ts = {1000, 0};
		int r = nanosleep(&ts, NULL);
		say("sn-sleep r=%d errno=%d", r, r ? errno : 0);
	}
	return NULL;
}
static void *sn_read(void *a) {
	(void)a;
	sn_name("sn-read");
	for (;;) {
		char b[64];
		ssize_t r = read(sn_pipe[0], b, sizeof b);
		say("sn-read r=%zd errno=%d", r, r < 0 ? errno : 0);
		if (r == 0) return NULL;
	}
	return NULL;
}
static void *sn_epoll(void *a) {
	(void)a;
	sn_name("sn-epoll");
	for (;;) {
		struct epoll_event ev[4];
		int r = epoll_wait(sn_ep, ev, 4, 100000);
		say("sn-epoll r=%d errno=%d", r, r < 0 ? errno : 0);
		if (r > 0) { char b[64]; if (read(sn_epipe[0], b, sizeof b) <= 0) return NULL; }
	}
	return NULL;
}
static void *sn_futexw(void *a) {
	(void)a;
	sn_name("sn-futex");
	for (;;) {
		long r = syscall(SYS_futex, &sn_futex, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
		say("sn-futex r=%ld errno=%d", r, r < 0 ? errno : 0);
		if (sn_futex) return NULL;
	}
	return NULL;
}
static void *sn_accept(void *a) {
	(void)a;
	sn_name("sn-accept");
	for (;;) {
		struct sockaddr_in sa;
		socklen_t len = sizeof sa;
		int c = accept(sn_lfd, (struct sockaddr *)&sa, &len);
		say("sn-accept r=%d errno=%d", c < 0 ? -1 : 0, c < 0 ? errno : 0);
		if (c >= 0) close(c);
	}
	return NULL;
}
__attribute__((noinline)) static void sn_spin_loop(void) {
	for (volatile unsigned long i = 0;; i++) {
	}
}
static void *sn_spin(void *a) {
	(void)a;
	sn_name("sn-spin");
	sn_spin_loop();
	return NULL;
}

static void snapshot_mode(int argc, char **argv) {
	(void)argc;
	(void)argv;
	if (pipe(sn_pipe) || pipe(sn_epipe)) exit(1);
	sn_ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN};
	epoll_ctl(sn_ep, EPOLL_CTL_ADD, sn_epipe[0], &ev);
	sn_lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sa;
	if (bind(sn_lfd, (struct sockaddr *)&sa, sizeof sa) || listen(sn_lfd, 8) || getsockname(sn_lfd, (struct sockaddr *)&sa, &len)) exit(1);
	say("fds pipe=%d,%d epoll=%d epipe=%d,%d listen=%d port=%d futex=%p", sn_pipe[0], sn_pipe[1], sn_ep, sn_epipe[0], sn_epipe[1], sn_lfd, ntohs(sa.sin_port), (void *)&sn_futex);
	void *(*fns[])(void *) = {sn_sleep, sn_read, sn_epoll, sn_futexw, sn_accept, sn_spin};
	for (unsigned i = 0; i < sizeof fns / sizeof fns[0]; i++) {
		pthread_t t;
		pthread_create(&t, NULL, fns[i], NULL);
	}
	ready();
	for (;;) pause();
}

int main(int argc, char **argv) {
	prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
	setvbuf(stdout, NULL, _IONBF, 0);
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "spin")) { // spin [THREADS]: busy threads
		int n = argc > 2 ? atoi(argv[2]) : 1;
		pthread_t t;
		for (int i = 1; i < n; i++) pthread_create(&t, NULL, spin_thread, NULL);
		ready();
		spin_thread(NULL);
	}
	if (!strcmp(mode, "threads")) { // threads N: N-1 blocked threads + main pausing
		int n = atoi(argv[2]);
		pthread_attr_t a;
		pthread_attr_init(&a);
		pthread_attr_setstacksize(&a, 64 << 10);
		for (int i = 1; i < n; i++) {
			pthread_t t;
			if (pthread_create(&t, &a, block_thread, NULL)) { say("pthread_create failed at %d", i); return 1; }
		}
		ready();
		for (;;) pause();
	}
	if (!strcmp(mode, "churn")) { // churn N: N blocked threads + a thread creating/joining threads
		int n = argc > 2 ? atoi(argv[2]) : 0;
		pthread_attr_t a;
		pthread_attr_init(&a);
		pthread_attr_setstacksize(&a, 64 << 10);
		for (int i = 0; i < n; i++) { pthread_t t; pthread_create(&t, &a, block_thread, NULL); }
		pthread_t c;
		pthread_create(&c, NULL, churn_thread, NULL);
		pthread_create(&c, NULL, churn_thread, NULL);
		ready();
		for (;;) pause();
	}
	if (!strcmp(mode, "nanosleep")) { // nanosleep MS: one sleep, report how long and the result
		double ms = atof(argv[2]);
		struct timespec req = {(time_t)(ms / 1000), ((long)ms % 1000) * 1000000L};
		ready();
		double t0 = now();
		int r = nanosleep(&req, NULL);
		say("nanosleep r=%d errno=%d elapsed_ms=%.0f", r, r ? errno : 0, (now() - t0) * 1000);
		return 0;
	}
	if (!strcmp(mode, "read")) { // read: block reading stdin, report the result
		char buf[64];
		ready();
		ssize_t r = read(0, buf, sizeof buf);
		say("read r=%zd errno=%d", r, r < 0 ? errno : 0);
		return 0;
	}
	if (!strcmp(mode, "ticker")) { // ticker MS: print "tick N" every MS ms; SIGTSTP handler; report SIGCONT
		int ms = argc > 2 ? atoi(argv[2]) : 100;
		signal(SIGTSTP, on_tstp);
		signal(SIGCONT, on_cont);
		ready();
		for (int i = 0;; i++) {
			struct timespec req = {ms / 1000, (ms % 1000) * 1000000L};
			while (nanosleep(&req, &req) && errno == EINTR) {
			}
			say("tick %d tstp=%d cont=%d", i, (int)got_tstp, (int)got_cont);
		}
	}
	if (!strcmp(mode, "parent")) { // parent CMD...: fork CMD, report every waitpid(WUNTRACED|WCONTINUED)
		pid_t c = fork();
		if (c == 0) {
			execv(argv[2], argv + 2);
			_exit(127);
		}
		say("child %d", c);
		for (;;) {
			int st;
			pid_t r = waitpid(c, &st, WUNTRACED | WCONTINUED);
			if (r < 0) {
				if (errno == EINTR) continue;
				say("waitpid errno=%d", errno);
				return 1;
			}
			if (WIFSTOPPED(st)) say("parent saw stopped %d", WSTOPSIG(st));
			else if (WIFCONTINUED(st)) say("parent saw continued");
			else if (WIFEXITED(st)) { say("parent saw exited %d", WEXITSTATUS(st)); return 0; }
			else if (WIFSIGNALED(st)) { say("parent saw killed %d", WTERMSIG(st)); return 0; }
			else say("parent saw status %#x", st);
		}
	}
	if (!strcmp(mode, "execthread")) { // execthread PROG ARGS...: a non-leader thread execs PROG
		pthread_t t, b;
		pthread_create(&b, NULL, block_thread, NULL);
		ready();
		pthread_create(&t, NULL, exec_thread, argv + 2);
		for (;;) pause();
	}
	if (!strcmp(mode, "exit")) { // exit N
		return atoi(argv[2]);
	}
	if (!strcmp(mode, "raise")) { // raise SIG: die by a signal
		signal(atoi(argv[2]), SIG_DFL);
		raise(atoi(argv[2]));
		return 99;
	}
	if (!strcmp(mode, "busyidle")) { // busyidle I B: I threads in pause(), B threads calling getppid without end; prints "busy TID" for each busy one
		int ni = atoi(argv[2]), nb = atoi(argv[3]);
		pthread_attr_t a;
		pthread_attr_init(&a);
		pthread_attr_setstacksize(&a, 64 << 10);
		for (int i = 0; i < ni; i++) {
			pthread_t t;
			pthread_create(&t, &a, idle_thread, NULL);
		}
		for (int i = 0; i < nb; i++) {
			pthread_t t;
			pthread_create(&t, &a, busy_thread, NULL);
		}
		ready();
		for (;;) pause();
	}
	if (!strcmp(mode, "getppid")) { // getppid N: N getppid calls
		long n = atol(argv[2]);
		for (long i = 0; i < n; i++) syscall(SYS_getppid);
		return 0;
	}
	if (!strcmp(mode, "forkmix")) { // forkmix N: 2 threads, then 2 forked children of 1 thread each; every task N getppid+gettid
		forkmix_n = atol(argv[2]);
		forkmix_threads(2);
		pid_t c[2];
		for (int i = 0; i < 2; i++) {
			c[i] = fork();
			if (c[i] == 0) {
				forkmix_threads(1);
				forkmix_calls();
				_exit(0);
			}
		}
		for (int i = 0; i < 2; i++) {
			int st;
			while (waitpid(c[i], &st, 0) < 0 && errno == EINTR) {
			}
		}
		return 0;
	}
	if (!strcmp(mode, "usr1")) { // usr1: count SIGUSR1s, report on SIGUSR2-free pause loop
		signal(SIGUSR1, on_usr1);
		ready();
		for (;;) {
			pause();
			say("usr1 %d", (int)got_usr1);
		}
	}
	if (!strcmp(mode, "exitafter")) { // exitafter MS N: ready, sleep MS ms, exit N
		int ms = atoi(argv[2]);
		ready();
		usleep(ms * 1000);
		return atoi(argv[3]);
	}
	if (!strcmp(mode, "openat")) { // openat PATH: one openat(AT_FDCWD, PATH, O_RDONLY), report the result
		long r = syscall(SYS_openat, AT_FDCWD, argv[2], O_RDONLY);
		say("openat r=%ld errno=%d", r, r < 0 ? errno : 0);
		return 0;
	}
	if (!strcmp(mode, "inject")) { // inject N: N chdir("/") calls, each reported as "call I r=R errno=E us=US usr1=K" (K: SIGUSR1s handled so far)
		long n = atol(argv[2]);
		signal(SIGUSR1, on_usr1);
		for (long i = 1; i <= n; i++) {
			long t0 = mono_ns();
			long r = syscall(SYS_chdir, "/");
			int e = r < 0 ? errno : 0;
			long us = (mono_ns() - t0) / 1000;
			say("call %ld r=%ld errno=%d us=%ld usr1=%d", i, r, e, us, (int)got_usr1);
		}
		return 0;
	}
	if (!strcmp(mode, "spawn")) { // spawn N MS: on a stdin line, a thread and N forks that sleep MS
		// The children are made by a raw clone, so that their first system
		// call is the getppid below (glibc's fork makes calls in the child).
		// Child i exits with i+1; the parent reaps and reports each.
		int n = atoi(argv[2]);
		long ms = atol(argv[3]);
		ready();
		wait_line();
		pthread_t th;
		pthread_create(&th, NULL, spawn_thread, (void *)ms);
		pid_t kids[256];
		if (n > 256) n = 256;
		for (int i = 0; i < n; i++) {
			long c = syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
			if (c == 0) {
				struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
				syscall(SYS_getppid);
				syscall(SYS_nanosleep, &ts, NULL);
				syscall(SYS_exit_group, i + 1);
			}
			if (c < 0) { say("clone failed: %s", strerror(errno)); return 1; }
			kids[i] = c;
			say("forked %ld", c);
		}
		for (int i = 0; i < n; i++) {
			int st;
			while (waitpid(kids[i], &st, 0) < 0) {
				if (errno != EINTR) { say("waitpid errno=%d", errno); return 1; }
			}
			say("reaped %d %d", kids[i], WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st));
		}
		pthread_join(th, NULL);
		say("spawned %d", n);
		return 0;
	}
	if (!strcmp(mode, "vfork")) { // vfork MS: on a stdin line, vfork a child that sleeps MS, then execs "exit 3"
		long ms = atol(argv[2]);
		ready();
		wait_line();
		double t0 = now();
		pid_t c = vfork();
		if (c == 0) {
			// Only system calls and exec in a vfork child.
			struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
			syscall(SYS_nanosleep, &ts, NULL);
			execl("/proc/self/exe", argv[0], "exit", "3", (char *)NULL);
			_exit(127);
		}
		if (c < 0) { say("vfork failed: %s", strerror(errno)); return 1; }
		say("vforked %d after_ms=%.0f", c, (now() - t0) * 1000);
		int st;
		while (waitpid(c, &st, 0) < 0) {
			if (errno != EINTR) { say("waitpid errno=%d", errno); return 1; }
		}
		say("vfork child exited %d", WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st));
		return 0;
	}
	if (!strcmp(mode, "blockcall")) { // blockcall CALL MS: repeat CALL with a timeout of MS ms, report each return
		const char *call = argv[2];
		int ms = atoi(argv[3]);
		int ep = epoll_create1(0);
		int pfd[2];
		if (pipe(pfd)) return 1;
		struct epoll_event ev = {.events = EPOLLIN};
		epoll_ctl(ep, EPOLL_CTL_ADD, pfd[0], &ev);
		int sv[2];
		socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
		struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
		setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		int sem = semget(IPC_PRIVATE, 1, 0600);
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		sigprocmask(SIG_BLOCK, &set, NULL);
		ready();
		for (long i = 0;; i++) {
			struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
			char buf[16];
			struct epoll_event out;
			struct iovec iov = {buf, sizeof buf};
			struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
			struct sembuf sb = {0, -1, 0};
			double t0 = now();
			long r;
			if (!strcmp(call, "epoll_wait")) r = epoll_wait(ep, &out, 1, ms);
			else if (!strcmp(call, "epoll_pwait")) r = epoll_pwait(ep, &out, 1, ms, NULL);
			else if (!strcmp(call, "epoll_pwait2")) r = syscall(SYS_epoll_pwait2, ep, &out, 1, &ts, NULL, 8);
			else if (!strcmp(call, "sigtimedwait")) r = sigtimedwait(&set, NULL, &ts);
			else if (!strcmp(call, "semtimedop")) r = semtimedop(sem, &sb, 1, &ts);
			else if (!strcmp(call, "recvfrom")) r = recvfrom(sv[0], buf, sizeof buf, 0, NULL, NULL);
			else if (!strcmp(call, "recvmsg")) r = recvmsg(sv[0], &mh, 0);
			else if (!strcmp(call, "read")) r = read(sv[0], buf, sizeof buf);
			else if (!strcmp(call, "poll")) { struct pollfd_ { int fd; short ev, rev; } p = {pfd[0], 1, 0}; r = syscall(SYS_poll, &p, 1, ms); }
			else if (!strcmp(call, "nanosleep")) r = nanosleep(&ts, NULL);
			else { say("unknown call %s", call); return 2; }
			int e = r < 0 ? errno : 0;
			say("%s %ld r=%ld errno=%d ms=%.1f", call, i, r, e, (now() - t0) * 1000);
		}
	}
	if (!strcmp(mode, "trio")) { // trio: threads "reader" (read on stdin, reports), "waiter" (futex: a condition never signalled), main "trio" (pause)
		pthread_t t;
		prctl(PR_SET_NAME, "trio", 0, 0, 0);
		pthread_create(&t, NULL, trio_reader, NULL);
		pthread_create(&t, NULL, trio_waiter, NULL);
		ready();
		for (;;) pause();
	}
	if (!strcmp(mode, "blockthreads")) { // blockthreads N MS: N threads repeat epoll_wait with a timeout of MS ms, each return reported as "epoll_wait TID I r=R errno=E ms=T"
		int n = atoi(argv[2]);
		bt_ms = atoi(argv[3]);
		bt_ep = epoll_create1(0);
		pthread_barrier_init(&bt_start, NULL, n + 1);
		pthread_attr_t a;
		pthread_attr_init(&a);
		pthread_attr_setstacksize(&a, 64 << 10);
		for (int i = 0; i < n; i++) {
			pthread_t t;
			if (pthread_create(&t, &a, bt_thread, NULL)) {
				say("pthread_create failed at %d", i);
				return 1;
			}
		}
		pthread_barrier_wait(&bt_start);
		ready();
		for (;;) pause();
	}
	stress_modes(argc, argv, mode);
	if (!strcmp(mode, "snapshot")) snapshot_mode(argc, argv); // snapshot: threads blocked in nanosleep, read, epoll_wait, futex, accept; one spinning
	if (!strcmp(mode, "pause")) {
		ready();
		for (;;) pause();
	}
	say("unknown mode %s", mode);
	return 2;
}
