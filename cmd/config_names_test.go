package cmd

import (
	"strings"
	"testing"

	"github.com/aspect-hq/aspect-tui/ui/grid"
)

func TestConfigColumnsIndexAndTokens(t *testing.T) {
	load := func(body string) (config, error) {
		dir := writeConfig(t, body, 0o600)
		return loadConfig(overrides{}, func(k string) string { return map[string]string{"XDG_CONFIG_HOME": dir}[k] })
	}
	c, err := load("columns = [\"name\", \"index\"]\nindex = \" Interviews \"\ntokens_warn = 2500\n")
	if err != nil {
		t.Fatal(err)
	}
	if c.Columns == nil || *c.Columns != (grid.Columns{Names: true, Index: true}) || c.Index != "Interviews" || c.TokensWarn != 2500 {
		t.Errorf("columns %+v, index %q, tokens_warn %d", c.Columns, c.Index, c.TokensWarn)
	}
	if c, _ = load(""); c.Columns != nil || c.TokensWarn != 0 {
		t.Errorf("without the keys: columns %+v (want the default, nil), tokens_warn %d", c.Columns, c.TokensWarn)
	}
	if _, err := load("columns = [\"task\", \"size\"]\n"); err == nil || !strings.Contains(err.Error(), `unknown column "size"`) || !strings.Contains(err.Error(), "task, name, index") {
		t.Errorf("an unknown column: %v", err)
	}
	if _, err := load("tokens_warn = -1\n"); err == nil {
		t.Error("a negative tokens_warn was accepted")
	}
}
