// Package simssh is the lab's SSH front: a golang.org/x/crypto/ssh server
// that serves many simulated hosts, each on its own 127.0.0.1 port, so that
// the product's real SSH transport, its CLI and demos run end to end
// against the simulator.
//
// [Serve] starts one sshd per host and hands each exec request to a
// [Backend] (package sim's lab, or [ToyBackend] in tests of the SSH layer).
// [Server.Endpoints] says where each host listens and which host key it
// presents; [Server.KnownHosts] writes a known_hosts file for them.
//
// # Keys
//
// Keys derive from the lab seed, so a lab is reproducible: [HostKey] gives
// each host an ed25519 key from SHA-256 of a fixed label, the seed and the
// host name, and [UserKey] gives the client key pair (and its OpenSSH
// private key file) that a server accepts by default.
//
// # What is simulated
//
//   - Public-key authentication only, against [Options.AuthorizedKeys];
//     any user name, or only [Options.User].
//   - Session channels with one "exec" request each. stdout and stderr are
//     separate streams, stdin is plumbed to the backend, and the exit is
//     reported as "exit-status", or as "exit-signal" when a "signal"
//     request (ssh's KILL on timeout) stopped the command.
//   - "direct-tcpip" channels to other lab hosts, so a client can jump
//     through one host to another (ProxyJump, ssh -J): by host name with
//     port 22, or by a lab host's loopback address and port.
//   - Keepalives (keepalive@openssh.com, global or per channel) are
//     answered with a failure reply, as OpenSSH's sshd does.
//   - sshd's MaxSessions cap, when [Options.MaxSessions] is set.
//   - A host whose [Backend.Up] is false accepts TCP connections and closes
//     them at once (a reboot); [Server.Disconnect] drops open ones.
//
// # What is not simulated
//
// Shells, terminals (pty-req), subsystems (sftp), environment passing,
// agent and X11 forwarding, remote port forwarding, password and
// keyboard-interactive authentication, certificates, and every
// sshd_config option except MaxSessions. Such requests are refused
// politely (a failure reply), never with a dropped connection.
//
// # Faults
//
// Each host has fault knobs ([Faults]), settable at runtime with
// [Server.SetFaults]: Latency, RejectAuth, Drop/DropAfter (mid-command
// connection drop), Hang, Refuse, Offline and Stall. [Options.HoldCommand]
// lets a test block commands to control interleaving. [Server.Stats]
// counts connections, logins and exec requests per host, so tests can
// check connection reuse.
//
// # Tracing
//
// With SIM_TRACE=1 in the environment (or [Options.Trace] set) the server
// writes one line per exec request:
//
//	simssh: lpar1: exec "oslevel -s": exit 0 (412µs)
package simssh
