package detail

import (
	"strings"

	"github.com/aspect-hq/aspect-tui/ui/theme"
)

// highlight colours pretty-printed JSON line by line: keys, strings,
// numbers, literals and punctuation. The input is our own indented JSON
// (json.Indent or MarshalIndent, then api.CleanBlock), so a small scanner
// is enough; anything it does not recognise is left plain.
func highlight(th *theme.Theme, src string) []string {
	key, str, num := theme.PaintOf(th.JSONKey), theme.PaintOf(th.JSONString), theme.PaintOf(th.JSONNumber)
	lit, punct := theme.PaintOf(th.JSONLiteral), theme.PaintOf(th.JSONPunct)
	lines := strings.Split(src, "\n")
	out := make([]string, len(lines))
	for li, line := range lines {
		var b strings.Builder
		for i := 0; i < len(line); {
			c := line[i]
			switch {
			case c == '"':
				j := i + 1
				for j < len(line) && line[j] != '"' {
					if line[j] == '\\' {
						j++
					}
					j++
				}
				j = min(j+1, len(line))
				p := str
				if rest := strings.TrimLeft(line[j:], " "); strings.HasPrefix(rest, ":") {
					p = key
				}
				p.W(&b, line[i:j])
				i = j
			case c == '-' || (c >= '0' && c <= '9'):
				j := i + 1
				for j < len(line) && strings.IndexByte("0123456789.eE+-", line[j]) >= 0 {
					j++
				}
				num.W(&b, line[i:j])
				i = j
			case strings.HasPrefix(line[i:], "true"), strings.HasPrefix(line[i:], "null"):
				lit.W(&b, line[i:i+4])
				i += 4
			case strings.HasPrefix(line[i:], "false"):
				lit.W(&b, line[i:i+5])
				i += 5
			case strings.IndexByte("{}[],:", c) >= 0:
				punct.W(&b, line[i:i+1])
				i++
			default:
				b.WriteByte(c)
				i++
			}
		}
		out[li] = b.String()
	}
	return out
}

// Highlight colours pretty-printed JSON (indented, then api.CleanBlock) line
// by line, for other panes that show JSON (the listen screen's bodies).
func Highlight(th *theme.Theme, src string) []string { return highlight(th, src) }
