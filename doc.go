// Package seize traces Linux processes without changing how they behave.
//
// A [Tracer] attaches to running processes ([Tracer.Attach]) or starts
// programs traced ([Tracer.Start]) and hands every stop of every thread to
// a Handler as an [Event]: system call entries and exits, signals,
// job-control stops, new threads and processes, execs and exits.
//
//	tr, err := seize.NewTracer(&seize.Options{
//		Syscalls: true,
//		Handler: func(ev *seize.Event) {
//			if ev.Kind == seize.EventSyscallExit {
//				fmt.Println(ev.Task.Tid(), sysabi.SyscallName(sysabi.Arch(ev.Arch), ev.Nr), ev.Ret)
//			}
//		},
//	})
//	if err != nil { ... }
//	defer tr.Close()
//	if err := tr.Attach(pid); err != nil { ... }
//	err = tr.WaitContext(ctx) // until pid exits, or ctx is done: then detach
//
// # Tasks and the tracer thread
//
// A task ([Task]) is one thread of a traced process, named by its tid; a
// process is its thread group, named by its leader's tid (the pid). A
// Tracer owns its tasks on one locked OS thread of its own. Every ptrace
// request and every wait for them happens on that thread, because the
// kernel accepts requests only from the thread that attached (S23), and
// so does the Handler: the path wait → classify → handle → restart never
// crosses to another goroutine. Methods called from other goroutines are
// carried out on the tracer thread, which they wake out of wait4.
//
// The Handler therefore runs on the tracer thread, one event at a time,
// while the task is stopped; the task resumes when the Handler returns.
// Keep it short: every other task that stops meanwhile waits. The Event
// is reused: copy what you keep. The Handler may call the Tracer's methods
// (they act at once; DetachAll and Close only schedule the release) and
// the Task's, but it must never wait for another goroutine that is itself
// calling the Tracer, which would wait for the Handler: a deadlock. A
// panic in the Handler releases every task, and Wait returns it as an
// error.
//
// # Attaching and starting
//
// Tasks are attached with PTRACE_SEIZE, never PTRACE_ATTACH: attaching
// stops nothing and sends no signal, and the real parent notices nothing
// (S1). Attach seizes every thread of a process, rescanning /proc until
// two passes find nothing new; threads created later are traced through
// PTRACE_O_TRACECLONE (S5), and children too with Options.FollowForks
// (S19). A stopped process stays stopped (S4). Attach never hangs, not
// even on a process in the middle of execve (S22). Its errors say why,
// for errors.Is and errors.As: [ErrNoSuchProcess], [ErrExited] (gone
// during the attach), [ErrPermission], [AlreadyTracedError] (names the
// other tracer), [ErrSelf], [ErrKernelThread], each in an [AttachError].
//
// Start runs a program seized from its first instruction; the tracer is
// its parent.
//
// # Stops and events
//
// Each stop becomes an Event. System call stops (with Options.Syscalls)
// are read with PTRACE_GET_SYSCALL_INFO (S16). A signal about to be
// delivered is an EventSignal; the Handler may change or suppress it with
// [Event.SetSignal]. [Tracer.Interrupt] holds a task at its next stop of
// any kind (S2, S3) until [Tracer.Resume]. An execve by any thread
// arrives as EventExec under the leader's tid (S17). A task killed by
// SIGKILL still stops at its exit, reported as EventExiting, before its
// EventExit (S18; see Attach for the one exception).
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
// parent sees exactly what it would see untraced (S10). A shell's ^Z,
// fg and bg work on a traced program as on an untraced one (S9: see
// cmd/seize).
//
// # No EINTR from tracing
//
// The kernel makes some blocking calls fail with EINTR when their thread
// is interrupted for the tracer: epoll_wait, epoll_pwait(2),
// rt_sigtimedwait, semtimedop, and receives on a socket with SO_RCVTIMEO.
// Tracing also queues signals the program ignores, which wake the same
// calls. seize rewinds such a call at the stop so that the program never
// sees the EINTR from an attach, Interrupt or detach (S21), and shortens
// its timeout by the time already spent, so that it returns no earlier
// than untraced and at most a millisecond or so later. Where the time
// spent is unknown (no /proc/TID/sched, or an i386 task), the call waits
// its whole timeout again: later, never earlier. A receive detached and
// caught by a new attach may likewise wait its whole timeout again. EINTR
// after a real job-control stop is kept: untraced programs see it too.
// Options.KeepEINTR turns this off. The guarantee needs the tracer alive
// at the stop its interrupt causes: a tracer killed by SIGKILL between
// the interrupt and that stop cannot rewind the call. A signal being
// delivered when the tracer dies is not lost (stops are only peeked at
// with WNOWAIT until the task is restarted).
//
// # Detach and shutdown
//
// [Tracer.DetachAll], [Tracer.Close] and a cancelled [Tracer.WaitContext]
// leave each task in the state it was in (S12) without stopping any of
// them: tasks the tracer holds in a stop are detached with PTRACE_DETACH,
// passing the signal of a signal-delivery-stop so that it is not lost
// (S14); every other task is released by the exit of the tracer thread,
// which the kernel handles in exit_ptrace by unlinking each tracee where
// it is. A group-stopped process goes back to its stop and resumes on
// SIGCONT; a running one runs; one asleep in a system call is not even
// woken, so no call fails with EINTR and a vfork parent waiting for its
// child cannot hold the shutdown up. When they return, no task is traced
// or in a ptrace stop. [Tracer.Detach] releases a single task: a running
// one is interrupted and released at its next stop, a listening one is
// interrupted first (S13). If the tracer's process dies, the kernel
// detaches everything the same way (S1).
//
// # Who reaps what
//
// The tracer reaps its tracees and the processes it started, and nothing
// else: it waits with __WALL|__WNOTHREAD, which limits wait4 to the tracer
// thread's own children and tracees (S20). It takes a traced process's
// exit status first; the real parent then gets it as usual (S10). A
// process started with Start and released while still running (Detach,
// DetachAll, Close, WaitContext) becomes a child of another thread of
// this process: wait for it with os.FindProcess(pid) and Wait, or
// syscall.Wait4. Do not wait for a child of your own while it is traced:
// in the tracer's own process the kernel lets that wait report the
// tracer's ptrace stops (wait_consider_task), which are then lost to the
// tracer. Wait for it after it exited or was detached. The host program's
// other children are left to their owners.
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
// Each item of the behaviour specification (SPEC.md, S1…S23) is proved by
// tests that run real processes on the real kernel; the TestEngine tests
// replay recorded wait statuses through a fake kernel to pin the state
// machine down stop by stop. Tests are in this package unless a line
// names another ("cmd/seize:" applies to the rest of its line);
// TestDocTable checks that every test named here exists.
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
//	S9  launch mode ^Z/fg/bg       cmd/seize: TestLaunchJobControl (bash on a pty)
//	                               cmd/seize: TestStraceJobControlForComparison (informational)
//	S10 real parent sees the truth TestS10ParentSeesNoPtraceStops, TestS10ExitTracerFirst,
//	                               cmd/seize: TestStderrCompleteAtExit
//	S11 no WCONTINUED in tracer    TestS11ParentGetsEveryContinue, TestS11ContinuedLeftForParent,
//	                               TestS11NegativeControlRawWContinued, TestEngineWaitFlags
//	S12 detach preserves state     TestS12DetachPreservesState, TestWaitContextCancel,
//	                               cmd/seize: TestAttachJobControl
//	S13 detach needs a stop        TestS13DetachListening, TestS13RawDetachListening,
//	                               TestS13DetachAtSignalStopKeepsSignal, TestS13DetachHeldWithSignal,
//	                               TestEngineDetachListening, TestEngineDetachPassesSignal
//	S14 shutdown                   TestS14CloseReleasesAll, TestS14CloseVforkParent,
//	                               TestCloseReleasesUnstoppableTask, TestWaitContextEnds, TestStress
//	                               cmd/seize: TestAttachDetach
//	S15 exit status mirrored       TestS15StartExitStatus, TestS15StartErrors, TestEngineExitStatus,
//	                               cmd/seize: TestExitCode, TestKilledBySignal
//	S16 PTRACE_GET_SYSCALL_INFO    TestS16SyscallInfoGetppid, TestS16SyscallInfoOpenat,
//	                               TestEngineSyscallExitPairsEntry, TestEngineSyscallSeccompAndOrphanExit
//	S17 non-leader execve          TestS17NonLeaderExec, TestEngineNonLeaderExec
//	S18 SIGKILL                    TestS18SigkillInSyscall, TestS18SigkillThreads, TestEngineSigkill,
//	                               TestEngineSigkillThreadsInSyscall
//	S19 children under SEIZE       TestS19FollowForks, TestS19NoFollowForks, TestEngineChildBeforeForkEvent,
//	                               TestEngineUnwantedChildDetached
//	S20 waiting                    TestS20TracerDoesNotReapOthers, TestWaitContextCancel,
//	                               internal/ptrace: TestStatusDecoding, TestTrapCauseMissesGroupStop
//	S21 no EINTR from tracing      TestS21NoEINTR, TestS21TimeoutKept, TestS21KernelEINTRWithoutRestart,
//	                               TestWaitContextCancel, TestStress
//	S22 attach never hangs         TestS22AttachDuringExec, TestS22AttachZombieLeader,
//	                               TestS22AttachExitingProcess, TestS22DetachAllDuringAttach,
//	                               TestS22AttachPidReused, TestS22AttachTidReused,
//	                               TestS22AttachBlockedByOtherTracer
//	S23 one thread per tracer      TestHotPathAllocs, TestColocateLeavesTraceeAlone,
//	                               TestColocateRetreatsUnderContention, BenchmarkStop
//	errors                         TestErrNoSuchProcess, TestErrExitedZombie, TestErrExitedDuringAttach,
//	                               TestErrPermission, TestErrAlreadyTraced, TestErrAlreadyTracedSameProcess,
//	                               TestErrAlreadyTracedDuringAttach
//	Start                          TestStartSeizeSemantics, TestStartFirstSyscallIsAfterExec
//	cancelling with a context      TestWaitContextCancel, TestWaitContextEnds, ExampleTracer_WaitContext
//	examples                       ExampleTracer_Start, ExampleTracer_Attach, ExampleTracer_Interrupt
//	this documentation             TestDocTable, TestExportedNamesDocumented
//	                               cmd/seize: TestDocsExamples, TestHelpText
//	the command                    cmd/seize: TestLineShape, TestFollowForks, TestOutputFile, TestAttachThreads,
//	                               cmd/seize: TestBadInput, TestDifferentialStrace
package seize
