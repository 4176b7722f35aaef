// Package theme owns the dashboard's colours and the glyphs and words that
// name each state. A Theme is a set of semantic colours (one light and one
// dark default for each, overridable from the config file's [theme] table)
// turned into styles once, so drawing a frame never builds a style.
//
// Nothing here relies on colour alone: every state has a glyph and a word,
// the selected row is reversed when colour is off, and a cell that just
// changed is underlined.
package theme

import (
	"fmt"
	"image/color"
	"io"
	"sort"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/aspect-hq/aspect-tui/api"
)

// The semantic colours a config file's [theme] table may set.
const (
	Accent     = "accent"     // titles, the focused pane's border, keys in help
	Muted      = "muted"      // secondary text
	Border     = "border"     // unfocused panes' borders
	Selection  = "selection"  // background of the selected row
	Changed    = "changed"    // background of a cell that just changed
	Queued     = "queued"     // feature states...
	Processing = "processing" //
	Completed  = "completed"  //
	Failed     = "failed"     //
	Cancelled  = "cancelled"  //
	NA         = "na"         //
	Unknown    = "unknown"    // a state this version does not know
	OK         = "ok"         // a live connection
	Warn       = "warn"       // reconnecting
	Error      = "error"      // stopped, errors
)

type pair struct{ light, dark string }

// defaults holds every colour once; nothing else in the app names a colour.
var defaults = map[string]pair{
	Accent:     {"#1e66f5", "#89b4fa"},
	Muted:      {"#6c6f85", "#9399b2"},
	Border:     {"#9ca0b0", "#585b70"},
	Selection:  {"#ccd0da", "#45475a"},
	Changed:    {"#f5dfa8", "#5c4a1e"},
	Queued:     {"#5c5f77", "#bac2de"},
	Processing: {"#0477a8", "#89dceb"},
	Completed:  {"#2f7d1f", "#a6e3a1"},
	Failed:     {"#d20f39", "#f38ba8"},
	Cancelled:  {"#c4500a", "#fab387"},
	NA:         {"#8c8fa1", "#7f849c"},
	Unknown:    {"#8839ef", "#cba6f7"},
	OK:         {"#2f7d1f", "#a6e3a1"},
	Warn:       {"#b06f0c", "#f9e2af"},
	Error:      {"#d20f39", "#f38ba8"},
}

