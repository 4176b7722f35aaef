package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/feed/record"
)

// recorder appends every event as received, duplicates and unreadable ones
// included, in the recording format (package feed/record, a
// text/event-stream): serving the file as a stream replays the session. The file only ever ends after a whole event: a write that
// fails (a full disk, an I/O error) is cut back to the last whole one.
type recorder struct {
	f       recordFile
	name    string
	size    int64 // where the last whole event ends
	events  int   // events recorded
	buf     bytes.Buffer
	scratch []byte
	ends    []int // within buf: where each event ends
	warn    bool  // a failed write ends the recording, not tail
}

// recordFile is what the recorder writes to: an *os.File, or a test's.
type recordFile interface {
	io.Writer
	Truncate(size int64) error
	Close() error
}

// openRecordFile opens the file to record to and says how long it is.
// Tests replace it to see a disk fill up.
var openRecordFile = func(path string) (recordFile, int64, error) {
	// The events hold the account's task and user ids: readable by the
	// user only.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, 0, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, info.Size(), nil
}

func openRecorder(path, from string) (*recorder, error) {
	f, size, err := openRecordFile(path)
	if err != nil {
		return nil, fmt.Errorf("--record: %w", err)
	}
	r := &recorder{f: f, name: path, size: size}
	r.buf.Write(record.AppendHeader(nil, record.Header{AppVersion: appVersion(), APIURL: from, Started: time.Now(), Recorder: record.RecorderTail}))
	r.ends = append(r.ends, r.buf.Len())
	if err := r.write(); err != nil {
		f.Close()
		return nil, err
	}
	r.events = 0 // the line above is no event
	return r, nil
}

// batch records a batch's snapshot, poll, events and skips (see
// record.AppendBatch), and returns why it could not: then the file ends
// with the last event written whole.
func (r *recorder) batch(b *feed.Batch) error {
	r.scratch = record.AppendBatch(r.scratch[:0], time.Now(), b, &r.ends)
	r.buf.Write(r.scratch)
	return r.write()
}

// write writes what is buffered in one call. When that fails part way, the
// file is cut back to the end of the last event written whole.
func (r *recorder) write() error {
	defer func() { r.buf.Reset(); r.ends = r.ends[:0] }()
	if r.buf.Len() == 0 {
		return nil
	}
	n, err := r.f.Write(r.buf.Bytes())
	if err == nil && n < r.buf.Len() {
		err = io.ErrShortWrite
	}
	whole, kept := 0, 0
	for _, end := range r.ends {
		if end > n {
			break
		}
		whole, kept = end, kept+1
	}
	if err == nil {
		r.size += int64(n)
		r.events += len(r.ends)
		return nil
	}
	r.size += int64(whole)
	r.events += kept
	err = fmt.Errorf("--record %s: writing failed: %w; %d event(s) recorded, the file ends with the last whole one", r.name, err, r.events)
	if n > whole {
		if terr := r.f.Truncate(r.size); terr != nil {
			return fmt.Errorf("%w; the last one is cut short (%v)", err, terr)
		}
	}
	return err
}

// close closes the file.
func (r *recorder) close() error {
	if err := r.f.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
		return fmt.Errorf("--record %s: %w", r.name, err)
	}
	return nil
}
