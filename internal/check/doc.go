// Package check is the framework of nimfleet's preflight checks: what a
// check says about itself ([Meta]), what it finds ([Result] with its
// [Evidence]), the [Registry] that holds checks by their permanent IDs, the
// waivers that accept a known finding ([Waivers]), and the documentation
// generated from the metadata ([Explain], [WriteMarkdown]).
//
// The checks themselves live in package preflight; this package knows
// nothing about hosts, facts or transports.
//
// # Results
//
// Every check reports one of five outcomes for every host, never only the
// failures:
//
//	pass     the condition holds; the evidence shows why
//	fail     the condition does not hold; the evidence shows why
//	unknown  a fact the check needs could not be collected or parsed; the
//	         result names the fact and the reason. Never a guess.
//	skipped  the check does not apply (NFS mode for a cache check, a 7.2
//	         target for the POWER8 check); the result says why
//	waived   a waiver accepted a fail or unknown; the result keeps the
//	         waiver and the original status
//
// A result carries a severity. It is the check's own ([Meta.Severity])
// unless the check lowered it for a case the domain notes mark as
// unconfirmed, e.g. a source-to-target path no IBM source documents.
//
// # IDs
//
// Check IDs are PRE- and four digits and are permanent: a check is
// deprecated, never deleted or renumbered, and an old ID may live on as an
// alias so that waiver files keep working. FIX- IDs name the remediation
// actions of package remediate.
//
// # Waivers
//
// A waiver file is YAML, decoded strictly (unknown keys and bad values are
// errors with file:line):
//
//	waivers:
//	  - hosts: lpar0*            # a glob (path.Match) or a list of globs
//	    check: PRE-0305          # a check ID or alias
//	    reason: old_rootvg is the rollback of CHG0042; removed after sign-off
//	    expires: 2027-01-31      # optional; the waiver ends after this day
//
// The reason is required. An expired waiver waives nothing and is
// reported; so is a waiver that waived nothing in a run.
package check
