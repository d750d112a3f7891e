// prog.c: small deterministic programs for the output tests of the seize
// command. prog MODE [ARGS...]:
//
//   hostile ARG  write terminal escape sequences and invalid UTF-8 to
//                stdout, open a file whose name holds them, exit 0; ARG
//                (which a test fills with escapes too) is only in argv
//   timed        sleep 30 ms three times, in a thread 20 ms; fork a child
//                that stops itself (SIGSTOP), is continued by the parent,
//                sleeps 10 ms and exits 3; raise SIGUSR1 (caught); exit 0
//   restart      sleep 200 ms while a child stops (SIGSTOP) and continues
//                (SIGCONT) this process 50 ms in: the kernel resumes the
//                sleep with restart_syscall
//   threads      four threads make three getppid calls each and sleep
//                1 ms, so that the calls of tasks interleave
//   cpu          a thread reads 256 MiB from /dev/zero (system CPU time)
//                while the main thread sleeps 50 ms (none), then the main
//                thread reads 16 MiB from getrandom
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/random.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void nap(long ms) {
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static void *thread(void *arg) {
	(void)arg;
	nap(20);
	return NULL;
}

static void *worker(void *arg) {
	(void)arg;
	for (int i = 0; i < 3; i++)
		getppid();
	nap(1);
	return NULL;
}

static void *zeroes(void *arg) {
	size_t n = 64 << 20;
	char *b = malloc(n);
	int fd = open("/dev/zero", O_RDONLY);
	for (int i = 0; i < 4; i++)
		read(fd, b, n);
	(void)arg;
	return NULL;
}

static void on_usr1(int sig) { (void)sig; }

int main(int argc, char **argv) {
	if (argc > 1 && !strcmp(argv[1], "hostile")) {
		static const char evil[] = "\x1b[2J\x07 clear+bell \xff\xfe\xc3( \x9b" "31m csi \x1b]0;title\x07\n";
		write(1, evil, sizeof evil - 1);
		open("\x1b[31mred\x07\xff", O_RDONLY);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "timed")) {
		signal(SIGUSR1, on_usr1);
		for (int i = 0; i < 3; i++)
			nap(30);
		pthread_t t;
		pthread_create(&t, NULL, thread, NULL);
		pthread_join(t, NULL);
		pid_t c = fork();
		if (c == 0) {
			raise(SIGSTOP);
			nap(10);
			_exit(3);
		}
		int st;
		waitpid(c, &st, WUNTRACED);
		kill(c, SIGCONT);
		waitpid(c, &st, 0);
		raise(SIGUSR1);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "restart")) {
		pid_t parent = getpid();
		pid_t c = fork();
		if (c == 0) {
			nap(50);
			kill(parent, SIGSTOP);
			nap(20);
			kill(parent, SIGCONT);
			_exit(0);
		}
		nap(200);
		int st;
		waitpid(c, &st, 0);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "threads")) {
		pthread_t t[4];
		for (int i = 0; i < 4; i++)
			pthread_create(&t[i], NULL, worker, NULL);
		for (int i = 0; i < 4; i++)
			pthread_join(t[i], NULL);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "cpu")) {
		pthread_t t;
		pthread_create(&t, NULL, zeroes, NULL);
		nap(50);
		pthread_join(t, NULL);
		getrandom(malloc(16 << 20), 16 << 20, 0);
		return 0;
	}
	return 2;
}
