package compare

import (
	"strconv"
	"strings"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/theme"
)

// Section is one block of the comparison: a title, a note beside it, and
// its rows.
type Section struct {
	Title, Note string
	Rows        []Row
	// Only differing rows are drawn, the same ones counted, when Brief.
	Brief bool
}

// FieldsSection compares two lists of named values.
func FieldsSection(title string, a, b []Field) Section {
	return Section{Title: title, Rows: Fields(a, b)}
}

// BodySection compares two bodies, JSON key by key.
func BodySection(title string, a, b []byte) Section {
	rows, note := Bodies(a, b)
	return Section{Title: title, Note: note, Rows: rows}
}

// Lines draws the two sides in columns w wide: a header naming each side,
// then each section's rows as "mark key │ left │ right". Text from the
// network is cleaned before it is drawn.
func Lines(th *theme.Theme, w int, nameA, nameB string, secs []Section) []string {
	w = max(w, 40)
	longest := 8
	for _, s := range secs {
		for _, r := range s.Rows {
			longest = max(longest, common.Width(oneLine(r.Key)))
		}
	}
	keyW := min(longest, w*2/5, 48)
	valW := max(8, (w-2-keyW-6)/2)
	var out []string
	add := func(s string) { out = append(out, common.Fit(s, w)) }
	total := 0
	for _, s := range secs {
		total += Differences(s.Rows)
	}
	summary := "no differences"
	if total > 0 {
		summary = strconv.Itoa(total) + " differences: ≠ changed, − only left, + only right"
	}
	add(" " + th.MutedStyle.Render("LEFT  ") + th.AccentStyle.Render(api.Clean(nameA)))
	add(" " + th.MutedStyle.Render("RIGHT ") + th.AccentStyle.Render(api.Clean(nameB)))
	add(th.MutedStyle.Render("  " + common.Fit("", keyW) + " " + common.Fit("LEFT", valW) + " │ RIGHT"))
	add(" " + th.MutedStyle.Render(summary))
	for _, s := range secs {
		add("")
		head := " " + th.Bold.Render(s.Title)
		if s.Note != "" {
			head += th.MutedStyle.Render("  (" + s.Note + ")")
		}
		add(head)
		same := 0
		for _, r := range s.Rows {
			k := r.Mark()
			if s.Brief && k == Same {
				same++
				continue
			}
			add(row(th, r, k, keyW, valW))
		}
		if same > 0 {
			add(th.MutedStyle.Render("   … " + strconv.Itoa(same) + " the same on both sides"))
		}
		if len(s.Rows) == 0 {
			add(th.MutedStyle.Render("   (nothing on either side)"))
		}
	}
	return out
}

func row(th *theme.Theme, r Row, k Mark, keyW, valW int) string {
	// The same on both sides: plain, once a painted sign has closed
	// whatever colour the line began in.
	paint, sign := theme.Paint{}, th.MutedP.S(k.Sign())
	switch k {
	case Changed:
		paint = th.WarnP
	case OnlyA:
		paint = th.ErrorP
	case OnlyB:
		paint = th.OKP
	}
	val := func(v string, has bool) string {
		if !has {
			return common.Fit("–", valW)
		}
		return common.Fit(oneLine(v), valW)
	}
	if k != Same {
		sign = paint.S(k.Sign())
	}
	return sign + paint.S(" "+common.Fit(oneLine(r.Key), keyW)+" "+val(r.A, r.HasA)) + " " + th.MutedStyle.Render("│") + " " + paint.S(val(r.B, r.HasB))
}

func oneLine(s string) string {
	return strings.ReplaceAll(api.Clean(strings.ReplaceAll(s, "\n", "⏎")), "\t", " ")
}
