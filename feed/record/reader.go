package record

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// MaxRecord bounds one record's lines in bytes: a reader never holds more
// than this (and its 64 KiB buffer), whatever the file's size.
const MaxRecord = 32 << 20

// FutureTolerance is how far past this machine's clock a header's start
// or a record's time may be (clocks differ) before the file is taken for
// one from the future.
const FutureTolerance = 5 * time.Minute

// Why a reader stopped. An *Error wraps one of these.
var (
	ErrEmpty        = errors.New("the file is empty: no recording header")
	ErrNotRecording = errors.New("not an aspect-tui recording")
	ErrVersion      = errors.New("a format version this aspect-tui does not read")
	ErrFuture       = errors.New("from the future")
	ErrGarbage      = errors.New("not an event-stream line")
	ErrTooLarge     = errors.New("record too large")
	ErrTruncated    = errors.New("the last record is cut short")
)

// Error says where and why a reader stopped. Everything before Offset was
// read whole: Records records.
type Error struct {
	Line    int   // 1-based line where reading stopped
	Offset  int64 // byte where that line (or record) begins
	Records int   // records read before it
	Err     error // one of the Err values above
	Detail  string
}

func (e *Error) Error() string {
	s := fmt.Sprintf("line %d (byte %d): %v", e.Line, e.Offset, e.Err)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s + fmt.Sprintf("; %d record(s) read before it", e.Records)
}

func (e *Error) Unwrap() error { return e.Err }

// Record is one record. Data (and ID, Type, Reason) are valid until the
// next call to Next: copy what you keep.
type Record struct {
	Kind   Kind
	At     time.Time // when it was received (zero in a version 0 file)
	ID     string    // the SSE id field ("" when none)
	Type   string    // the SSE event field ("" when none)
	Data   []byte    // the data lines joined with LF
	Reason string    // KindSkip: why the event was not kept
	Header *Header   // KindHeader: the new session's header
	Offset int64     // byte where the record begins
	Line   int       // 1-based line where it begins
	End    int64     // byte after the blank line that ends it
}

// Reader reads a recording record by record.
type Reader struct {
	br      *bufio.Reader
	hdr     Header
	now     func() time.Time
	off     int64 // byte of the next line
	line    int   // number of the next line, 1-based
	records int
	long    []byte // a line longer than the buffer
	data    []byte
	lastAt  time.Time
	err     error
}

// NewReader reads the header and returns a reader for the records after
// it, or an *Error when the file is no recording this version reads.
func NewReader(src io.Reader) (*Reader, error) {
	r := &Reader{br: bufio.NewReaderSize(src, 64<<10), now: time.Now, line: 1}
	if err := r.readHeader(); err != nil {
		r.err = err
		return nil, err
	}
	return r, nil
}

// ResumeAt returns a reader for the records of the recording h that begin
// at byte offset on line line of src (src is read from there): for
// jumping back to a record whose Offset and Line were noted before.
func ResumeAt(src io.Reader, h Header, offset int64, line int) *Reader {
	return &Reader{br: bufio.NewReaderSize(src, 64<<10), now: time.Now, hdr: h, off: offset, line: line, lastAt: h.Started}
}

// Header is the recording's header.
func (r *Reader) Header() Header { return r.hdr }

// Records is how many records were read.
func (r *Reader) Records() int { return r.records }

// Offset is the byte after the last whole record read.
func (r *Reader) Offset() int64 { return r.off }

func (r *Reader) fail(line int, off int64, err error, detail string) error {
	r.err = &Error{Line: line, Offset: off, Records: r.records, Err: err, Detail: detail}
	return r.err
}

