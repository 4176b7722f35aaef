package record

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
)

// Writer writes a recording to a file, one whole record per write. It is
// safe for concurrent use: the feed's consumer and the webhook fetches
// record from different goroutines. After the first failed write it
// writes nothing more and every call returns that error.
type Writer struct {
	mu   sync.Mutex
	w    io.Writer
	c    io.Closer
	name string
	buf  []byte
	n    int // records written
	err  error
}

// Create creates (or appends to) the file at path, mode 0600, and writes
// h's header. The file is readable by its owner only: its events hold the
// account's task and user ids.
func Create(path string, h Header) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("--record: %w", err)
	}
	w := NewWriter(f, h)
	w.c, w.name = f, path
	if w.err != nil {
		f.Close()
		return nil, w.err
	}
	return w, nil
}

// NewWriter writes h's header to w and returns a Writer for the records.
func NewWriter(w io.Writer, h Header) *Writer {
	rw := &Writer{w: w, name: "recording"}
	rw.write(AppendHeader(nil, h), 0)
	return rw
}

func (w *Writer) write(b []byte, records int) error {
	if w.err != nil {
		return w.err
	}
	if _, err := w.w.Write(b); err != nil {
		w.err = fmt.Errorf("--record %s: writing failed: %w; %d record(s) recorded", w.name, err, w.n)
		return w.err
	}
	w.n += records
	return nil
}

// Batch records what a feed batch holds (see AppendBatch).
func (w *Writer) Batch(b *feed.Batch) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var ends []int
	w.buf = AppendBatch(w.buf[:0], time.Now(), b, &ends)
	return w.write(w.buf, len(ends))
}

// Tasks records tasks fetched one by one, seen at at.
func (w *Writer) Tasks(at time.Time, tasks []api.Task) error {
	return w.json(at, TypeTasks, tasks)
}

// Messages records webhook messages fetched, seen at at.
func (w *Writer) Messages(at time.Time, ms []api.Message) error {
	return w.json(at, TypeMessages, Messages{Messages: ms})
}

// Endpoints records the webhook endpoints listed, seen at at.
func (w *Writer) Endpoints(at time.Time, es []api.Endpoint) error {
	return w.json(at, TypeEndpoints, es)
}

// Attempts records delivery attempts fetched, seen at at.
func (w *Writer) Attempts(at time.Time, a Attempts) error {
	return w.json(at, TypeAttempts, a)
}

func (w *Writer) json(at time.Time, typ string, v any) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	b, err := AppendJSON(w.buf[:0], at, typ, v)
	if err != nil {
		return err
	}
	w.buf = b
	return w.write(b, 1)
}

// Records is how many records were written whole.
func (w *Writer) Records() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

// Err is the error that stopped the writer, or nil.
func (w *Writer) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Close closes the file Create opened.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.c == nil {
		return w.err
	}
	if err := w.c.Close(); err != nil {
		return fmt.Errorf("--record %s: %w", w.name, err)
	}
	return w.err
}
