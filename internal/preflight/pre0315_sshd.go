package preflight

import (
	"strconv"
	"strings"

	"github.com/nimfleet/nimfleet/internal/check"
)

func init() {
	register(&Check{
		Meta: check.Meta{
			ID:       "PRE-0315",
			Title:    "sshd configuration will be accepted by the new OpenSSH",
			Severity: check.Blocker,
			Phase:    "after reboot",
			Scope:    check.ScopeClient,
			Why: `The migration may bring a newer OpenSSH whose sshd refuses an old
sshd_config: "Bad SSH2 cipher spec '...arcfour...'" stops sshd at the first
boot, and the host is reachable only through the HMC console (errors.md E45).
Options the new sshd no longer knows are ignored with "Deprecated option".`,
			Detect: `The target OpenSSH is the openssh.base.server level in the lpp_source (no
OpenSSH in the lpp_source: the migration keeps the client's, and the check is
skipped). /etc/ssh/sshd_config on the client is read for:

  Ciphers  arcfour, arcfour128, arcfour256, blowfish-cbc, cast128-cbc,
           rijndael-cbc@lysator.liu.se
  MACs     hmac-ripemd160, hmac-ripemd160@openssh.com,
           hmac-ripemd160-etm@openssh.com
           - removed from OpenSSH 7.6 [U: from OpenSSH's release notes, not the
           domain notes]; sshd then refuses to start: a fail (blocker)
  Options  RhostsAuthentication (OpenSSH 3.7) [C: E45]; RSAAuthentication,
           RhostsRSAAuthentication, UseLogin, KeyRegenerationInterval,
           ServerKeyBits, Protocol (7.4); UsePrivilegeSeparation (7.5)
           - deprecated from the release given [U]; sshd warns and starts:
           a warning

aes*-cbc and 3des-cbc are still accepted by current OpenSSH (not by default)
and are not reported.`,
			Remediation: `Remove the rejected ciphers and MACs from sshd_config (test each with
sshd -t -o Ciphers=<c> on the new level; list valid ones with ssh -Q cipher
and ssh -Q mac) and comment out deprecated options before migrating. Keep an
HMC console path for the first boot, and keep the SSH host keys.`,
			Commands: []string{
				"cp -p /etc/ssh/sshd_config /etc/ssh/sshd_config.pre-migration",
				"vi /etc/ssh/sshd_config   # remove the listed ciphers, MACs and options",
				"/usr/sbin/sshd -t   # on the client",
			},
			Levels: allLevels,
			Errors: []string{"E45"},
			Since:  since,
		},
		Run: runSshd,
	})
}

// sshdRemoved are the cipher and MAC names OpenSSH 7.6 removed [U].
var sshdRemoved = map[string]bool{
	"arcfour": true, "arcfour128": true, "arcfour256": true, "blowfish-cbc": true, "cast128-cbc": true,
	"rijndael-cbc@lysator.liu.se": true,
	"hmac-ripemd160":              true, "hmac-ripemd160@openssh.com": true, "hmac-ripemd160-etm@openssh.com": true,
}

// sshdRemovedSince is the OpenSSH release that rejects sshdRemoved [U].
var sshdRemovedSince = [2]int{7, 6}

// sshdDeprecated are options sshd ignores with a warning from the given
// OpenSSH release on [U: from OpenSSH's release notes].
var sshdDeprecated = map[string][2]int{
	"rhostsauthentication": {3, 7}, "rsaauthentication": {7, 4}, "rhostsrsaauthentication": {7, 4},
	"uselogin": {7, 4}, "keyregenerationinterval": {7, 4}, "serverkeybits": {7, 4},
	"protocol": {7, 4}, "useprivilegeseparation": {7, 5},
}

// opensshRelease reads major and minor from an AIX openssh fileset level
// such as 9.7.3011.1100 (OpenSSH 9.7p1).
func opensshRelease(level string) ([2]int, bool) {
	f := strings.Split(level, ".")
	if len(f) < 2 {
		return [2]int{}, false
	}
	a, err1 := strconv.Atoi(f[0])
	b, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil {
		return [2]int{}, false
	}
	return [2]int{a, b}, true
}

func atLeast(v, min [2]int) bool { return v[0] > min[0] || (v[0] == min[0] && v[1] >= min[1]) }

func runSshd(e *Env) check.Result {
	if e.Plan.LppSource == "" {
		return check.UnknownResult("lpp_source", "the inventory names no lpp_source for this client")
	}
	lf := e.lppFilesets()
	offer, ok := lf.Get()
	if !ok {
		return unknownOf(e.master(), "filesets of lpp_source "+e.Plan.LppSource+" (nim -o showres)", lf)
	}
	lvl, ok := offer["openssh.base.server"]
	if !ok {
		return check.SkipResult("lpp_source " + e.Plan.LppSource + " carries no openssh.base.server: the migration keeps the client's OpenSSH")
	}
	newSSH, ok := opensshRelease(lvl)
	if !ok {
		return check.UnknownResult("target OpenSSH level", "openssh.base.server level "+lvl+" in the lpp_source is not V.R.M.F")
	}
	cfg, ok := e.C.SshdConfig.Get()
	if !ok {
		return unknownOf(e.client(), "/etc/ssh/sshd_config", e.C.SshdConfig)
	}
	if cfg == "" {
		return check.SkipResult("the client has no /etc/ssh/sshd_config")
	}
	rejects := atLeast(newSSH, sshdRemovedSince)
	var removed, deprecated, lines, where []string
	for i, rest := 0, cfg; rest != ""; i++ {
		l := rest
		if j := strings.IndexByte(rest, '\n'); j >= 0 {
			l, rest = rest[:j], rest[j+1:]
		} else {
			rest = ""
		}
		s := strings.TrimSpace(l)
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		f := strings.Fields(strings.Replace(s, "=", " ", 1))
		kw := strings.ToLower(f[0])
		hit := false
		switch {
		case (kw == "ciphers" || kw == "macs") && len(f) > 1 && rejects:
			for _, item := range strings.Split(strings.Join(f[1:], ""), ",") {
				item = strings.TrimLeft(item, "+-^")
				if sshdRemoved[strings.ToLower(item)] {
					removed = append(removed, item)
					hit = true
				}
			}
		case sshdDeprecated[kw] != [2]int{} && atLeast(newSSH, sshdDeprecated[kw]):
			deprecated = append(deprecated, f[0])
			hit = true
		}
		if hit {
			lines = append(lines, strings.TrimRight(l, " \t\r"))
			where = append(where, strconv.Itoa(i+1))
		}
	}
	target := "OpenSSH " + strconv.Itoa(newSSH[0]) + "." + strconv.Itoa(newSSH[1]) + " (openssh.base.server " + lvl + " in " + e.Plan.LppSource + ")"
	if len(removed) == 0 && len(deprecated) == 0 {
		return check.PassResult("sshd_config uses nothing " + target + " rejects")
	}
	x := ev(e.client(), e.C.SshdConfig.Src, lines, "sshd_config lines "+strings.Join(where, ", "))
	var p problems
	if len(removed) > 0 {
		p.add(check.Blocker, "sshd_config names "+quoteList(removed)+", which "+target+" rejects: sshd will not start after the migration", x)
	}
	if len(deprecated) > 0 {
		if len(removed) > 0 {
			p.add(check.Warning, "deprecated options "+quoteList(deprecated))
		} else {
			p.add(check.Warning, "sshd_config uses deprecated options "+quoteList(deprecated)+", which "+target+" ignores with a warning", x)
		}
	}
	return p.result()
}
