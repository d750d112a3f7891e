/*
 * workload: the traced programs of the benchmark. Each mode makes a known
 * number of system calls through syscall(2), so that libc wrappers and the
 * vDSO cannot change the count.
 *
 *   workload getppid N         N getppid calls: the pure cost of a stop
 *   workload files DIR ROUNDS  for each file DIR/f000.. (until one is
 *                              missing), ROUNDS times: openat, fstat,
 *                              read, read (EOF), write to /dev/null,
 *                              close = 6 calls with paths, structs, buffers
 *   workload threads T ITERS   T threads, each ITERS times: getppid,
 *                              clock_gettime (the syscall, not the vDSO),
 *                              write to /dev/null = 3 calls
 *   workload blocked T         T threads asleep in pause(), and the main
 *                              thread too, once it has printed "ready PID"
 *                              (for attach and detach at scale)
 *   workload batches N         for each line read on stdin, N getppid
 *                              calls, then "done" on stdout; exits at EOF
 *                              (a tracer's memory measured between batches)
 *   workload allow PROG ARGS   runs PROG under a one-instruction seccomp
 *                              filter that returns SECCOMP_RET_ALLOW: the
 *                              cost of seccomp itself
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long iters;
static int devnull;

static void *thread_loop(void *arg)
{
	(void)arg;
	struct timespec ts;
	char c = 'x';
	for (long i = 0; i < iters; i++) {
		syscall(SYS_getppid);
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
		syscall(SYS_write, devnull, &c, 1);
	}
	return NULL;
}

static void *blocked_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* busy: t idle threads, then n getppid calls by the main thread. */
static int busy(long t, long n)
{
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, PTHREAD_STACK_MIN > 65536 ? PTHREAD_STACK_MIN : 65536);
	for (long i = 0; i < t; i++) {
		pthread_t th;
		int err = pthread_create(&th, &a, blocked_thread, NULL);
		if (err != 0) {
			fprintf(stderr, "pthread_create %ld: %s\n", i, strerror(err));
			return 1;
		}
	}
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return 0;
}

static int blocked(long n)
{
	pthread_attr_t a;
	pthread_attr_init(&a);
	/* Small stacks: 10,000 threads in little memory. */
	pthread_attr_setstacksize(&a, PTHREAD_STACK_MIN > 65536 ? PTHREAD_STACK_MIN : 65536);
	for (long i = 0; i < n; i++) {
		pthread_t th;
		int err = pthread_create(&th, &a, blocked_thread, NULL);
		if (err != 0) {
			fprintf(stderr, "pthread_create %ld: %s\n", i, strerror(err));
			return 1;
		}
	}
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}

static int batches(long n)
{
	char line[64];
	while (fgets(line, sizeof line, stdin) != NULL) {
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		printf("done\n");
		fflush(stdout);
	}
	return 0;
}

static int allow(char **argv)
{
	struct sock_filter f[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
	struct sock_fprog p = {1, f};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &p)) {
		perror("seccomp");
		return 1;
	}
	execvp(argv[0], argv);
	perror(argv[0]);
	return 127;
}

static int files(const char *dir, long rounds)
{
	char path[4096];
	char buf[8192];
	struct stat sb;
	for (long r = 0; r < rounds; r++) {
		for (int i = 0;; i++) {
			snprintf(path, sizeof path, "%s/f%03d", dir, i);
			long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				if (i == 0) {
					perror(path);
					return 1;
				}
				break;
			}
			syscall(SYS_fstat, fd, &sb);
			long n = syscall(SYS_read, fd, buf, sizeof buf);
			syscall(SYS_read, fd, buf, sizeof buf);
			syscall(SYS_write, devnull, buf, n > 0 ? n : 0);
			syscall(SYS_close, fd);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: workload getppid N | files DIR ROUNDS | threads T ITERS | blocked T | busy T N | batches N | allow PROG ARGS\n");
		return 2;
	}
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull < 0) {
		perror("/dev/null");
		return 1;
	}
	if (strcmp(argv[1], "getppid") == 0) {
		long n = atol(argv[2]);
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		return 0;
	}
	if (strcmp(argv[1], "allow") == 0)
		return allow(argv + 2);
	if (strcmp(argv[1], "blocked") == 0)
		return blocked(atol(argv[2]));
	if (strcmp(argv[1], "busy") == 0 && argc == 4)
		return busy(atol(argv[2]), atol(argv[3]));
	if (strcmp(argv[1], "batches") == 0)
		return batches(atol(argv[2]));
	if (strcmp(argv[1], "files") == 0 && argc == 4)
		return files(argv[2], atol(argv[3]));
	if (strcmp(argv[1], "threads") == 0 && argc == 4) {
		int t = atoi(argv[2]);
		iters = atol(argv[3]);
		pthread_t th[64];
		if (t < 1 || t > 64) {
			fprintf(stderr, "threads: 1..64\n");
			return 2;
		}
		for (int i = 0; i < t; i++)
			if (pthread_create(&th[i], NULL, thread_loop, NULL) != 0) {
				fprintf(stderr, "pthread_create failed\n");
				return 1;
			}
		for (int i = 0; i < t; i++)
			pthread_join(th[i], NULL);
		return 0;
	}
	fprintf(stderr, "workload: unknown mode %s\n", argv[1]);
	return 2;
}
