// Package preflight holds nimfleet's preflight checks and the engine that
// runs them: read-only, in seconds, over a whole fleet, finding what would
// make a nimadm migration fail an hour later, with the evidence and the fix.
//
//	rep, err := preflight.Run(ctx, preflight.Options{Runner: fl.Runner, Inventory: inv})
//	report.Text{}.Format(os.Stdout, rep)
//
// # Engine
//
// [Run] gathers facts (package facts: one read-only round trip per host)
// from the selected clients and their masters, runs one extra probe per
// client reached over SSH (the c_rsh probe, below), evaluates every check
// for every client, applies the waivers and returns a [report.Report].
//
// Evaluation overlaps gathering: a client's checks run as soon as its
// facts and its master's are in. Only the checks that read the whole run
// ([Check.AfterGather]: the c_rsh probe, the fleet's PVIDs, a master's
// concurrent cache demand) wait for the last host. On 1,000 lab clients a
// check costs gathering plus a few percent (BenchmarkCheck1000 against
// BenchmarkGather1000).
//
// Checks are pure functions of the facts: a client ([facts.Client]), its
// master ([facts.Master]), the inventory host and fleet-wide views built
// once per run (a PVID index over every client, /etc/hosts and nimadm
// processes per master, the cache demand of every master's clients). They
// do no I/O and parse nothing the facts have not parsed already. A check
// whose facts are unknown returns unknown, naming the fact and its reason;
// one that does not apply returns skipped with the reason.
//
// Master-scoped checks ([check.ScopeMaster]) are evaluated once per master
// and migration plan (SPOT, lpp_source, cache VG, target level) and the
// result is attached to every client of that master, so the report is a
// matrix of clients by checks.
//
// A host from which nothing could be gathered (unreachable, refused
// credentials) gets every fact unknown with the transport error as the
// reason: checks that need the client's facts are unknown, while those
// that read only the master (its NIM object for the client, its levels and
// resources) still report. The rest of the fleet carries on.
//
// # The c_rsh probe
//
// nimadm drives the client from the master with the NIM method c_rsh
// (errors.md E17). For a client nimfleet reaches through its master the
// fact gathering itself went through c_rsh, so its success proves it. For
// a client reached over SSH the engine runs, concurrently with fact
// gathering and through the same Runner (so the limits and the audit log
// apply), one read-only command on the client's master:
//
//	/usr/lpp/bos.sysmgt/nim/methods/c_rsh <nim name> '( LC_ALL=C /usr/bin/hostname ); echo rc=$?'
//
// with a short timeout ([Options.CRshTimeout], 30 s by default). PRE-0103
// reads its outcome. The probe lives here rather than in package facts
// because it is a fact about the pair master-client, not about one host.
//
// # Targets
//
// The target level is the inventory's target_level; without one it is the
// lpp_source's level (the bos.mp64 fileset level in `nim -o showres`, as
// IBM's own role does).
//
// # Adding a check
//
// One file per check, named after its ID, registering a [Check] in init;
// its test file beside it adds at least one passing and one failing case
// (see the package tests). IDs come from docs/check-ids.md and are
// permanent. docs/checks.md is generated from the metadata:
//
//	go test ./internal/preflight -run TestDocs -update
package preflight
