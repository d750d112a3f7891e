// Package seize traces Linux processes without changing how they behave.
//
// # Model
//
// A [Tracer] owns a set of tasks (threads) on one locked OS thread. Every
// ptrace request and every wait happens on that thread, because the kernel
// accepts requests only from the thread that attached (S23), and so does
// the [Options.Handler]: the per-stop path wait → classify → handle →
// restart never crosses to another goroutine. Methods called from other
// goroutines are carried out on the tracer thread, which they wake out of
// wait4 (see internal/wake).
//
// Tasks are attached with PTRACE_SEIZE, never PTRACE_ATTACH: attaching
// stops nothing and sends no signal (S1). [Tracer.Attach] seizes every
// thread of a process, rescanning /proc until two passes find nothing new,
// and follows threads created later (S5). [Tracer.Start] runs a program
// seized from its first instruction.
//
// # Stops and events
//
// Each stop becomes an [Event] handed to the Handler while the task is
// stopped; afterwards the engine restarts it. Syscall stops are read with
// PTRACE_GET_SYSCALL_INFO (S16). A signal about to be delivered is an
// EventSignal; the handler may change or suppress it with
// [Event.SetSignal]. [Tracer.Interrupt] holds a task at its next stop of
// any kind (S3) until [Tracer.Resume].
//
// # Job control
//
// A stop signal is delivered as the program would receive it untraced: its
// handler runs, and if the process stops, the engine reports an
// EventGroupStop and holds it with PTRACE_LISTEN (S6). The process is then
// really stopped; its real parent's waitpid(WUNTRACED) reports it stopped
// exactly once; SIGCONT resumes it, whoever sends it, and the engine
// reports EventContinued followed by the SIGCONT itself with its sender
// (S7). The engine never restarts a group-stopped task with PTRACE_CONT or
// PTRACE_SYSCALL (S8) and never waits with WCONTINUED (S11), so the real
// parent sees exactly what it would see untraced (S10).
//
// # Detach and shutdown
//
// [Tracer.DetachAll] and [Tracer.Close] leave each task in the state it
// was in (S12) without stopping any of them: tasks the tracer holds in a
// stop are detached with PTRACE_DETACH, passing the signal of a
// signal-delivery-stop so that it is not lost (S14); every other task is
// released by the exit of the tracer thread, which the kernel handles in
// exit_ptrace by unlinking each tracee where it is. A group-stopped
// process goes back to its stop and resumes on SIGCONT; a running one
// runs; one asleep in a system call is not even woken, so no call fails
// with EINTR and a vfork parent waiting for its child cannot hold the
// shutdown up. [Tracer.Detach] releases a single task: a running one is
// interrupted and released at its next stop, a listening one is
// interrupted first (S13).
//
// # Reaping
//
// The tracer reaps its tracees and the processes it started, and nothing
// else: it waits with __WALL|__WNOTHREAD, which limits wait4 to the tracer
// thread's own children and tracees. The host program's other children,
// started from other goroutines, are left to their owners (S20). Never
// call Wait on a traced process yourself.
//
// # Fault injection
//
// With [Options.Syscalls], a handler can tamper with a call at its
// EventSyscallEntry, as strace's -e inject= does: [Event.Inject] with a
// [Fault] makes the call fail with an errno or return a value without
// running, sends a signal that arrives as the call returns, or holds the
// task for a while at the call's entry or exit. A delayed task waits in
// its stop while the tracer thread goes on serving the others. The call's
// EventSyscallExit reports the injected result and [Event.Injected].
// Counting invocations and choosing which to tamper with is the caller's:
// package filter parses strace's -e inject= and when= for that.
//
// # The specification and its tests
//
// Each item of the behaviour specification (SPEC.md, S1…S20) is proved by
// tests that run real processes on the real kernel; the engine_test.go
// tests replay recorded wait statuses through a fake kernel to pin the
// state machine down stop by stop.
//
//	S1  seize never stops          TestS1SeizeNeverStops, TestS1TracerDies
//	S2  interrupt                  TestS2InterruptRunning, TestS2S3RawKernel
//	S3  interrupt answered by another stop
//	                               TestS3InterruptAnsweredBySyscallStop, TestS3InterruptAnsweredBySignalStop,
//	                               TestS2S3RawKernel, TestEngineInterruptAnsweredBySyscallStop
//	S4  seizing a stopped process  TestS4SeizeStopped
//	S5  whole thread groups        TestS5AttachThousandThreads, TestS5AttachChurn, TestS5AttachSeveral,
//	                               TestS5AttachMeetsAutoAttachedThreads
//	S6  group-stop with LISTEN     TestS6S7GroupStopAndContinue, TestEngineGroupStopListenContinue
//	S7  SIGCONT while listening    TestS6S7GroupStopAndContinue, TestS4SeizeStopped
//	S8  never the classic bug      TestS8GroupStopIsHeld, TestS8NegativeControlRawCont,
//	                               TestS8NegativeControlRawLeave, TestEngineGroupStopReportedOnce
//	S9  launch mode ^Z/fg/bg       cmd/seize: TestLaunchJobControl (bash on a pty),
//	                               TestStraceJobControlForComparison (informational)
//	S10 real parent sees the truth TestS10ParentSeesNoPtraceStops, TestS10ExitTracerFirst,
//	                               cmd/seize: TestStderrCompleteAtExit
//	S11 no WCONTINUED in tracer    TestS11ParentGetsEveryContinue, TestS11ContinuedLeftForParent,
//	                               TestS11NegativeControlRawWContinued, TestEngineWaitFlags
//	S12 detach preserves state     TestS12DetachPreservesState, cmd/seize: TestAttachJobControl
//	S13 detach needs a stop        TestS13DetachListening, TestS13RawDetachListening,
//	                               TestS13DetachAtSignalStopKeepsSignal, TestS13DetachHeldWithSignal,
//	                               TestEngineDetachListening, TestEngineDetachPassesSignal
//	S14 shutdown                   TestS14CloseReleasesAll, TestS14CloseVforkParent,
//	                               TestCloseReleasesUnstoppableTask, cmd/seize: TestAttachDetach
//	S15 exit status mirrored       TestS15StartExitStatus, TestS15StartErrors, TestEngineExitStatus,
//	                               cmd/seize: TestExitCode, TestKilledBySignal
//	S16 PTRACE_GET_SYSCALL_INFO    TestS16SyscallInfoGetppid, TestS16SyscallInfoOpenat,
//	                               TestEngineSyscallExitPairsEntry, TestEngineSyscallSeccompAndOrphanExit
//	S17 non-leader execve          TestS17NonLeaderExec, TestEngineNonLeaderExec
//	S18 SIGKILL                    TestS18SigkillInSyscall, TestS18SigkillThreads, TestEngineSigkill,
//	                               TestEngineSigkillThreadsInSyscall
//	S19 children under SEIZE       TestS19FollowForks, TestS19NoFollowForks, TestEngineChildBeforeForkEvent,
//	                               TestEngineUnwantedChildDetached
//	S20 waiting                    TestS20TracerDoesNotReapOthers, internal/ptrace: TestStatusDecoding,
//	                               TestTrapCauseMissesGroupStop
//
// Launch mode of the command (seize -- CMD) and Start: TestStartSeizeSemantics,
// TestStartFirstSyscallIsAfterExec; cmd/seize: TestLineShape, TestFollowForks,
// TestOutputFile, TestAttachThreads, TestBadInput.
package seize
