package seize

import "context"

// WaitContext is Wait bounded by a context: it blocks until the tracer has
// no tasks left, or until ctx is done. In the second case it releases
// every task as DetachAll does, each in the state it was in and none left
// in a ptrace stop, waits until they are all untraced, and returns
// ctx.Err(). Otherwise it returns what Wait returns. The tracer stays
// usable either way.
//
// This is how a trace is cancelled from outside:
//
//	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
//	defer stop()
//	tr.Attach(pid)
//	err := tr.WaitContext(ctx) // ^C: context.Canceled, pid detached
//
// Tasks that the cancellation releases get an EventDetached, handled on
// the tracer thread before WaitContext returns. Processes the tracer
// started (Start) are released too, and keep running. Like Wait, it must
// not be called from the Handler.
func (tr *Tracer) WaitContext(ctx context.Context) error {
	w, err := tr.waiter()
	if err != nil {
		return err
	}
	select {
	case <-w:
		return tr.err
	case <-ctx.Done():
	}
	select {
	case <-w: // the tasks ended anyway
		return tr.err
	default:
	}
	// The waiter left registered is closed when the release ends. A tracer
	// closed meanwhile has released everything already.
	if err := tr.DetachAll(); err != nil && err != ErrClosed {
		return err
	}
	return ctx.Err()
}
