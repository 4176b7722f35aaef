package common

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// Width is the number of cells s takes; plain ASCII is measured without
// the grapheme scan, which is most of what the dashboard draws.
func Width(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

// Fit cuts s (which may hold styles) to w cells, marking a cut with "…",
// or pads it with spaces to exactly w cells.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := Width(s)
	switch {
	case n == w:
		return s
	case n < w:
		return s + spaces(w-n)
	}
	return ansi.Truncate(s, w, "…")
}

// Clip is Fit without the padding.
func Clip(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if Width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// PadLeft right-aligns s in w cells.
func PadLeft(s string, w int) string {
	n := Width(s)
	if n >= w {
		return s
	}
	return spaces(w-n) + s
}

var blanks = strings.Repeat(" ", 512)

func spaces(n int) string {
	if n <= len(blanks) {
		return blanks[:n]
	}
	return strings.Repeat(" ", n)
}

// Spaces is n blanks.
func Spaces(n int) string {
	if n <= 0 {
		return ""
	}
	return spaces(n)
}

// Short is the first n runes of an id, for a column.
func Short(id string, n int) string {
	if len(id) <= n {
		return id
	}
	i := 0
	for j := range id {
		if i == n {
			return id[:j]
		}
		i++
	}
	return id
}

// Age renders a duration coarsely ("3s", "2m", "1h", "4d"), so that most
// frames change few cells. Negative durations (a server clock ahead of
// ours) read as "0s".
func Age(d time.Duration) string {
	switch {
	case d < time.Second:
		return "0s"
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + "d"
}

// Duration renders a duration a little finer than Age: "41s", "3m12s",
// "2h05m", for how long a feature spent in a state.
func Duration(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Second:
		return strconv.Itoa(int(d/time.Millisecond)) + "ms"
	case d < 10*time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		m, s := int(d/time.Minute), int(d%time.Minute/time.Second)
		return strconv.Itoa(m) + "m" + two(s) + "s"
	case d < 48*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		return strconv.Itoa(h) + "h" + two(m) + "m"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + "d"
}

func two(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// Count renders a count with thousands separators: 12,345.
func Count(n int) string {
	s := strconv.Itoa(n)
	if n < 0 || len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// Lines splits a pane's view into exactly h lines of exactly w cells.
func Lines(s string, w, h int) []string {
	var ls []string
	if s != "" {
		ls = strings.Split(s, "\n")
	}
	out := make([]string, h)
	for i := range out {
		if i < len(ls) {
			out[i] = Fit(ls[i], w)
		} else {
			out[i] = spaces(w)
		}
	}
	return out
}

// Wrap word-wraps a message for a pane w cells wide, each line indented by
// one space; nil when the pane is too narrow to say anything.
func Wrap(s string, w int) []string {
	if w < 4 {
		return nil
	}
	ls := strings.Split(ansi.Wordwrap(s, w-2, ""), "\n")
	for i, l := range ls {
		ls[i] = " " + l
	}
	return ls
}

// Window is the h lines of a scrolled view from offset on, joined, with
// lines past the end drawn as w spaces.
func Window(lines []string, offset, w, h int) string {
	end := min(offset+h, len(lines))
	vis := lines[min(offset, end):end]
	var b strings.Builder
	for i := 0; i < h; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i < len(vis) {
			b.WriteString(vis[i])
		} else {
			b.WriteString(Spaces(w))
		}
	}
	return b.String()
}
