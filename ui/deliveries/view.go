package deliveries

import (
	"strconv"
	"strings"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/theme"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// Title implements common.Pane.
func (m *Model) Title() string {
	if m.find.typing || m.searching() {
		return m.searchTitle()
	}
	name := "Failed deliveries"
	if m.all {
		name = "Deliveries · all"
	}
	t := name
	if m.loaded {
		t += " " + common.Count(len(m.items))
		if !m.all && len(m.items) > 0 {
			t += " · " + common.Count(m.failing) + " still failing"
			if m.unknown > 0 {
				t += " · " + common.Count(m.unknown) + " checking"
			}
		}
		if m.cur.Offset > 0 {
			t += " · ↑ " + common.Count(m.cur.Offset) + " above"
		}
	}
	if m.err != nil && m.offered && !m.poll.Stopped() {
		t += " · retry in " + common.Age(m.poll.Wait())
	}
	return t
}

// View implements common.Pane.
func (m *Model) View() string {
	th := m.ctx.Theme
	lines, unlisted := m.ctx.Unlisted("deliveries", m.w, m.client == nil, m.offered, m.loaded, m.err, &m.poll)
	switch {
	case unlisted: // lines say why
	case !m.loaded && m.all:
		lines = []string{th.MutedStyle.Render(" Listing attempts…")}
	case !m.loaded:
		lines = []string{th.MutedStyle.Render(" Listing failed deliveries…")}
	case m.eps == 0 && len(m.items) == 0:
		lines = common.Wrap(th.MutedStyle.Render("No endpoints, so no deliveries."), m.w)
	case len(m.items) == 0 && m.all:
		lines = common.Wrap(th.MutedStyle.Render("No attempts yet to "+plural(m.eps, "endpoint")+"."), m.w)
	case len(m.items) == 0:
		lines = common.Wrap(th.OKStyle.Render("✓ ")+th.MutedStyle.Render("No failed deliveries to "+plural(m.eps, "endpoint")+". "+m.ctx.Keys.AllAttempts.Label()+" shows every attempt."), m.w)
	default:
		return m.table()
	}
	return strings.Join(common.Lines(strings.Join(lines, "\n"), m.w, m.h), "\n")
}

// table is the header and the rows on screen, each line exactly the
// pane's width, so that nothing measures them again.
func (m *Model) table() string {
	th := m.ctx.Theme
	cols := m.columns()
	var b strings.Builder
	b.Grow(m.h * (m.w + 80)) // the text and its colours
	b.WriteString(m.header(cols))
	n := 1
	rows := m.rowsH()
	for i := m.cur.Offset; i < len(m.items) && i < m.cur.Offset+rows; i++ {
		b.WriteByte('\n')
		b.WriteString(m.row(cols, m.items[i], i == m.cur.Pos && m.focused))
		n++
	}
	if m.err != nil && n < m.h {
		b.WriteByte('\n')
		b.WriteString(common.Fit(th.WarnStyle.Render(" last refresh failed: ")+api.Brief(m.err), m.w))
		n++
	}
	if f := m.forecastLines(); len(f) > 0 && n+len(f) <= m.h {
		for ; n < m.h-len(f); n++ { // the forecast sits at the bottom
			b.WriteByte('\n')
			b.WriteString(common.Spaces(m.w))
		}
		for _, l := range f {
			b.WriteByte('\n')
			b.WriteString(l)
			n++
		}
	}
	for ; n < m.h; n++ {
		b.WriteByte('\n')
		b.WriteString(common.Spaces(m.w))
	}
	return b.String()
}

// ExactLines implements common.Exact: every View line is the pane's width.
func (m *Model) ExactLines() bool { return true }

func plural(n int, s string) string {
	if n == 1 {
		return "1 " + s
	}
	return strconv.Itoa(n) + " " + s + "s"
}

// columns is which columns fit the width: time, status and the endpoint
// always; latency, event type, attempt number and trigger as room allows.
type columns struct {
	event, latency, number, then, trigger, msg bool
	next                                       bool
	asset                                      bool // the asset's name (assets.go)
	endpointW                                  int
}

const (
	markW    = 2
	timeW    = 8
	statusW  = 11
	latencyW = 6
	eventW   = 14
	numberW  = 3
	thenW    = 8
	triggerW = 9
	msgW     = 22
)

func (m *Model) columns() columns {
	c := columns{}
	used := markW + timeW + 1 + statusW + 1
	// With one endpoint, its column tells nothing: the event type gets
	// the room first.
	need := 0
	if m.eps > 1 {
		need = 12
	}
	add := func(on *bool, w, rest int) {
		if m.w-used-w-1 >= rest {
			*on = true
			used += w + 1
		}
	}
	add(&c.event, eventW, need)
	if m.ctx.AssetName != nil {
		add(&c.asset, assetColW, need)
	}
	add(&c.latency, latencyW, need)
	add(&c.number, numberW, 20)
	if !m.all {
		add(&c.then, thenW, 20)
	}
	add(&c.next, nextW, 20)
	add(&c.trigger, triggerW, 20)
	add(&c.msg, msgW, 30)
	c.endpointW = max(0, m.w-used)
	return c
}

func (m *Model) header(c columns) string {
	var b strings.Builder
	b.WriteString(common.Spaces(markW))
	b.WriteString(common.Fit("TIME", timeW) + " " + common.Fit("STATUS", statusW) + " ")
	if c.latency {
		b.WriteString(common.PadLeft("TOOK", latencyW) + " ")
	}
	if c.event {
		b.WriteString(common.Fit("EVENT", eventW) + " ")
	}
	if c.asset {
		b.WriteString(common.Fit("ASSET", assetColW) + " ")
	}
	if c.number {
		b.WriteString(common.Fit("#", numberW) + " ")
	}
	if c.then {
		b.WriteString(common.Fit("THEN", thenW) + " ")
	}
	if c.next {
		b.WriteString(common.Fit("NEXT", nextW) + " ")
	}
	if c.trigger {
		b.WriteString(common.Fit("TRIGGER", triggerW) + " ")
	}
	if c.msg {
		b.WriteString(common.Fit("MESSAGE", msgW) + " ")
	}
	b.WriteString(common.Fit("ENDPOINT", c.endpointW))
	return m.ctx.Theme.Header[theme.Normal].S(common.Fit(b.String(), m.w))
}

func (m *Model) row(c columns, a api.Attempt, selected bool) string {
	th := m.ctx.Theme
	var b strings.Builder
	b.Grow(m.w + 80)
	switch {
	case selected:
		b.WriteString(th.AccentP.S("▸"))
	default:
		b.WriteString(" ")
	}
	fresh := false
	if t := m.first[a.ID]; !t.IsZero() && m.ctx.Now.Sub(t) < NewFor {
		fresh = true
	}
	if fresh {
		b.WriteString(th.WarnP.S("◆"))
	} else {
		b.WriteString(" ")
	}
	stamp := common.Fit(webhooks.Stamp(a.Timestamp.Time), timeW)
	if fresh {
		stamp = th.Text[theme.Flash].S(stamp)
	} else {
		stamp = th.MutedP.S(stamp)
	}
	b.WriteString(stamp + " ")
	st, paint := webhooks.Status(th, a)
	later, delivered := m.then[a.ID]
	if delivered {
		// Delivered since: shown, but quiet, and said in words too when
		// there is no room for the THEN column ("✗ 500 ✓#3").
		paint = th.MutedP
		if !c.then {
			if more := st + " ✓#" + strconv.Itoa(later); common.Width(more) <= statusW {
				st = more
			} else {
				st = strings.TrimRight(common.Fit(st, statusW-2), " ") + " ✓"
			}
		}
	}
	if a.FromHere && !c.trigger {
		st += " here" // the TRIGGER column that says "from here" has no room
	}
	if m.resend.Pending(webhooks.PairOf(a)) && m.newestOfPair(a) {
		st, paint = "◌ resending", th.AccentP
	}
	b.WriteString(paint.S(common.Fit(st, statusW)) + " ")
	if c.latency {
		b.WriteString(th.MutedP.S(common.PadLeft(webhooks.Took(a), latencyW)) + " ")
	}
	if c.event {
		ev := "…" // being looked up
		if m.client == nil {
			ev = "–"
		}
		if mm, ok := m.msgs[a.MsgID]; ok {
			ev = api.Clean(mm.EventType)
		} else if _, missed := m.notFound[a.MsgID]; missed {
			ev = "?"
		}
		b.WriteString(common.Fit(ev, eventW) + " ")
	}
	if c.asset {
		b.WriteString(m.assetCell(a.MsgID) + " ")
	}
	if c.number {
		b.WriteString(common.Fit("#"+strconv.Itoa(m.nums[a.ID]), numberW) + " ")
	}
	if c.then {
		then := ""
		switch {
		case delivered:
			then = "✓ #" + strconv.Itoa(later)
		case a.Status == api.AttemptFailed && !m.all && !m.known(a):
			then = "…" // being checked
		}
		b.WriteString(th.OKP.S(common.Fit(then, thenW)) + " ")
	}
	if c.next {
		b.WriteString(m.nextCell(a) + " ")
	}
	if c.trigger {
		tr := webhooks.Trigger(a)
		if a.TriggerType == api.TriggerManual {
			b.WriteString(th.AccentP.S(common.Fit(tr, triggerW)) + " ")
		} else {
			b.WriteString(th.MutedP.S(common.Fit(tr, triggerW)) + " ")
		}
	}
	if c.msg {
		b.WriteString(th.MutedP.S(common.Fit(api.Clean(a.MsgID), msgW)) + " ")
	}
	b.WriteString(common.Fit(webhooks.FitURL(a.URL, c.endpointW), c.endpointW))
	return b.String()
}

// numberOf is an attempt's number among those of its pair that the pane
// knows (shown or recent).
func (m *Model) numberOf(a api.Attempt) int {
	if n, ok := m.nums[a.ID]; ok {
		return n
	}
	p := webhooks.PairOf(a)
	n := 0
	for _, x := range m.items {
		if webhooks.PairOf(x) == p && !x.Timestamp.After(a.Timestamp.Time) {
			n++
		}
	}
	return n + 1
}

// newestOfPair reports whether a is the newest attempt shown of its
// message to its endpoint: the row that says "resending".
func (m *Model) newestOfPair(a api.Attempt) bool {
	p := webhooks.PairOf(a)
	for _, b := range m.items {
		if webhooks.PairOf(b) == p {
			return b.ID == a.ID
		}
	}
	return false
}
