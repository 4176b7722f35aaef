package listen

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/aspect-hq/aspect-tui/listen"
	"github.com/aspect-hq/aspect-tui/ui/internal/termcheck"
	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
)

// What a hostile sender puts in a delivery. Header values cannot carry
// ESC or other C0 controls (the HTTP server refuses them), but they can
// carry 8-bit C1 controls and bidirectional overrides; bodies can carry
// anything.
var (
	clip       = base64.StdEncoding.EncodeToString([]byte("rm -rf ~\n"))
	c1Payload  = "\u009b6n\u009d2;PWNC1TITLE\u009c\u0090PWNC1DCS\u009c\u202e\u2066"
	escPayload = "\x1b[21t\x1b]0;PWNTITLE\x07\x1b]8;;https://PWNLINK.example/\x1b\\x\x1b]8;;\x1b\\\x1b]52;c;" + clip + "\x07\x1bPPWNDCS\x1b\\\x1b_PWNAPC\x1b\\\x08\r\xff"
	// markers may show as text (a JSON body holds them escaped), never
	// inside a sequence written.
	markers      = []string{"PWNTITLE", "PWNLINK", clip, "PWNDCS", "PWNAPC", "PWNC1TITLE", "PWNC1DCS"}
	neverWritten = []string{"\x1b]52", "\x1bP", "\x1b]8;", "\x1b]0;", "\x1b_", "\x1b[21t", "\x1b[6n"}
)

// Deliveries whose path, headers, svix-id, signatures and bodies hold
// escape sequences, through the receiver and the real program into a
// buffer: the bytes written hold none of them, in the list or the detail
// (diagnosis, headers, body), while the text around them is shown.
func TestHostileDeliveriesReachNoTerminal(t *testing.T) {
	rx, err := listen.New(listen.Options{Addr: "127.0.0.1:0", Secrets: []string{secret1}})
	if err != nil {
		t.Fatal(err)
	}
	if err := rx.Start(); err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dark := true
	m, err := New(Options{Receiver: rx, Context: ctx, Dark: &dark})
	if err != nil {
		t.Fatal(err)
	}
	out := &uitest.Buffer{}
	// What the program writes goes to the buffer checked at the end and to
	// a terminal emulator the test reads the screen from, written straight
	// in (NotATTY).
	scr := uitest.NewScreen(t, 160, 45, uitest.NotATTY)
	wait := func(want ...string) {
		t.Helper()
		scr.WaitFor(t, 10*time.Second, want...)
	}
	keys, typing := io.Pipe()
	defer typing.Close()
	scr.AnswerTo(typing)
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(keys), tea.WithOutput(io.MultiWriter(out, scr)), tea.WithWindowSize(160, 45),
		tea.WithColorProfile(colorprofile.TrueColor), tea.WithEnvironment([]string{"TERM=xterm-256color"}))
	done := make(chan error, 1)
	go func() {
		_, err := p.Run()
		done <- err
	}()
	wait("Waiting for requests")

	// Verified: a JSON body whose strings hold raw C1 controls and escaped
	// ESC sequences, and a hostile custom header.
	good := `{"event_type":"task.GOODTYPE` + c1Payload + `","data":{"task":{"id":"GOODTASK\u001b[2J\u0007` + c1Payload + `"}}}`
	hdr := signed(t, secret1, "msg_good", time.Now(), good)
	hdr.Set("X-Hostile", "HDRVAL"+c1Payload)
	hdr.Set("Authorization", "Bearer sk_live_4eC39HqLyjWDarjtT1zdp7dc"+c1Payload)
	if s := postTo(t, rx.URL()+"/hook/GOODPATH%1B%5D0%3Bx%07%C2%9B6n%E2%80%AE", hdr, good); s != 204 {
		t.Fatalf("verified request: status %d", s)
	}
	// Refused: a body that is not JSON and holds raw sequences, a hostile
	// id and signature header.
	bad := "BADBODY" + escPayload + c1Payload + "\nsecond line" + escPayload
	hdr = http.Header{}
	hdr.Set("svix-id", "msg_BADID"+c1Payload)
	hdr.Set("svix-timestamp", "1e9"+c1Payload)
	hdr.Set("svix-signature", "v1,BADSIG"+c1Payload+" v9,"+c1Payload)
	if s := postTo(t, rx.URL()+"/hook/bad", hdr, bad); s != 400 {
		t.Fatalf("refused request: status %d", s)
	}
	wait("GOODTYPE", "BADID")
	// Each one opened, headers and body scrolled through.
	for _, want := range [][]string{{"BADBODY", "BADSIG"}, {"GOODTASK", "HDRVAL"}} {
		io.WriteString(typing, "\r")
		wait(want[0])
		io.WriteString(typing, "G")
		wait(want[1])
		p.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
		io.WriteString(typing, "j")
	}
	io.WriteString(typing, "q")
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("q did not quit")
	}

	b := out.Bytes()
	for _, p := range termcheck.Problems(b, markers...) {
		t.Error(p)
	}
	for _, s := range neverWritten {
		if i := bytes.Index(b, []byte(s)); i >= 0 {
			t.Errorf("the terminal got %q: …%q…", s, b[max(0, i-60):min(len(b), i+60)])
		}
	}
	if bytes.Contains(b, []byte("4eC39HqLyjWDarjtT1zdp7dc")) {
		t.Error("the terminal got the Authorization header's key in full")
	}
}
