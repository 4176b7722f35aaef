package feed

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

type readResult struct {
	events []Event
	skips  []Skip
	err    error
	lastID string
	retry  time.Duration
}

func readAll(r io.Reader, maxEvent int) readResult {
	var res readResult
	sr := &streamReader{
		maxEvent: maxEvent,
		now:      func() time.Time { return t0 },
		onEvent:  func(e Event) { res.events = append(res.events, e) },
		onSkip:   func(s Skip) { res.skips = append(res.skips, s) },
	}
	res.err = sr.read(r)
	res.lastID, res.retry = sr.lastID, sr.retry
	return res
}

// readers gives the same stream whole, one byte at a time, and in odd
// chunks, so every boundary case of the framer is crossed.
func readers(s string) map[string]func() io.Reader {
	return map[string]func() io.Reader{
		"whole":    func() io.Reader { return strings.NewReader(s) },
		"bytewise": func() io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
		"halves":   func() io.Reader { return iotest.HalfReader(strings.NewReader(s)) },
	}
}

func ids(events []Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.Env.EventID
	}
	return out
}

func TestReaderLineEndings(t *testing.T) {
	for name, eol := range map[string]string{"LF": "\n", "CRLF": "\r\n", "CR": "\r"} {
		var s strings.Builder
		for i := range 3 {
			s.WriteString(sseEvent(uuid(i), api.EventTaskProgress, envelope(uuid(i), api.EventTaskProgress, "t1", i, api.StateQueued), eol))
		}
		for how, r := range readers(s.String()) {
			t.Run(name+"/"+how, func(t *testing.T) {
				res := readAll(r(), DefaultMaxEventSize)
				if res.err != nil || len(res.skips) > 0 {
					t.Fatalf("err %v, skips %+v", res.err, res.skips)
				}
				if got := strings.Join(ids(res.events), ","); got != uuid(0)+","+uuid(1)+","+uuid(2) {
					t.Fatalf("events %s", got)
				}
				if res.lastID != uuid(2) {
					t.Errorf("last id %q", res.lastID)
				}
				if res.events[1].Type != api.EventTaskProgress || res.events[1].ID != uuid(1) {
					t.Errorf("event fields: %+v", res.events[1])
				}
			})
		}
	}
}

func TestReaderMultiLineDataCommentsAndRetry(t *testing.T) {
	env := envelope(uuid(7), api.EventTaskCompleted, "t7", 7, api.StateCompleted)
	pretty := bytes.ReplaceAll(env, []byte(`,"`), []byte(",\n\""))
	stream := "\ufeff: hello\n\nretry: 2500\n\n: ping\n" + sseEvent(uuid(7), api.EventTaskCompleted, pretty, "\n") + ": ping\n\n"
	for how, r := range readers(stream) {
		t.Run(how, func(t *testing.T) {
			res := readAll(r(), DefaultMaxEventSize)
			if res.err != nil || len(res.skips) > 0 || len(res.events) != 1 {
				t.Fatalf("err %v, skips %+v, events %d", res.err, res.skips, len(res.events))
			}
			e := res.events[0]
			if !bytes.Equal(e.Raw, pretty) {
				t.Errorf("multi-line data not joined with newlines:\n%s", e.Raw)
			}
			if e.Env.Data.Task == nil || e.Env.Data.Task.ID != "t7" {
				t.Errorf("envelope not decoded: %+v", e.Env)
			}
			if res.retry != 2500*time.Millisecond {
				t.Errorf("retry %v", res.retry)
			}
		})
	}
}

func TestReaderCutMidEventIsDiscarded(t *testing.T) {
	whole := sseEvent(uuid(1), api.EventTaskProgress, envelope(uuid(1), api.EventTaskProgress, "t", 1, api.StateQueued), "\n")
	partial := sseEvent(uuid(2), api.EventTaskProgress, envelope(uuid(2), api.EventTaskProgress, "t", 2, api.StateProcessing), "\n")
	for _, cut := range []int{5, len(partial) / 2, len(partial) - 1} {
		for how, r := range readers(whole + partial[:cut]) {
			res := readAll(io.MultiReader(r(), iotest.ErrReader(io.ErrUnexpectedEOF)), DefaultMaxEventSize)
			if !errors.Is(res.err, io.ErrUnexpectedEOF) {
				t.Errorf("%s cut %d: err %v, want the cut reported", how, cut, res.err)
			}
			if len(res.events) != 1 || len(res.skips) != 0 || res.lastID != uuid(1) {
				t.Errorf("%s cut %d: events %v skips %v last %q; the partial event must vanish", how, cut, ids(res.events), res.skips, res.lastID)
			}
		}
	}
	// A clean end of stream in the middle of an event discards it too.
	res := readAll(strings.NewReader(whole+partial[:len(partial)-1]), DefaultMaxEventSize)
	if res.err != nil || len(res.events) != 1 {
		t.Errorf("clean EOF: err %v, events %d", res.err, len(res.events))
	}
}

