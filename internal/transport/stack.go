package transport

import "time"

// StackOptions configures [Stack]. The zero value stacks retry with its
// defaults and nothing else.
type StackOptions struct {
	// Transport names the base runner in audit records ("ssh", "local",
	// "lab").
	Transport string
	// TransportOf names the transport per host in the audit log; see
	// AuditOptions.TransportOf.
	TransportOf func(host string) string
	// Limit bounds concurrency; the zero value sets no bounds.
	Limit LimitOptions
	// Retry configures retries; the zero value gives the defaults of
	// [RetryOptions]. Set MaxAttempts to 1 to disable retrying.
	Retry RetryOptions
	// AuditLog receives one record per command attempt. Nil disables the
	// audit layer.
	AuditLog *AuditLog
	// Redact is passed to [Audit] (AuditOptions.Redact).
	Redact func(line string) string
	// Now is the clock of the audit layer. Nil means time.Now.
	Now func() time.Time
	// DryRun enables the dry-run layer; state-changing commands are then
	// recorded in Plan (if not nil) instead of being executed.
	DryRun bool
	Plan   *Plan
	// TestHook, if not nil, wraps the base runner before any decorator, so
	// that tests can insert a faulty layer (dropped connections, slow
	// commands) and watch the decorators react. Always nil in production.
	TestHook func(Runner) Runner
}

// Stack wraps base in nimfleet's decorators, in this order from the
// outside in:
//
//	Retry → Limit → Audit → DryRun → TestHook → base
//
// The order is deliberate:
//
//   - Retry is outermost, so a retry waits (backoff) without holding a
//     concurrency slot, and each attempt is audited as what it is: a
//     command sent to a host.
//   - Limit is outside Audit, so time spent waiting for a slot is not
//     counted as the command's duration in the audit log.
//   - Audit is outside DryRun, so commands the dry run did not execute
//     still appear in the audit log, marked dry_run.
//   - DryRun is as close to the base as possible, so nothing below it can
//     execute a state-changing command.
//   - TestHook sits directly on the base, so a fault it injects travels
//     through every real decorator.
//
// base is typically an ssh runner, a local runner, a router that chooses
// between them per host (with [ViaMaster] for clients reached through their
// master), or the lab's in-memory hosts.
func Stack(base Runner, o StackOptions) Runner {
	r := base
	if o.TestHook != nil {
		r = o.TestHook(r)
	}
	if o.DryRun {
		r = DryRun(r, o.Plan)
	}
	if o.AuditLog != nil {
		r = Audit(r, o.AuditLog, AuditOptions{Transport: o.Transport, TransportOf: o.TransportOf, Now: o.Now, Redact: o.Redact})
	}
	if o.Limit.Global > 0 || o.Limit.PerKey > 0 || o.Limit.KeyLimit != nil {
		r = Limit(r, o.Limit)
	}
	return Retry(r, o.Retry)
}
