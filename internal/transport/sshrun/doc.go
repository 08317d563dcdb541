// Package sshrun is the product's SSH transport: a [transport.Runner] that
// runs commands on many AIX hosts over golang.org/x/crypto/ssh, from a Linux
// admin host or an AIX NIM master.
//
// # Connections
//
// [New] takes a [Config]: how to reach each inventory host ([HostConfig]:
// address, user, identity files, ProxyJump, timeouts; port 22 and user root
// by default), the known_hosts files, and the client-wide defaults. The
// runner keeps one connection per host and opens a session per command on
// it, at most MaxSessions at once (sshd's own default cap is 10; a session
// sshd refuses is retried until the command's timeout). Concurrent first
// commands to a host share one dial, and at most MaxConcurrentDials
// handshakes run at once across the fleet. A broken connection
// is dropped and the next command dials again; keepalives
// (keepalive@openssh.com every KeepaliveInterval, KeepaliveCountMax
// unanswered) detect a dead peer. ProxyJump tunnels through another host
// (an inventory name or [user@]host[:port]), whose own key is checked too.
//
// # Host keys
//
// Host keys are checked strictly against OpenSSH known_hosts files,
// including [host]:port and hashed entries. An unknown host or a changed
// key fails with a [*HostKeyError] (wrapping transport.ErrHostKey) that
// names the file and line and says what to do. Config.AcceptNew is the
// explicit opt-in to record unknown hosts in the first file; a changed key
// is never replaced.
//
// # Authentication
//
// Public keys only: the identity files (OpenSSH, PEM or PKCS#8 private
// keys; ed25519, ECDSA, RSA) and the keys of ssh-agent at SSH_AUTH_SOCK.
// A passphrase-protected file is usable only through the agent; when it is
// not there, an authentication failure says so.
//
// # Errors
//
// Run keeps the transport contract: a non-zero exit is a Result, not an
// error. Errors are [*transport.HostError] values wrapping one class:
//
//	host lpar1: run "lsvg -o": host unreachable: dial tcp 10.1.1.5:22: connect: connection refused
//	host lpar1: run "lsvg -o": authentication failed: root@10.1.1.5:22 refused every key: offered /root/.ssh/id_ed25519 (SHA256:l6uB...)
//	host lpar1: run "lsvg -o": host key verification failed: lpar1 presented ssh-ed25519 SHA256:zbEg..., which does not match the key at /root/.ssh/known_hosts:12 (ssh-ed25519 SHA256:PHXl...); this may be an attack, or the host was reinstalled: ...
//	host lpar1: run "lsvg -o": connection lost: connection to 10.1.1.5:22 closed before the command exited
//	host lpar1: run "lsvg -o": connection lost: 10.1.1.5:22 did not answer keepalives for 45s before the command exited
//	host lpar1: run "nimadm ...": command timed out: no exit after 2h0m0s (sent KILL)
//	host lpar1: run "lslpp -Lc": output too large: more than 16777216 bytes on stdout and stderr (output discarded)
//	host lpar9: run "oslevel -s": unknown host: not in the inventory
//
// # Not supported
//
// ssh_config files, password and keyboard-interactive authentication, host
// certificates (@cert-authority lines are honoured by the knownhosts
// package, but key-type negotiation ignores them), and agent forwarding.
package sshrun
