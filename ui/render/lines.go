package render

import (
	"bytes"
	"image/color"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// A view's line, as lipgloss writes it, is text and SGR sequences (colours
// and attributes). The renderer keeps each screen line's last text and the
// cells it was measured into, and when a line's text changes it writes the
// new line's cells from the first that differs to the last that differs,
// starting with the colours in force there. Nothing else is parsed: no
// cell buffer for the whole screen, no style objects.

// cell is one grapheme of a line: its bytes, its column and width, and
// the SGR sequences in force (those since the last reset, found in
// text[penFrom:penTo] among any text between them).
type cell struct {
	off, end       int32
	penFrom, penTo int32
	col            int32
	w              int32
}

// line is what a screen line shows; the zero line is a blank one, which
// is what every line is after the screen is cleared.
type line struct {
	src   string // the view's line
	text  string // the part of it that fits
	cells []cell
	width int // the columns its cells take
	// whole: a grapheme of more than one code point (a flag, a ZWJ
	// sequence, a letter and its marks), whose width terminals disagree
	// on, so the columns measured may not be where the terminal puts
	// things: the line is written whole from its first column, never
	// from the middle by column.
	whole bool
}

// measure splits s into ln's cells, no wider than maxW in all, and keeps
// in ln.text the part of s that fits. It returns false when s holds
// something other than printable text and SGR sequences (a control
// character, a cursor move): drawn as it is, that would move the
// terminal's cursor where the renderer does not expect it.
func measure(s string, maxW int, m ansi.Method, ln *line) bool {
	out := ln.cells[:0]
	ln.src, ln.text, ln.whole = s, s, false
	col := 0
	defer func() { ln.cells, ln.width = out, col }()
	var penFrom, penTo int
	add := func(i, n, w int) bool {
		if col+w > maxW {
			ln.text = s[:i]
			if col < maxW {
				// A wide character cut by the edge leaves a blank in its
				// colours, as Bubble Tea draws it.
				ln.text += " "
				out = append(out, cell{off: int32(i), end: int32(i + 1), penFrom: int32(penFrom), penTo: int32(penTo), col: int32(col), w: 1})
				col++
			}
			return false
		}
		out = append(out, cell{off: int32(i), end: int32(i + n), penFrom: int32(penFrom), penTo: int32(penTo), col: int32(col), w: int32(w)})
		col += w
		return true
	}
	i := 0
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			// A run of printable ASCII is one column a byte, except that
			// its last character may begin a grapheme with what follows.
			j := i + 1
			for j < len(s) && s[j] >= 0x20 && s[j] < 0x7f {
				j++
			}
			if j < len(s) && s[j] >= 0x80 {
				j--
			}
			for ; i < j; i++ {
				if !add(i, 1, 1) {
					return true
				}
			}
			if i < len(s) && s[i] >= 0x20 && s[i] < 0x7f {
				// The character held back, with the marks that join it.
				cl, w := ansi.FirstGraphemeCluster(s[i:], m)
				n := max(len(cl), 1)
				ln.whole = ln.whole || n > 1
				if !add(i, n, max(w, 1)) {
					return true
				}
				i += n
			}
			continue
		}
		seq, w, n, _ := m.DecodeSequenceInString(s[i:], ansi.NormalState, nil)
		if n <= 0 {
			return false
		}
		switch {
		case c == 0x1b:
			if !isSGR(seq) {
				return false
			}
			if penFrom == penTo || resetsPen(seq) {
				penFrom = i
			}
			penTo = i + n
		case w > 0:
			if _, size := utf8.DecodeRuneInString(seq); size < n {
				ln.whole = true
			}
			if !add(i, n, w) {
				return true
			}
		case mayMark(c):
			// A mark of no width that did not join the grapheme before it
			// (a lone combining mark, or one after a colour change) stays
			// with the cell before it when there is one; else its bytes
			// go out with the cells around it, and the terminal places it.
			if len(out) > 0 && out[len(out)-1].end == int32(i) {
				out[len(out)-1].end = int32(i + n)
			}
			ln.whole = true
		default:
			return false
		}
		i += n
	}
	return true
}

