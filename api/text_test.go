package api_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aspect-hq/aspect-tui/api"
)

// cleanCases are hostile strings from the network and what a terminal may
// be shown of them. They also seed FuzzClean (testdata/fuzz/FuzzClean).
var cleanCases = []struct {
	name, in, line, block string // line: Clean; block: CleanBlock
}{
	{"printable ASCII", "GET /tasks/active 200 {\"ok\": true} ~!@#$%^&*()", "GET /tasks/active 200 {\"ok\": true} ~!@#$%^&*()", ""},
	{"non-ASCII text", "héllo 世界 🎬 – ✓", "héllo 世界 🎬 – ✓", ""},
	{"CSI colour", "\x1b[31mred\x1b[0m plain", "red plain", ""},
	{"CSI erase and home", "a\x1b[2J\x1b[Hb", "ab", ""},
	{"CSI private mode", "\x1b[?1049h\x1b[?25lx", "x", ""},
	{"CSI cut by a control", "\x1b[31\x07m!", "m!", ""},
	{"CSI unterminated at end", "ok\x1b[38;5", "ok", ""},
	{"OSC title BEL", "\x1b]0;pwned\x07ok", "ok", ""},
	{"OSC title ST", "\x1b]2;pwned\x1b\\ok", "ok", ""},
	{"OSC hyperlink", "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\ here", "click here", ""},
	{"OSC 52 clipboard BEL", "\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07done", "done", ""},
	{"OSC 52 clipboard ST", "\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x1b\\done", "done", ""},
	{"OSC ended by C1 ST", "\x1b]0;t\u009cok", "ok", ""},
	{"OSC unterminated keeps inert text", "\x1b]0;title", "0;title", ""},
	{"DCS", "\x1bP1$r0m\x1b\\ok", "ok", ""},
	{"DCS request status", "\x1bP$qm\x1b\\ok", "ok", ""},
	{"APC kitty graphics", "\x1b_Gf=100,a=T;iVBORw0KGgo=\x1b\\ok", "ok", ""},
	{"PM and SOS", "\x1b^private\x1b\\\x1bXstart\x1b\\ok", "ok", ""},
	{"8-bit CSI", "\u009b31mred\u009b0m", "red", ""},
	{"8-bit OSC", "\u009d0;title\u0007ok", "ok", ""},
	{"8-bit OSC with C1 ST", "\u009d8;;https://evil.example/\u009clink", "link", ""},
	{"8-bit DCS and APC", "\u0090q#0\u009c\u009fapc\u009cok", "ok", ""},
	{"other C1 controls", "a\u0085b\u008dc\u009cd", "abcd", ""},
	{"raw C1 byte is not UTF-8", "\x9b31mred", "\uFFFD31mred", ""},
	{"lone ESC at the end", "abc\x1b", "abc", ""},
	{"ESC before non-ASCII", "a\x1bé", "aé", ""},
	{"two-byte escapes", "\x1bcreset \x1b7save\x1b8", "reset save", ""},
	{"nF escape", "\x1b(Bx\x1b#8y", "xy", ""},
	{"C0 controls", "a\x00b\x07c\x08d\x0be\x0cf\x1ag", "abcdefg", ""},
	{"DEL", "a\x7fb", "ab", ""},
	{"tabs and newlines", "a\tb\nc", "a b c", "a\tb\nc"},
	{"CR overwrite trick", "safe\rEVIL", "safe EVIL", "safe\nEVIL"},
	{"CRLF", "one\r\ntwo\r\n", "one two ", "one\ntwo\n"},
	{"bidi overrides", "user\u202egnp.exe\u202c ok", "usergnp.exe ok", ""},
	{"bidi isolates and marks", "\u2066a\u2067b\u2068c\u2069\u200ed\u200fe\u061cf", "abcdef", ""},
	{"invalid UTF-8", "a\xffb\xc0\xafc", "a\uFFFDb\uFFFD\uFFFDc", ""},
	{"truncated UTF-8 at the end", "a\xe2\x82", "a\uFFFD\uFFFD", ""},
	// An OSC cut short by ESC ends there; the CSI after it goes whole.
	{"escape inside an escape", "\x1b]0;a\x1b[31mb\x07c", "bc", ""},
}

