package feed

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/bits"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/aspect-hq/aspect-tui/api"
)

var decodeSeeds = []string{
	string(envelope(uuid(1), api.EventTaskProgress, "t1", 1, api.StateQueued, api.StateProcessing, api.StateCompleted, api.StateNA)),
	`{"timestamp":"2025-06-01T12:00:00Z","userId":"u","eventId":"e","eventType":"task.failed","data":{"task":{"id":"t","assetId":"a","features":{"proxy":{"state":"failed","storageVariant":"hq"}},"createdAt":"2025-06-01 12:00:00","updatedAt":"2025-06-01T12:00:01.5+02:00"}}}`,
	`{"event_id":"e","event_type":"task.progress","data":{"task":{"id":"t","features":{"embedding":{"state":"zapped"},"proxy":null}}}}`,
	`{"event_id":"e","data":null}`,
	`{"event_id":"e","data":{"task":null}}`,
	`{"event_id":"e","data":{"task":{"id":"t","features":null,"created":null,"updated":""}}}`,
	`{"event_id":"e","extra":[1,-2.5e3,true,false,null,{"a":"\u00e9\n"}],"data":{"other":{}}}`,
	`{"event_id":"e","EVENT_ID":"f"}`,
	`{"event_id":"e","event_id":"f"}`,
	`{"event_id":"e\u0041"}`,
	`{"user_id":"é","data":{"task":{"id":"t","features":{"visuél":{"state":"completed"}}}}}`,
	`{"features":{}}`,
	`[1,2]`,
	`"text"`,
	`{"event_id":5}`,
	`{"timestamp":"not a time"}`,
	`{"data":{"task":{"id":"t","features":{"proxy":{"state":"queued"},"proxy":{"state":"completed"}}}}}`,
	`{"data":{"task":{"id":"t","features":{"proxy":{"ſtate":"queued"}}}}}`,
	`{} x`,
	`{"a":01}`,
	`{"a":"\x01"}`,
	" {\"event_id\" : \"e\" } \n",
	`{"user_id":"u","timestamp":"2025-06-01T12:00:00Z","event_id":"e","data":{"task":{"asset_id":"a","id":"t","updated":"2025-06-01T12:00:00Z","features":{"proxy":{"storage_variant":"x","state":"queued"}}}}}`,
	`{"timestamp": "2025-06-01T12:00:00Z", "user_id": "u", "event_id": "e", "event_type": "task.progress", "data": {"task": {"id": "t", "features": {"proxy": {"state": "queued"}}}}}`,
	`{"timestamp":"2025-06-01T12:00:00Z","timestamp":"2025-06-01T12:00:01Z"}`,
	`{"event_id":"e","data":{"task":{"id":"t","id":"u"}}}`,
}

// FuzzDecodeEnvelope proves the fast decoder equal to encoding/json: where
// the fast path answers, encoding/json must succeed with the same value.
func FuzzDecodeEnvelope(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var fast api.Envelope
		if !decodeFast(b, &fast, false) {
			return
		}
		var ref api.Envelope
		if err := json.Unmarshal(b, &ref); err != nil {
			t.Fatalf("fast path accepted what encoding/json refuses (%v): %q", err, b)
		}
		if !reflect.DeepEqual(fast, ref) {
			t.Fatalf("fast and encoding/json differ on %q:\nfast %+v\nref  %+v", b, fast, ref)
		}
		// As the feed decodes: strings sharing the input's memory.
		var shared api.Envelope
		if !decodeFast(b, &shared, true) || !reflect.DeepEqual(shared, ref) {
			t.Fatalf("with shared strings, %q decodes as %+v", b, shared)
		}
	})
}

// TestSpecialMask: the lowest byte marked is the first special one, at
// every position, whatever follows it.
func TestSpecialMask(t *testing.T) {
	for pos := range 8 {
		for c := range 256 {
			for _, after := range []byte{'a', '"', 0x00, 0xff} {
				var w [8]byte
				for i := range w {
					w[i] = 'a'
					if i > pos {
						w[i] = after
					}
				}
				w[pos] = byte(c)
				special := c == '"' || c == '\\' || c < 0x20 || c >= 0x80
				m := specialMask(binary.LittleEndian.Uint64(w[:]))
				first := bits.TrailingZeros64(m) >> 3
				if special && first != pos || !special && m != 0 && first <= pos {
					t.Errorf("byte %#x at %d, then %#x: first marked %d", c, pos, after, first)
				}
			}
		}
	}
}

