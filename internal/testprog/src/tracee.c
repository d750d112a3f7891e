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
#include <sys/prctl.h>
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

static void *exec_thread(void *arg) {
	char **argv = arg;
	usleep(20000);
	execv(argv[0], argv);
	say("execv failed: %s", strerror(errno));
	_exit(127);
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
	if (!strcmp(mode, "getppid")) { // getppid N: N getppid calls
		long n = atol(argv[2]);
		for (long i = 0; i < n; i++) syscall(SYS_getppid);
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
	if (!strcmp(mode, "pause")) {
		ready();
		for (;;) pause();
	}
	say("unknown mode %s", mode);
	return 2;
}