// Names lists the colours a config file may set, sorted.
func Names() []string {
	names := make([]string, 0, len(defaults))
	for n := range defaults {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Validate checks a [theme] table before the program starts.
func Validate(overrides map[string]string) error {
	_, err := parse(overrides)
	return err
}

func parse(overrides map[string]string) (map[string]color.Color, error) {
	out := make(map[string]color.Color, len(overrides))
	keys := make([]string, 0, len(overrides))
	for k := range overrides {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, name := range keys {
		v := strings.TrimSpace(overrides[name])
		if _, ok := defaults[name]; !ok {
			return nil, fmt.Errorf("theme: unknown colour %q; the names are %s", api.Clip(name, 40), strings.Join(Names(), ", "))
		}
		c, ok := parseColour(v)
		if !ok {
			return nil, fmt.Errorf("theme: %s = %q is not a colour; use #rrggbb, #rgb or an ANSI number 0-255", name, api.Clip(v, 40))
		}
		out[name] = c
	}
	return out, nil
}

func parseColour(v string) (color.Color, bool) {
	if strings.HasPrefix(v, "#") {
		h := v[1:]
		if len(h) != 3 && len(h) != 6 {
			return nil, false
		}
		if _, err := strconv.ParseUint(h, 16, 32); err != nil {
			return nil, false
		}
		return lipgloss.Color(v), true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 255 {
		return nil, false
	}
	return lipgloss.Color(v), true
}

// Variant indexes a Paints: a row's cells are drawn normal or selected, and
// a cell that just changed adds Flash.
type Variant int

// Variants.
const (
	Normal   Variant = 0
	Selected Variant = 1
	Flash    Variant = 2 // added to Normal or Selected
)

// Paints is one kind of cell in each Variant.
type Paints [4]Paint

// Paint is a style reduced to the escape sequences that open and close it,
// so painting a cell is two string concatenations.
type Paint struct{ open, close string }

// S paints s.
func (p Paint) S(s string) string {
	if p.open == "" {
		return s
	}
	return p.open + s + p.close
}

// PaintOf reduces a style (colours and attributes only) to a Paint. It
// renders one printable placeholder (lipgloss drops control characters and
// styles underlines per character) and keeps what surrounds it; SGR
// sequences hold only digits, ';', ':', '[' and 'm', never the placeholder.
func PaintOf(st lipgloss.Style) Paint {
	r := st.Render("X")
	i := strings.IndexByte(r, 'X')
	if i < 0 {
		return Paint{}
	}
	return Paint{open: r[:i], close: r[i+1:]}
}

// Theme is the styles derived from the colours, once.
type Theme struct {
	Dark    bool
	NoColor bool
	colors  map[string]color.Color

	// Row cells, by Variant.
	Text     Paints
	Dim      Paints
	Header   Paints
	States   map[api.State]Paints
	Unknowns Paints
	Overall  map[api.Overall]Paints

	// Styles for everything else.
	Title, FocusTitle          lipgloss.Style
	Border, FocusBorder        lipgloss.Style
	MutedStyle, AccentStyle    lipgloss.Style
	Bold                       lipgloss.Style
	ErrorStyle, WarnStyle      lipgloss.Style
	OKStyle                    lipgloss.Style
	HelpKey, HelpDesc, HelpSep lipgloss.Style
	JSONKey, JSONString        lipgloss.Style
	JSONNumber, JSONLiteral    lipgloss.Style
	JSONPunct                  lipgloss.Style
	StateStyle                 map[api.State]lipgloss.Style
	UnknownStyle               lipgloss.Style
	Input                      lipgloss.Style
	Cursor                     lipgloss.Style

	// Paints of the styles drawn on every frame.
	BorderP, FocusBorderP, TitleP, FocusTitleP Paint
	MutedP, AccentP, OKP, WarnP, ErrorP, BoldP Paint
}

// New derives a theme for a dark or light background. overrides is the
// config file's [theme] table (validated again here); noColor draws with
// attributes only (NO_COLOR).
func New(overrides map[string]string, dark, noColor bool) (*Theme, error) {
	over, err := parse(overrides)
	if err != nil {
		return nil, err
	}
	t := &Theme{Dark: dark, NoColor: noColor, colors: map[string]color.Color{}}
	for name, p := range defaults {
		switch {
		case noColor:
			t.colors[name] = lipgloss.NoColor{}
		case over[name] != nil:
			t.colors[name] = over[name]
		case dark:
			t.colors[name] = lipgloss.Color(p.dark)
		default:
			t.colors[name] = lipgloss.Color(p.light)
		}
	}
	t.derive()
	return t, nil
}

// Default is the dark theme with no overrides; tests and benchmarks use it.
func Default() *Theme {
	t, _ := New(nil, true, false)
	return t
}

// Color is a semantic colour by name.
func (t *Theme) Color(name string) color.Color { return t.colors[name] }

func (t *Theme) fg(name string) lipgloss.Style {
	return lipgloss.NewStyle().Foreground(t.colors[name])
}

// paints builds the four variants of a cell whose normal look is base.
func (t *Theme) paints(base lipgloss.Style) Paints {
	var p Paints
	sel := base.Background(t.colors[Selection])
	flash := base.Background(t.colors[Changed])
	if t.NoColor {
		sel = base.Reverse(true)
		flash = base.Underline(true).Bold(true)
	}
	p[Normal] = PaintOf(base)
	p[Selected] = PaintOf(sel)
	p[Flash] = PaintOf(flash)
	// Selected and just changed: the selection's background, the change's
	// underline, so both read.
	p[Selected|Flash] = PaintOf(sel.Underline(true))
	return p
}

// PaintsOf is the four variants of a cell whose normal look is st, for a
// pane that paints its rows with a style the theme keeps no Paints for.
func (t *Theme) PaintsOf(st lipgloss.Style) Paints { return t.paints(st) }

func (t *Theme) derive() {
	plain := lipgloss.NewStyle()
	t.Text = t.paints(plain)
	t.Dim = t.paints(t.fg(Muted))
	t.Header = t.paints(t.fg(Muted).Bold(true))
	t.StateStyle = map[api.State]lipgloss.Style{
		api.StateQueued:     t.fg(Queued),
		api.StateProcessing: t.fg(Processing),
		api.StateCompleted:  t.fg(Completed),
		api.StateFailed:     t.fg(Failed).Bold(true),
		api.StateCancelled:  t.fg(Cancelled),
		api.StateNA:         t.fg(NA),
	}
	t.UnknownStyle = t.fg(Unknown).Italic(true)
	t.States = make(map[api.State]Paints, len(t.StateStyle))
	for s, st := range t.StateStyle {
		t.States[s] = t.paints(st)
	}
	t.Unknowns = t.paints(t.UnknownStyle)
	t.Overall = map[api.Overall]Paints{
		api.OverallActive: t.paints(t.fg(Processing)),
		api.OverallFailed: t.paints(t.fg(Failed).Bold(true)),
		api.OverallDone:   t.paints(t.fg(Completed)),
	}

	t.Title = t.fg(Muted).Bold(true)
	t.FocusTitle = t.fg(Accent).Bold(true)
	t.Border = t.fg(Border)
	t.FocusBorder = t.fg(Accent)
	t.MutedStyle = t.fg(Muted)
	t.AccentStyle = t.fg(Accent)
	t.Bold = plain.Bold(true)
	t.ErrorStyle = t.fg(Error).Bold(true)
	t.WarnStyle = t.fg(Warn)
	t.OKStyle = t.fg(OK)
	t.HelpKey = t.fg(Accent).Bold(true)
	t.HelpDesc = t.fg(Muted)
	t.HelpSep = t.fg(Border)
	t.JSONKey = t.fg(Accent)
	t.JSONString = t.fg(Completed)
	t.JSONNumber = t.fg(Cancelled)
	t.JSONLiteral = t.fg(Unknown)
	t.JSONPunct = t.fg(Muted)
	t.Input = plain.Bold(true)
	t.Cursor = plain.Reverse(true)
	t.BorderP, t.FocusBorderP = PaintOf(t.Border), PaintOf(t.FocusBorder)
	t.TitleP, t.FocusTitleP = PaintOf(t.Title), PaintOf(t.FocusTitle)
	t.MutedP, t.AccentP, t.OKP = PaintOf(t.MutedStyle), PaintOf(t.AccentStyle), PaintOf(t.OKStyle)
	t.WarnP, t.ErrorP, t.BoldP = PaintOf(t.WarnStyle), PaintOf(t.ErrorStyle), PaintOf(t.Bold)
}

// StatePaints returns the paints for a feature state, known or not.
func (t *Theme) StatePaints(s api.State) Paints {
	if p, ok := t.States[s]; ok {
		return p
	}
	return t.Unknowns
}

// StateLipgloss is StatePaints as a lipgloss style, for the detail view.
func (t *Theme) StateLipgloss(s api.State) lipgloss.Style {
	if st, ok := t.StateStyle[s]; ok {
		return st
	}
	return t.UnknownStyle
}

// W writes s painted to b (a strings.Builder, or a bytes.Buffer kept
// from frame to frame).
func (p Paint) W(b io.StringWriter, s string) {
	b.WriteString(p.open)
	b.WriteString(s)
	b.WriteString(p.close)
}
