package record

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
)

var t0 = time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC)

func header() Header {
	return Header{AppVersion: "v9.9.9", APIURL: "https://user:pw@api.example/base?key=sk_live_1#x", Started: t0, Recorder: RecorderDashboard}
}

// sample is a recording holding every kind of record.
func sample(t testing.TB) []byte {
	t.Helper()
	b := AppendHeader(nil, header())
	b = AppendEvent(b, t0.Add(time.Second), "e1", "task.progress", []byte(`{"event_id":"e1"}`))
	b = AppendEvent(b, t0.Add(2*time.Second), "e2\nx", "odd", []byte("two\nlines"))
	b = AppendSkip(b, t0.Add(3*time.Second), "e3", "task.failed", "too large: over the 1 MiB bound")
	var err error
	b, err = AppendJSON(b, t0.Add(4*time.Second), TypeMessages, Messages{Messages: []api.Message{{ID: "msg_1", EventType: "task.failed"}}})
	if err != nil {
		t.Fatal(err)
	}
	b = AppendBatch(b, t0.Add(5*time.Second), &feed.Batch{Resync: []api.Task{{ID: "t1"}}, Poll: &feed.Poll{Gone: []string{"t2"}}}, nil)
	return b
}

func readAll(t testing.TB, b []byte) ([]Record, error) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	var out []Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		rec.Data = bytes.Clone(rec.Data)
		out = append(out, rec)
	}
}

func TestRoundTrip(t *testing.T) {
	b := sample(t)
	if bytes.Contains(b, []byte("sk_live")) || bytes.Contains(b, []byte("pw@")) {
		t.Fatalf("the header kept the URL's secrets:\n%s", b)
	}
	r, err := NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	h := r.Header()
	if h.Version != Version || h.AppVersion != "v9.9.9" || h.APIURL != "https://api.example/base" || !h.Started.Equal(t0) || h.Recorder != "dashboard" {
		t.Fatalf("header read back as %+v", h)
	}
	recs, err := readAll(t, b)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		kind Kind
		id   string
		typ  string
		data string
	}{
		{KindEvent, "e1", "task.progress", `{"event_id":"e1"}`},
		{KindEvent, "e2 x", "odd", "two\nlines"},
		{KindSkip, "", "", ""},
		{KindMessages, "", TypeMessages, `{"messages":[{"id":"msg_1","event_type":"task.failed","event_id":"","payload":null,"timestamp":null}]}`},
		{KindSnapshot, "", TypeSnapshot, ""},
		{KindPoll, "", TypePoll, ""},
	}
	if len(recs) != len(want) {
		t.Fatalf("read %d records, want %d: %+v", len(recs), len(want), recs)
	}
	for i, w := range want {
		g := recs[i]
		if g.Kind != w.kind || g.ID != w.id || g.Type != w.typ || (w.data != "" && string(g.Data) != w.data) {
			t.Errorf("record %d = %v %q %q %q, want %v %q %q %q", i, g.Kind, g.ID, g.Type, g.Data, w.kind, w.id, w.typ, w.data)
		}
		if wantAt := t0.Add(time.Duration(min(i+1, 5)) * time.Second); !g.At.Equal(wantAt) {
			t.Errorf("record %d at %v, want %v", i, g.At, wantAt)
		}
		if i > 0 && g.Offset != recs[i-1].End {
			t.Errorf("record %d begins at %d, the one before ends at %d", i, g.Offset, recs[i-1].End)
		}
	}
	if recs[2].Reason != "e3 (task.failed): too large: over the 1 MiB bound" {
		t.Errorf("skip reason %q", recs[2].Reason)
	}
	// Resuming at a record's offset reads the same records from there.
	r2 := ResumeAt(bytes.NewReader(b[recs[3].Offset:]), h, recs[3].Offset, recs[3].Line)
	got, err := r2.Next()
	if err != nil || got.Kind != KindMessages || got.Offset != recs[3].Offset || got.Line != recs[3].Line {
		t.Fatalf("resumed at record 3: %+v, %v", got, err)
	}
}

func TestWriterFileIsPrivateAndAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.sse")
	for range 2 {
		w, err := Create(path, header())
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Batch(&feed.Batch{Events: []feed.Event{{ID: "a", Type: "task.progress", Raw: []byte("{}"), Received: t0}}}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", info.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	recs, err := readAll(t, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0].Kind != KindEvent || recs[1].Kind != KindHeader || recs[2].Kind != KindEvent {
		t.Fatalf("a second session appended reads as %+v", recs)
	}
}

