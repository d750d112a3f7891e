/*
 * minloop: the floor for a ptrace tracer. It runs a program under
 * PTRACE_SYSCALL, follows every fork, vfork and clone, and does nothing
 * else: no decoding, no output. Whatever a real tracer costs beyond this
 * loop is its own overhead.
 *
 *   minloop [-pin] PROG ARGS...
 *
 * -pin puts the tracer on CPU 0 before it forks, so the program (which
 * inherits the mask) and the tracer share one CPU and wake each other
 * without a cross-CPU wakeup (SPEC §6: the best a minimal loop does).
 *
 * The exit status is the program's, or 128+signal if it was killed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

/* Tids whose first stop we have seen. An auto-attached task (fork, vfork,
 * clone under PTRACE_O_TRACE*) starts with a SIGSTOP that the tracer
 * must swallow; its first stop may come before or after the parent's
 * PTRACE_EVENT stop, so "first stop of an unknown tid" is the test. */
static unsigned char *seen;
static long seen_max;

static int mark_seen(pid_t tid)
{
	if (tid < 0 || tid > seen_max)
		return 1;
	int was = seen[tid / 8] & (1 << (tid % 8));
	seen[tid / 8] |= 1 << (tid % 8);
	return was != 0;
}

static long read_pid_max(void)
{
	long v = 4194304;
	FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = 4194304;
		fclose(f);
	}
	return v;
}

int main(int argc, char **argv)
{
	int argi = 1;
	int pin = 0;
	if (argi < argc && strcmp(argv[argi], "-pin") == 0) {
		pin = 1;
		argi++;
	}
	if (argi < argc && strcmp(argv[argi], "--") == 0)
		argi++;
	if (argi >= argc) {
		fprintf(stderr, "usage: minloop [-pin] PROG ARGS...\n");
		return 2;
	}
	if (pin) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(0, &set);
		if (sched_setaffinity(0, sizeof set, &set) != 0) {
			perror("minloop: sched_setaffinity");
			return 2;
		}
	}
	seen_max = read_pid_max();
	seen = calloc(seen_max / 8 + 1, 1);
	if (!seen) {
		perror("minloop: calloc");
		return 2;
	}

	pid_t pid = fork();
	if (pid < 0) {
		perror("minloop: fork");
		return 2;
	}
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0) {
			perror("minloop: PTRACE_TRACEME");
			_exit(127);
		}
		execvp(argv[argi], argv + argi);
		fprintf(stderr, "minloop: exec %s: %s\n", argv[argi], strerror(errno));
		_exit(127);
	}

	/* The exec's SIGTRAP: the program is stopped at its first instruction. */
	int st;
	if (waitpid(pid, &st, __WALL) != pid || !WIFSTOPPED(st)) {
		fprintf(stderr, "minloop: program did not stop after exec\n");
		return 2;
	}
	mark_seen(pid);
	long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK |
		    PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
	if (ptrace(PTRACE_SETOPTIONS, pid, 0, (void *)opts) != 0) {
		perror("minloop: PTRACE_SETOPTIONS");
		kill(pid, SIGKILL);
		return 2;
	}
	ptrace(PTRACE_SYSCALL, pid, 0, 0);

	int code = 0;
	for (;;) {
		pid_t tid = waitpid(-1, &st, __WALL);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD: every tracee and child is gone */
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (tid == pid)
				code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		int sig = WSTOPSIG(st);
		int first = !mark_seen(tid);
		int inject = 0;
		if (sig == (SIGTRAP | 0x80) || (st >> 16) != 0)
			inject = 0; /* syscall-stop or PTRACE_EVENT stop */
		else if (first && sig == SIGSTOP)
			inject = 0; /* the initial stop of an auto-attached task */
		else
			inject = sig; /* signal-delivery-stop: deliver it */
		/* ESRCH: the task was killed meanwhile; its exit comes next. */
		ptrace(PTRACE_SYSCALL, tid, 0, (void *)(long)inject);
	}
	return code;
}
