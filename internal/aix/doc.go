// Package aix holds pure, typed parsers for the output of the AIX
// commands nimfleet runs while gathering facts and checking hosts before
// a nimadm migration.
//
// Every parser takes the bytes a command printed and returns a typed
// value or an error. Parsers do no I/O, never panic, and never guess:
// output they do not understand yields a [*ParseError] naming the
// command, the 1-based line and the offending text, for example
//
//	lspv: line 3: want at least 3 fields, got 1: "garbage"
//
// They accept the documented variants (trailing blanks, blank lines,
// carriage returns, "?" and "???????" values, columns pushed right by
// long names, the layouts of AIX 5.3 to 7.3) and reject input larger
// than [MaxInput]. Run the commands with LANG=C LC_ALL=C: translated
// message catalogs change headers and messages.
//
// The formats are those of the project's domain notes
// (shared/domain/commands.md). [C] marks a format confirmed by a real
// capture or by IBM's own code; [U] marks a best-effort assumption. The
// code repeats each [U] assumption where it is made.
//
// # Levels
//
// [Level] is an AIX level from `oslevel -s` ("7100-01-01-1141"), the
// legacy 3-field `oslevel -s` of 5.3 TL5 ("5300-05-04") or `oslevel -r`
// ("7100-01"); [FilesetLevel] is a V.R.M.F level ("7.1.1.16"). Both
// validate their ranges and offer Compare, String, VR and Release
// (7100), plus [Level.AtLeast] and [Level.Less] for "master >= target"
// and "client < target".
//
// # Commands
//
//	Command                              Parser                      Format
//	oslevel -s | -r                      ParseOslevel                [C] (3-field -s: [C] sysadmin note)
//	oslevel                              ParseOslevelBase            [C]
//	lsvg, lsvg -o                        ParseLsvgList               [C]
//	lsvg VG                              ParseLsvg                   [C] ("?" values: [C] IBM reference, no capture)
//	lsvg -l VG                           ParseLsvgL, ParseLsvgLAll   [C] (…/stale state spelling [U])
//	lsvg -p VG                           ParseLsvgP, ParseLsvgPAll   [C]
//	lsvg -M VG                           ParseLsvgM                  [C] IBM code comment (title line, copy suffix [U])
//	lspv                                 ParseLspv                   [C] ("locked" case [U])
//	lspv hdiskN                          ParseLspvDisk               [C] ("???????" listing [C] IBM code only)
//	lspv/lsvg stderr                     ClassifyLVMError            [C] IDs 0516-320/1396/010, texts [U]
//	bootinfo -s                          ParseBootinfoSize           [C]
//	bootinfo -b                          ParseBootinfoDisk           [C]
//	bootinfo -v                          ParseBootinfoBLV            [C] (not IBM-verified)
//	bootinfo -B                          ParseBootinfoBootable       [C]
//	bootinfo -K | -y                     ParseBitMode                [C] -K; -y value [U]
//	bootlist -m normal -o[v]             ParseBootlist               [C] ("-" entries: IBM reference)
//	lsnim, lsnim -t TYPE                 ParseLsnimList              [C] (padding [U], split on blanks)
//	lsnim -l OBJ...                      ParseLsnimLong, ParseLsnimObject  [C]
//	lsnim stderr 0042-053                LsnimMissing                [C]
//	lsnim -Z                             ParseLsnimZ                 [U] rows rebuilt from IBM/chef comments
//	lslpp -l                             ParseLslppL                 [C]
//	lslpp stderr 0504-132                LslppNotInstalled           [U] exact text
//	lslpp -Lc                            ParseLslppLc                [C]
//	lslpp -lcq                           ParseLslppLcq               [U] layout from IBM code, no capture
//	lppchk -v                            ParseLppchk                 [U] silence on success, row layout
//	df, df -k | -m | -g                  ParseDf                     [C]
//	prtconf (header part)                ParsePrtconf                [C] (not IBM-verified)
//	uname -a                             ParseUnameA                 [C]
//	uname -L                             ParseUnameL                 [C]
//	uname -W                             ParseUnameW                 [U]
//	uname -M                             ParseUnameM                 [U] value from prtconf System Model
//	lsattr -El DEV                       ParseLsattr                 [C]
//	lsattr -El sys0 -a realmem           ParseRealmem                [C]
//	ls -ld PATH                          ParseLsLd                   [C] layout, [U] /bos_inst values
//	ls stderr 0653-341                   LsNotExist                  [U] exact text
//	emgr -l                              ParseEmgrL                  [C] (no-efix message on stderr, rc 0)
//	emgr -P                              ParseEmgrP                  [C] IBM code comment
//	instfix -i | grep ML                 ParseInstfix                [C]
//	instfix -icq                         ParseInstfixIcq             [C] IBM docstring
//	mount                                ParseMount                  [C] local rows, [U] NFS rows
//	lssrc -s SUBSYS                      ParseLssrc                  [C] active row, [U] inoperative row
//	getlvodm -j hdiskN                   ClassifyGetlvodm            [C] free case, [U] member stdout
//	/etc/niminfo                         ParseNiminfo                [C] export lines, [U] full content
//	nim -o showres LPP_SOURCE            ParseShowresMp64            [U] only IBM's regex is known
//	nim -o showres -a lslpp_flags=Lc SPOT  ParseShowresLslpp         [C] rows, [U] header line
//	lsgroup NAME...                      ParseLsgroup                [U] missing-group message
//	blvset -d /dev/hdiskN -g level       ParseBlvsetLevel            [U] output beyond the value
//	ps -ef                               ParsePs                     [U] AIX sample not captured
//
// [MessageIDs] extracts every AIX message ID (0516-320, 0042-053, …) from
// any text, for classifiers elsewhere.
//
// The alt_disk_inst.log and nimadm logs are not parsed here; the diagnosis
// engine owns them.
//
// # Tests
//
// testdata/<command>/*.txt are the samples of commands.md, copied
// verbatim (prompts, Markdown indentation and JSON quoting removed) or,
// when named constructed-*, built from a confirmed layout with
// illustrative values; bad-* files must fail. Each has a golden .json
// beside it, rewritten with `go test -run TestGolden -update`. Every
// parser has a fuzz target seeded from the same files.
package aix