func TestBadFiles(t *testing.T) {
	good := sample(t)
	recs, err := readAll(t, good)
	if err != nil {
		t.Fatal(err)
	}
	mid := recs[3].Offset
	future := AppendHeader(nil, Header{Started: time.Now().Add(24 * time.Hour)})
	for _, tc := range []struct {
		name    string
		file    []byte
		err     error
		line    int
		records int
		says    string
	}{
		{"empty", nil, ErrEmpty, 1, 0, "line 1 (byte 0): the file is empty"},
		{"not a recording", []byte("hello\n"), ErrNotRecording, 1, 0, `it begins "hello"`},
		{"truncated last event", good[:len(good)-3], ErrTruncated, recs[5].Line, 5, "the file ends at byte"},
		{"garbage in the middle", append(append(bytes.Clone(good[:mid]), "\x00\x01garbage\xff\n"...), good[mid:]...), ErrGarbage, recs[3].Line, 3, `"\x00\x01garbage\xff" is no field`},
		{"unknown version", []byte(": aspect-tui recording v2 {}\n\n"), ErrVersion, 1, 0, "version 2 is newer than this aspect-tui reads (1)"},
		{"version not a number", []byte(": aspect-tui recording vX {}\n\n"), ErrVersion, 1, 0, `version "X" is unknown`},
		{"starts in the future", future, ErrFuture, 1, 0, "the recording starts at"},
		{"record from the future", AppendEvent(AppendHeader(nil, header()), time.Now().Add(time.Hour), "", "x", nil), ErrFuture, 3, 0, "a record received at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readAll(t, tc.file)
			var re *Error
			if !errors.As(err, &re) || !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want a *Error wrapping %v", err, tc.err)
			}
			if re.Line != tc.line || re.Records != tc.records || len(got) != tc.records {
				t.Errorf("stopped at line %d after %d records (%d returned), want line %d after %d", re.Line, re.Records, len(got), tc.line, tc.records)
			}
			if !strings.Contains(err.Error(), tc.says) || !strings.HasPrefix(err.Error(), "line ") {
				t.Errorf("message %q does not say %q", err, tc.says)
			}
		})
	}
}

func TestLegacyTailFileReadsAsVersion0(t *testing.T) {
	b := []byte(": recorded by aspect-tui tail from http://127.0.0.1:9 at 2026-12-01T10:00:00Z\n\nid: a\nevent: task.progress\ndata: {}\n\n")
	r, err := NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if h := r.Header(); h.Version != 0 || h.APIURL != "http://127.0.0.1:9" || h.Started.IsZero() {
		t.Fatalf("header %+v", h)
	}
	rec, err := r.Next()
	if err != nil || rec.ID != "a" || !rec.At.Equal(r.Header().Started) {
		t.Fatalf("record %+v, %v", rec, err)
	}
}

// FuzzReader: whatever the bytes, the reader ends with io.EOF or an *Error
// naming a line within the file, never panics, and never returns a record
// outside the file.
func FuzzReader(f *testing.F) {
	f.Add(sample(f))
	f.Add([]byte(""))
	f.Add([]byte(": aspect-tui recording v1 {}\n\ndata: x\n"))
	f.Add([]byte(": aspect-tui recording v1 {\"started\":\"2026-01-01T00:00:00Z\"}\r\n\r\n: at 2026-01-01T00:00:00Z\r\ndata\r\n\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := NewReader(bytes.NewReader(b))
		lines := bytes.Count(b, []byte("\n")) + 1
		check := func(err error) {
			var re *Error
			if !errors.As(err, &re) {
				t.Fatalf("error %v is no *Error", err)
			}
			if re.Line < 1 || re.Line > lines || re.Offset < 0 || re.Offset > int64(len(b)) {
				t.Fatalf("stopped at line %d byte %d of a %d-line, %d-byte file", re.Line, re.Offset, lines, len(b))
			}
		}
		if err != nil {
			check(err)
			return
		}
		for n := 0; ; n++ {
			rec, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				check(err)
				return
			}
			if rec.Offset < 0 || rec.End > int64(len(b)) || rec.Offset >= rec.End {
				t.Fatalf("record %d spans %d..%d of %d bytes", n, rec.Offset, rec.End, len(b))
			}
		}
	})
}
