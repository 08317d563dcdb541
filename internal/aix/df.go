package aix

import (
	"regexp"
	"strconv"
	"strings"
)

// DF units, as named in the second heading of df's header.
const (
	DF512Blocks  = "512-blocks"  // df (default)
	DF1024Blocks = "1024-blocks" // df -k
	DFMBBlocks   = "MB blocks"   // df -m
	DFGBBlocks   = "GB blocks"   // df -g
)

// dfToMB converts one unit of each kind to megabytes.
var dfToMB = map[string]float64{
	DF512Blocks:  1.0 / 2048,
	DF1024Blocks: 1.0 / 1024,
	DFMBBlocks:   1,
	DFGBBlocks:   1024,
}

// DFRow is one file system of df. Values AIX printed as "-" (pseudo file
// systems such as /proc and /ahafs) are -1.
type DFRow struct {
	Filesystem string // device, e.g. /dev/hd4, or host:/path for NFS
	Size       float64
	Free       float64
	SizeMB     float64 // Size converted to megabytes
	FreeMB     float64
	UsedPct    int // %Used
	Iused      int
	IusedPct   int // %Iused
	MountedOn  string
}

// Pseudo reports whether df printed "-" for the size (pseudo file system).
func (r DFRow) Pseudo() bool { return r.Size < 0 }

// DF is the parsed output of df.
type DF struct {
	// Unit is the size unit from the header: one of DF512Blocks,
	// DF1024Blocks, DFMBBlocks, DFGBBlocks.
	Unit string
	Rows []DFRow
}

// Get returns the row mounted on mount.
func (d DF) Get(mount string) (DFRow, bool) {
	for _, r := range d.Rows {
		if r.MountedOn == mount {
			return r, true
		}
	}
	return DFRow{}, false
}

var (
	dfHeaderRE = regexp.MustCompile(`^Filesystem\s+(512-blocks|1024-blocks|MB\s+blocks|GB\s+blocks)\s+Free\s+%Used\s+Iused\s+%Iused\s+Mounted\s+on$`)
	dfRowRE    = regexp.MustCompile(`^(\S+)\s+([0-9]+(?:\.[0-9]+)?|-)\s+([0-9]+(?:\.[0-9]+)?|-)\s+([0-9]+%|-)\s+([0-9]+|-)\s+([0-9]+%|-)\s+(/.*)$`)
)

// ParseDf parses AIX df output in its default (512-byte blocks), -k, -m
// and -g forms, with or without -i (the columns are the same). The unit
// is read from the header. Rows are split on blanks, so long device names
// and NFS "host:/path" devices that push the columns right are fine; a
// device so long that it runs into the size column is an error.
func ParseDf(out []byte) (DF, error) {
	const cmd = "df"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return DF{}, err
	}
	if len(ls) == 0 {
		return DF{}, errorf(cmd, 0, "", "empty output")
	}
	h := ls[0]
	m := dfHeaderRE.FindStringSubmatch(strings.TrimSpace(h.s))
	if m == nil {
		return DF{}, errorf(cmd, h.n, h.s, "want header Filesystem <unit> Free %%Used Iused %%Iused Mounted on")
	}
	d := DF{Unit: strings.Join(strings.Fields(m[1]), " "), Rows: []DFRow{}}
	scale := dfToMB[d.Unit]
	for _, l := range ls[1:] {
		m := dfRowRE.FindStringSubmatch(l.s)
		if m == nil {
			return DF{}, errorf(cmd, l.n, l.s, "want device, size, free, %%used, iused, %%iused, mount point")
		}
		r := DFRow{Filesystem: m[1], MountedOn: m[7]}
		var ok [5]bool
		r.Size, ok[0] = dfNum(m[2])
		r.Free, ok[1] = dfNum(m[3])
		r.UsedPct, ok[2] = dfInt(m[4])
		r.Iused, ok[3] = dfInt(m[5])
		r.IusedPct, ok[4] = dfInt(m[6])
		for _, o := range ok {
			if !o {
				return DF{}, errorf(cmd, l.n, l.s, "number out of range")
			}
		}
		r.SizeMB, r.FreeMB = -1, -1
		if r.Size >= 0 {
			r.SizeMB = r.Size * scale
		}
		if r.Free >= 0 {
			r.FreeMB = r.Free * scale
		}
		d.Rows = append(d.Rows, r)
	}
	return d, nil
}

func dfNum(s string) (float64, bool) {
	if s == "-" {
		return -1, true
	}
	if len(s) > 20 {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

func dfInt(s string) (int, bool) {
	if s == "-" {
		return -1, true
	}
	return atoi(strings.TrimSuffix(s, "%"))
}
