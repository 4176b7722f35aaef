package form

import (
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/keys"
	"github.com/aspect-hq/aspect-tui/ui/theme"
)

// Field is one labelled input of a form.
type Field struct {
	Name  string // what the API calls it ("url"), to place its 422 errors
	Label string
	Hint  string // shown under the input while it has no error
	Input Input
	Err   string
}

// Result is what a key did to a form.
type Result int

// Results.
const (
	Editing Result = iota
	Submitted
	Cancelled
)

// Form is a few fields, one focused; enter sends it from any field.
type Form struct {
	Fields []*Field
	Focus  int
	Err    string // about the whole form: the API's answer
	Busy   string // set while the request runs ("creating…"); keys wait
}

// Key handles a key press.
func (f *Form) Key(k *keys.Map, msg tea.KeyPressMsg) Result {
	if f.Busy != "" {
		if k.Cancel.Matches(msg) {
			return Cancelled
		}
		return Editing
	}
	switch {
	case k.Submit.Matches(msg):
		return Submitted
	case k.Cancel.Matches(msg):
		return Cancelled
	case k.NextField.Matches(msg):
		f.Focus = (f.Focus + 1) % len(f.Fields)
	case k.PrevField.Matches(msg):
		f.Focus = (f.Focus + len(f.Fields) - 1) % len(f.Fields)
	default:
		fl := f.Fields[f.Focus]
		before := fl.Input.Value()
		fl.Input.Key(msg)
		if fl.Input.Value() != before {
			fl.Err = ""
		}
	}
	return Editing
}

// Paste types pasted text into the focused field.
func (f *Form) Paste(s string) {
	if f.Busy == "" {
		f.Fields[f.Focus].Input.Insert(s)
	}
}

// Field is the field named name, or nil.
func (f *Form) Field(name string) *Field {
	for _, fl := range f.Fields {
		if fl.Name == name {
			return fl
		}
	}
	return nil
}

// FocusFirstError moves the focus to the first field with an error, and
// reports whether there was one.
func (f *Form) FocusFirstError() bool {
	for i, fl := range f.Fields {
		if fl.Err != "" {
			f.Focus = i
			return true
		}
	}
	return false
}

// Lines draws the form in w cells: label, input, then its error or hint.
func (f *Form) Lines(th *theme.Theme, w int) []string {
	labelW := 0
	for _, fl := range f.Fields {
		labelW = max(labelW, common.Width(fl.Label))
	}
	inW := max(8, w-labelW-3)
	var out []string
	for i, fl := range f.Fields {
		focused := i == f.Focus && f.Busy == ""
		mark := " "
		if focused {
			mark = th.AccentStyle.Render("▸")
		}
		label := common.Fit(fl.Label, labelW)
		if focused {
			label = th.Bold.Render(label)
		} else {
			label = th.MutedStyle.Render(label)
		}
		out = append(out, mark+label+"  "+fl.Input.View(th, inW, focused))
		pad := common.Spaces(labelW + 3)
		switch {
		case fl.Err != "":
			for _, l := range Wrap(th.ErrorStyle.Render("✗ ")+fl.Err, inW) {
				out = append(out, pad+l)
			}
		case fl.Hint != "":
			for _, l := range Wrap(th.MutedStyle.Render(fl.Hint), inW) {
				out = append(out, pad+l)
			}
		}
	}
	if f.Err != "" {
		out = append(out, "")
		out = append(out, Wrap(th.ErrorStyle.Render("✗ ")+f.Err, w)...)
	}
	if f.Busy != "" {
		out = append(out, "", th.MutedStyle.Render(f.Busy))
	}
	return out
}

// Wrap word-wraps s (which may hold styles) to w cells.
func Wrap(s string, w int) []string {
	if w < 4 {
		return []string{s}
	}
	return strings.Split(ansi.Wrap(s, w, " ,/"), "\n")
}

// Choice is a short list of options, one selected; digits pick directly.
type Choice struct {
	Options []string
	Sel     int
}

// Key moves the selection and reports Submitted when enter (or the
// option's digit) chose it.
func (c *Choice) Key(k *keys.Map, msg tea.KeyPressMsg) Result {
	switch {
	case k.Submit.Matches(msg):
		return Submitted
	case k.Cancel.Matches(msg):
		return Cancelled
	case k.NextField.Matches(msg):
		c.Sel = (c.Sel + 1) % len(c.Options)
	case k.PrevField.Matches(msg):
		c.Sel = (c.Sel + len(c.Options) - 1) % len(c.Options)
	default:
		if n, err := strconv.Atoi(msg.String()); err == nil && n >= 1 && n <= len(c.Options) {
			c.Sel = n - 1
			return Submitted
		}
	}
	return Editing
}

// Lines draws the options, numbered, the selected one marked.
func (c *Choice) Lines(th *theme.Theme, w int) []string {
	out := make([]string, 0, len(c.Options))
	for i, o := range c.Options {
		line := "  " + strconv.Itoa(i+1) + "  " + o
		if i == c.Sel {
			line = th.AccentStyle.Render("▸ ") + th.Bold.Render(strconv.Itoa(i+1)+"  "+o)
		}
		out = append(out, common.Clip(line, w))
	}
	return out
}
