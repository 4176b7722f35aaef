package listen

import (
	"strconv"
	"strings"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/theme"
)

// Column widths. The request (method and path) takes what is left; the
// optional columns go, least useful first, when the pane is narrow.
const (
	gutterW     = 2 // "▸ "
	timeW       = 8 // 15:04:05
	seqW        = 6 // #12345
	eventW      = 16
	idW         = 14
	verdictW    = 24
	maxVerdictW = 32
	statusW     = 6
	handlerW    = 13
	repeatW     = 7
	minReqW     = 20
)

// columns is which optional columns fit and how wide the request is.
type columns struct {
	event, id, handler bool
	req, verdict       int
}

func layoutColumns(w int, forwarding bool) columns {
	fixed := gutterW + timeW + 1 + seqW + 1 + 1 + verdictW + 1 + statusW + 1 + repeatW
	c := columns{verdict: verdictW}
	// Added most useful first: the handler's answer (when forwarding),
	// the event type, then the svix-id.
	if forwarding && w-fixed-handlerW-1 >= minReqW {
		c.handler, fixed = true, fixed+handlerW+1
	}
	if w-fixed-eventW-1 >= minReqW {
		c.event, fixed = true, fixed+eventW+1
	}
	if w-fixed-idW-1 >= minReqW {
		c.id, fixed = true, fixed+idW+1
	}
	c.req = max(8, w-fixed)
	// A wide pane gives the refusal's words room before the path.
	if extra := min(c.req-48, maxVerdictW-verdictW); extra > 0 {
		c.verdict += extra
		c.req -= extra
	}
	return c
}

// paints are the row colours in each variant, derived once per theme.
type paints struct {
	th                      *theme.Theme
	text, dim, ok, bad, rep theme.Paints
}

func paintsFor(th *theme.Theme) *paints {
	return &paints{
		th:   th,
		text: th.Text, dim: th.Dim,
		ok:  th.PaintsOf(th.OKStyle),
		bad: th.PaintsOf(th.ErrorStyle),
		rep: th.PaintsOf(th.WarnStyle),
	}
}

// header is the column names.
func (c columns) header(th *theme.Theme, w int) string {
	var b strings.Builder
	b.WriteString(common.Spaces(gutterW))
	b.WriteString(common.Fit("TIME", timeW) + " " + common.PadLeft("#", seqW) + " ")
	b.WriteString(common.Fit("REQUEST", c.req) + " ")
	if c.event {
		b.WriteString(common.Fit("EVENT", eventW) + " ")
	}
	if c.id {
		b.WriteString(common.Fit("SVIX-ID", idW) + " ")
	}
	b.WriteString(common.Fit("VERDICT", c.verdict) + " " + common.Fit("STATUS", statusW) + " ")
	if c.handler {
		b.WriteString(common.Fit("HANDLER", handlerW) + " ")
	}
	b.WriteString(common.Fit("REPEAT", repeatW))
	return th.Header[theme.Normal].S(common.Fit(b.String(), w))
}

// row draws one request. Every piece, gaps included, is painted in the
// row's variant so a selected row's background runs unbroken; without
// colour the selection is reversed and marked with "▸".
func (c columns) row(p *paints, e *entry, selected bool, w int) string {
	v := theme.Normal
	mark := "  "
	if selected {
		v, mark = theme.Selected, "▸ "
	}
	d := &e.d
	var b strings.Builder
	gap := p.text[v].S(" ")
	p.text[v].W(&b, mark)
	p.dim[v].W(&b, common.Fit(d.Time.Local().Format("15:04:05"), timeW))
	b.WriteString(gap)
	p.dim[v].W(&b, common.PadLeft("#"+strconv.Itoa(d.Seq), seqW))
	b.WriteString(gap)
	p.text[v].W(&b, common.Fit(d.Method+" "+d.Path, c.req))
	b.WriteString(gap)
	if c.event {
		p.text[v].W(&b, common.Fit(orDash(d.EventType), eventW))
		b.WriteString(gap)
	}
	if c.id {
		p.dim[v].W(&b, common.Fit(orDash(shortID(d.SvixID, idW)), idW))
		b.WriteString(gap)
	}
	vp := p.ok
	if !d.Verified {
		vp = p.bad
	}
	vp[v].W(&b, common.Fit(verdict(d), c.verdict))
	b.WriteString(gap)
	sp := p.ok
	if !okStatus(d.Status) {
		sp = p.bad
	}
	sp[v].W(&b, common.Fit(strconv.Itoa(d.Status), statusW))
	b.WriteString(gap)
	if c.handler {
		text, ok := handlerCell(d)
		hp := p.ok
		if !ok {
			hp = p.bad
		}
		hp[v].W(&b, common.Fit(text, handlerW))
		b.WriteString(gap)
	}
	rep := ""
	switch {
	case d.FromHere:
		rep = "◇ here" // re-delivered by aspect-tui, not Svix (the detail says so whole)
	case d.DuplicateOf > 0:
		rep = "↻ #" + strconv.Itoa(d.DuplicateOf)
	}
	p.rep[v].W(&b, common.Fit(rep, repeatW))
	return common.Fit(b.String(), w)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return api.Clean(s)
}

// shortID fits an id in n cells keeping its prefix ("msg_") and its end:
// Svix ids start with a timestamp, so ids sent close together share their
// first characters and differ at the end.
func shortID(id string, n int) string {
	r := []rune(id)
	if len(r) <= n {
		return id
	}
	head := 0
	if i := strings.IndexByte(id, '_'); i >= 0 && i < n/2 {
		head = len([]rune(id[:i+1]))
	}
	tail := n - head - 1
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}