// TestRawStringEveryLength reads strings of every length around the
// eight-byte steps, with a special byte at every place, near the end of
// the input and far from it.
func TestRawStringEveryLength(t *testing.T) {
	for n := range 30 {
		for _, tail := range []string{"", "        , 1234567890"} {
			in := `"` + strings.Repeat("a", n) + `"` + tail
			d := fastDecoder{b: []byte(in)}
			if s, ok := d.rawString(); !ok || len(s) != n || d.i != n+2 {
				t.Errorf("%q: %q %v at %d", in, s, ok, d.i)
			}
			for pos := range n {
				for _, c := range []string{`\\`, "\x01", "\x80", "é"} {
					bad := `"` + strings.Repeat("a", pos) + c + strings.Repeat("a", n-pos-1) + `"` + tail
					d := fastDecoder{b: []byte(bad)}
					s, ok := d.rawString()
					if want := c == "é"; ok != want || ok && string(s) != bad[1:len(bad)-len(tail)-1] {
						t.Errorf("%q: %q %v", bad, s, ok)
					}
				}
			}
		}
	}
}

func TestDecodeFastPathTakesTheCommonShape(t *testing.T) {
	var e api.Envelope
	if !decodeFast([]byte(decodeSeeds[0]), &e, false) || !decodeFast([]byte(decodeSeeds[1]), &e, true) {
		t.Fatal("the envelope every event carries should not need the fallback")
	}
	if e.UserID != "u" || e.EventID != "e" || e.Data.Task.AssetID != "a" || e.Data.Task.Features["proxy"].StorageVariant != "hq" ||
		e.Data.Task.Created.IsZero() || e.Data.Task.Updated.IsZero() {
		t.Errorf("camelCase spellings not read: %+v %+v", e, e.Data.Task)
	}
	for _, s := range []string{`{"event_id":"e","EVENT_ID":"f"}`, `{"event_id":"e","event_id":"f"}`, `{"event_id":"e\u0041"}`,
		`{"timestamp":"2025-06-01T12:00:00Z","timestamp":"2025-06-01T12:00:01Z"}`, `{"event_id":"e","data":{"task":{"id":"t","id":"u"}}}`} {
		if decodeFast([]byte(s), &e, false) {
			t.Errorf("%s: should fall back to encoding/json", s)
		}
	}
}

func TestDecodeEnvelopeErrorsAreShort(t *testing.T) {
	for in, want := range map[string]string{
		`nope`:                      "not JSON",
		`{"event_id":5}`:            "wrong shape",
		`[1]`:                       "wrong shape",
		`{"timestamp":"yesterday"}`: "wrong shape",
	} {
		var e api.Envelope
		err := DecodeEnvelope([]byte(in), &e)
		if err == nil || !strings.HasPrefix(err.Error(), want) || len(err.Error()) > 160 {
			t.Errorf("%s: %v, want %q...", in, err, want)
		}
	}
}

func TestDecodeSharesCommonStrings(t *testing.T) {
	b := []byte(decodeSeeds[0])
	allocs := testing.AllocsPerRun(200, func() {
		var e api.Envelope
		if err := DecodeEnvelope(b, &e); err != nil {
			t.Fatal(err)
		}
	})
	// The task, its feature map, five id strings and four storage
	// variants; feature names, states and the event type are shared.
	if allocs > 13 {
		t.Errorf("%.0f allocations per envelope", allocs)
	}
}

func TestUTCTimeAgreesWithParseTime(t *testing.T) {
	for _, s := range []string{
		"2025-06-01T12:00:00Z", "2025-06-01T12:00:00.5Z", "2025-06-01T12:00:00.123456789Z",
		"2025-06-01T12:00:00.1234567891Z", "2025-06-01T12:00:00.Z", "2024-02-29T00:00:00Z",
		"2025-02-29T00:00:00Z", "2025-04-31T00:00:00Z", "2025-12-31T23:59:59Z", "2025-06-01T24:00:00Z",
		"2025-06-01T12:60:00Z", "2025-06-01T12:00:60Z", "2025-00-01T12:00:00Z", "2025-13-01T12:00:00Z",
		"2025-06-00T12:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "2025-06-01t12:00:00Z",
		"2025-06-01T12:00:00z", "2025-06-01 12:00:00Z", "+025-06-01T12:00:00Z", "2025-06-01T12:00:00+00:00",
		"1900-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "2025-06-01T12:00:00.12a4Z",
	} {
		fast, ok := utcTime([]byte(s))
		ref, err := api.ParseTime(s)
		switch {
		case ok && err != nil:
			t.Errorf("%s: fast path accepted what ParseTime refuses (%v)", s, err)
		case ok && !reflect.DeepEqual(fast, ref.Time):
			t.Errorf("%s: fast %v, ParseTime %v", s, fast, ref.Time)
		}
	}
}

