package preflight

import "github.com/nimfleet/nimfleet/internal/transport"

func transportCmd(h, line string) transport.Command { return transport.Command{Host: h, Line: line} }
