//go:build !unix

package diag

import "time"

func processCPU() time.Duration { return 0 }
