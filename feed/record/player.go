package record

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
)

// Player plays a recording into a feed.Store and seeks in it: the store
// at any position equals the one a straight play to that position builds.
//
// Open reads the file once, front to back: it notes where each record
// begins and when it was received (24 bytes a record, so 1,000,000
// records index in 24 MB), applies each to a store, and keeps a Snapshot
// of that store every SnapshotEvery records. A seek restores the nearest
// snapshot at or before the target and applies the records between from
// the file, so it applies fewer than SnapshotEvery records whatever the
// distance. A snapshot shares what did not change since the one before
// (see feed.Store.Snapshot): 1,000,000 records of a generated recording
// (BenchmarkReplaySeek) hold 371 MiB with their index and a store of
// 100,000 tasks.
//
// A Player is used by one goroutine.
type Player struct {
	src   io.ReaderAt
	hdr   Header
	recs  []entry
	err   error // why reading stopped before the end of the file, or nil
	every int

	snaps []*feed.Store // snaps[k] is the store before record k*every
	store *feed.Store
	pos   int       // records applied to store
	clock time.Time // the store's Now: the time of the record being applied

	failures []int // records at which a task failed
	hooks    []int // webhook and connection records (see HooksAt)
}

type entry struct {
	off  int64
	at   int64 // Unix nanoseconds
	line uint32
	kind Kind
}

// PlayerOptions configure a Player.
type PlayerOptions struct {
	// Store bounds the store (its Now is the Player's: the recording's clock).
	Store feed.StoreOptions
	// SnapshotEvery is how many records lie between two snapshots (default
	// 2048): a seek applies fewer than this many.
	SnapshotEvery int
	// Progress, when set, is called now and then while Open reads (every
	// 65,536 records or 64 MiB), with the bytes read so far.
	Progress func(read int64)
}

// Open reads the recording in src (size bytes) and returns a Player at
// its start. It fails only when the file has no readable header; when it
// stops part way (see Err), the records before are played.
func Open(src io.ReaderAt, size int64, o PlayerOptions) (*Player, error) {
	r, err := NewReader(io.NewSectionReader(src, 0, size))
	if err != nil {
		return nil, err
	}
	if o.SnapshotEvery <= 0 {
		o.SnapshotEvery = 2048
	}
	p := &Player{src: src, hdr: r.Header(), every: o.SnapshotEvery, clock: r.Header().Started}
	so := o.Store
	so.Now = func() time.Time { return p.clock }
	p.store = feed.NewStore(so)
	told := int64(0) // where Progress was last told
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			p.err = err
			break
		}
		i := len(p.recs)
		if i%p.every == 0 {
			p.snaps = append(p.snaps, p.store.Snapshot())
		}
		p.recs = append(p.recs, entry{off: rec.Offset, at: rec.At.UnixNano(), line: uint32(rec.Line), kind: rec.Kind})
		failed, err := p.apply(rec)
		if err != nil {
			p.recs = p.recs[:i]
			p.err = &Error{Line: rec.Line, Offset: rec.Offset, Records: i, Err: ErrGarbage, Detail: err.Error()}
			break
		}
		if failed {
			p.failures = append(p.failures, i)
		}
		switch rec.Kind {
		case KindMessages, KindAttempts, KindEndpoints, KindConnection:
			p.hooks = append(p.hooks, i)
		}
		if o.Progress != nil && (i%65536 == 0 || rec.End-told > 64<<20) {
			o.Progress(rec.End)
			told = rec.End
		}
	}
	p.pos = len(p.recs)
	return p, nil
}

// Header is the recording's header.
func (p *Player) Header() Header { return p.hdr }

// Err says why the recording was read only in part (an *Error naming the
// line and byte), or is nil when it was read to its end.
func (p *Player) Err() error { return p.err }

// Len is the number of records.
func (p *Player) Len() int { return len(p.recs) }

// Pos is the number of records the store holds: 0 at the start, Len at
// the end.
func (p *Player) Pos() int { return p.pos }

// Store is the store at Pos. It stays the same object across seeks.
func (p *Player) Store() *feed.Store { return p.store }

