package cmd

import (
	"testing"

	"github.com/aspect-hq/aspect-tui/ui/keys"
	listenui "github.com/aspect-hq/aspect-tui/ui/listen"
)

// TestReadmeKeysTable fails when the README's key table differs from the
// bindings in ui/keys; go test -run TestReadmeKeysTable -update ./cmd rewrites it.
func TestReadmeKeysTable(t *testing.T) { checkReadmeSection(t, "keys", keys.Markdown(keys.Default())) }

// TestReadmeListenKeysTable does the same for the listen screen's bindings.
func TestReadmeListenKeysTable(t *testing.T) {
	checkReadmeSection(t, "listen-keys", listenui.KeyTable())
}
