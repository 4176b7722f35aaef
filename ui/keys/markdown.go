package keys

import (
	"fmt"
	"strings"
)

// Markdown is the README's key table.
func Markdown(m *Map) string {
	var b strings.Builder
	b.WriteString("| keys | what it does | where | name in `[keys]` |\n|---|---|---|---|\n")
	for _, s := range m.Scopes() {
		for _, k := range m.InScope(s) {
			fmt.Fprintf(&b, "| %s | %s | %s | `%s` |\n", mdKeys(k.Keys), TableDesc(k), s, k.Name)
		}
	}
	b.WriteString("| mouse wheel, click | scroll; select a row or focus a pane | everywhere | |\n")
	return b.String()
}

// TableDesc is what the README's table says a binding does: its
// description, and for one that changes data, that read-only mode turns it
// off.
func TableDesc(b *Binding) string {
	if b.Dangerous {
		return b.Desc + " (off with `--read-only`)"
	}
	return b.Desc
}

func mdKeys(ks []string) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		if k == "|" {
			k = `\|`
		}
		parts[i] = "`" + k + "`"
	}
	return strings.Join(parts, " ")
}
