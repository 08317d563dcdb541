package preflight

import (
	"fmt"
	"reflect"

	"github.com/nimfleet/nimfleet/internal/facts"
)

func errNotGathered(host string) error {
	return fmt.Errorf("host %s: facts were not gathered (cancelled)", host)
}

// setUnknown gives every Fact field of the struct v the reason.
func setUnknown(v reflect.Value, reason string) {
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if f.Kind() != reflect.Struct {
			continue
		}
		if r, k := f.FieldByName("Reason"), f.FieldByName("Known"); r.IsValid() && k.IsValid() && r.Kind() == reflect.String {
			r.SetString(reason)
		}
	}
}

// unknownClient stands for a client from which nothing could be gathered:
// every fact is unknown with err as the reason.
func unknownClient(host string, plan facts.ClientPlan, err error) *facts.Client {
	c := &facts.Client{Host: host, Session: err, SessionReason: err.Error(), Disks: map[string]*facts.Disk{}}
	setUnknown(reflect.ValueOf(c).Elem(), err.Error())
	for _, d := range plan.Disks {
		disk := &facts.Disk{Name: d}
		setUnknown(reflect.ValueOf(disk).Elem(), err.Error())
		c.Disks[d] = disk
	}
	return c
}

// unknownMaster stands for a master from which nothing could be gathered.
func unknownMaster(host string, err error) *facts.Master {
	m := &facts.Master{Host: host, Session: err, SessionReason: err.Error()}
	setUnknown(reflect.ValueOf(m).Elem(), err.Error())
	return m
}
