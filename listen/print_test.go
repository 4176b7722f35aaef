package listen

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var printAt = time.Date(2025, 6, 1, 12, 0, 0, 123e6, time.UTC)

// A verified request forwarded to a handler, and one refused because no
// secret matched: one line each, then the diagnosis indented.
func TestPlainLines(t *testing.T) {
	ok := Request{Seq: 1, Time: printAt, Method: "POST", Path: "/hook", EventType: "task.completed", SvixID: "msg_1",
		Verified: true, MatchedSecret: 1, Status: 202,
		Forward: &ForwardResult{Status: 202, Latency: 1234567 * time.Nanosecond, Body: "queued"}}
	got := PlainLines(ok)
	want := "12:00:00.123  #1  POST /hook  task.completed  msg_1  ✓ verified (secret 2)  → 202 from handler in 1.2ms\n    handler said: queued\n"
	if got != want {
		t.Errorf("verified:\n got %q\nwant %q", got, want)
	}

	bad := Request{Seq: 2, Time: printAt, Method: "POST", Path: "/hook", Reason: "no signature matched", Status: 400, MatchedSecret: -1,
		DuplicateOf: 1, Body: []byte("{}"), Hints: []string{"check the secret"},
		Check: &Diagnosis{Problem: ProblemNoMatch, SignedPrefix: "msg_2.1748779200.",
			Received: []ReceivedSignature{{Version: "v1", Value: "abc="}},
			Expected: []ExpectedSignature{{Secret: 0, Masked: "whsec_••••LaSw", Signature: "v1,def="}}}}
	got = PlainLines(bad)
	for _, w := range []string{
		"#2  POST /hook  -  -  ✗ no signature matched  → 400  (repeat of #1: a retry or a resend)\n",
		"    signed content: msg_2.1748779200.<body, 2 bytes>\n",
		"    received:  v1,abc=\n",
		"    secret 1 (whsec_••••LaSw) computes: v1,def=\n",
		"    hint: check the secret\n",
	} {
		if !strings.Contains(got, w) {
			t.Errorf("refused: no %q in:\n%s", w, got)
		}
	}
}

// A JSON line holds what scripts key on, numbered as the flags are.
func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	d := Request{Seq: 3, Time: printAt, Method: "POST", Path: "/a", Verified: true, MatchedSecret: 0, Status: 204, Duration: 1500 * time.Microsecond}
	if err := WriteJSON(&b, d); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(b.String(), "}\n") || strings.Count(b.String(), "\n") != 1 {
		t.Fatalf("not one line: %q", b.String())
	}
	var m map[string]any
	if err := json.Unmarshal(b.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m["seq"] != 3.0 || m["matched_secret"] != 1.0 || m["status"] != 204.0 || m["duration_ms"] != 1.5 ||
		m["duplicate_of"] != nil || m["forward_status"] != nil || m["signatures"] != nil || m["time"] != "2025-06-01T12:00:00.123Z" {
		t.Errorf("line: %v", m)
	}
	b.Reset()
	d.Verified, d.MatchedSecret = false, -1
	if err := WriteJSON(&b, d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"matched_secret":null`) {
		t.Errorf("no secret matched, yet: %s", b.String())
	}
}
