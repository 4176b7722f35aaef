// Package statusbar draws the header (the API and the connection's phase)
// and the status line: the connection in words (live since when,
// reconnecting and when the next try is, or why it stopped), events per
// second with a sparkline of the last minute, tasks per overall state and
// the skipped events with the key that opens their log.
package statusbar

import (
	"strconv"
	"strings"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/health"
	"github.com/aspect-hq/aspect-tui/ui/theme"
)

// window is how many seconds of event counts the sparkline covers.
const window = 60

// Model is the status line's state. It is not a pane: it never has focus.
type Model struct {
	ctx *common.Context

	conn     feed.ConnState
	haveConn bool

	buckets  [window]int // events per second, by unix second mod window
	lastSec  int64
	firstSec int64

	counts  feed.Counts
	skipped int

	note      string // what an action did, or why a key did nothing
	noteLevel int    // 0 info, 1 warning, 2 error
	noteUntil time.Time
	hidden    []string // features hidden because the API does not offer them
	alerts    []health.Alert
	acct      account // the key's account (account.go)
}

// NoteFor is how long a note stays in the status line.
const NoteFor = 8 * time.Second

// SetNote shows a one-line note from now on for NoteFor. level is 0 for
// information, 1 for a warning, 2 for an error.
func (m *Model) SetNote(now time.Time, text string, level int) {
	m.note, m.noteLevel, m.noteUntil = api.Clean(text), level, now.Add(NoteFor)
}

// Note is the note shown at now, or "".
func (m *Model) Note(now time.Time) string {
	if now.After(m.noteUntil) {
		return ""
	}
	return m.note
}

// Hide records a feature hidden for the session because the API does not
// offer its route; the status line keeps a short mark of it.
func (m *Model) Hide(feature string) {
	for _, f := range m.hidden {
		if f == feature {
			return
		}
	}
	m.hidden = append(m.hidden, feature)
}

// Hidden is the features hidden so far.
func (m *Model) Hidden() []string { return m.hidden }

// New returns a status line; the connection starts as connecting.
func New(ctx *common.Context) *Model {
	return &Model{ctx: ctx, conn: feed.ConnState{Phase: feed.PhaseConnecting}}
}

// SetConn records a new connection state.
func (m *Model) SetConn(c feed.ConnState) {
	m.conn, m.haveConn = c, true
}

// Conn is the connection state last recorded.
func (m *Model) Conn() feed.ConnState { return m.conn }

// Stopped records that the feed ended for good, and why.
func (m *Model) Stopped(reason string) {
	m.conn.Phase = feed.PhaseStopped
	m.conn.Reason = reason
}

// Record counts events received at now.
func (m *Model) Record(now time.Time, n int) {
	m.Advance(now)
	m.buckets[m.lastSec%window] += n
}

// Advance moves the window to now, zeroing the seconds that passed. It is
// called from Update (on every tick and batch), never from View.
func (m *Model) Advance(now time.Time) {
	sec := now.Unix()
	if m.firstSec == 0 {
		m.firstSec, m.lastSec = sec, sec
		return
	}
	if sec <= m.lastSec {
		return
	}
	for s := m.lastSec + 1; s <= sec && s-m.lastSec <= window; s++ {
		m.buckets[s%window] = 0
	}
	m.lastSec = sec
}

// SetCounts records the store's tallies and the number of skipped events.
func (m *Model) SetCounts(c feed.Counts, skipped int) {
	m.counts, m.skipped = c, skipped
}

// Rate is events per second over the last five whole seconds.
func (m *Model) Rate() float64 {
	n := min(5, m.lastSec-m.firstSec)
	if n <= 0 {
		return 0
	}
	sum := 0
	for s := m.lastSec - n; s < m.lastSec; s++ {
		sum += m.buckets[s%window]
	}
	return float64(sum) / float64(n)
}

var bars = []string{"▂", "▃", "▄", "▅", "▆", "▇", "█"}

// Sparkline draws the last minute's whole seconds in width cells.
func (m *Model) Sparkline(width int) string {
	if width <= 0 {
		return ""
	}
	per := (window + width - 1) / width
	vals := make([]int, width)
	top := 0
	for i := range vals {
		for j := 0; j < per; j++ {
			s := m.lastSec - int64(window) + int64(i*per+j)
			if s < m.firstSec || s >= m.lastSec {
				continue
			}
			vals[i] += m.buckets[s%window]
		}
		top = max(top, vals[i])
	}
	var b strings.Builder
	for _, v := range vals {
		if v == 0 || top == 0 {
			b.WriteString("▁")
			continue
		}
		b.WriteString(bars[min(len(bars)-1, (v*len(bars)-1)/top)])
	}
	return b.String()
}

func rate(r float64) string {
	switch {
	case r >= 10000:
		return strconv.FormatFloat(r/1000, 'f', 0, 64) + "k/s"
	case r >= 1000:
		return strconv.FormatFloat(r/1000, 'f', 1, 64) + "k/s"
	case r >= 10 || r == 0:
		return strconv.FormatFloat(r, 'f', 0, 64) + "/s"
	}
	return strconv.FormatFloat(r, 'f', 1, 64) + "/s"
}

