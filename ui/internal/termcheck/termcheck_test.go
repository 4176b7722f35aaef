package termcheck

import (
	"strings"
	"testing"
)

func TestProblems(t *testing.T) {
	clean := "\x1b[?1049h\x1b[?25l\x1b]2;aspect-tui · host\x07\x1b]11;?\x07\x1b[38;2;1;2;3mtext é ✓\x1b[m\x1b[2;5H\x1b[?2026$p PWNTITLE as text"
	if p := Problems([]byte(clean), "PWNTITLE"); len(p) != 0 {
		t.Errorf("the program's own sequences flagged: %q", p)
	}
	for _, bad := range []string{
		"\x1b]0;PWNTITLE\x07", "\x1b]2;PWNTITLE\x07", "\x1b]8;;https://x/\x1b\\", "\x1b]52;c;YQ==\x07",
		"\x1bP+q544e\x1b\\", "\x1b_G\x1b\\", "\x1b^x\x1b\\", "\x1bXx\x1b\\", "\x1b[6n", "\x1b[21t",
		"\u009b6n", "\u009d0;x\u009c", "\u202e", "\u2066", "\xff",
	} {
		if p := Problems([]byte("ok "+bad+" ok"), "PWNTITLE"); len(p) == 0 {
			t.Errorf("%q not flagged", bad)
		} else if !strings.Contains(p[0], "at byte 3") {
			t.Errorf("%q flagged at the wrong place: %q", bad, p)
		}
	}
}
