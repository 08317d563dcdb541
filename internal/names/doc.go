// Package names validates the names nimfleet passes to AIX and NIM: host
// names, NIM object names, disks, volume groups, logical volumes, AIX levels,
// user names, labels and absolute paths.
//
// Every validator is pure and returns nil or an [*Error] that names the kind
// of value, quotes the value (with %q, so control characters are visible) and
// says what is wrong:
//
//	invalid disk name "hdisk1 $(reboot)": must be hdisk<N> or hdiskpower<N>
//	invalid NIM object name "lpar1.example.com": character '.' at offset 5 is not allowed (letters, digits, '_', '-', '!')
//
// The rules are deliberately no looser than AIX and NIM and, where that
// costs nothing in practice, stricter (no leading '-', so that no name can be
// mistaken for an option). Values that pass are safe to place on a remote
// command line after quoting with package cmdline; values that fail are
// rejected when the inventory is loaded, long before any command runs.
//
// # Sources
//
// Rules marked [C] are confirmed by the cited IBM documentation; [U] marks
// our own choice or an unconfirmed limit.
//
//   - NIM object names: 1 to 39 characters; letters, digits, '-', '!' and
//     '_'; the dot, shell, file system and regular expression metacharacters
//     are invalid [C: IBM, "Naming NIM object definitions",
//     https://www.ibm.com/support/knowledgecenter/ssw_aix_72/install/addl_name_reqmnts.html].
//     A leading '-' is our restriction [U].
//   - Volume group names: 1 to 15 characters [C: IBM lsvg/lspv references,
//     "can be from 1 to 15 characters long"]; characters A-Z a-z 0-9 '_' '-'
//     '.' [C: IBM mkvg reference]. No leading '-', not "." or ".." [U].
//   - Logical volume names: 1 to 15 characters, same characters [C: IBM mklv
//     reference]; same extra restrictions [U].
//   - Disks: hdisk<N> as AIX names them (N without leading zeros); the EMC
//     PowerPath pseudo device hdiskpower<N> is accepted as a documented
//     variant. At most 15 characters, the ODM device name limit [U].
//   - Host names: RFC 1123 labels of 1 to 63 letters, digits and '-', not
//     starting or ending with '-', joined by dots; at most 253 characters
//     (the longest name DNS can carry; RFC 1123 asks software to handle 255,
//     which includes the root label and length octets) [U].
//   - AIX levels: oslevel -s form VR00-TT-SS-YYWW, with the build YYWW
//     optional, the oslevel -r form VR00-TT, and the V.R form (7.3) [C:
//     commands.md §1, IBM oslevel reference].
package names