func TestClean(t *testing.T) {
	for _, tc := range cleanCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := api.Clean(tc.in); got != tc.line {
				t.Errorf("Clean(%q) = %q; want %q", tc.in, got, tc.line)
			}
			block := tc.block
			if block == "" {
				block = tc.line
			}
			if got := api.CleanBlock(tc.in); got != block {
				t.Errorf("CleanBlock(%q) = %q; want %q", tc.in, got, block)
			}
			checkClean(t, tc.in)
		})
	}
}

func TestCleanPrintableASCIIIsFree(t *testing.T) {
	s := strings.Repeat("GET /webhooks/delivery-attempts?status=2 -> 503 {\"detail\": \"busy\"} ", 8)
	for name, f := range map[string]func(string) string{
		"Clean":      api.Clean,
		"CleanBlock": api.CleanBlock,
		"Clip":       func(s string) string { return api.Clip(s, 1000) },
	} {
		var out string
		if n := testing.AllocsPerRun(100, func() { out = f(s) }); n != 0 {
			t.Errorf("%s allocates %v times on printable ASCII; want 0", name, n)
		}
		if out != s {
			t.Errorf("%s changed printable ASCII", name)
		}
	}
}

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"hello", 10, "hello"},
		{"hello", 5, "hello"},
		{"hello world", 5, "hell…"},
		{"\x1b[31mhello\x1b[0m", 5, "hello"},
		{"日本語のテキスト", 3, "日本…"},
		{"abc", 1, "…"},
		{"abc", 0, ""},
		{"", 0, ""},
		{"a\nb", 3, "a b"},
	} {
		if got := api.Clip(tc.in, tc.n); got != tc.want {
			t.Errorf("Clip(%q, %d) = %q; want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

// checkClean asserts what must hold of the sanitizer for any input.
func checkClean(t *testing.T, in string) {
	t.Helper()
	line, block := api.Clean(in), api.CleanBlock(in)
	for _, c := range []struct {
		name, out string
		allowed   string
	}{{"Clean", line, ""}, {"CleanBlock", block, "\n\t"}} {
		if !utf8.ValidString(c.out) {
			t.Fatalf("%s(%q) = %q: not valid UTF-8", c.name, in, c.out)
		}
		for _, r := range c.out {
			if unsafeRune(r) && !strings.ContainsRune(c.allowed, r) {
				t.Fatalf("%s(%q) = %q: holds %U", c.name, in, c.out, r)
			}
		}
	}
	if again := api.Clean(line); again != line {
		t.Fatalf("Clean is not idempotent on %q: %q then %q", in, line, again)
	}
	if again := api.CleanBlock(block); again != block {
		t.Fatalf("CleanBlock is not idempotent on %q: %q then %q", in, block, again)
	}
	if printable(in) && (line != in || block != in) {
		t.Fatalf("printable ASCII %q changed: %q, %q", in, line, block)
	}
	for _, n := range []int{0, 1, 7, 80} {
		clip := api.Clip(in, n)
		if utf8.RuneCountInString(clip) > n {
			t.Fatalf("Clip(%q, %d) = %q is longer than %d runes", in, n, clip, n)
		}
		if n > 0 && clip != line && !strings.HasSuffix(clip, "…") {
			t.Fatalf("Clip(%q, %d) = %q cut without a mark", in, n, clip)
		}
	}
}

// unsafeRune is what must never reach a terminal: ESC and every other C0
// control, DEL, C1 controls and bidirectional overrides, isolates and marks.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func FuzzClean(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) { checkClean(t, s) })
}

func TestMask(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"sk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_live_••••p7dc"},
		{"sk_test_4eC39HqLyjWDarjtT1zdp7dc", "sk_test_••••p7dc"},
		{"sk_sim_0123456789abcdef", "sk_sim_••••cdef"},
		{"sk_0123456789abcdef", "sk_••••cdef"},
		{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_••••LaSw"},
		{"whsec_short", "whsec_••••"},
		{"sk_live_", "sk_live_••••"},
		{"0123456789abcdef", "••••cdef"},
		{"hunter2", "••••"},
		{"sk_ççççççççççççxyzé", "sk_••••xyzé"},  // runes, not bytes
		{"sk_0123456789abc\x07d", "sk_••••bcd"}, // the tail is cleaned
	} {
		if got := api.Mask(tc.in); got != tc.want {
			t.Errorf("Mask(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

// MaskSecrets finds keys and signing secrets inside other text, and
// leaves words that merely contain the prefixes alone.
func TestMaskSecrets(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"nothing secret here", "nothing secret here"},
		{"Bearer sk_live_4eC39HqLyjWDarjtT1zdp7dc", "Bearer sk_live_••••p7dc"},
		{"keys sk_test_4eC39HqLyjWDarjtT1zdp7dc,whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw.", "keys sk_test_••••p7dc,whsec_••••LaSw."},
		{`{"secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}`, `{"secret":"whsec_••••LaSw"}`},
		{"task_0123456789abcdef and disk_usage_9876543210", "task_0123456789abcdef and disk_usage_9876543210"},
		{"sk_short", "sk_short"},
	} {
		if got := api.MaskSecrets(tc.in); got != tc.want {
			t.Errorf("MaskSecrets(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

// Whatever the secret, Mask keeps its prefix and never shows it whole.
func TestMaskNeverShowsTheSecret(t *testing.T) {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=_-"
	for _, prefix := range []string{"sk_live_", "sk_test_", "sk_sim_", "sk_", "whsec_", ""} {
		for n := 0; n <= 64; n++ {
			var b strings.Builder
			for i := range n {
				b.WriteByte(alphabet[(i*7+n)%len(alphabet)])
			}
			secret := prefix + b.String()
			got := api.Mask(secret)
			if secret != "" && (got == secret || strings.Contains(got, b.String()) && n > 0) {
				t.Errorf("Mask(%q) = %q shows the secret", secret, got)
			}
			if !strings.HasPrefix(got, prefix) {
				t.Errorf("Mask(%q) = %q lost the prefix %q", secret, got, prefix)
			}
			if n >= 8 && len(got)-len(prefix) > 4+len("••••") {
				t.Errorf("Mask(%q) = %q shows more than four characters", secret, got)
			}
		}
	}
}

// A body of unterminated string introducers once cost a scan per
// introducer: 80 KB took 3.4 s. The bound is loose; quadratic would take
// half an hour on this input.
func TestCleanIsLinearOnUnterminatedIntroducers(t *testing.T) {
	for _, unit := range []string{"\u009d", "\u0090", "\u009f", "\x1b]", "\u009b", "\x1b]0;\u009d"} {
		s := strings.Repeat(unit, (2<<20)/len(unit))
		start := time.Now()
		out := api.CleanBlock(s)
		if el := time.Since(start); el > 2*time.Second {
			t.Errorf("CleanBlock of 2 MiB of %q took %v", unit, el)
		}
		if strings.ContainsAny(out, "\x1b\u009d\u0090\u009f\u009b") {
			t.Errorf("CleanBlock of %q left an introducer", unit)
		}
	}
}

func BenchmarkClean(b *testing.B) {
	for name, s := range map[string]string{
		"ascii-200B":     strings.Repeat("GET /tasks/active 200 ", 10),
		"ansi-log-200B":  strings.Repeat("\x1b[1;31mERROR\x1b[0m é 503 ", 10),
		"hostile-20KiB":  strings.Repeat("\u009d", 10<<10),
		"response-20KiB": strings.Repeat("{\"detail\": \"upstream timed out\"}\r\n\t", 600),
	} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				api.CleanBlock(s)
			}
		})
	}
}