// isSGR reports whether seq is a CSI sequence ending in 'm' with only
// parameters in between.
func isSGR(seq string) bool {
	if len(seq) < 3 || seq[1] != '[' || seq[len(seq)-1] != 'm' {
		return false
	}
	for _, c := range []byte(seq[2 : len(seq)-1]) {
		if (c < '0' || c > '9') && c != ';' && c != ':' {
			return false
		}
	}
	return true
}

// mayMark reports whether a sequence of no width starting with c may be a
// mark (a combining character) rather than a control: not C0, not DEL,
// and not an 8-bit C1 byte.
func mayMark(c byte) bool { return c >= 0x20 && c != 0x7f && (c < 0x80 || c >= 0xc0) }

// resetsPen reports whether an SGR sequence begins with a reset (no
// parameter, or 0 first).
func resetsPen(seq string) bool {
	p := seq[2 : len(seq)-1]
	i := strings.IndexAny(p, ";:")
	if i < 0 {
		i = len(p)
	}
	for _, c := range []byte(p[:i]) {
		if c != '0' {
			return false
		}
	}
	return true
}

// clean is s without what measure refuses: control characters and escape
// sequences other than SGR. A view should hold none; this keeps a stray
// one from moving the cursor.
func clean(s string, m ansi.Method) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		seq, w, n, _ := m.DecodeSequenceInString(s[i:], ansi.NormalState, nil)
		if n <= 0 {
			break
		}
		if (s[i] == 0x1b && isSGR(seq)) || (s[i] != 0x1b && (w > 0 || mayMark(s[i]))) {
			b.WriteString(seq)
		}
		i += n
	}
	return b.String()
}

// sameCell reports whether cell i of a and cell j of b show the same thing
// in the same column.
func sameCell(a *line, i int, b *line, j int) bool {
	x, y := &a.cells[i], &b.cells[j]
	return x.col == y.col && x.w == y.w &&
		a.text[x.off:x.end] == b.text[y.off:y.end] &&
		a.text[x.penFrom:x.penTo] == b.text[y.penFrom:y.penTo]
}

// painter writes the changes of lines into out.
type painter struct {
	out     bytes.Buffer
	profile colorprofile.Profile
	sgr     map[string]string // SGR sequences as the profile writes them
}

// update writes what turns old into nw on screen line y (0-based), a
// screen screenW wide. A line written whole (line.whole) is erased to its
// end, since where the terminal's own measure ended it is not known.
func (p *painter) update(y int, old, nw *line, screenW int) {
	i, jo, jn := 0, len(old.cells), len(nw.cells)
	whole := old.whole || nw.whole
	if !whole {
		for i < jo && i < jn && sameCell(old, i, nw, i) {
			i++
		}
		for jo > i && jn > i && sameCell(old, jo-1, nw, jn-1) {
			jo--
			jn--
		}
	}
	if i < jn {
		first, last := &nw.cells[i], &nw.cells[jn-1]
		p.moveTo(int(first.col), y)
		styled := first.penFrom != first.penTo
		if styled {
			p.pen(nw.text[first.penFrom:first.penTo])
		}
		seg := nw.text[first.off:last.end]
		p.text(seg)
		if styled || strings.IndexByte(seg, 0x1b) >= 0 {
			p.out.WriteString(ansi.ResetStyle)
		}
	}
	// What the old line showed past the new one's end is erased, unless
	// the end was kept (the same cells, in the same columns).
	if jn == len(nw.cells) && (old.width > nw.width || (whole && nw.width < screenW)) {
		if i >= jn {
			p.moveTo(nw.width, y)
		}
		p.out.WriteString(ansi.EraseLineRight)
	}
}

func (p *painter) moveTo(x, y int) {
	b := p.out.AvailableBuffer()
	b = append(b, "\x1b["...)
	b = strconv.AppendInt(b, int64(y+1), 10)
	if x > 0 {
		b = append(b, ';')
		b = strconv.AppendInt(b, int64(x+1), 10)
	}
	b = append(b, 'H')
	p.out.Write(b)
}