// TestKeySwitchesMatchKeyLists: the decoders switch on a key's index and
// check duplicates and case-folded spellings against the lists, so the two
// must agree key by key.
func TestKeySwitchesMatchKeyLists(t *testing.T) {
	for _, c := range []struct {
		known []string
		index func([]byte) int
		order []lit
	}{{envelopeKeys, envelopeKey, envelopeOrder}, {dataKeys, dataKey, dataOrder}, {taskKeys, taskKey, taskOrder}, {featureKeys, featureKey, featureOrder}} {
		for _, l := range c.order {
			if want := `"` + c.known[l.k] + `":`; l.text != want {
				t.Errorf("literal %s stands for key %d, %s", l.text, l.k, want)
			}
		}
		for i, k := range c.known {
			if got := c.index([]byte(k)); got != i {
				t.Errorf("%q: index %d, its place in the list is %d", k, got, i)
			}
			if got := c.index([]byte(strings.ToUpper(k))); got != -1 {
				t.Errorf("%q upper-cased: index %d, want -1 (the fallback decides)", k, got)
			}
		}
	}
}

// FuzzUTCTime holds the timestamp fast path to api.ParseTime: whatever it
// reads, ParseTime reads the same.
func FuzzUTCTime(f *testing.F) {
	for _, s := range []string{"2025-06-01T12:00:00Z", "2025-06-01T12:00:00.123456789Z", "2024-02-29T23:59:59.5Z", "0000-01-01T00:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok := utcTime([]byte(s))
		if !ok {
			return
		}
		ref, err := api.ParseTime(s)
		if err != nil || !reflect.DeepEqual(fast, ref.Time) {
			t.Fatalf("%q: fast %v, ParseTime %v (%v)", s, fast, ref.Time, err)
		}
	})
}

