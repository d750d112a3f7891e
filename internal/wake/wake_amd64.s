#include "textflag.h"

// handler is the signal handler: it returns at once. Having no
// SA_RESTART, its mere invocation makes a blocked wait4 return EINTR.
TEXT ·handler(SB),NOSPLIT|NOFRAME,$0-0
	RET

// restorer is the sa_restorer that x86-64 requires: rt_sigreturn.
TEXT ·restorer(SB),NOSPLIT|NOFRAME,$0-0
	MOVQ	$15, AX
	SYSCALL
	INT	$3

TEXT ·handlerAddr(SB),NOSPLIT,$0-8
	LEAQ	·handler(SB), AX
	MOVQ	AX, ret+0(FP)
	RET

TEXT ·restorerAddr(SB),NOSPLIT,$0-8
	LEAQ	·restorer(SB), AX
	MOVQ	AX, ret+0(FP)
	RET
