package keys

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aspect-hq/aspect-tui/api"
)

// ParseKeys reads a [keys] value, "k, up" or "k up". A lone "," or " "
// cannot be bound. Both screens read the config file with it.
func ParseKeys(v string) ([]string, error) {
	fields := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	if len(fields) == 0 {
		return nil, fmt.Errorf("no keys given (write them like \"k, up\" or \"ctrl+d\")")
	}
	for _, f := range fields {
		if api.Clean(f) != f {
			return nil, fmt.Errorf("key %q holds control characters", api.Clip(f, 20))
		}
	}
	return fields, nil
}

// Override applies the config file's [keys] table (binding name = "key,
// key") to bs. A name none of bs has is an error unless ignore accepts it
// (the listen screen accepts the dashboard's names, and the other way
// round is not needed); names lists every name a user may write, for the
// error.
func Override(bs []*Binding, overrides map[string]string, ignore func(string) bool, names []string) error {
	keys := make([]string, 0, len(overrides))
	for n := range overrides {
		keys = append(keys, n)
	}
	sort.Strings(keys)
	for _, name := range keys {
		b := find(bs, name)
		if b == nil {
			if ignore != nil && ignore(name) {
				continue
			}
			return fmt.Errorf("keys: unknown binding %q; the names are %s", api.Clip(name, 40), strings.Join(names, ", "))
		}
		ks, err := ParseKeys(overrides[name])
		if err != nil {
			return fmt.Errorf("keys: %s: %v", name, err)
		}
		b.Keys = ks
	}
	return nil
}

func find(bs []*Binding, name string) *Binding {
	for _, b := range bs {
		if b.Name == name {
			return b
		}
	}
	return nil
}

// Names is the sorted set of the bindings' names.
func Names(sets ...[]*Binding) []string {
	seen := map[string]bool{}
	var out []string
	for _, bs := range sets {
		for _, b := range bs {
			if !seen[b.Name] {
				seen[b.Name] = true
				out = append(out, b.Name)
			}
		}
	}
	sort.Strings(out)
	return out
}
