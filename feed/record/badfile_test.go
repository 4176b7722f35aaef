package record

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestPlayerKeepsWhatItReadOfABadFile: a file cut short or with garbage
// in the middle is played up to where it stops, and Err names the line
// and byte; a file with no readable header is refused whole.
func TestPlayerKeepsWhatItReadOfABadFile(t *testing.T) {
	good := sample(t)
	recs, err := readAll(t, good)
	if err != nil {
		t.Fatal(err)
	}
	mid := recs[2].Offset
	for _, tc := range []struct {
		name string
		file []byte
		want error
		n    int // records played
	}{
		{"truncated last event", good[:len(good)-5], ErrTruncated, 5},
		{"garbage in the middle", append(append(bytes.Clone(good[:mid]), "\x01\x02\x03 garbage\n"...), good[mid:]...), ErrGarbage, 2},
		{"a snapshot whose JSON does not read", append(bytes.Clone(good), AppendEvent(nil, t0.Add(time.Minute), "", TypeSnapshot, []byte("[{"))...), ErrGarbage, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Open(bytes.NewReader(tc.file), int64(len(tc.file)), PlayerOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var re *Error
			if !errors.As(p.Err(), &re) || !errors.Is(p.Err(), tc.want) {
				t.Fatalf("Err() = %v, want a *Error wrapping %v", p.Err(), tc.want)
			}
			if p.Len() != tc.n || re.Records != tc.n || !strings.HasPrefix(p.Err().Error(), fmt.Sprintf("line %d (byte %d)", re.Line, re.Offset)) {
				t.Errorf("played %d records, want %d; %v", p.Len(), tc.n, p.Err())
			}
			if err := p.Seek(0); err != nil {
				t.Fatal(err)
			}
			if err := p.Seek(p.Len()); err != nil {
				t.Fatal(err)
			}
		})
	}
	for _, bad := range [][]byte{nil, []byte(": aspect-tui recording v99 {}\n\n")} {
		if _, err := Open(bytes.NewReader(bad), int64(len(bad)), PlayerOptions{}); err == nil {
			t.Errorf("%q opened", bad)
		}
	}
}

// bigFile is a recording of blocks generated from their position, never
// held whole: each block is an event followed by comment lines, and the
// last block is cut in the middle of its event.
type bigFile struct {
	header []byte
	blocks int64
	bl     int64 // a block's length (they all have the same)
	size   int64
	cache  struct {
		n int64
		b []byte
	}
}

const (
	bigLine  = 60_000
	bigLines = 17
)

func newBigFile(size int64) *bigFile {
	f := &bigFile{header: AppendHeader(nil, Header{AppVersion: "test", Started: t0})}
	f.bl = int64(len(f.block(0)))
	f.blocks = (size - int64(len(f.header))) / f.bl
	f.size = int64(len(f.header)) + f.blocks*f.bl + 100 // the next block's first 100 bytes: a cut event
	return f
}

// bigComments are the comment lines of every block.
var bigComments = bytes.Repeat(append(append([]byte(": "), bytes.Repeat([]byte{'x'}, bigLine)...), '\n'), bigLines)

func (f *bigFile) block(n int64) []byte {
	if f.cache.b != nil && f.cache.n == n {
		return f.cache.b
	}
	buf := f.cache.b[:0]
	id := fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
	b := AppendEvent(buf, t0.Add(time.Duration(n)*time.Second), id, "task.progress",
		fmt.Appendf(nil, `{"event_id":%q,"event_type":"task.progress","data":{"task":{"id":%q,"updated":%q,"features":{"proxy":{"state":"processing"}}}}}`, id, id, t0.Add(time.Duration(n)*time.Second).Format(time.RFC3339)))
	b = append(b, bigComments...)
	b = append(b, '\n')
	f.cache.n, f.cache.b = n, b
	return b
}

func (f *bigFile) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) && off < f.size {
		var src []byte
		if off < int64(len(f.header)) {
			src = f.header[off:]
		} else {
			k := (off - int64(len(f.header))) / f.bl
			src = f.block(k)[(off-int64(len(f.header)))%f.bl:]
		}
		src = src[:min(int64(len(src)), f.size-off)]
		c := copy(p[n:], src)
		n += c
		off += int64(c)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// TestTwoGigabyteFile plays a 2 GB recording generated as it is read
// (never on disk nor in memory whole), whose last event is cut short: it
// is read to its end with the heap bounded, every whole event is played,
// and the error names the byte, past 2^31, where the cut event begins.
func TestTwoGigabyteFile(t *testing.T) {
	if testing.Short() || raceOn {
		t.Skip("reads 2 GB: not under -short or -race")
	}
	f := newBigFile(2<<30 + 4<<20)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak uint64
	p, err := Open(f, f.size, PlayerOptions{Progress: func(int64) {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		peak = max(peak, m.HeapInuse)
	}})
	if err != nil {
		t.Fatal(err)
	}
	var re *Error
	if !errors.As(p.Err(), &re) || !errors.Is(re, ErrTruncated) {
		t.Fatalf("Err() = %v, want the cut last event", p.Err())
	}
	if int64(p.Len()) != f.blocks || re.Offset != f.size-100 || re.Offset < 1<<31 {
		t.Errorf("played %d of %d events; stopped at byte %d, the cut event begins at %d", p.Len(), f.blocks, re.Offset, f.size-100)
	}
	if p.Store().Len() != int(f.blocks) {
		t.Errorf("the store holds %d tasks, want %d", p.Store().Len(), f.blocks)
	}
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	peak = max(peak, after.HeapInuse)
	if peak > 64<<20 {
		t.Errorf("the heap reached %d MiB reading a 2 GB file", peak>>20)
	}
	t.Logf("%d MiB file, %d events; heap in use at most %d MiB (from %d); %v", f.size>>20, p.Len(), peak>>20, before.HeapInuse>>20, p.Err())
}
