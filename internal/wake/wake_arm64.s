#include "textflag.h"

// handler is the signal handler: it returns at once. Having no
// SA_RESTART, its mere invocation makes a blocked wait4 return EINTR.
TEXT ·handler(SB),NOSPLIT|NOFRAME,$0-0
	RET

TEXT ·handlerAddr(SB),NOSPLIT,$0-8
	MOVD	$·handler(SB), R0
	MOVD	R0, ret+0(FP)
	RET

// arm64 returns through the vDSO's sigreturn trampoline when no
// sa_restorer is given.
TEXT ·restorerAddr(SB),NOSPLIT,$0-8
	MOVD	$0, R0
	MOVD	R0, ret+0(FP)
	RET
