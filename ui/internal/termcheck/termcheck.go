// Package termcheck reads what a program wrote to a terminal and reports
// the control sequences a hostile string could have smuggled in. It is for
// tests: the dashboard and the listen screen write their own sequences (styles,
// cursor moves, modes, the window title, a background colour query), and
// a sanitizer that works leaves no other.
package termcheck

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Problems lists what in out a terminal would act on that the program
// does not write itself: any DCS, APC, PM or SOS string; any OSC but a
// window title free of payload text and the colour queries; CSI reports
// and window operations (n, t) that make a terminal answer into the input
// or change itself; 8-bit C1 controls; bidirectional controls; invalid
// UTF-8. payload words (the hostile strings' markers) may show as text,
// but not inside a sequence.
func Problems(out []byte, payload ...string) []string {
	var probs []string
	add := func(i int, format string, args ...any) {
		probs = append(probs, fmt.Sprintf("at byte %d: %s: …%q…", i, fmt.Sprintf(format, args...), out[max(0, i-40):min(len(out), i+60)]))
	}
	for i := 0; i < len(out); {
		c := out[i]
		if c == 0x1b && i+1 < len(out) {
			switch out[i+1] {
			case ']':
				end, body := stringEnd(out, i+2)
				if !allowedOSC(body, payload) {
					add(i, "OSC %q", body)
				}
				i = end
				continue
			case 'P', '_', '^', 'X':
				add(i, "string sequence ESC %c", out[i+1])
				end, _ := stringEnd(out, i+2)
				i = end
				continue
			case '[':
				j := i + 2
				for j < len(out) && (out[j] < 0x40 || out[j] > 0x7e) {
					j++
				}
				if j < len(out) {
					if f := out[j]; f == 'n' || f == 't' {
						add(i, "CSI ending %q", f)
					}
				}
				i = j + 1
				continue
			}
			i += 2
			continue
		}
		r, size := utf8.DecodeRune(out[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			add(i, "invalid UTF-8")
		case r >= 0x80 && r <= 0x9f:
			add(i, "C1 control %U", r)
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
			add(i, "bidirectional control %U", r)
		}
		i += size
	}
	return probs
}

// stringEnd is the index past a string sequence's terminator (BEL or
// ESC \) and its body.
func stringEnd(out []byte, from int) (int, string) {
	for j := from; j < len(out); j++ {
		switch {
		case out[j] == 0x07:
			return j + 1, string(out[from:j])
		case out[j] == 0x1b && j+1 < len(out) && out[j+1] == '\\':
			return j + 2, string(out[from:j])
		}
	}
	return len(out), string(out[from:])
}

func allowedOSC(body string, payload []string) bool {
	switch body {
	case "10;?", "11;?", "12;?":
		return true
	}
	title, ok := strings.CutPrefix(body, "2;")
	if !ok {
		return false
	}
	for _, p := range payload {
		if strings.Contains(title, p) {
			return false
		}
	}
	return true
}
