package listen

import (
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/listen"
	"github.com/aspect-hq/aspect-tui/ui/compare"
)

// comparison is what the detail shows instead of one request: two requests
// side by side, or a request beside its edited resend. It takes the whole
// body until esc.
type comparison struct {
	id           int // changes whenever a new comparison opens, for syncDetail
	title        string
	left, right  string
	sections     func() []compare.Section
	leftSeq, seq int
}

// markIt keeps the selected request as the left side of the next
// comparison.
func (m *Model) markIt() tea.Cmd {
	e := m.list.sel
	if e == nil {
		return m.say("nothing selected to mark")
	}
	m.marked = e
	return m.say("marked #" + strconv.Itoa(e.d.Seq) + " to compare: select another and press " + m.keys.Compare.Label())
}

// compareIt opens the marked request beside the selected one.
func (m *Model) compareIt() tea.Cmd {
	e := m.list.sel
	switch {
	case e == nil:
		return m.say("nothing selected to compare")
	case m.marked == nil || m.list.bySeq(m.marked.d.Seq) == nil:
		m.marked = nil
		return m.say("no request is marked: press " + m.keys.Mark.Label() + " on one first, then " + m.keys.Compare.Label() + " on another")
	}
	a, b := m.marked, e
	m.openComparison(&comparison{
		title: "Compare #" + strconv.Itoa(a.d.Seq) + " with #" + strconv.Itoa(b.d.Seq),
		left:  "#" + strconv.Itoa(a.d.Seq) + " (marked) " + a.d.Method + " " + a.d.Path,
		right: "#" + strconv.Itoa(b.d.Seq) + " " + b.d.Method + " " + b.d.Path,
		sections: func() []compare.Section {
			headers := compare.FieldsSection("Request headers (credentials masked)", headerFields(&a.d), headerFields(&b.d))
			headers.Brief = true // most are the same: those that differ matter
			return []compare.Section{
				compare.FieldsSection("Request", requestFields(a), requestFields(b)),
				headers,
				compare.BodySection("Body", a.d.Body, b.d.Body),
				compare.BodySection("Your handler's answer", answerBody(a.d.Forward), answerBody(b.d.Forward)),
			}
		},
	})
	return nil
}

func (m *Model) openComparison(c *comparison) {
	m.cmpN++
	c.id = m.cmpN
	m.cmp = c
	m.setDetail(true)
}

// closeComparison goes back to the list.
func (m *Model) closeComparison() {
	m.cmp = nil
	m.det = detailView{}
	m.setDetail(false)
}

func requestFields(e *entry) []compare.Field {
	d := &e.d
	fs := []compare.Field{
		{Name: "time", Value: d.Time.Local().Format("15:04:05.000")},
		{Name: "request", Value: d.Method + " " + d.Path},
		{Name: "svix-id", Value: d.SvixID},
		{Name: "event type", Value: d.EventType},
		{Name: "verdict", Value: verdict(d)},
		{Name: "status answered", Value: strconv.Itoa(d.Status)},
	}
	if d.Forward != nil {
		fs = append(fs, answerFields(d.Forward)...)
	}
	return fs
}

func answerFields(f *listen.ForwardResult) []compare.Field {
	st := "no answer"
	if f.Status != 0 {
		st = strconv.Itoa(f.Status)
	}
	fs := []compare.Field{{Name: "handler status", Value: st}, {Name: "handler latency", Value: latency(f.Latency)}}
	if f.Err != "" {
		fs = append(fs, compare.Field{Name: "handler error", Value: f.Err})
	}
	return fs
}

func answerBody(f *listen.ForwardResult) []byte {
	if f == nil {
		return nil
	}
	return []byte(f.Body)
}

// headerFields are the request's headers as name → value, masked as the
// detail shows them.
func headerFields(d *listen.Request) []compare.Field {
	var out []compare.Field
	for _, h := range d.HeaderLines() {
		name, value, _ := strings.Cut(h, ": ")
		out = append(out, compare.Field{Name: strings.ToLower(name), Value: value})
	}
	return out
}
