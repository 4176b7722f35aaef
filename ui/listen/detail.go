package listen

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/dustin/go-humanize"

	"github.com/aspect-hq/aspect-tui/listen"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/detail"
	"github.com/aspect-hq/aspect-tui/ui/theme"
)

// replay is one more send of a request to the handler, from the replay key.
type replay struct {
	at  time.Time
	res listen.ForwardResult
	err string
}

// prettyLimit mirrors listen.Request.PrettyBody, which indents bodies up to
// this size and shows larger ones as received.
const prettyLimit = 256 << 10

// page builds the detail's lines, each at most w cells. Every string in a
// Delivery is sanitized by the receiver; the raw headers and body are read
// only through HeaderLines and PrettyBody, which sanitize too.
type page struct {
	th  *theme.Theme
	w   int
	out []string
}

// buildDetail is the whole detail of one request: what was decided and why,
// the signature check laid out for the eye, the request's headers and body,
// and what the handler answered.
func buildDetail(th *theme.Theme, e *entry, secrets []string, w int) []string {
	p := &page{th: th, w: max(w-1, 20)} // one cell of margin before the border
	d := &e.d
	p.wrap(" ", th.Bold.Render("#"+strconv.Itoa(d.Seq)+" "+d.Method+" "+d.Path))
	facts := []string{d.Time.Local().Format("15:04:05.000")}
	if d.RemoteAddr != "" {
		facts = append(facts, "from "+d.RemoteAddr)
	}
	facts = append(facts, humanize.IBytes(uint64(max(d.Size, 0))))
	if d.EventType != "" {
		facts = append(facts, "event "+d.EventType)
	}
	p.wrap(" ", th.MutedStyle.Render(strings.Join(facts, " · ")))
	p.blank()
	p.verdict(d, secrets)
	if len(d.Hints) > 0 {
		p.heading("What to check")
		for _, h := range d.Hints {
			p.wrap("   • ", h)
		}
	}
	if c := d.Check; c != nil {
		p.signature(d, c)
	}
	p.heading("Request headers")
	for _, h := range d.HeaderLines() {
		name, value, _ := strings.Cut(h, ": ")
		p.wrap("   ", th.MutedStyle.Render(name+":")+" "+value)
	}
	p.body(e)
	if d.Forward != nil || len(e.replays) > 0 {
		p.handler(e)
	}
	return p.out
}

func (p *page) add(s string) { p.out = append(p.out, s) }
func (p *page) blank()       { p.add("") }

func (p *page) heading(s string) {
	p.blank()
	p.add(" " + p.th.Bold.Render(s))
}

// wrap adds s (which may hold styles) wrapped to the page, the first line
// after lead and the others indented to match it.
func (p *page) wrap(lead, s string) {
	lw := common.Width(ansi.Strip(lead))
	room := max(p.w-lw, 8)
	indent := common.Spaces(lw)
	for i, l := range strings.Split(ansi.Wrap(s, room, ""), "\n") {
		if i == 0 {
			p.add(lead + l)
		} else {
			p.add(indent + l)
		}
	}
}

// field adds "label  value" with the label in a column of lw cells.
func (p *page) field(label string, lw int, value string) {
	p.wrap("   "+p.th.MutedStyle.Render(common.Fit(label, lw))+"  ", value)
}

