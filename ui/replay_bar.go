package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/aspect-hq/aspect-tui/ui/common"
)

// bar is the position bar: the play state and speed, the recording's
// clock, a track from the start to the end of the recording with where
// the play is (◆) and where tasks failed (✗), and below it the position
// in events and the keys, or the go-to prompt, or the last message.
func (r *Replay) bar(w int) string {
	th := r.m.ctx.Theme
	now := r.now().UTC()
	state := "▸ " + r.speedText()
	if r.paused {
		state = "■ paused"
	}
	start, end := r.start().UTC(), r.end.UTC()
	left := fmt.Sprintf(" %s  %s ", state, now.Format("15:04:05"))
	right := " " + end.Format("15:04:05") + " "
	trackW := max(10, w-common.Width(left)-common.Width(right))

	span := end.Sub(start)
	col := func(t time.Time) int {
		if span <= 0 {
			return trackW - 1
		}
		c := int(float64(t.Sub(start)) / float64(span) * float64(trackW-1))
		return max(0, min(c, trackW-1))
	}
	cells := make([]string, trackW)
	here := col(now)
	for i := range cells {
		if i < here {
			cells[i] = th.AccentStyle.Render("━")
		} else {
			cells[i] = th.MutedStyle.Render("─")
		}
	}
	for _, f := range r.p.Failures() {
		cells[col(r.p.At(f))] = th.ErrorStyle.Render("✗")
	}
	cells[here] = th.Bold.Render("◆")
	line1 := th.Bold.Render(left) + strings.Join(cells, "") + th.MutedStyle.Render(right)

	var line2 string
	switch {
	case r.prompt != nil:
		line2 = " go to time: " + th.Input.Render(*r.prompt+"▏") + th.MutedStyle.Render("  15:04:05 (UTC, "+start.Format("Jan 2")+"), +2m, -30s or RFC 3339; enter goes, esc cancels")
	default:
		pos := fmt.Sprintf(" event %s of %s · %s UTC → %s", comma(r.p.Pos()), comma(r.p.Len()), start.Format("Jan 2 15:04:05"), end.Format("15:04:05"))
		if n := len(r.p.Failures()); n > 0 {
			pos += fmt.Sprintf(" · %d failure(s) ✗", n)
		}
		keys := "  space pause · , . step · [ ] ±1 min · { } failures · : go to"
		if r.note != "" {
			keys = "  " + r.note
		}
		line2 = pos + th.MutedStyle.Render(keys)
	}
	return ansi.Truncate(line1, w, "") + "\n" + ansi.Truncate(line2, w, "…")
}

func (r *Replay) start() time.Time {
	if s := r.p.Header().Started; !s.IsZero() {
		return s
	}
	if r.p.Len() > 0 {
		return r.p.At(0)
	}
	return time.Time{}
}

func (r *Replay) speedText() string {
	if r.speed == 0 {
		return "max"
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", r.speed), "0"), ".") + "×"
}

// comma writes n with thousands separators: 1,000,000.
func comma(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