// pen writes the SGR sequences among s (text between them is skipped).
func (p *painter) pen(s string) { p.walk(s, false) }

// text writes s, a run of cells and SGR sequences, with the colours
// written as the terminal's profile allows.
func (p *painter) text(s string) {
	if p.profile == colorprofile.TrueColor {
		p.out.WriteString(s)
		return
	}
	p.walk(s, true)
}

// walk writes each SGR sequence of s through sgrOut, and the text between
// them too when withText. A line holds no other sequence (measure).
func (p *painter) walk(s string, withText bool) {
	for s != "" {
		i := strings.IndexByte(s, 0x1b)
		if i < 0 {
			i = len(s)
		}
		if withText {
			p.out.WriteString(s[:i])
		}
		s = s[i:]
		j := strings.IndexByte(s, 'm')
		if j < 0 {
			return
		}
		p.sgrOut(s[:j+1])
		s = s[j+1:]
	}
}

// sgrOut writes one SGR sequence as the profile has it: as it is for true
// colour, else with its colours brought down to the terminal's palette,
// or left out (convertSGR), remembered, since a view uses a few.
func (p *painter) sgrOut(seq string) {
	if p.profile == colorprofile.TrueColor {
		p.out.WriteString(seq)
		return
	}
	conv, ok := p.sgr[seq]
	if !ok {
		conv = convertSGR(seq, p.profile)
		if p.sgr == nil {
			p.sgr = map[string]string{}
		}
		p.sgr[seq] = conv
	}
	p.out.WriteString(conv)
}

// convertSGR is seq for a terminal of profile p, as ultraviolet (Bubble
// Tea) converts a style: colours through p.Convert, dropped below ANSI,
// everything dropped for NoTTY; attributes kept. Unlike
// colorprofile.Writer, a sequence left with nothing to say is dropped,
// not turned into a reset.
func convertSGR(seq string, p colorprofile.Profile) string {
	if p <= colorprofile.NoTTY {
		return ""
	}
	params := strings.Split(seq[2:len(seq)-1], ";")
	if resetsPen(seq) && len(params) == 1 {
		return ansi.ResetStyle
	}
	var out ansi.Style
	for i := 0; i < len(params); i++ {
		n, err := strconv.Atoi(params[i])
		var c color.Color
		var add func(ansi.Style, ansi.Color) ansi.Style
		switch {
		case err != nil:
			// A colon form (38:2::r:g:b) or something else: kept.
			out = append(out, params[i])
			continue
		case n >= 30 && n <= 37, n >= 90 && n <= 97:
			c, add = ansi.BasicColor(basicIndex(n, 30)), ansi.Style.ForegroundColor
		case n >= 40 && n <= 47, n >= 100 && n <= 107:
			c, add = ansi.BasicColor(basicIndex(n, 40)), ansi.Style.BackgroundColor
		case (n == 38 || n == 48 || n == 58) && i+2 < len(params) && params[i+1] == "5":
			x, _ := strconv.Atoi(params[i+2])
			c = ansi.IndexedColor(x)
			i += 2
		case (n == 38 || n == 48 || n == 58) && i+4 < len(params) && params[i+1] == "2":
			r, _ := strconv.Atoi(params[i+2])
			g, _ := strconv.Atoi(params[i+3])
			b, _ := strconv.Atoi(params[i+4])
			c = color.RGBA{R: uint8(r), G: uint8(g), B: uint8(b), A: 0xff}
			i += 4
		default:
			out = append(out, params[i])
			continue
		}
		if add == nil {
			switch n {
			case 38:
				add = ansi.Style.ForegroundColor
			case 48:
				add = ansi.Style.BackgroundColor
			default:
				add = ansi.Style.UnderlineColor
			}
		}
		if cc := p.Convert(c); cc != nil {
			out = add(out, cc)
		}
	}
	if len(out) == 0 {
		return ""
	}
	return out.String()
}

// basicIndex is the colour number (0–15) of a 3/4-bit colour parameter
// whose normal range starts at base (30 or 40).
func basicIndex(n, base int) int {
	if n >= base+60 {
		return n - base - 60 + 8
	}
	return n - base
}
