package cmd

import (
	"fmt"
	"strings"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/grid"
)

// columnNames are the words `columns` takes.
var columnNames = []string{"task", "name", "index"}

// naming reads the config's columns, tokens_warn and index.
func (c *config) naming(fc fileConfig) error {
	where := orDefault(c.File, "the config file")
	if fc.TokensWarn < 0 {
		return fmt.Errorf("tokens_warn in %s must be zero or more", where)
	}
	c.TokensWarn, c.Index = fc.TokensWarn, strings.TrimSpace(fc.Index)
	if fc.Columns == nil {
		return nil
	}
	var cols grid.Columns
	for _, name := range *fc.Columns {
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "task":
			cols.Task = true
		case "name":
			cols.Names = true
		case "index":
			cols.Index = true
		default:
			return fmt.Errorf("columns in %s: unknown column %q; the columns are %s (the asset, features, state and age are always shown)",
				where, api.Clip(name, 40), strings.Join(columnNames, ", "))
		}
	}
	c.Columns = &cols
	return nil
}
