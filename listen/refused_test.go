package listen

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// rawRequest writes raw bytes to the receiver and reads what it answers
// (the status line, or "" when it closed without one).
func rawRequest(t *testing.T, r *Receiver, raw string, half bool) string {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(r.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	if half {
		// Cut off mid-headers: the sender goes away.
		c.(*net.TCPConn).CloseWrite()
	}
	c.SetReadDeadline(time.Now().Add(15 * time.Second))
	line, _ := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line)
}

// Requests Go's HTTP server refuses before the handler (too many headers,
// a NUL in a header) or that end mid-headers are counted and shown with
// their reason, where nothing saw them before.
func TestRefusedByTheServerAreCountedAndShown(t *testing.T) {
	many := "POST /many HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("X-Filler: 0123456789abcdef0123456789abcdef\r\n", 10_000) + "\r\n"
	for _, tc := range []struct {
		name, raw string
		half      bool
		status    int
		path      string
		reason    string
	}{
		{"10,000 headers", many, false, http.StatusRequestHeaderFieldsTooLarge, "/many", "headers are too many or too large"},
		{"a NUL in a header", "POST /nul HTTP/1.1\r\nHost: x\r\nX-Bad: a\x00b\r\n\r\n", false, http.StatusBadRequest, "/nul", "malformed request line or header"},
		{"cut off mid-headers", "POST /cut HTTP/1.1\r\nHost: x\r\nX-Par", true, http.StatusBadRequest, "/cut", "ended before the request's headers were whole"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rxStart(t, Options{})
			answer := rawRequest(t, r, tc.raw, tc.half)
			if tc.status != 0 && !strings.Contains(answer, " "+http.StatusText(tc.status)) {
				t.Fatalf("the server answered %q; want %d", answer, tc.status)
			}
			d := rxNext(t, r)
			if d.Problem != ProblemRefusedByServer || d.Status != tc.status || d.Path != tc.path || d.Method != "POST" || !strings.Contains(d.Reason, tc.reason) {
				t.Errorf("shown as %s %s, status %d, problem %q: %q", d.Method, d.Path, d.Status, d.Problem, d.Reason)
			}
			if line := PlainLines(d); !strings.Contains(line, tc.path) || !strings.Contains(line, tc.reason) {
				t.Errorf("the plain line does not say it: %s", line)
			}
			if st := r.Stats(); st.Refused != 1 || st.Received != 1 {
				t.Errorf("stats %+v; want 1 received, 1 refused", st)
			}
		})
	}
}

// A request the handler took is not also counted as refused when its
// connection closes.
func TestAHandledRequestIsNotRefused(t *testing.T) {
	r := rxStart(t, Options{})
	a := rxPost(t, r, "/ok", rxSigned(t, rxSecret, "msg_ok", time.Now(), []byte(rxBody)), []byte(rxBody))
	if !a.d.Verified {
		t.Fatalf("not verified: %s", a.d.Reason)
	}
	r.Close()
	if st := r.Stats(); st.Refused != 0 || st.Received != 1 {
		t.Errorf("stats %+v; want 1 received, none refused", st)
	}
}
