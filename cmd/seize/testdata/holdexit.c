/* holdexit TID: another tracer for seize's tests. It seizes thread TID with
 * PTRACE_O_TRACEEXIT, prints "held", and never waits for or restarts it: once
 * the thread is killed it stays in its exit stop until this process dies. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	if (ptrace(PTRACE_SEIZE, atoi(argv[1]), 0, PTRACE_O_TRACEEXIT) != 0) {
		perror("PTRACE_SEIZE");
		return 1;
	}
	printf("held\n");
	fflush(stdout);
	for (;;)
		pause();
}