// bigEnvelope pads an envelope with an extra field to exactly n bytes.
func bigEnvelope(id string, n int) []byte {
	env := envelope(id, api.EventTaskProgress, "big", 1, api.StateProcessing)
	pad := n - len(env) - len(`,"pad":""`)
	return append(env[:len(env)-1], []byte(`,"pad":"`+strings.Repeat("x", pad)+`"}`)...)
}

func TestReaderEventSizeBound(t *testing.T) {
	oneMiB := bigEnvelope(uuid(1), 1<<20)
	twoMiB := bigEnvelope(uuid(2), 2<<20)
	after := envelope(uuid(3), api.EventTaskProgress, "t3", 3, api.StateQueued)
	stream := sseEvent(uuid(1), api.EventTaskProgress, oneMiB, "\n") +
		sseEvent(uuid(2), api.EventTaskProgress, twoMiB, "\n") +
		sseEvent(uuid(3), api.EventTaskProgress, after, "\n")
	for how, r := range map[string]func() io.Reader{
		"whole":  func() io.Reader { return strings.NewReader(stream) },
		"halves": func() io.Reader { return iotest.HalfReader(strings.NewReader(stream)) },
	} {
		t.Run(how, func(t *testing.T) {
			res := readAll(r(), DefaultMaxEventSize)
			if res.err != nil {
				t.Fatal(res.err)
			}
			if got := ids(res.events); len(got) != 2 || got[0] != uuid(1) || got[1] != uuid(3) {
				t.Fatalf("events %v: want the 1 MiB one and the one after the 2 MiB one", got)
			}
			if len(res.events[0].Raw) != 1<<20 {
				t.Errorf("1 MiB event read as %d bytes", len(res.events[0].Raw))
			}
			if len(res.skips) != 1 || res.skips[0].ID != uuid(2) || !strings.Contains(res.skips[0].Reason, "too large") || res.skips[0].Size < 2<<20 {
				t.Fatalf("skips %+v", res.skips)
			}
		})
	}
}

func TestReaderOversizeEventAtTheBoundaryOfTheBound(t *testing.T) {
	// Just over the data bound but within the framer's room for field
	// names: read, then refused by size.
	over := bigEnvelope(uuid(1), DefaultMaxEventSize+10)
	res := readAll(strings.NewReader(sseEvent(uuid(1), "task.progress", over, "\n")), DefaultMaxEventSize)
	if len(res.events) != 0 || len(res.skips) != 1 || !strings.Contains(res.skips[0].Reason, "too large") {
		t.Fatalf("events %d skips %+v", len(res.events), res.skips)
	}
}

func TestReaderMalformedAndUnknown(t *testing.T) {
	good := envelope(uuid(4), api.EventTaskProgress, "t4", 4, api.StateQueued)
	unknown := []byte(`{"event_id":"` + uuid(3) + `","event_type":"asset.deleted","data":{"asset":{"id":"a1"}}}`)
	stream := sseEvent(uuid(1), api.EventTaskProgress, []byte("this is not json"), "\n") +
		sseEvent(uuid(2), api.EventTaskProgress, []byte(`{"event_id": 5, "data": {}}`), "\n") +
		sseEvent(uuid(3), "asset.deleted", unknown, "\n") +
		sseEvent(uuid(4), api.EventTaskProgress, good, "\n")
	res := readAll(strings.NewReader(stream), DefaultMaxEventSize)
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.skips) != 2 {
		t.Fatalf("skips %+v", res.skips)
	}
	if !strings.HasPrefix(res.skips[0].Reason, "not JSON") || !strings.HasPrefix(res.skips[1].Reason, "wrong shape") {
		t.Errorf("reasons: %q, %q", res.skips[0].Reason, res.skips[1].Reason)
	}
	if string(res.skips[0].Raw) != "this is not json" {
		t.Errorf("a skipped event keeps its data for the log: %q", res.skips[0].Raw)
	}
	if got := ids(res.events); len(got) != 2 || got[0] != uuid(3) || got[1] != uuid(4) {
		t.Fatalf("events %v", got)
	}
	s := NewStore(StoreOptions{})
	if o := s.Apply(res.events[0]); o != UnknownType {
		t.Errorf("unknown type applied as %v", o)
	}
	if o := s.Apply(res.events[1]); o != Applied {
		t.Errorf("good event: %v", o)
	}
	if c := s.Counts(); c.Unknown["asset.deleted"] != 1 || s.Len() != 1 {
		t.Errorf("counts %+v, len %d", c, s.Len())
	}
}

func TestReaderKeepsLastIDAcrossEventsWithoutID(t *testing.T) {
	sr := &streamReader{maxEvent: DefaultMaxEventSize, now: time.Now, onEvent: func(Event) {}, onSkip: func(Skip) {}}
	sr.lastID = "from-before"
	if err := sr.read(strings.NewReader("data: {}\n\n")); err != nil {
		t.Fatal(err)
	}
	if sr.lastID != "from-before" {
		t.Errorf("an event without an id forgot the id to resume from: %q", sr.lastID)
	}
}
