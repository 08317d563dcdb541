package aix

import (
	"regexp"
	"strings"
)

// Prtconf is the header part of `prtconf` (everything before "Network
// Information"). Typed fields are zero when their label is absent; Fields
// holds every label with its raw value.
type Prtconf struct {
	SystemModel  string // e.g. "IBM,8231-E2D"
	SerialNumber string // Machine Serial Number
	// ProcessorType is the raw value, e.g. "PowerPC_POWER7".
	ProcessorType string
	// PowerGen is the POWER generation from ProcessorType
	// ("PowerPC_POWER8" gives 8); 0 when the value has another form.
	PowerGen int
	// ImplementationMode is "Processor Implementation Mode", the
	// compatibility mode the LPAR runs in (e.g. "POWER 7" on POWER8).
	ImplementationMode string
	ProcessorVersion   string
	Processors         int // Number Of Processors
	ClockMHz           int // Processor Clock Speed
	CPUType            string
	KernelType         string // "64-bit" or "32-bit"
	// LPARNumber and LPARName come from "LPAR Info: <number> <name>"; the
	// name may contain blanks, and is "NULL" when not partitioned
	// (number -1).
	LPARNumber       int
	LPARName         string
	MemoryMB         int // Memory Size
	GoodMemoryMB     int // Good Memory Size
	PlatformFirmware string
	FirmwareVersion  string
	FullCore         string // "true" or "false"

	Fields map[string]string
}

var (
	prtconfLineRE = regexp.MustCompile(`^([A-Za-z][^:]*):\s*(.*)$`)
	powerGenRE    = regexp.MustCompile(`^PowerPC_POWER([0-9]{1,2})$`)
	mhzRE         = regexp.MustCompile(`^([0-9]+) MHz$`)
	mbRE          = regexp.MustCompile(`^([0-9]+) MB$`)
	lparInfoRE    = regexp.MustCompile(`^(-?[0-9]+)(?:\s+(.*))?$`)
)

// ParsePrtconf parses the header part of `prtconf`: "Label: value" lines
// up to "Network Information" (or "INSTALLED RESOURCE LIST"), where it
// stops. Values "-" and "" are kept raw in Fields and leave typed fields
// zero. A malformed value of a typed field is an error, as is output
// without any known label.
func ParsePrtconf(out []byte) (Prtconf, error) {
	const cmd = "prtconf"
	ls, err := nonBlank(cmd, out)
	if err != nil {
		return Prtconf{}, err
	}
	p := Prtconf{Fields: map[string]string{}}
	lines := map[string]line{}
	for _, l := range ls {
		s := strings.TrimSpace(l.s)
		if strings.HasPrefix(s, "Network Information") || strings.Contains(s, "INSTALLED RESOURCE LIST") {
			break
		}
		m := prtconfLineRE.FindStringSubmatch(s)
		if m == nil {
			return Prtconf{}, errorf(cmd, l.n, l.s, "want Label: value")
		}
		label := strings.TrimSpace(m[1])
		if _, dup := p.Fields[label]; dup {
			return Prtconf{}, errorf(cmd, l.n, l.s, "duplicate label %q", label)
		}
		p.Fields[label] = strings.TrimSpace(m[2])
		lines[label] = l
	}
	val := func(label string) string {
		v := p.Fields[label]
		if v == "-" {
			return ""
		}
		return v
	}
	var perr error
	num := func(label string, re *regexp.Regexp) int {
		v := val(label)
		if v == "" {
			return 0
		}
		var s string
		if re == nil {
			s = v
		} else if m := re.FindStringSubmatch(v); m != nil {
			s = m[1]
		}
		n, ok := atoi(s)
		if !ok && perr == nil {
			perr = errorf(cmd, lines[label].n, lines[label].s, "%s: unexpected value %q", label, v)
		}
		return n
	}
	p.SystemModel = val("System Model")
	p.SerialNumber = val("Machine Serial Number")
	p.ProcessorType = val("Processor Type")
	if m := powerGenRE.FindStringSubmatch(p.ProcessorType); m != nil {
		p.PowerGen, _ = atoi(m[1])
	}
	p.ImplementationMode = val("Processor Implementation Mode")
	p.ProcessorVersion = val("Processor Version")
	p.Processors = num("Number Of Processors", nil)
	p.ClockMHz = num("Processor Clock Speed", mhzRE)
	p.CPUType = val("CPU Type")
	p.KernelType = val("Kernel Type")
	p.MemoryMB = num("Memory Size", mbRE)
	p.GoodMemoryMB = num("Good Memory Size", mbRE)
	p.PlatformFirmware = val("Platform Firmware level")
	p.FirmwareVersion = val("Firmware Version")
	p.FullCore = val("Full Core")
	if v := val("LPAR Info"); v != "" {
		m := lparInfoRE.FindStringSubmatch(v)
		n, ok := 0, false
		if m != nil && len(m[1]) < 10 {
			n, ok = atoi(strings.TrimPrefix(m[1], "-"))
			if strings.HasPrefix(m[1], "-") {
				n = -n
			}
		}
		if !ok {
			l := lines["LPAR Info"]
			return Prtconf{}, errorf(cmd, l.n, l.s, "LPAR Info: want <number> <name>, got %q", v)
		}
		p.LPARNumber, p.LPARName = n, m[2]
	}
	if perr != nil {
		return Prtconf{}, perr
	}
	if p.SystemModel == "" && p.ProcessorType == "" && p.MemoryMB == 0 && p.Fields["LPAR Info"] == "" {
		return Prtconf{}, errorf(cmd, 0, "", "no System Model, Processor Type, Memory Size or LPAR Info line")
	}
	return p, nil
}
