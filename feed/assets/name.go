package assets

import (
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"

	"github.com/aspect-hq/aspect-tui/api"
)

// MaxName is the most runes of a name kept: a longer one (a 10,000-character
// name is possible: nothing in the API bounds it) is cut in the middle,
// keeping its extension. Filesystems stop at 255 bytes.
const MaxName = 255

// DisplayName is a name from the network made safe for one line of a
// terminal (control sequences, bidi overrides and other controls removed)
// and cut to MaxName runes, keeping its extension; "" when nothing is
// left.
func DisplayName(raw string) string {
	s := strings.TrimSpace(api.Clean(raw))
	if utf8.RuneCountInString(s) <= MaxName {
		return s
	}
	r := []rune(s)
	tail := min(len(r)/3, 40)
	if ext := extRunes(r); ext > 0 && ext <= 12 {
		tail = max(tail, ext+4)
	}
	return string(r[:MaxName-1-tail]) + "…" + string(r[len(r)-tail:])
}

// extRunes is the length in runes of the extension (the dot included), or
// 0 when there is none.
func extRunes(r []rune) int {
	for i := len(r) - 1; i > 0 && len(r)-i <= 16; i-- {
		switch r[i] {
		case '.':
			return len(r) - i
		case '/', ' ':
			return 0
		}
	}
	return 0
}

// Shorten fits a display name into w terminal cells, cutting it in the
// middle so that the start and the extension stay: "interview-fi…al.mp4".
// It measures cells, so wide characters count twice.
func Shorten(name string, w int) string {
	if w <= 0 {
		return ""
	}
	if width(name) <= w {
		return name
	}
	if w == 1 {
		return "…"
	}
	r := []rune(name)
	room := w - 1 // the "…"
	tailW := room / 3
	if ext := extRunes(r); ext > 0 {
		if ew := width(string(r[len(r)-ext:])); ew+2 <= room-2 {
			tailW = max(tailW, ew+2)
		}
	}
	headW := room - tailW
	var b strings.Builder
	used := 0
	for _, c := range r {
		cw := runewidth.RuneWidth(c)
		if used+cw > headW {
			break
		}
		b.WriteRune(c)
		used += cw
	}
	tail := len(r)
	usedTail := 0
	for tail > 0 {
		cw := runewidth.RuneWidth(r[tail-1])
		if usedTail+cw > room-used {
			break
		}
		tail--
		usedTail += cw
	}
	b.WriteString("…")
	b.WriteString(string(r[tail:]))
	return b.String()
}

func width(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return runewidth.StringWidth(s)
		}
	}
	return len(s)
}
