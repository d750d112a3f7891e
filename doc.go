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
// [Tracer.Detach], [Tracer.DetachAll] and [Tracer.Close] leave each task in
// the state it was in (S12): a stopped process stays stopped and resumes on
// SIGCONT, a running one runs, one asleep in a system call stays in it. A
// running task is interrupted and released at its next stop; a listening
// one is interrupted first (S13). A signal the engine holds at a
// delivery-stop is passed on by the detach, never lost (S14). Shutdown
// interrupts every task before releasing any, so a vfork parent waiting on
// its traced child cannot deadlock it.
//
// # Reaping
//
// The tracer reaps its tracees and the processes it started, and nothing
// else: it waits with __WALL|__WNOTHREAD, which limits wait4 to the tracer
// thread's own children and tracees. The host program's other children,
// started from other goroutines, are left to their owners (S20). Never
// call Wait on a traced process yourself.
//
// # The specification and its tests
//
// Each item of the behaviour specification (SPEC.md, S1…S20) is proved by
// tests that run real processes on the real kernel; the engine_test.go
// tests replay recorded wait statuses through a fake kernel to pin the
// state machine down stop by stop.
//
//	S1  seize never stops          TestS1SeizeNeverStops, TestS1TracerDiesAfterAttach
//	S2  interrupt                  TestS2*
//	S3  interrupt answered by another stop   TestS3*, TestEngineInterruptAnsweredBySyscallStop
//	S4  seizing a stopped process  TestS4*
//	S5  whole thread groups        TestS5*
//	S6  group-stop with LISTEN     TestS6S7GroupStopAndContinue, TestEngineGroupStopListenContinue
//	S7  SIGCONT while listening    TestS6S7GroupStopAndContinue
//	S8  never the classic bug      TestS8*, TestEngineGroupStopReportedOnce
//	S9  launch mode ^Z/fg/bg       cmd/seize: TestJobControl*
//	S10 real parent sees the truth TestS10*
//	S11 no WCONTINUED in tracer    TestS11*
//	S12 detach preserves state     TestS12DetachPreservesState
//	S13 detach needs a stop        TestS13*, TestEngineDetachListening, TestEngineDetachPassesSignal
//	S14 shutdown                   TestS14*, cmd/seize: TestAttachDetachOnSignal*
//	S15 exit status mirrored       TestS15*, cmd/seize: TestExitStatus*
//	S16 PTRACE_GET_SYSCALL_INFO    TestS16*
//	S17 non-leader execve          TestS17*, TestEngineNonLeaderExec
//	S18 SIGKILL                    TestS18*, TestEngineSigkill
//	S19 children under SEIZE       TestS19*, TestEngineChildBeforeForkEvent
//	S20 waiting                    TestS20*, internal/ptrace: TestStatus*
package seize
