package api

import (
	"strings"
	"unicode/utf8"
)

// Clean makes text from the network safe for one line of a terminal: escape
// sequences (CSI, OSC, DCS, APC, PM, SOS, and their 8-bit C1 forms) are
// removed whole, other C0 and C1 controls and DEL are dropped, bidirectional
// overrides and isolates are dropped, invalid UTF-8 becomes U+FFFD, and
// newlines and tabs become spaces. Printable ASCII comes back unchanged and
// unallocated, so the common case costs one scan.
func Clean(s string) string { return clean(s, false) }

// CleanBlock is Clean for multi-line text (response bodies, pretty-printed
// JSON): newlines and tabs are kept, "\r\n" becomes "\n", and a lone "\r"
// becomes "\n" so it cannot move the cursor back over what was drawn.
func CleanBlock(s string) string { return clean(s, true) }

// Clip cleans s and cuts it to at most n runes, marking a cut with "…".
func Clip(s string, n int) string {
	s = Clean(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

func clean(s string, block bool) string {
	if plainASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	term := unknownTerm
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == 0x1b:
			i = skipEscape(s, i+1, &term)
			continue
		case c == '\n' || c == '\t':
			if block {
				b.WriteByte(c)
			} else {
				b.WriteByte(' ')
			}
			i++
			continue
		case c == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
				continue
			}
			if block {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
			i++
			continue
		case c < 0x20 || c == 0x7f:
			i++
			continue
		case c < 0x80:
			b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			b.WriteRune(utf8.RuneError)
			i++
			continue
		}
		switch {
		case r >= 0x80 && r <= 0x9f:
			i = skipC1(s, r, i+size, &term)
			continue
		case isBidiControl(r):
			i += size
			continue
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}

// unknownTerm marks that lastTerm has not been looked for yet.
const unknownTerm = -2

// skipEscape returns the index just past the escape sequence whose ESC was
// at i-1. term caches lastTerm(s) for skipString.
func skipEscape(s string, i int, term *int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_':
		return skipString(s, i+1, term)
	}
	// Two-byte and nF escapes: intermediates 0x20-0x2F, then one final byte.
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipCSI skips parameters and intermediates up to and including the final
// byte. A byte that cannot belong to a CSI ends it without being consumed.
func skipCSI(s string, i int) int {
	for i < len(s) {
		c := s[i]
		switch {
		case c >= 0x20 && c <= 0x3f:
			i++
		case c >= 0x40 && c <= 0x7e:
			return i + 1
		default:
			return i
		}
	}
	return i
}

// skipString skips an OSC, DCS, SOS, PM or APC body up to its terminator:
// BEL, ESC \ or the C1 ST (U+009C). Unterminated, the introducer alone is
// dropped and the rest is kept as (now inert) text.
//
// Past the last byte that could end a string no scan can succeed, so none
// is made: a run of unterminated introducers (U+009D repeated through a
// 20 KB response) would otherwise cost a scan each, quadratic in all.
func skipString(s string, i int, term *int) int {
	if *term == unknownTerm {
		*term = lastTerm(s)
	}
	if i > *term {
		return i
	}
	for j := i; j < len(s); j++ {
		switch s[j] {
		case 0x07:
			return j + 1
		case 0x1b:
			if j+1 < len(s) && s[j+1] == '\\' {
				return j + 2
			}
			return j
		case 0xc2:
			if j+1 < len(s) && s[j+1] == 0x9c {
				return j + 2
			}
		}
	}
	return i
}

// lastTerm is the index of the last byte that may end a string sequence
// (BEL, ESC, or the first byte of U+009C), or -1.
func lastTerm(s string) int {
	for j := len(s) - 1; j >= 0; j-- {
		switch s[j] {
		case 0x07, 0x1b:
			return j
		case 0xc2:
			if j+1 < len(s) && s[j+1] == 0x9c {
				return j
			}
		}
	}
	return -1
}

func skipC1(s string, r rune, i int, term *int) int {
	switch r {
	case 0x9b: // CSI
		return skipCSI(s, i)
	case 0x9d, 0x90, 0x98, 0x9e, 0x9f: // OSC, DCS, SOS, PM, APC
		return skipString(s, i, term)
	}
	return i
}

func isBidiControl(r rune) bool {
	switch {
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}
