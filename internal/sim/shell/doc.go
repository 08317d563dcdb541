// Package shell interprets the small subset of ksh that nimfleet sends to
// hosts, so that the lab can answer real command lines over SSH and through
// c_rsh exactly as an AIX host would.
//
// [Run] is "ksh -c SCRIPT" on a simulated host: it parses and runs the
// script and returns the exit status of the last command. Command names are
// resolved through the [Host], which also holds the files for redirections
// and starts background jobs. [Check] parses a script without running it, so
// that tests of the product can prove that the command lines it builds stay
// inside the subset.
//
// The rule of the lab: a script behaves as on AIX ksh (ksh88), or it is
// refused with a clear message. Nothing outside the subset is silently given
// a different meaning. A refusal prints
//
//	ksh: lab: WHAT IS NOT SUPPORTED[: THE COMMAND]
//
// on the stderr of the [Run] call, whatever the command redirected, and
// ends the session with status 2. A refusal found while parsing (most of
// them) means nothing of the script runs; one found while running (a glob
// character inside a variable's value, a refused command name that came
// from a variable, a nested "sh -c" string) stops the session there. A
// refusal inside "sh -c" also stops the shells around it, up to the [Run]
// call. A background job that is refused ends with status 2; its message is
// lost with its other unredirected output.
//
// Behaviours marked [U] below are our best reading of AIX, not confirmed on
// a real host.
//
// # Lines, lists and commands
//
//   - The script is read one line at a time, as ksh does with -c: a line
//     (with any continuation lines it needs: an open quote, "(", "{", or a
//     trailing "|", "&&", "||") is parsed, then run, then the next line is
//     read. A syntax error therefore stops the script at the line that has
//     it; earlier lines have run, nothing of that line has.
//   - Separators: newline and ";" run commands in sequence; "&&" and "||"
//     run the next pipeline if the previous one succeeded or failed
//     (left to right, equal precedence); "|" connects stdout of one command
//     to stdin of the next. A newline may follow "&&", "||" and "|".
//   - "&" runs the whole and-or list before it in the background with the
//     host's Background: $! becomes the job's pid and $? is 0. The job gets
//     a copy of the session (variables, directory), reads stdin from
//     /dev/null, and writes only where its own redirections send it:
//     output not redirected is discarded. The job survives the session,
//     with or without nohup; its lifetime is the host's. [U: a real sshd
//     would keep the channel open while a job writes to it.]
//   - Pipelines run their stages one after the other through an in-memory
//     buffer of at most 16 MiB: a stage's writes beyond that fail. The
//     status is the last stage's (no pipefail). As in ksh, the last stage
//     runs in the current shell and the others in subshells, so
//     "echo a | X=1" sets X.
//   - "( list )" runs in a subshell: variables, directory changes and exit
//     do not leak out. "{ list; }" runs in the current shell ("{" and "}"
//     must be separate words, "}" first on its line or after ";" or "&").
//     Both may be followed by redirections, which apply to the whole list.
//   - "#" at the start of a word starts a comment that runs to the end of
//     the line. A backslash before a newline joins the two lines.
//
// # Words and quoting
//
//   - Words are split on unquoted blanks and the operators ; & | ( ) < >.
//   - 'single quotes' keep everything literally, newlines included.
//   - "double quotes" keep everything literally except $ expansions; a
//     backslash in them quotes only $ ` " \ and newline (which it removes)
//     and is kept before any other character, so "a\nb" passes a backslash
//     and an n to the command.
//   - Outside quotes a backslash quotes the next character.
//   - The parts of a word join into one argument: a'b'"c"$X\d.
//   - Empty quotes, double or single, are an empty argument. An unquoted
//     expansion that is empty gives no argument at all.
//
// So the usual idiom for a single quote inside single quotes works, also
// when a command line is wrapped for c_rsh:
//
//	echo 'it'\''s'                     # prints it's
//	c_rsh lpar1 'echo '\''a b'\'''     # the client runs: echo 'a b'
//
// # Parameters
//
//   - $NAME and ${NAME}: a variable; unset ones are empty. $0 to $9 and
//     ${0} to ${9} (one digit: $10 is $1 then 0), $# (number of arguments),
//     $? (last status), $! (pid of the last background job, empty before
//     one), $$ (pid of the shell; a subshell keeps it, "sh -c" gets a new
//     one). A "$" that starts none of these is a literal $ (so $'x' is $x,
//     as in ksh88).
//   - Unquoted expansions are split into fields on blanks (space, tab and
//     newline: IFS is fixed); quoted ones are not.
//   - NAME=value before a command name sets a session variable when there is
//     no command, and is exported to the command only otherwise. Before the
//     special builtins ":", exit and export the assignment stays in the
//     session, as in ksh. Values are not split; the value is expanded
//     before the command's words are, so "X=1 echo $X" prints the old X.
//   - export NAME=value and export NAME mark variables for export (values
//     are not split). Exported variables reach commands in
//     [Invocation.Env], together with the command's own assignments.
//   - A session starts with the variables of the host's [Environer], all
//     exported, and PWD.
//
// # Redirections
//
//   - [n]>file truncates, [n]>>file appends, [n]<file reads, [n]>&m and
//     [n]<&m duplicate descriptor m onto n; n and m are 0, 1 or 2, and n
//     defaults to 1 for > and >&, to 0 for <. So: >f, >>f, <f, 2>f, 2>>f,
//     2>&1, 1>&2, >&2.
//   - Redirections may appear anywhere in a simple command, and are applied
//     left to right after the words are expanded: ">f 2>&1" sends both
//     outputs to f, "2>&1 >f" sends stderr to the old stdout and stdout to
//     f. A failed redirection prints ksh's message on the stderr in effect
//     at that point and fails the command with status 1 without running
//     it. A command of only redirections creates or truncates its files.
//   - The target word is expanded but not split. Relative paths are joined
//     to the current directory and all paths are cleaned before they reach
//     the host. /dev/null is handled here and never reaches the host.
//   - Messages [U: AIX catalog texts]:
//     "ksh: FILE: 0403-005 Cannot create the specified file." and
//     "ksh: FILE: 0403-016 Cannot find or open the file."
//
// # Builtins and emulated programs
//
//   - echo ARG...: AIX ksh's echo, which behaves like System V echo. It has
//     no options ("echo -n x" prints "-n x") and interprets \a \b \c \f \n
//     \r \t \v \\ and \0 with up to three octal digits; \c ends the output
//     without the newline; any other backslash is printed. [U: \a.]
//   - true, false, ":" (status 0, 1, 0).
//   - exit [n]: ends the current shell (a subshell only ends itself) with
//     status n modulo 256, or with $?.
//   - export, as above.
//   - cd [DIR]: changes the session's directory (and PWD) for redirections,
//     pwd, later commands ([Invocation.Dir]) and nested shells; without DIR
//     it goes to $HOME. CDPATH is not used. When the host implements
//     [DirChecker] a path that is not a directory fails with
//     "ksh: DIR: bad directory" [U: AIX text] and status 1.
//   - pwd: prints the current directory.
//   - sh -c STRING [NAME [ARG...]] and ksh -c ... (also /usr/bin/sh,
//     /usr/bin/ksh, /bin/sh, /bin/ksh): runs STRING in a new shell that sees
//     the exported variables and the command's assignments, in the same
//     directory, with $0 = NAME (default: the command as typed) and $1... =
//     the ARGs. Its status becomes $?.
//   - nohup CMD [ARG...] (also /usr/bin/nohup): runs CMD (a program: echo,
//     true, false, pwd, sh, ksh, nohup, or a host command; not the special
//     builtins). If its stdout is the session's own output (not redirected,
//     not a pipe), nohup appends CMD's output to nohup.out in the current
//     directory, or $HOME/nohup.out, and prints "Sending output to
//     nohup.out" on stderr; if its stderr is the session's own, CMD's
//     stderr goes where its stdout goes. [U: real nohup decides with
//     isatty, and an SSH exec channel is not a terminal; this follows
//     AIX's documentation.] A command nohup cannot find prints
//     "nohup: CMD: A file or directory in the path name does not exist."
//     [U] with status 127.
//   - Builtins take precedence over the host's commands of the same name.
//
// # Other commands
//
// Every other command name is resolved with the host's Lookup, as typed (a
// name with a slash is a full path). The handler gets the expanded
// arguments, the environment, the directory and the redirected streams, and
// its status (modulo 256) becomes $?. A name the host does not know prints,
// with two spaces before "not found.",
//
//	ksh: NAME:  not found.
//
// on the command's stderr, after its redirections (so "cmd 2>/dev/null" is
// silent), with status 127. The ksh builtins test and kill are left to the
// host; if it lacks them the lab refuses instead of printing "not found".
//
// # Messages and errors
//
// ksh prefixes its messages with $0 ("ksh" for [Run], the NAME or the
// command as typed for "sh -c"), followed by the line number in brackets
// when it is greater than one. A syntax error prints, in AIX's wording,
// the first form for an unexpected token and the second for a quote, "("
// or "{" still open at the end (N is then the line it was opened on):
//
//	ksh: 0403-057 Syntax error at line N : `TOKEN' is not expected.
//	ksh: 0403-057 Syntax error at line N : `(' is not matched.
//	ksh[3]: emgr:  not found.
//	ksh[3]: 0403-057 Syntax error at line 3 : `|' is not expected.
//
// A syntax error ends the shell with status 2 [U: the status]. TOKEN is the
// offending word or operator, "newline", or "end of file" [U: ksh88's name
// for the end].
//
// # Not supported
//
// Each of these is refused with a "ksh: lab:" message:
//
//   - Globbing: an unquoted *, ? or [ in a command word or redirection
//     target ("ksh: lab: globbing is not supported: lslpp -l bos*"), or in
//     the value of an unquoted expansion there. ksh would expand them against
//     the file system, which the lab does not model, so nimfleet must quote
//     them. Assignment values may hold them (ksh does not glob those).
//   - The [ ... ] test (its [ is a glob character); use test if the host
//     provides it.
//   - Tilde expansion: an unquoted ~ at the start of a word, or after = or :
//     in an assignment.
//   - Command substitution $( ) and `...`, arithmetic $(( )) and (( )).
//   - ${NAME...} with any operator (${X:-y}, ${#X}, ${X%y}, ...), $@, $*, $-
//     and $_.
//   - The keywords if then else elif fi case esac for while until do done
//     function select time [[ ]] and !, and function definitions.
//   - Here-documents (<<, <<-), &> (ksh88 reads "cmd &> f" as "cmd &" then
//     "> f"), |& co-processes, >|, <>, closing descriptors (>&-),
//     descriptors other than 0, 1 and 2, and >&WORD with a non-digit WORD.
//   - Setting IFS.
//   - The ksh builtins . alias bg break continue eval exec fc fg getopts
//     jobs let newgrp print read readonly return set shift times trap
//     typeset ulimit umask unalias unset wait whence, and ksh88's preset
//     aliases autoload functions hash history integer r stop suspend type
//     [U: AIX's exact alias list].
//   - export without arguments or with options, exit with a non-numeric or
//     second argument, cd - and cd with two arguments, cd without an argument
//     when HOME is unset, pwd with options, nohup without a command, and sh
//     or ksh without -c STRING.
//
// # Limits
//
// Scripts (and "sh -c" strings) are at most [MaxScriptSize] bytes; commands
// nest at most 50 deep; shells nest at most [MaxDepth] deep, counting "sh -c"
// and nested [Run] calls made by handlers with the ctx they were given (as
// c_rsh does); one outermost Run runs at most 10000 simple commands and
// expands at most 256 MiB of words, counting everything it starts; a word
// expands to at most 1 MiB. Exceeding a limit is a refusal.
//
// # Cancellation
//
// When ctx is cancelled no further command starts, the running Handler sees
// the cancelled ctx and must return promptly, and the command and the
// session end with [StatusKilled] (143, 128 + SIGTERM).
package shell
