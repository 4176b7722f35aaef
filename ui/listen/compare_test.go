package listen

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
)

// bodyWith is the test body with the proxy feature in state.
func bodyWith(task, state string) string {
	return strings.Replace(strings.Replace(body, `"completed"}}`, `"`+state+`"}}`, 1), `"t_1"`, `"`+task+`"`, 1)
}

func TestSearchLooksInsideBodiesByTextOrPath(t *testing.T) {
	h := newHarness(t, setup{w: 160, h: 45})
	for i, st := range []string{"completed", "failed", "completed", "failed"} {
		b := bodyWith("t_"+string(rune('a'+i)), st)
		h.post("/p", signed(t, secret1, "msg_s"+string(rune('a'+i)), h.stamp(), b), b)
	}
	h.pump(4)
	h.press("/")
	h.typeText("data.task.features.proxy.state=failed")
	h.press("enter")
	h.must("Requests 2 of 4")
	if got := strings.Join(h.seqs(), " "); got != "#4 #2" {
		t.Errorf("rows %s, want #4 #2:\n%s", got, h.screen())
	}
	h.press("/", "ctrl+u")
	h.typeText("T_C") // a substring of one body, case folded
	h.must("Requests 1 of 4")
	if got := strings.Join(h.seqs(), " "); got != "#3" {
		t.Errorf("rows %s, want #3", got)
	}
}

func TestCompareTwoRequests(t *testing.T) {
	h := newHarness(t, setup{w: 160, h: 45})
	a, b := bodyWith("t_1", "completed"), bodyWith("t_1", "failed")
	h.post("/p", signed(t, secret1, "msg_c1", h.stamp(), a), a)
	h.post("/p", signed(t, secret1, "msg_c2", h.stamp(), b), b)
	h.pump(2)
	h.press("=")
	h.must("no request is marked")
	h.press("m")
	h.must("marked #2 to compare")
	h.press("j", "=")
	h.must("Compare #2 with #1", "LEFT  #2 (marked) POST /p", "RIGHT #1 POST /p",
		"the same on both sides") // headers that do not differ are counted, not listed
	h.mustNot("  user-agent")
	for _, want := range []string{"≠ svix-id", "≠ data.task.features.proxy.state", "≠ svix-signature"} {
		if h.line(want) == "" {
			t.Errorf("no %q:\n%s", want, h.screen())
		}
	}
	if l := h.line("data.task.id"); strings.HasPrefix(strings.TrimLeft(l, "┃ "), "≠") {
		t.Errorf("an equal key is marked: %q", l)
	}
	h.press("esc")
	h.mustNot("Compare #2 with #1")
}

func TestExportedCurlFromListenIsAnswered204(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed here, so the exported command cannot be run")
	}
	h := newHarness(t, setup{w: 160, h: 45, realClock: true})
	dir := t.TempDir()
	h.m.opts.ExportDir = dir
	h.post("/hooks", signed(t, secret1, "msg_x1", time.Now(), body), body)
	h.pump(1)
	var clip []string
	cmd := h.send(uitest.Key("E"))
	for _, msg := range runAll(cmd) {
		if s, ok := msg.(exportedMsg); ok {
			h.send(s)
		} else if strings.HasPrefix(fmtType(msg), "tea.setClipboardMsg") {
			clip = append(clip, strings.TrimSpace(fmtMsg(msg)))
		}
	}
	h.must("copied a signed curl command (OSC 52; good until")
	if len(clip) != 1 {
		t.Fatalf("clipboard %q", clip)
	}
	out, err := exec.Command("sh", "-c", clip[0]).CombinedOutput()
	if err != nil || !strings.HasSuffix(strings.TrimSpace(string(out)), "204") {
		t.Fatalf("curl: %v %s", err, out)
	}
	h.pump(1)
	h.must("received 2 · ✓ 2 verified", "↻ #1")
	if _, err := os.Stat(filepath.Join(dir, "redeliver-msg_x1.sh")); err != nil {
		t.Error(err)
	}
	// A fixture needs no secret; an unwritable directory is said and
	// leaves nothing.
	h.m.opts.ExportDir = filepath.Join(dir, "missing")
	for _, msg := range runAll(h.send(uitest.Key("F"))) {
		h.send(msg)
	}
	h.must("no fixture: cannot write to " + filepath.Join(dir, "missing"))
	h.m.opts.ExportDir = dir
	for _, msg := range runAll(h.send(uitest.Key("F"))) {
		h.send(msg)
	}
	h.must("wrote a test fixture to " + filepath.Join(dir, "fixture-msg_x1"))
}

// runAll runs a Cmd and each of a batch, skipping the notice's timer.
func runAll(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	var out []tea.Msg
	var run func(tea.Cmd)
	run = func(c tea.Cmd) {
		if c == nil {
			return
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- c() }()
		select {
		case msg := <-done:
			if b, ok := msg.(tea.BatchMsg); ok {
				for _, c := range b {
					run(c)
				}
				return
			}
			if msg != nil {
				out = append(out, msg)
			}
		case <-time.After(2 * time.Second): // a notice's timer
		}
	}
	run(cmd)
	return out
}

func fmtType(msg tea.Msg) string { return fmt.Sprintf("%T", msg) }

func fmtMsg(msg tea.Msg) string { return fmt.Sprint(msg) }