// FuzzDecodeTasks holds the snapshot's fast decoder to encoding/json as
// FuzzDecodeEnvelope does the envelope's: where it answers, encoding/json
// reads the same tasks.
func FuzzDecodeTasks(f *testing.F) {
	for _, s := range decodeSeeds {
		if i := strings.Index(s, `"task":`); i >= 0 {
			f.Add([]byte("[" + s[i+len(`"task":`):len(s)-2] + "]"))
		}
	}
	for _, s := range []string{`[]`, ` [ ] `, `[null]`, `[{}]`, `[{"id":"a"},{"id":"b","features":{"proxy":{"state":"queued"}}}]`,
		`[{"id":"a"}`, `[{"id":"a"},]`, `{"data":[]}`, `[{"id":"a","createdAt":"2025-06-01T12:00:00Z"}] x`,
		`[{"id":"a","features":{"proxy":{"state":"queued"}}},{"id":"b","features":{"proxy":{"state":"queued"}}},{"id":"c","features":{"proxy":{"state":"queued"},"visual":null}}]`,
		`[{"id":"a","features":{"proxy":{"state":"queued"}}},{"id":"b","features":{"proxy":{"state":"queued"}},"features":{"visual":{"state":"na"}}}]`,
		`[{"id":"a","features":{"proxy":{"state":"queued"}}},{"id":"b","features":{"proxy":{"state":5}}}]`,
		`[{"id":"a"},{"id":"b"},{"id":"c"},{"id":"d"}]`, `[{"id":"a"},{"id":"b"},{"id":"c},{d"}]`, `[{"id":"a"},{"id":"b"},{"id":"c"},{"id":"\u0064"}]`,
		`[{"id":"a"},{"id":"b"},{"id":"c"},{"id":"d"}]]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		// Read in two halves (any size is split) and in one: the two
		// readings must agree, on whether they answer too.
		var split []api.Task
		splitOK, _ := decodeSplit(b, &split, 0)
		var fast []api.Task
		ok := decodeTasks(b, &fast)
		if ok != splitOK {
			t.Fatalf("read whole: %v, in halves: %v: %q", ok, splitOK, b)
		}
		if !ok {
			return
		}
		var ref []api.Task
		if err := json.Unmarshal(b, &ref); err != nil {
			t.Fatalf("fast path accepted what encoding/json refuses (%v): %q", err, b)
		}
		if !reflect.DeepEqual(fast, ref) {
			t.Fatalf("fast and encoding/json differ on %q:\nfast %+v\nref  %+v", b, fast, ref)
		}
		if !reflect.DeepEqual(split, ref) {
			t.Fatalf("read in halves, %q reads\n%+v\nnot\n%+v", b, split, ref)
		}
	})
}

// A snapshot's tasks with the same features share one map: a start with
// 20,000 tasks then allocates a few hundred maps, not 20,000 (9 MB, the most
// of any part of a start). Past maxShared combinations each task gets a map
// of its own, and every task still reads as encoding/json reads it.
func TestSnapshotTasksWithTheSameFeaturesShareAMap(t *testing.T) {
	states := []api.State{api.StateQueued, api.StateProcessing, api.StateCompleted}
	for _, combos := range []int{3, maxShared + 100} {
		var b strings.Builder
		b.WriteByte('[')
		const n = 3000
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			c := i % combos
			fmt.Fprintf(&b, `{"id":"%s","asset_id":"a%d","features":{"proxy":{"state":%q},"visual":{"state":%q,"storage_variant":"v%d"}},"user_id":"u"}`,
				uuid(i), i, states[c%3], states[c/3%3], c/9)
		}
		b.WriteByte(']')
		raw := []byte(b.String())
		var fast, ref []api.Task
		if !decodeTasks(raw, &fast) {
			t.Fatalf("%d combinations: the fast path gave up", combos)
		}
		if err := json.Unmarshal(raw, &ref); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fast, ref) {
			t.Fatalf("%d combinations: fast and encoding/json differ", combos)
		}
		maps := map[uintptr]bool{}
		for _, task := range fast {
			maps[reflect.ValueOf(task.Features).Pointer()] = true
		}
		want := combos
		if combos > maxShared {
			// The first maxShared combinations are shared; every task of
			// the others has its own map.
			want = maxShared + (n/combos)*(combos-maxShared) + max(0, n%combos-maxShared)
		}
		if len(maps) != want {
			t.Errorf("%d combinations over %d tasks: %d feature maps, want %d", combos, n, len(maps), want)
		}
	}
}

// A large snapshot is read in two halves on two cores, the second from the
// first "},{" past the middle. That may be inside a task's string; the
// answer must read the same wherever it falls, and a half the fast path
// cannot read must send the whole answer to encoding/json.
func TestALargeSnapshotReadsTheSameInHalves(t *testing.T) {
	build := func(n, odd int, asset string) []byte {
		var b strings.Builder
		b.WriteByte('[')
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			a := fmt.Sprintf("a%d", i)
			if i == odd {
				a = asset
			}
			fmt.Fprintf(&b, `{"id":"%s","asset_id":"%s","features":{"proxy":{"state":"queued"}},"user_id":"u","created":"2025-06-01T12:00:00Z"}`, uuid(i), a)
		}
		b.WriteByte(']')
		return []byte(b.String())
	}
	// An asset of 2 MB holds the middle; "},{" near its end is the first
	// one past the middle.
	long := strings.Repeat("x", 2<<20) + "},{" + "y"
	for _, c := range []struct {
		name           string
		n, odd         int
		asset          string
		answer, joined bool
	}{
		{"a boundary past the middle", 8000, -1, "", true, true},
		{`"},{" in a string past the middle`, 101, 50, long, true, false},
		{`"},{" in the last task's string`, 101, 100, long, true, false},
		{"an escape in the second half", 8000, 7990, `a\u0041`, false, false},
		{"an escape in the first half", 8000, 10, `a\u0041`, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := build(c.n, c.odd, c.asset)
			if len(b) < splitAbove {
				t.Fatalf("%d bytes: not past splitAbove", len(b))
			}
			var got []api.Task
			ok, joined := decodeSplit(b, &got, splitAbove)
			// One core reads the whole from the start.
			want := c.joined && runtime.GOMAXPROCS(0) > 1
			if ok != c.answer || joined != want {
				t.Fatalf("answered %v, joined halves %v; want %v, %v", ok, joined, c.answer, want)
			}
			if !ok {
				return
			}
			var ref []api.Task
			if err := json.Unmarshal(b, &ref); err != nil {
				t.Fatal(err)
			}
			if len(got) != c.n || !reflect.DeepEqual(got, ref) {
				t.Fatalf("read %d tasks unlike encoding/json's %d", len(got), len(ref))
			}
		})
	}
}
