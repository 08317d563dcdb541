package cmdline

import (
	"bytes"
	"strconv"
)

// CRshPath is the NIM method the master uses to run a command on a client.
const CRshPath = "/usr/lpp/bos.sysmgt/nim/methods/c_rsh"

// CRsh returns the command line that, run on a NIM master, runs inner on
// the NIM client named client (a NIM object name from [NIM]) and reports
// its exit status:
//
//	/usr/lpp/bos.sysmgt/nim/methods/c_rsh lpar1 '( LC_ALL=C /usr/sbin/lspv ); echo rc=$?'
//
// This is the wrapping IBM's own code uses (ansible-power-aix nim.py,
// nim_exec): rsh and nimsh do not return the remote exit status, so the
// remote shell prints it as a final "rc=N" line, which [ParseRCTrailer]
// removes. LC_ALL=C applies to the first simple command of inner; for a
// pipeline or list, set the locale inside inner as well.
//
// inner is a complete command line built with [Build]; it is quoted once
// more here, so its own quoting survives the master's shell and is undone
// by the client's shell.
func CRsh(client Arg, inner string) string {
	return Build(CRshPath, client, Arg("( LC_ALL=C "+inner+" ); echo rc=$?"))
}

// ParseRCTrailer splits the standard output of a [CRsh] command into the
// client command's own output and its exit status. The output must end with
// "rc=N" and a newline (N a decimal number of at most three digits, as
// ksh88 and ksh93 print $?; "\r\n" tolerated), as printed by
// the trailing echo; body is everything before it, with the command's own
// final newline kept. ok is false when the trailer is missing or
// malformed, which means the remote shell did not get as far as the echo:
// the command may not have run or may have been cut off.
func ParseRCTrailer(stdout []byte) (body []byte, rc int, ok bool) {
	s := stdout
	if !bytes.HasSuffix(s, []byte("\n")) {
		return stdout, 0, false
	}
	s = s[:len(s)-1]
	s = bytes.TrimSuffix(s, []byte("\r"))
	i := bytes.LastIndex(s, []byte("rc="))
	if i < 0 {
		return stdout, 0, false
	}
	num := s[i+len("rc="):]
	if len(num) == 0 || len(num) > 3 {
		return stdout, 0, false
	}
	for _, c := range num {
		if c < '0' || c > '9' {
			return stdout, 0, false
		}
	}
	if len(num) > 1 && num[0] == '0' {
		return stdout, 0, false
	}
	n, err := strconv.Atoi(string(num))
	if err != nil {
		return stdout, 0, false
	}
	return stdout[:i], n, true
}