// readLine returns the next line without its terminator (LF or CRLF), and
// whether it ended with one: false at the end of the file (an empty line
// then means nothing was left).
func (r *Reader) readLine(limit int) ([]byte, bool, error) {
	r.long = r.long[:0]
	for {
		b, err := r.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			if len(r.long)+len(b) > limit {
				return nil, false, ErrTooLarge
			}
			r.long = append(r.long, b...)
			continue
		}
		if len(r.long) > 0 {
			if len(r.long)+len(b) > limit {
				return nil, false, ErrTooLarge
			}
			r.long = append(r.long, b...)
			b = r.long
		}
		r.off += int64(len(b))
		if err == io.EOF {
			return b, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		r.line++
		b = b[:len(b)-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
		return b, true, nil
	}
}

func (r *Reader) readHeader() error {
	line, nl, err := r.readLine(64 << 10)
	if errors.Is(err, ErrTooLarge) {
		return r.fail(1, 0, ErrNotRecording, "its first line is over 64 KiB")
	}
	if err != nil {
		return r.fail(1, 0, err, "")
	}
	if !nl && len(line) == 0 {
		return r.fail(1, 0, ErrEmpty, "")
	}
	line = bytes.TrimPrefix(line, []byte("\ufeff"))
	h, herr := parseHeader(line, r.now())
	if herr != nil {
		r.line = 1
		return r.fail(1, 0, herr.Err, herr.Detail)
	}
	r.hdr, r.lastAt = h, h.Started
	return nil
}

// parseHeader reads a header line; the error's Err says what was wrong.
func parseHeader(line []byte, now time.Time) (Header, *Error) {
	s := string(line)
	if rest, ok := strings.CutPrefix(s, legacyPrefix); ok {
		from, at, _ := strings.Cut(rest, " at ")
		h := Header{Version: 0, APIURL: SafeURL(from), Recorder: RecorderTail}
		if t, err := time.Parse(time.RFC3339, strings.TrimSpace(at)); err == nil {
			h.Started = t
		}
		return h, futureHeader(h, now)
	}
	rest, ok := strings.CutPrefix(s, headerPrefix)
	if !ok {
		return Header{}, &Error{Err: ErrNotRecording, Detail: fmt.Sprintf("it begins %s, not %q", quote(line, 40), strings.TrimSpace(headerPrefix))}
	}
	num, js, _ := strings.Cut(rest, " ")
	v, err := strconv.Atoi(num)
	if err != nil || v < 1 {
		return Header{}, &Error{Err: ErrVersion, Detail: fmt.Sprintf("version %s is unknown (this aspect-tui reads 0 to %d)", quote([]byte(num), 20), Version)}
	}
	if v > Version {
		return Header{}, &Error{Err: ErrVersion, Detail: fmt.Sprintf("version %d is newer than this aspect-tui reads (%d): a newer aspect-tui wrote it; update aspect-tui to read it", v, Version)}
	}
	var h Header
	if err := json.Unmarshal([]byte(js), &h); err != nil {
		return Header{}, &Error{Err: ErrGarbage, Detail: "the header's JSON does not read: " + err.Error()}
	}
	h.Version = v
	h.APIURL = SafeURL(h.APIURL)
	return h, futureHeader(h, now)
}

func futureHeader(h Header, now time.Time) *Error {
	if h.Started.After(now.Add(FutureTolerance)) {
		return &Error{Err: ErrFuture, Detail: fmt.Sprintf("the recording starts at %s, after this machine's clock (%s)", h.Started.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))}
	}
	return nil
}

// quote shows at most n bytes of b, safely.
func quote(b []byte, n int) string {
	if len(b) > n {
		return strconv.Quote(string(b[:n])) + "…"
	}
	return strconv.Quote(string(b))
}

