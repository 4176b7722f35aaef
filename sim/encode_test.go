package sim

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// The hand-written encoder must say exactly what encoding/json would.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", `q"uote\back`, "tab\tnl\ncr\r", "\x00\x1f\x7f", "é✓", "\xff\xfe", "\u2028\u2029", "<&>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := appendString(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("%q encodes to invalid JSON %s: %v", s, got, err)
		}
		want, _ := json.Marshal(s)
		var wantBack string
		json.Unmarshal(want, &wantBack)
		if back != wantBack {
			t.Fatalf("%q: decodes to %q; encoding/json round-trips to %q", s, back, wantBack)
		}
	})
}

func TestEnvelopeEncodesAsTheAPIDecodes(t *testing.T) {
	tk := &task{id: "t1", assetID: "a\"1", userID: "u1",
		features: []featureSlot{{"proxy", api.StateCompleted, "proxy"}, {"new_thing", "paused", ""}},
		created:  time.Date(2025, 1, 1, 12, 0, 0, 123456789, time.UTC),
		updated:  time.Date(2025, 1, 1, 12, 0, 1, 0, time.UTC)}
	ts := time.Date(2025, 1, 1, 12, 0, 1, 500, time.UTC)
	b := appendEnvelope(nil, ts, "u1", "e1", api.EventTaskProgress, tk)
	var env api.Envelope
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	want := api.Envelope{Timestamp: api.Time{Time: ts}, UserID: "u1", EventID: "e1", EventType: api.EventTaskProgress, Data: api.EnvelopeData{Task: ptr(tk.toAPI())}}
	if !sameTask(*env.Data.Task, *want.Data.Task) || !env.Timestamp.Equal(ts) || env.EventID != "e1" || env.UserID != "u1" || env.EventType != want.EventType {
		t.Errorf("decoded %+v\nwant %+v", env, want)
	}
	if env.Data.Task.Features["new_thing"].State != "paused" {
		t.Error("an unknown feature and state must survive encoding")
	}
	viaJSON, _ := json.Marshal(want)
	var a, c any
	json.Unmarshal(b, &a)
	json.Unmarshal(viaJSON, &c)
	if ja, jc := mustJSON(a), mustJSON(c); ja != jc {
		t.Errorf("hand-encoded:\n%s\nencoding/json:\n%s", ja, jc)
	}
}

func ptr[T any](v T) *T { return &v }

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestEventIDsRoundTrip(t *testing.T) {
	for _, seq := range []uint64{0, 1, 255, 1 << 40, 1<<56 - 1} {
		id := eventID(77, seq)
		if got, ok := parseEventID(77, id); !ok || got != seq {
			t.Errorf("seq %d → %s → %d, %v", seq, id, got, ok)
		}
		if _, ok := parseEventID(78, id); ok {
			t.Errorf("%s accepted under another epoch", id)
		}
	}
}
