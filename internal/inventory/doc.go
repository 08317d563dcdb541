// Package inventory reads, validates and writes nimfleet's fleet inventory:
// the NIM masters, their clients, and how each client is to be migrated.
//
// # Format
//
// An inventory is one YAML document. Unknown keys are errors, so a typo
// never silently drops a setting. A complete example (also in
// testdata/full.yaml):
//
//	version: 1
//
//	# Settings every host inherits unless a master's client_defaults or the
//	# host itself says otherwise. ssh applies to every host reached over SSH,
//	# slots to masters, everything else to clients.
//	defaults:
//	  ssh:
//	    user: nimfleet
//	    identity_files: [/home/nimfleet/.ssh/id_ed25519]
//	    known_hosts: /home/nimfleet/.ssh/known_hosts
//	  slots: 4                          # concurrent nimadm runs per master
//	  target_level: 7300-03-01-2446     # oslevel -s form, or V.R such as "7.3"
//	  disks: [hdisk1]                   # nimadm -d; several disks: [hdisk1, hdisk2]
//	  cache_vg: nimadmvg                # nimadm -j (local disk caching); omit for NFS
//
//	# Waves run in this order. Hosts name their wave by name or by number
//	# (1 is the first).
//	waves:
//	  - name: canary
//	    canary: true                    # a failure here stops the rollout
//	  - early
//	  - main
//
//	masters:
//	  - name: nim01.prod.example.com
//	    ssh:
//	      address: 10.10.0.5
//	      proxy_jump: ops@bastion.example.com:2222
//	    slots: 6
//	    groups: [dc1]
//	    client_defaults:                # overrides defaults for nim01's clients
//	      via: master                   # run client commands with c_rsh on nim01
//	      spot: spot_7303_01
//	      lpp_source: lpp_7303_01
//	      wave: main
//	      window:
//	        start: 2025-03-08T22:00:00+01:00
//	        end: 2025-03-09T06:00:00+01:00
//	      groups: [prod]
//	    clients:
//	      - name: lpar1.prod.example.com
//	        nim_name: lpar1             # NIM object name, when it differs
//	        wave: canary
//	        tags: {app: sap, tier: db}
//	      - name: lpar2
//	        disks: [hdisk2, hdisk3]
//	        wave: 2
//	      - lpar3                       # a client with no settings of its own
//
//	  - name: nim02
//	    via: local                      # nimfleet runs on nim02 itself
//	    client_defaults:
//	      spot: spot_7303_01
//	      lpp_source: lpp_7303_01
//	      cache_vg: altvg
//	    clients:
//	      - name: web1
//	        ssh:
//	          address: 192.0.2.21
//	          user: root
//	          port: 2222
//	        groups: [web]
//	      - name: web2
//	        target_level: "7.3"
//	        groups: [web, edge]
//	        tags: {app: nginx}
//
// # Keys
//
// Top level: version (required, 1), defaults, waves, masters (required,
// non-empty).
//
// A master: name (required; a host name), ssh, via (ssh or local), slots (1
// to 64, default 4), groups, tags, client_defaults, clients.
//
// A client: name (required; a host name), nim_name, ssh, via (ssh or
// master), disks, spot, lpp_source, target_level, cache_vg, wave, window,
// groups, tags. A client without settings of its own may be written as its
// bare name.
//
// defaults may hold ssh (without address), slots, and the client settings
// except groups and tags; a master's client_defaults may hold every client
// setting except name and nim_name.
//
// ssh: address (host name or IP; default the host's name), port (default
// 22), user (required for every host reached over SSH), identity_files,
// known_hosts, proxy_jump ("[user@]host[:port]"). Paths are absolute.
//
// window: start and end, RFC 3339 times with an offset; nimadm may start
// on the client only inside the window.
//
// # Resolution
//
// A client's effective setting is the first one found on the client, in
// its master's client_defaults, in defaults. A master's ssh and slots come
// from the master, then defaults. Lists (disks, identity_files) replace
// lists; groups are the union over the layers; tags merge key by key. A
// client reached via master uses no SSH settings of its own; a master
// with via: local none at all. nim_name defaults to the client's name,
// which must then be a valid NIM object name (no dots). Waves are numbered
// by their position in waves:; without a waves: list, numbered references
// define waves 1 to the highest number used.
//
// # Validation
//
// [Parse] and [Load] check everything and report every problem at once,
// each as "file:line: message" (see [Error]):
//
//	inventory.yaml:12: unknown key "disk" in defaults (did you mean "disks"?)
//	inventory.yaml:19: disks: invalid disk name "hdisk1 $(reboot)": is 16 characters long, at most 15 are allowed
//	inventory.yaml:21: client lpar2 is listed under masters nim01 (line 11) and nim02; a client belongs to one master
//	inventory.yaml:30: client lpar3: no target disks (set disks on the client, in client_defaults of nim01, or in defaults)
//	inventory.yaml:3: master nim01: no ssh user (set ssh.user on the master or in defaults, or via: local if nimfleet runs on it); its clients reached via master cannot be reached either: lpar1, lpar2
//	inventory.yaml:15: wave 4 does not exist (waves: lists 3, line 8)
//
// Every name is checked with package names when the file is loaded, so
// hostile values (";", "$(...)", backquotes, newlines, a leading "-") never
// reach a command line.
//
// # Writing
//
// [Marshal] writes a canonical file from an Inventory, factoring shared
// settings into defaults and client_defaults; inventory discover and the
// lab build inventories in code with [Inventory.AddMaster] and
// [Inventory.AddClient] and write them with Marshal.
//
// # Selecting
//
// [Inventory.Select] picks hosts by names and globs, master, group, tag,
// wave and role; [SplitList] splits comma-separated flag values.
package inventory