// Next returns the next record; io.EOF after the last; an *Error when the
// file cannot be read further (the same error on every later call).
func (r *Reader) Next() (Record, error) {
	if r.err != nil {
		return Record{}, r.err
	}
	rec := Record{Offset: -1}
	r.data = r.data[:0]
	hasData, hasAt, fields := false, false, false
	for {
		lineNo, off := r.line, r.off
		line, nl, err := r.readLine(MaxRecord - len(r.data))
		if err != nil {
			if errors.Is(err, ErrTooLarge) {
				if rec.Offset >= 0 {
					lineNo, off = rec.Line, rec.Offset
				}
				return Record{}, r.fail(lineNo, off, ErrTooLarge, fmt.Sprintf("over the %d MiB bound", MaxRecord>>20))
			}
			return Record{}, r.fail(lineNo, off, err, "")
		}
		if !nl {
			if len(line) == 0 && rec.Offset < 0 {
				r.err = io.EOF
				return Record{}, io.EOF
			}
			if rec.Offset < 0 {
				rec.Offset, rec.Line = off, lineNo
			}
			return Record{}, r.fail(rec.Line, rec.Offset, ErrTruncated,
				fmt.Sprintf("the file ends at byte %d, inside the record that begins there (no blank line ends it)", r.off))
		}
		if len(line) == 0 {
			if rec.Offset < 0 {
				continue
			}
			if !hasData && rec.Reason == "" && rec.Header == nil {
				if !fields {
					// Comments alone (an SSE ping kept, say): no record.
					rec, hasAt = Record{Offset: -1}, false
					continue
				}
				return Record{}, r.fail(rec.Line, rec.Offset, ErrGarbage, "a record with fields but no data line")
			}
			rec.End = r.off
			rec.Data = r.data
			switch {
			case rec.Header != nil:
				rec.Kind = KindHeader
			case rec.Reason != "":
				rec.Kind = KindSkip
			default:
				rec.Kind = kindOf(rec.Type)
			}
			if !hasAt {
				rec.At = r.lastAt
			}
			r.lastAt = rec.At
			r.records++
			return rec, nil
		}
		if rec.Offset < 0 {
			rec.Offset, rec.Line = off, lineNo
		}
		if line[0] == ':' {
			if err := r.comment(&rec, line, &hasAt); err != nil {
				return Record{}, r.fail(lineNo, off, err.Err, err.Detail)
			}
			continue
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimPrefix(value, []byte(" "))
		switch string(name) {
		case "data":
			if hasData {
				r.data = append(r.data, '\n')
			}
			r.data = append(r.data, value...)
			hasData = true
		case "id":
			rec.ID = string(value)
		case "event":
			rec.Type = string(value)
		case "retry":
		default:
			return Record{}, r.fail(lineNo, off, ErrGarbage, fmt.Sprintf("%s is no field of the event-stream format (data, id, event, retry, or a comment after ':')", quote(line, 40)))
		}
		fields = true
	}
}

func (r *Reader) comment(rec *Record, line []byte, hasAt *bool) *Error {
	// Only the comments this format writes are read: any other (a ping
	// kept, a long note) is passed over without a copy.
	switch {
	case bytes.HasPrefix(line, []byte(atPrefix)):
		t, err := time.Parse(time.RFC3339Nano, string(line[len(atPrefix):]))
		if err != nil {
			return &Error{Err: ErrGarbage, Detail: fmt.Sprintf("the receive time %s does not read", quote(line[len(atPrefix):], 40))}
		}
		if now := r.now(); t.After(now.Add(FutureTolerance)) {
			return &Error{Err: ErrFuture, Detail: fmt.Sprintf("a record received at %s, after this machine's clock (%s)", t.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))}
		}
		rec.At, *hasAt = t, true
	case bytes.HasPrefix(line, []byte(skipPrefix)):
		rec.Reason = string(line[len(skipPrefix):])
	case bytes.HasPrefix(line, []byte(headerPrefix)) || bytes.HasPrefix(line, []byte(legacyPrefix)):
		h, err := parseHeader(line, r.now())
		if err != nil {
			return err
		}
		rec.Header = &h
		if !*hasAt {
			rec.At, *hasAt = h.Started, true
		}
	}
	return nil
}
