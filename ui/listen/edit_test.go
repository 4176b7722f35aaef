package listen

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	svix "github.com/svix/svix-webhooks/go"

	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
)

// handlerSaw is one request the test's handler received.
type handlerSaw struct {
	id, body string
	verify   error
}

// verifyingHandler answers 200, or 422 to a body that says "failed", after
// verifying the signature with the svix library as a handler would.
func verifyingHandler(t *testing.T) (*httptest.Server, chan handlerSaw) {
	t.Helper()
	wh, _ := svix.NewWebhook(secret1)
	got := make(chan handlerSaw, 8)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- handlerSaw{r.Header.Get("svix-id"), string(b), wh.Verify(b, r.Header)}
		if strings.Contains(string(b), "failed") {
			w.WriteHeader(http.StatusUnprocessableEntity)
			io.WriteString(w, `{"error":"task failed"}`)
			return
		}
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

// editor is a shell script standing in for $EDITOR.
func editor(t *testing.T, script string) string {
	t.Helper()
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh here to stand in for $EDITOR")
	}
	p := filepath.Join(t.TempDir(), "editor.sh")
	if err := os.WriteFile(p, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return "sh " + p
}

// runEditorsHere runs $EDITOR to the end in the test, as the program would
// with the terminal handed over, and records the mode of each file it was
// given.
func runEditorsHere(t *testing.T) *[]os.FileMode {
	old := execProcess
	var modes []os.FileMode
	execProcess = func(c *exec.Cmd, fn tea.ExecCallback) tea.Cmd {
		return func() tea.Msg {
			if st, err := os.Stat(c.Args[len(c.Args)-1]); err == nil {
				modes = append(modes, st.Mode().Perm())
			}
			return fn(c.Run())
		}
	}
	t.Cleanup(func() { execProcess = old })
	return &modes
}

func editHarness(t *testing.T, editorCmd string) (*harness, chan handlerSaw) {
	srv, got := verifyingHandler(t)
	h := newHarness(t, setup{w: 160, h: 45, forward: srv.URL + "/hook", realClock: true})
	h.m.opts.Editor = editorCmd
	h.post("/r", signed(t, secret1, "msg_edit", time.Now(), body), body)
	h.pump(1)
	if s := <-got; s.verify != nil {
		t.Fatal(s.verify)
	}
	return h, got
}

func (h *harness) sendEdit(key string) editSentMsg {
	h.t.Helper()
	cmd := h.send(uitest.Key(key))
	sent, ok := find(cmd, func(m tea.Msg) bool { _, ok := m.(editSentMsg); return ok }).(editSentMsg)
	if !ok {
		h.t.Fatalf("nothing sent after %s:\n%s", key, h.screen())
	}
	h.send(sent)
	return sent
}

func TestEditInEditorAndResendUnderTheSameID(t *testing.T) {
	modes := runEditorsHere(t)
	h, got := editHarness(t, editor(t, `sed -i.bak 's/"completed"/"failed"/' "$1" && rm -f "$1.bak"`))
	h.send(h.send(uitest.Key("e"))())
	h.must("send the edited #1: s same svix-id (tests your handler's idempotency) · n new svix-id · esc send nothing")
	if len(*modes) != 1 || (*modes)[0] != 0o600 {
		t.Errorf("the file to edit had modes %v, want 0600", *modes)
	}
	h.sendEdit("s")
	s := <-got
	if s.id != "msg_edit" || s.verify != nil || !strings.Contains(s.body, `"state": "failed"`) {
		t.Fatalf("the handler saw %+v", s)
	}
	// Its answer stands beside the original's, and the bodies differ by key.
	h.must("#1 and its edit", "LEFT  #1 as received", "RIGHT #1 edited, sent", "under the same svix-id")
	for _, want := range []string{"≠ handler status", "≠ data.task.features.proxy.state", "+ error", "− ok"} {
		if h.line(want) == "" {
			t.Errorf("no %q:\n%s", want, h.screen())
		}
	}
	if l := h.line("handler status"); !strings.Contains(l, "200") || !strings.Contains(l, "422") {
		t.Errorf("statuses not side by side: %q", l)
	}
	h.press("esc")
	h.mustNot("#1 and its edit")
}

func TestAnEditThatIsNotJSONIsSentAndSaidSo(t *testing.T) {
	runEditorsHere(t)
	h, got := editHarness(t, editor(t, `printf '{"event_type": oops' > "$1"`))
	h.send(h.send(uitest.Key("e"))())
	h.must("(the edit is not JSON; it is sent as it is)")
	sent := h.sendEdit("n")
	s := <-got
	if s.body != `{"event_type": oops` || s.verify != nil || s.id == "msg_edit" || s.id != sent.e.id {
		t.Fatalf("the handler saw %+v (sent %+v)", s, sent.e)
	}
	h.must("the right is not JSON: compared line by line", "under a new svix-id, "+s.id)
}

func TestAnEditorThatFailsOrChangesNothingSendsNothing(t *testing.T) {
	runEditorsHere(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where the file to edit is made, to see it go
	for _, c := range []struct{ script, want string }{
		{`exit 3`, "exited with status 3: nothing sent"},
		{`true`, "#1's body is unchanged: nothing sent"},
	} {
		h, got := editHarness(t, editor(t, c.script))
		h.send(h.send(uitest.Key("e"))())
		h.must(c.want)
		h.press("s", "n") // no choice is open: these send nothing either
		select {
		case s := <-got:
			t.Errorf("%s: the handler got %+v", c.script, s)
		case <-time.After(300 * time.Millisecond):
		}
		left, _ := filepath.Glob(filepath.Join(tmp, "aspect-tui-edit-*"))
		if len(left) > 0 {
			t.Errorf("temporary files left: %v", left)
		}
	}
}

func TestInlineEditorWhenEditorIsUnset(t *testing.T) {
	h, got := editHarness(t, "")
	h.press("e")
	h.must("Edit #1's body · ctrl+s sends · esc cancels", `"event_type": "task.completed",`) // pretty-printed to edit
	h.typeText("[")
	h.press("ctrl+s")
	h.must("(the edit is not JSON; it is sent as it is)")
	h.sendEdit("s")
	if s := <-got; s.body != "["+string(offered([]byte(body))) || s.verify != nil {
		t.Fatalf("the handler saw %+v", s)
	}
	// esc in the inline editor sends nothing.
	h.press("esc") // out of the comparison
	h.press("e", "esc")
	h.must("edit cancelled: nothing sent")
}