func (p *page) verdict(d *listen.Request, secrets []string) {
	th := p.th
	answered := "answered " + strconv.Itoa(d.Status)
	if d.Verified {
		s := th.OKStyle.Render("✓ verified") + " with secret " + strconv.Itoa(d.MatchedSecret+1)
		if d.MatchedSecret >= 0 && d.MatchedSecret < len(secrets) {
			s += " (" + secrets[d.MatchedSecret] + ")"
		}
		p.wrap(" ", s+", "+answered)
	} else {
		p.wrap(" ", th.ErrorStyle.Render("✗ refused")+", "+answered+": "+d.Reason)
	}
	if d.Simulated {
		p.wrap(" ", th.WarnStyle.Render("⚠ demo:")+" answered "+strconv.Itoa(d.Status)+" on purpose, so the deliveries pane has failures to retry and resend")
	}
	if d.DuplicateOf > 0 {
		p.wrap(" ", th.WarnStyle.Render("↻ repeat of #"+strconv.Itoa(d.DuplicateOf))+": the same svix-id arrived before; Svix sends one again after a failed attempt, or when resent by hand")
	}
	if d.FromHere {
		p.wrap(" ", th.AccentStyle.Render("◇ from a developer's machine")+": aspect-tui re-delivered it (the API has no resend route), signed with the endpoint's secret; not Svix")
	}
}

// signature lays the check out so the eye can compare: the received
// signatures and each secret's computed one share a column.
func (p *page) signature(d *listen.Request, c *listen.Diagnosis) {
	th := p.th
	p.heading("Signature")
	set := c.Headers
	if set == "" {
		set = "svix"
	}
	type row struct {
		label, value string
		sig          bool // a signature: these share a column
	}
	var rows []row
	if len(c.Missing) > 0 {
		rows = append(rows, row{"missing", th.ErrorStyle.Render(strings.Join(c.Missing, ", ")), false})
	}
	if c.ID != "" {
		rows = append(rows, row{set + "-id", c.ID, false})
	}
	if !c.Timestamp.IsZero() {
		rows = append(rows, row{set + "-timestamp", timestampText(th, c), false})
	}
	if c.SignedPrefix != "" {
		rows = append(rows, row{"signed content", c.SignedPrefix + th.MutedStyle.Render("<body, "+strconv.Itoa(len(d.Body))+" bytes>"), false})
	}
	if c.BodyVariant != "" {
		rows = append(rows, row{"body", "the signature matches this body " + c.BodyVariant, false})
	}
	for i, r := range c.Received {
		label := "received"
		if len(c.Received) > 1 {
			label += " " + strconv.Itoa(i+1)
		}
		v := r.Value
		if r.Version != "" {
			v = r.Version + "," + r.Value
		}
		rows = append(rows, row{label, v, true})
	}
	for _, x := range c.Expected {
		mark := th.ErrorStyle.Render("  ≠ differs")
		for i, r := range c.Received {
			if r.Version+","+r.Value == x.Signature {
				what := "received"
				if len(c.Received) > 1 {
					what += " " + strconv.Itoa(i+1)
				}
				mark = th.OKStyle.Render("  = " + what)
				break
			}
		}
		if len(c.Received) == 0 || c.SignedPrefix == "" {
			mark = ""
		}
		rows = append(rows, row{"secret " + strconv.Itoa(x.Secret+1) + " " + x.Masked, x.Signature + mark, true})
	}
	lw, vw := 0, 0
	for _, r := range rows {
		lw = max(lw, common.Width(r.label))
		if r.sig {
			vw = max(vw, common.Width(r.value))
		}
	}
	// Signatures beside their labels when they fit; otherwise each under
	// its label, so that they still share a column.
	stacked := 3+lw+2+vw > p.w
	for _, r := range rows {
		if stacked && r.sig {
			p.wrap("   ", p.th.MutedStyle.Render(r.label))
			p.wrap("     ", r.value)
			continue
		}
		p.field(r.label, lw, r.value)
	}
	if len(rows) == 0 {
		p.wrap("   ", th.MutedStyle.Render("not looked at: the request was refused before its signature was read"))
	}
}

func timestampText(th *theme.Theme, c *listen.Diagnosis) string {
	skew := c.Skew.Round(time.Second)
	var rel string
	switch {
	case skew == 0:
		rel = "the same as this machine's clock"
	case skew > 0:
		rel = skew.String() + " behind this machine's clock"
	default:
		rel = (-skew).String() + " ahead of this machine's clock"
	}
	within := "within the ±5m tolerance"
	style := th.MutedStyle
	if skew > listen.SignatureTolerance || -skew > listen.SignatureTolerance {
		within, style = "outside the ±5m tolerance", th.ErrorStyle
	}
	return strconv.FormatInt(c.Timestamp.Unix(), 10) + " = " + c.Timestamp.Local().Format("15:04:05 MST") + ", " + rel + " " + style.Render("("+within+")")
}

