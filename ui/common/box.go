package common

import (
	"strings"

	"github.com/aspect-hq/aspect-tui/ui/theme"
)

// The focused pane is drawn with heavy lines and the others with light
// rounded ones, so focus reads without colour.
var (
	lightBox = [6]string{"╭", "─", "╮", "│", "╰", "╯"}
	heavyBox = [6]string{"┏", "━", "┓", "┃", "┗", "┛"}
)

// Box draws a pane's lines inside a border of w×h cells with the title in
// the top edge. body must be h-2 lines of w-2 cells (Lines makes them so).
func Box(th *theme.Theme, title string, body []string, w, h int, focused bool) []string {
	if w < 2 || h < 2 {
		return nil
	}
	g, bp, tp := lightBox, th.BorderP, th.TitleP
	if focused {
		g, bp, tp = heavyBox, th.FocusBorderP, th.FocusTitleP
	}
	out := make([]string, 0, h)

	inner := w - 2
	var top strings.Builder
	top.WriteString(bp.S(g[0] + g[1]))
	used := 1
	if title != "" && inner > 4 {
		t := Clip(" "+title+" ", inner-2)
		top.WriteString(tp.S(t))
		used += Width(t)
	}
	if rest := inner - used; rest > 0 {
		top.WriteString(bp.S(strings.Repeat(g[1], rest)))
	}
	top.WriteString(bp.S(g[2]))
	out = append(out, top.String())

	side := bp.S(g[3])
	for i := 0; i < h-2; i++ {
		line := Spaces(inner)
		if i < len(body) {
			line = body[i]
		}
		out = append(out, side+line+side)
	}
	out = append(out, bp.S(g[4]+strings.Repeat(g[1], inner)+g[5]))
	return out
}

// SideBySide joins two columns of lines of the same height.
func SideBySide(left, right []string) []string {
	n := max(len(left), len(right))
	out := make([]string, n)
	for i := range out {
		var l, r string
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		out[i] = l + r
	}
	return out
}