// ConnText is the connection in a few words, with its glyph.
func (m *Model) ConnText(long bool) string {
	th := m.ctx.Theme
	now := m.ctx.Now
	c := m.conn
	switch c.Phase {
	case feed.PhaseLive:
		s := "● live"
		if !c.Since.IsZero() {
			if long {
				s += " since " + c.Since.Local().Format("15:04:05") + " (" + common.Age(now.Sub(c.Since)) + ")"
			} else {
				s += " " + common.Age(now.Sub(c.Since))
			}
		}
		switch {
		case c.Reconnects > 0 && long && c.LastDrop != "":
			s += ", " + plural(c.Reconnects, "reconnect") + " (last: " + api.Clip(c.LastDrop, 60) + ")"
		case c.Reconnects > 0:
			s += ", " + plural(c.Reconnects, "reconnect")
		}
		return th.OKP.S(s)
	case feed.PhaseReconnecting:
		s := "◌ reconnecting"
		if c.Attempt > 0 {
			s += ", attempt " + strconv.Itoa(c.Attempt)
		}
		if !c.NextTry.IsZero() {
			if d := c.NextTry.Sub(now); d > 0 {
				s += " in " + common.Age(d+time.Second-1)
			} else {
				s += " now"
			}
		}
		if c.Reason != "" && long {
			s += ": " + api.Clean(c.Reason)
		}
		return th.WarnP.S(s)
	case feed.PhasePolling:
		// No live stream: the grid follows GET /tasks/active, and why is
		// the first thing a user asks (the header has room for less).
		if !long {
			every := common.Age(c.PollEvery)
			if c.PollEvery < time.Second {
				every = c.PollEvery.String()
			}
			return th.WarnP.S("◌ polling every " + every + ", no live stream")
		}
		return th.WarnP.S("◌ " + api.Clean(c.Summary()))
	case feed.PhaseStopped:
		s := "✗ stopped"
		if c.Reason != "" {
			s += ": " + api.Clean(c.Reason)
		}
		return th.ErrorP.S(s)
	}
	if c.Attempt > 1 || c.Reconnects > 0 {
		// Connecting again: the wait is over, and why the last one failed
		// is still the best explanation on screen.
		s := "◌ connecting, attempt " + strconv.Itoa(max(c.Attempt, 1)) + "…"
		if long && c.LastDrop != "" {
			s += " (last: " + api.Clip(c.LastDrop, 60) + ")"
		}
		return th.WarnP.S(s)
	}
	return th.MutedP.S("◌ connecting…")
}

func plural(n int, s string) string {
	if n == 1 {
		return "1 " + s
	}
	return strconv.Itoa(n) + " " + s + "s"
}

// View is the status line, width cells wide. Pieces that do not fit are
// left out from the right, the connection first to stay.
func (m *Model) View(width int) string {
	th := m.ctx.Theme
	wide := width >= 120
	sep := th.MutedP.S(" · ")
	spark, label, gap := 10, "", " "
	if wide {
		spark, label, gap = 30, "events ", "  "
	}
	events := th.MutedP.S(label) + rate(m.Rate()) + " " + th.AccentP.S(m.Sparkline(spark))
	counts := th.States[api.StateProcessing][theme.Normal].S("● "+common.Count(m.counts.Active)+" active") + gap +
		th.States[api.StateFailed][theme.Normal].S("✗ "+common.Count(m.counts.Failed)+" failed") + gap +
		th.States[api.StateCompleted][theme.Normal].S("✓ "+common.Count(m.counts.Done)+" done")
	skipStyle := th.MutedP
	if m.skipped > 0 {
		skipStyle = th.WarnP
	}
	skipped := skipStyle.S("skipped "+common.Count(m.skipped)) + th.MutedP.S(" ("+m.ctx.Keys.Log.Label()+")")
	if wide {
		skipped = skipStyle.S("skipped "+common.Count(m.skipped)) + th.MutedP.S(" ("+m.ctx.Keys.Log.Label()+" log)")
	}
	conn := m.ConnText(wide || m.conn.Phase != feed.PhaseLive)
	pieces := []string{conn}
	if note := m.Note(m.ctx.Now); note != "" {
		// A note is what the user just asked about: it comes before the
		// counts, which drop off first when the line is short.
		p := th.OKP
		switch m.noteLevel {
		case 1:
			p = th.WarnP
		case 2:
			p = th.ErrorP
		}
		pieces = append(pieces, p.S(note))
	}
	if a := m.alertsText(wide); a != "" {
		pieces = append(pieces, a)
	}
	if len(m.hidden) > 0 {
		pieces = append(pieces, th.WarnP.S("⊘ not offered: "+strings.Join(m.hidden, ", ")))
	}
	pieces = append(pieces, events, counts, skipped)
	line := " " + strings.Join(pieces, sep)
	for n := len(pieces) - 1; common.Width(line) > width && n > 1; n-- {
		line = " " + strings.Join(pieces[:n], sep)
	}
	return common.Fit(line, width)
}

// Header is the top line: the app, the API it talks to and the phase.
func (m *Model) Header(width int, title string) string {
	th := m.ctx.Theme
	left := " " + th.FocusTitleP.S("aspect-tui") + th.MutedP.S("  "+api.Clean(m.ctx.APIURL))
	if title != "" {
		left += th.MutedP.S("  " + title)
	}
	right := m.ConnText(false) + " "
	if acct := m.accountText(); acct != "" && width-common.Width(left)-common.Width(right)-common.Width(acct) >= 4 {
		right = acct + "   " + right
	}
	gap := width - common.Width(left) - common.Width(right)
	if gap < 1 {
		return common.Fit(left, width)
	}
	return left + common.Spaces(gap) + right
}