func (p *page) body(e *entry) {
	th := p.th
	d := &e.d
	var about string
	switch {
	case e.bodyGone:
		p.heading("Body " + th.MutedStyle.Render("· "+humanize.IBytes(uint64(d.Size))))
		p.wrap("   ", th.MutedStyle.Render("no longer kept: the list keeps bodies up to a memory budget and lets the oldest go first"))
		return
	case d.Body == nil && d.Size > 0:
		p.heading("Body " + th.MutedStyle.Render("· "+humanize.IBytes(uint64(d.Size))+" announced"))
		p.wrap("   ", th.MutedStyle.Render("not read: the request was refused before its body was"))
		return
	case len(d.Body) == 0:
		p.heading("Body " + th.MutedStyle.Render("· empty"))
		return
	case len(d.Body) <= prettyLimit && json.Valid(d.Body):
		about = "JSON, indented here; y copies it as received"
	default:
		about = "as received; y copies it"
	}
	p.heading("Body " + th.MutedStyle.Render("· "+strconv.Itoa(len(d.Body))+" bytes · "+about))
	src := strings.ReplaceAll(d.PrettyBody(), "\t", "    ")
	var lines []string
	if strings.HasPrefix(about, "JSON") {
		lines = detail.Highlight(th, src)
	} else {
		lines = strings.Split(src, "\n")
	}
	p.block(lines)
}

// block adds lines of a body, indented, cut into pieces where too long.
func (p *page) block(lines []string) {
	room := max(p.w-3, 8)
	for _, l := range lines {
		if common.Width(l) <= room {
			p.add("   " + l)
			continue
		}
		for _, piece := range strings.Split(ansi.Hardwrap(l, room, true), "\n") {
			p.add("   " + piece)
		}
	}
}

func (p *page) handler(e *entry) {
	th := p.th
	d := &e.d
	p.heading("Your handler")
	if f := d.Forward; f != nil {
		p.forward(f, "")
	}
	for _, r := range e.replays {
		at := r.at.Local().Format("15:04:05")
		if r.err != "" {
			p.wrap("   ", th.ErrorStyle.Render("✗ replay at "+at+" not sent:")+" "+r.err)
			continue
		}
		p.blank()
		p.forward(&r.res, "replayed at "+at+", signed afresh: ")
	}
}

func (p *page) forward(f *listen.ForwardResult, prefix string) {
	th := p.th
	if f.Status == 0 {
		p.wrap("   ", th.ErrorStyle.Render("✗ "+prefix+"no answer")+": "+f.Err)
		return
	}
	st := th.OKStyle
	if !okStatus(f.Status) {
		st = th.ErrorStyle
	}
	p.wrap("   ", prefix+st.Render("→ "+strconv.Itoa(f.Status))+" from "+f.URL+" in "+latency(f.Latency))
	if f.Err != "" {
		p.wrap("   ", th.WarnStyle.Render("⚠ "+f.Err))
	}
	if strings.TrimSpace(f.Body) == "" {
		p.wrap("   ", th.MutedStyle.Render("(an empty body)"))
		return
	}
	var buf bytes.Buffer
	if !f.Truncated && json.Indent(&buf, []byte(f.Body), "", "  ") == nil {
		p.block(detail.Highlight(th, buf.String()))
	} else {
		p.block(strings.Split(strings.ReplaceAll(f.Body, "\t", "    "), "\n"))
	}
	if f.Truncated {
		p.wrap("   ", th.MutedStyle.Render("… cut at 20 KiB: the handler said more"))
	}
}
