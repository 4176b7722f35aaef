package feed

import (
	"bytes"
	"io"
	"strconv"
	"time"
	"unsafe"
)

// rawEvent is one event as the event-stream format defines it, or an event
// dropped for its size (Dropped > 0, Data nil).
type rawEvent struct {
	ID      string // the last event id, as EventSource would report it
	Type    string
	Data    []byte
	Dropped int // the dropped event's size in bytes, as far as it was read
}

// parser reads the text/event-stream format (the WHATWG HTML rules): lines
// end in LF, CRLF or a lone CR; `data:` lines join with LF; `id:` sets the
// last event id unless it holds NUL; `retry:` takes ASCII digits only;
// comments and unknown fields are ignored; a blank line dispatches; a
// leading BOM is dropped; an event cut short by the end of the stream is
// never dispatched.
//
// Unlike the parsers of r3labs/sse and tmaxmax/go-sse, an event whose data
// grows past the bound is dropped whole and reported while the stream goes
// on, and the reader is bounded by that size whatever the server sends.
type parser struct {
	src     io.Reader
	maxData int // data bytes per event
	maxLine int // bytes in one line (the data bound plus room for a field name)

	buf        []byte
	start, end int  // buf[start:end] is read but not yet parsed
	scan       int  // buf[start:scan] holds no line terminator
	prevCR     bool // the last terminator was a CR at the end of the read: a LF next belongs to it
	begun      bool // the first line (and a BOM before it) has been seen

	data    []byte
	hasData bool
	typ     string
	idBuf   []byte // the id fields say so far; it becomes lastID when an event is dispatched
	lastID  string
	retry   time.Duration
	size    int // bytes of the current event so far

	dropping bool // the current event is over the bound: discard up to its blank line
	lineCut  bool // the line in progress lost its beginning to a drop

	err error
}

const parserChunk = 32 << 10

func newParser(src io.Reader, maxData int) *parser {
	return &parser{src: src, maxData: maxData, maxLine: maxData + 1024, buf: make([]byte, parserChunk)}
}

// next returns the next event. At the end of the stream it returns false
// and p.err holds io.EOF or the error that ended it.
func (p *parser) next() (rawEvent, bool) {
	for {
		line, ok := p.line()
		if !ok {
			if p.err != nil {
				return rawEvent{}, false
			}
			p.fill()
			continue
		}
		if !p.begun {
			p.begun = true
			line = bytes.TrimPrefix(line, []byte("\ufeff"))
		}
		if p.dropping {
			if ev, done := p.dropLine(line); done {
				return ev, true
			}
			continue
		}
		if len(line) == 0 {
			if ev, ok := p.dispatch(); ok {
				return ev, true
			}
			continue
		}
		p.field(line)
		if len(p.data) > p.maxData {
			p.beginDrop()
		}
	}
}

// line returns the next complete line without its terminator, or false
// when more input is needed. A partial line longer than the bound starts a
// drop and is let go of as it arrives.
func (p *parser) line() ([]byte, bool) {
	if p.prevCR && p.start < p.end {
		p.prevCR = false
		if p.buf[p.start] == '\n' {
			p.start++
			p.size++
			p.scan = max(p.scan, p.start)
		}
	}
	rest := p.buf[p.scan:p.end]
	i := bytes.IndexByte(rest, '\n')
	if i < 0 {
		i = len(rest)
	}
	if j := bytes.IndexByte(rest[:i], '\r'); j >= 0 {
		i = j
	}
	if i == len(rest) {
		p.scan = p.end
		if p.end-p.start > p.maxLine || p.dropping {
			if !p.dropping {
				p.beginDrop()
			}
			p.size += p.end - p.start
			p.lineCut = p.lineCut || p.end > p.start
			p.start, p.scan = p.end, p.end
		}
		return nil, false
	}
	term := p.scan + i
	next := term + 1
	if p.buf[term] == '\r' {
		if next < p.end {
			if p.buf[next] == '\n' {
				next++
			}
		} else {
			p.prevCR = true
		}
	}
	line := p.buf[p.start:term]
	p.size += next - p.start
	p.start, p.scan = next, next
	return line, true
}

