package migrate

// ruleFix is what nimfleet does after a failed nimadm run that the
// diagnosis engine explained with Rule: apply the remediation Fix (with
// its fresh precondition re-check, through the audited runner) and retry
// once, or, with an empty Fix, mark the host failed because Why.
type ruleFix struct {
	Rule, Fix, Why string
}

// ruleFixes maps diagnosis rules (internal/diag/rules) to remediation
// actions (internal/remediate). A rule that is not listed has no safe fix.
// The test checks that every rule and every action named here exists.
var ruleFixes = []ruleFix{
	{"DIAG-0001", "FIX-BOSINST", "leftover /bos_inst: moved aside, then nimadm reruns"},
	{"DIAG-0002", "FIX-MULTIBOS", "multibos standby: removed (then /bos_inst), then nimadm reruns"},
	{"DIAG-0003", "", "the target disk belongs to a volume group; nimfleet never clears a disk it does not own: choose another disk"},
	{"DIAG-0004", "", "the target disk is too small for the clone: give the client a bigger disk"},
	{"DIAG-0005", "", "the cache volume group is full: free space or add a disk on the master, or lower the slots"},
	{"DIAG-0006", "", "no free partitions to grow file systems: add space to the target disk"},
	{"DIAG-0007", "FIX-VARYON", "cache volume group varied off: varied on, then nimadm reruns"},
	{"DIAG-0008", "FIX-NIMSH", "the master's remote command failed: nimsh started if it is down, then nimadm reruns"},
	{"DIAG-0015", "", "a volume group is locked by another LVM command: find and end it by hand"},
	{"DIAG-0022", "FIX-EFIX", "interim fixes lock filesets: removed only with an approval, then nimadm reruns"},
	{"DIAG-0041", "FIX-NIMRESET", "the client's NIM state was not ready: reset, then nimadm reruns"},
}

// FixForRule returns the remediation action nimfleet applies after a
// failure explained by diagnosis rule, and why (or why there is none).
func FixForRule(rule string) (fix, why string) {
	for _, r := range ruleFixes {
		if r.Rule == rule {
			return r.Fix, r.Why
		}
	}
	return "", "no safe automatic fix is known for this cause"
}

// RuleFixes returns the rule to action map (rules without an action are
// left out), for documentation and tests.
func RuleFixes() map[string]string {
	m := map[string]string{}
	for _, r := range ruleFixes {
		if r.Fix != "" {
			m[r.Rule] = r.Fix
		}
	}
	return m
}
