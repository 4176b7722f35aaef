package cmd

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/aspect-hq/aspect-tui/api"
)

var update = flag.Bool("update", false, "rewrite generated README sections")

// readme is the module's README, seen from this package's directory.
const readme = "../README.md"

func routesTable() string {
	var b strings.Builder
	b.WriteString("| route | kind | source | answer | if the API lacks it |\n|---|---|---|---|---|\n")
	for _, r := range api.Routes {
		fmt.Fprintf(&b, "| `%s %s` | %s | %s | %s | %s |\n", r.Method, r.Path, r.Kind(), r.Source, r.Answer, r.IfMissing)
	}
	return b.String()
}

// replaceSection swaps what stands between <!-- name:begin --> and
// <!-- name:end -->, reporting whether the section was found.
func replaceSection(doc, name, body string) (string, string, bool) {
	begin, end := "<!-- "+name+":begin -->\n", "<!-- "+name+":end -->"
	i := strings.Index(doc, begin)
	j := strings.Index(doc, end)
	if i < 0 || j < i {
		return doc, "", false
	}
	old := doc[i+len(begin) : j]
	return doc[:i+len(begin)] + body + doc[j:], old, true
}

// checkReadmeSection fails when a generated README section is stale, and
// rewrites it under -update.
func checkReadmeSection(t *testing.T, name, want string) {
	t.Helper()
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	doc, old, ok := replaceSection(string(data), name, want)
	if !ok {
		t.Fatalf("README.md has no %s section (<!-- %s:begin --> ... <!-- %s:end -->)", name, name, name)
	}
	if old == want {
		return
	}
	if *update {
		if err := os.WriteFile(readme, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's %s section is stale; run go test ./cmd -run %s -update\nwant:\n%s", name, t.Name(), want)
}

func TestReadmeRoutesTable(t *testing.T) { checkReadmeSection(t, "routes", routesTable()) }