// fill reads once from the source, making room first.
func (p *parser) fill() {
	if p.start > 0 {
		n := copy(p.buf, p.buf[p.start:p.end])
		p.scan -= p.start
		p.start, p.end = 0, n
	}
	if p.end == len(p.buf) {
		grown := make([]byte, min(2*len(p.buf), p.maxLine+parserChunk))
		copy(grown, p.buf[:p.end])
		p.buf = grown
	}
	n, err := p.src.Read(p.buf[p.end:])
	p.end += n
	if err != nil {
		p.err = err
	}
}

// field applies one non-blank line to the event being built.
func (p *parser) field(line []byte) {
	name, value := line, []byte(nil)
	if c := bytes.IndexByte(line, ':'); c >= 0 {
		name, value = line[:c], line[c+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(name) {
	case "data":
		if p.hasData {
			p.data = append(p.data, '\n')
		}
		p.data = append(p.data, value...)
		p.hasData = true
	case "event":
		if c, ok := common(value); ok {
			p.typ = c
		} else {
			p.typ = string(value)
		}
	case "id":
		if bytes.IndexByte(value, 0) < 0 {
			p.idBuf = append(p.idBuf[:0], value...)
		}
	case "retry":
		if ms, ok := digits(value); ok {
			p.retry = time.Duration(min(ms, int64(time.Hour/time.Millisecond))) * time.Millisecond
		}
	}
}

// digits reads a non-empty run of ASCII digits, as `retry:` requires.
func digits(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	return n, err == nil
}

func (p *parser) dispatch() (rawEvent, bool) {
	// The id counts only once its event is complete: resuming from the id
	// of an event cut short would skip that event.
	defer p.reset()
	if !p.hasData {
		p.takeID()
		return rawEvent{}, false
	}
	if p.data == nil {
		p.takeID()
		return rawEvent{ID: p.lastID, Type: p.typ}, true
	}
	// One allocation holds the event's data and, after it, its id when the
	// id changed (every event's does): the consumer mostly keeps both or
	// neither. A large event's id gets its own, so that a log keeping ids
	// does not keep megabytes of data with them.
	n := len(p.data)
	if n > sharedIDUpTo {
		p.takeID()
		return rawEvent{ID: p.lastID, Type: p.typ, Data: bytes.Clone(p.data)}, true
	}
	newID := string(p.idBuf) != p.lastID
	size := n
	if newID {
		size += len(p.idBuf)
	}
	buf := make([]byte, size)
	copy(buf, p.data)
	if newID {
		id := buf[n:]
		copy(id, p.idBuf)
		p.lastID = ""
		if len(id) > 0 {
			p.lastID = unsafe.String(&id[0], len(id))
		}
	}
	return rawEvent{ID: p.lastID, Type: p.typ, Data: buf[:n:n]}, true
}

// sharedIDUpTo is the largest event whose id shares its data's allocation.
const sharedIDUpTo = 4 << 10

// takeID makes the id fields so far the last event id.
func (p *parser) takeID() {
	if string(p.idBuf) != p.lastID {
		p.lastID = string(p.idBuf)
	}
}

func (p *parser) reset() {
	p.data = p.data[:0]
	if cap(p.data) > 4*parserChunk {
		// Let go of the room a large event needed.
		p.data = nil
	}
	p.hasData = false
	p.typ = ""
	p.size = 0
}

func (p *parser) beginDrop() {
	p.dropping = true
	p.data = nil
	p.hasData = false
}

// dropLine handles a line of a dropped event; a blank one ends it. The
// event's id and type are still read, to name it in the log.
func (p *parser) dropLine(line []byte) (rawEvent, bool) {
	if p.lineCut {
		p.lineCut = false
		return rawEvent{}, false
	}
	if len(line) > 0 {
		if len(line) < 1024 && (bytes.HasPrefix(line, []byte("id")) || bytes.HasPrefix(line, []byte("event"))) {
			p.field(line)
		}
		return rawEvent{}, false
	}
	p.takeID()
	ev := rawEvent{ID: p.lastID, Type: p.typ, Dropped: p.size}
	p.dropping = false
	p.reset()
	return ev, true
}