// At is when record i was received.
func (p *Player) At(i int) time.Time { return time.Unix(0, p.recs[i].at) }

// Kind is what record i holds.
func (p *Player) Kind(i int) Kind { return p.recs[i].kind }

// Line is the line record i begins on.
func (p *Player) Line(i int) int { return int(p.recs[i].line) }

// Clock is the recording's time at Pos: when the last record applied was
// received (the start before any).
func (p *Player) Clock() time.Time {
	if p.pos == 0 {
		return p.hdr.Started
	}
	return p.At(p.pos - 1)
}

// Failures lists the records at which a task failed, in order.
func (p *Player) Failures() []int { return p.failures }

// Index returns the position just after the last record received at or
// before t (0 when t is before the first).
func (p *Player) Index(t time.Time) int {
	n := t.UnixNano()
	lo, hi := 0, len(p.recs)
	for lo < hi {
		mid := (lo + hi) / 2
		if p.recs[mid].at <= n {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// Seek brings the store to position pos (clamped to 0..Len).
func (p *Player) Seek(pos int) error {
	pos = max(0, min(pos, len(p.recs)))
	if pos < p.pos || pos-p.pos >= p.every {
		k := pos / p.every
		if k >= len(p.snaps) {
			k = len(p.snaps) - 1
		}
		p.store.Restore(p.snaps[k])
		p.pos = k * p.every
	}
	return p.play(pos)
}

// Step is what one record changes, for a dashboard playing it: Batch for
// the store (nil when the record holds none), and the webhook data it
// brought.
type Step struct {
	Index int
	At    time.Time
	Kind  Kind
	Batch *feed.Batch // an event, a skip, a snapshot or a poll
	Tasks []api.Task  // tasks fetched one by one (apply with ApplyTask)
	Hooks *Hooks      // messages, attempts or endpoints
}

// Next reads the record at Pos and returns what it changes, without
// applying it: the caller applies Step.Batch and Step.Tasks to Store (the
// dashboard does, as it does a live feed's) and then calls Advance. The
// store's clock is the record's time until the next call. Event data in
// the batch is the caller's to keep.
func (p *Player) Next() (Step, error) {
	if p.pos >= len(p.recs) {
		return Step{}, io.EOF
	}
	var st Step
	err := p.read(p.pos, p.pos+1, func(rec Record) error {
		var err error
		st, err = p.step(rec, true)
		return err
	})
	return st, err
}

// Advance notes that the record Next returned was applied.
func (p *Player) Advance() { p.pos++ }

// play applies records from Pos up to pos.
func (p *Player) play(pos int) error {
	if pos <= p.pos {
		return nil
	}
	return p.read(p.pos, pos, func(rec Record) error {
		_, err := p.apply(rec)
		p.pos++
		return err
	})
}

// read reads records from..to from the file, calling fn with each.
func (p *Player) read(from, to int, fn func(Record) error) error {
	e := p.recs[from]
	r := ResumeAt(io.NewSectionReader(p.src, e.off, 1<<62), p.hdr, e.off, int(e.line))
	for i := from; i < to; i++ {
		rec, err := r.Next()
		if err != nil {
			return fmt.Errorf("reading record %d again at line %d: %w (the file changed since it was opened?)", i, r.line, err)
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	return nil
}

// apply applies one record to the store and reports whether a task failed
// with it.
func (p *Player) apply(rec Record) (failed bool, err error) {
	st, err := p.step(rec, false)
	if err != nil {
		return false, err
	}
	if st.Batch != nil {
		ch := p.store.ApplyBatch(st.Batch)
		for i, o := range ch.Outcomes {
			if o == feed.Applied && st.Batch.Events[i].Env.EventType == api.EventTaskFailed {
				failed = true
			}
		}
	}
	for _, t := range st.Tasks {
		p.store.ApplyTask(t)
	}
	return failed, nil
}

// step decodes a record. keep copies event data (the caller keeps it);
// otherwise it aliases the reader's buffer, and the store copies what it
// holds.
func (p *Player) step(rec Record, keep bool) (Step, error) {
	p.clock = rec.At
	st := Step{Index: p.pos, At: rec.At, Kind: rec.Kind}
	if keep {
		rec.Data = append([]byte(nil), rec.Data...)
	}
	switch rec.Kind {
	case KindEvent:
		b := &feed.Batch{Received: 1}
		var env api.Envelope
		if err := feed.DecodeEnvelope(rec.Data, &env); err != nil {
			b.Skips = []feed.Skip{{ID: api.Clip(rec.ID, 80), Type: api.Clip(rec.Type, 40), Reason: err.Error(), Size: len(rec.Data), Received: rec.At, Raw: rec.Data}}
		} else {
			b.Events = []feed.Event{{ID: rec.ID, Type: rec.Type, Raw: rec.Data, Env: env, Received: rec.At}}
		}
		st.Batch = b
	case KindSkip:
		st.Batch = &feed.Batch{Received: 1, Skips: []feed.Skip{{Reason: rec.Reason, Received: rec.At}}}
	case KindSnapshot:
		var tasks []api.Task
		if err := decode(rec, &tasks); err != nil {
			return st, err
		}
		if tasks == nil {
			tasks = []api.Task{}
		}
		st.Batch = &feed.Batch{Resync: tasks}
	case KindPoll:
		var pl Poll
		if err := decode(rec, &pl); err != nil {
			return st, err
		}
		st.Batch = &feed.Batch{Poll: &feed.Poll{Active: pl.Active, Finished: pl.Finished, Gone: pl.Gone, Full: pl.Full}}
	case KindTasks:
		if err := decode(rec, &st.Tasks); err != nil {
			return st, err
		}
	case KindConnection:
		if !keep {
			return st, nil
		}
		var c Connection
		if err := decode(rec, &c); err != nil {
			return st, err
		}
		state := c.State()
		st.Batch = &feed.Batch{Conn: &state}
		st.Hooks = &Hooks{Conn: &state}
	case KindMessages, KindAttempts, KindEndpoints:
		if !keep {
			// Only a dashboard shows them; a seek finds the last ones
			// with HooksAt.
			return st, nil
		}
		h, err := decodeHooks(rec)
		if err != nil {
			return st, err
		}
		st.Hooks = h
	}
	return st, nil
}

func decode(rec Record, v any) error {
	if err := json.Unmarshal(rec.Data, v); err != nil {
		return fmt.Errorf("the %s record's data does not read: %v", rec.Type, err)
	}
	return nil
}

// Hooks is webhook data the dashboard fetched, or the connection state it
// showed: one record's.
type Hooks struct {
	Messages     *Messages
	Attempts     *Attempts
	Endpoints    []api.Endpoint
	HasEndpoints bool
	Conn         *feed.ConnState // the connection state (a connection record)
}

func decodeHooks(rec Record) (*Hooks, error) {
	h := &Hooks{}
	switch rec.Kind {
	case KindMessages:
		h.Messages = &Messages{}
		return h, decode(rec, h.Messages)
	case KindAttempts:
		h.Attempts = &Attempts{}
		return h, decode(rec, h.Attempts)
	case KindEndpoints:
		h.HasEndpoints = true
		return h, decode(rec, &h.Endpoints)
	case KindConnection:
		var c Connection
		if err := decode(rec, &c); err != nil {
			return nil, err
		}
		state := c.State()
		h.Conn = &state
		return h, nil
	}
	return nil, errors.New("not a webhook record")
}

// HooksAt returns the webhook and connection records received before
// position pos, the
// latest last: the latest limit of them, since a dashboard shows
// only the latest of each kind and query (limit: how many at most).
func (p *Player) HooksAt(pos, limit int) ([]*Hooks, error) {
	end := len(p.hooks)
	for end > 0 && p.hooks[end-1] >= pos {
		end--
	}
	var out []*Hooks
	for _, i := range p.hooks[max(0, end-limit):end] {
		err := p.read(i, i+1, func(rec Record) error {
			h, err := decodeHooks(rec)
			if err == nil {
				out = append(out, h)
			}
			return err
		})
		if err != nil {
			return out, err
		}
	}
	return out, nil
}
