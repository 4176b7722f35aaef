package feed

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/sim"
)

// The benchmarks here are the feed's budgets (README, "Performance"); the
// names are fixed so that results can be compared over time. Each is cheap
// enough for `-benchtime=1x`, which .ci/run uses so that none of them rots.
//
// Besides the wall-clock rate, the ingest benchmarks report events per
// second of CPU time the process used: on a machine shared with other work
// (every CI runner) that is the steadier figure, and with -cpu 1 it is the
// rate of one core given to the feed alone.

// ingestStream is an event stream as the server sends it: tasks moving
// through their lifecycle, a ping now and then, each envelope about 600
// bytes.
func ingestStream(events int) ([]byte, int) {
	var b bytes.Buffer
	b.WriteString("retry: 3000\n\n")
	lifecycle := [][]api.State{
		{api.StateQueued, api.StateQueued, api.StateQueued, api.StateQueued},
		{api.StateProcessing, api.StateQueued, api.StateQueued, api.StateQueued},
		{api.StateCompleted, api.StateProcessing, api.StateProcessing, api.StateQueued},
		{api.StateCompleted, api.StateCompleted, api.StateProcessing, api.StateProcessing},
		{api.StateCompleted, api.StateCompleted, api.StateCompleted, api.StateCompleted},
	}
	size := 0
	for i := range events {
		task := fmt.Sprintf("task_%s", uuid(i/len(lifecycle)))
		typ := api.EventTaskProgress
		if i%len(lifecycle) == len(lifecycle)-1 {
			typ = api.EventTaskCompleted
		}
		env := envelope(uuid(1_000_000+i), typ, task, i, lifecycle[i%len(lifecycle)]...)
		size += len(env)
		b.WriteString(sseEvent(uuid(1_000_000+i), typ, env, "\n"))
		if i%100 == 99 {
			b.WriteString(": ping\n\n")
		}
	}
	return b.Bytes(), size / events
}

const perPass = 20_000

// perFrame is what one batch holds in a storm of 20,000 events a second.
const perFrame = int(20_000 * DefaultFrameInterval / time.Second)

var benchStream = sync.OnceValues(func() ([]byte, int) { return ingestStream(perPass) })

// BenchmarkIngest measures parse + decode + apply from an in-memory stream,
// on one goroutine, the way the feed and its consumer split the work: the
// reader parses and decodes each event into the coalescer, and every
// frame's worth of events is taken as one Batch and applied to the store
// with ApplyBatch, as the dashboard does.
func BenchmarkIngest(b *testing.B) { benchIngest(b, nil) }

// BenchmarkIngestEncodingJSON is the same with every envelope decoded by
// encoding/json: the yardstick for the fast decoder on a machine whose
// speed varies with its neighbours' load.
func BenchmarkIngestEncodingJSON(b *testing.B) {
	benchIngest(b, func(e *Event) {
		e.Env = api.Envelope{}
		if err := json.Unmarshal(e.Raw, &e.Env); err != nil {
			b.Fatal(err)
		}
	})
}

func benchIngest(b *testing.B, redecode func(*Event)) {
	stream, avg := benchStream()
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0, start := cpuTime(), time.Now()
	passes := 0
	for b.Loop() {
		s := NewStore(StoreOptions{})
		var co coalescer
		co.wake = make(chan struct{}, 1)
		applied, pending := 0, 0
		apply := func() {
			batch := co.take()
			for _, o := range s.ApplyBatch(&batch).Outcomes {
				if o == Applied {
					applied++
				}
			}
			pending = 0
		}
		sr := &streamReader{
			maxEvent: DefaultMaxEventSize,
			now:      time.Now,
			onEvent: func(e Event) {
				if redecode != nil {
					redecode(&e)
				}
				co.event(e)
				if pending++; pending == perFrame {
					apply()
				}
			},
			onSkip: func(sk Skip) { b.Fatalf("skipped: %+v", sk) },
		}
		if err := sr.read(bytes.NewReader(stream)); err != nil {
			b.Fatal(err)
		}
		apply()
		if applied != perPass {
			b.Fatalf("applied %d of %d", applied, perPass)
		}
		passes++
	}
	reportRates(b, passes*perPass, time.Since(start), cpuTime()-cpu0)
	b.ReportMetric(float64(avg), "B/envelope")
}

// reportRates reports events per second of wall-clock time and, where the
// platform says, per second of the process's CPU time.
func reportRates(b *testing.B, events int, wall, cpu time.Duration) {
	b.ReportMetric(float64(events)/wall.Seconds(), "events/s")
	if cpu > 0 {
		b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
	}
}

// BenchmarkIngestLoopback is the whole client path over loopback HTTP: the
// simulator's SSE server replays a burst of about 20,000 events (a client
// resuming with Last-Event-ID after a busy minute), and the real feed
// (connect, snapshot, parse, decode, one batch per frame) hands them to a
// consumer that applies each batch to a store. The clock runs from Start to
// the last event applied; making the events is not timed.
func BenchmarkIngestLoopback(b *testing.B) {
	// The simulator keeps few finished tasks, so that GET /tasks/active
	// (which lists failed ones too, and which the feed loads on every
	// connect) stays small: the stream is what is measured here.
	s, err := sim.New(sim.Options{Addr: "127.0.0.1:0", Seed: 1, ReplayBuffer: 3 * perPass, MaxTasks: 500, MaxMessages: 1_000})
	if err != nil {
		b.Fatal(err)
	}
	s.Pause()
	if err := s.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	c := simClient(b, s.URL(), s.APIKey())
	s.CreateTasks(1) // an event to resume after
	s.Advance(time.Second)

	var wall, cpu time.Duration
	events, bytesRead := 0, 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		after := s.LastEventID()
		before := s.Counts().Events
		for s.Counts().Events-before < perPass {
			s.CreateTasks(500)
			s.Advance(24 * time.Hour) // every task plays to its end
		}
		want := int(s.Counts().Events - before)
		last := s.LastEventID()
		store := NewStore(StoreOptions{})
		runtime.GC()
		b.StartTimer()

		cpu0, start := cpuTime(), time.Now()
		ctx, cancel := context.WithCancel(context.Background())
		f := Start(ctx, c, Options{LastEventID: after})
		got, done := 0, false
		for !done {
			batch, ok := <-f.Batches()
			if !ok {
				b.Fatalf("feed stopped after %d of %d events: %v", got, want, f.Wait())
			}
			ch := store.ApplyBatch(&batch)
			for i, o := range ch.Outcomes {
				if o != Applied && o != Stale {
					b.Fatalf("event %s: %v", batch.Events[i].ID, o)
				}
				bytesRead += len(batch.Events[i].Raw)
				if batch.Events[i].ID == last {
					done = true
				}
			}
			got += len(batch.Events)
		}
		wall += time.Since(start)
		cpu += cpuTime() - cpu0
		cancel()
		for range f.Batches() {
		}
		if err := f.Wait(); err != nil {
			b.Fatal(err)
		}
		if got != want {
			b.Fatalf("received %d events, the simulator made %d", got, want)
		}
		events += got
	}
	b.StopTimer()
	b.ReportMetric(float64(events)/wall.Seconds(), "events/s")
	b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
	b.ReportMetric(float64(bytesRead)/float64(events), "B/envelope")
}

// BenchmarkStoreMemory reports the heap the store retains per task after
// GC, holding 100,000 tasks, each seen through its lifecycle as the feed
// decodes events (strings sharing each event's data, which the store must
// not keep), seen event ids included. Budget: 1,024 B/task.
func BenchmarkStoreMemory(b *testing.B) {
	var per float64
	for b.Loop() {
		per = storeBytesPerTask(b, 100_000)
	}
	b.ReportMetric(per, "B/task")
}

// storeBytesPerTask fills a store with n tasks, each through four events
// of a realistic lifecycle, and returns the heap it retains per task.
func storeBytesPerTask(tb testing.TB, n int) float64 {
	lifecycle := []string{
		`"proxy":{"state":"queued"},"preview":{"state":"queued"},"visual":{"state":"queued"},"transcription":{"state":"queued"}`,
		`"proxy":{"state":"processing"},"preview":{"state":"processing"},"visual":{"state":"queued"},"transcription":{"state":"queued"}`,
		`"proxy":{"state":"completed"},"preview":{"state":"completed"},"visual":{"state":"processing"},"transcription":{"state":"processing"}`,
		`"proxy":{"state":"completed","storage_variant":"standard"},"preview":{"state":"completed","storage_variant":"standard"},"visual":{"state":"completed","storage_variant":"standard"},"transcription":{"state":"na"}`,
	}
	before := heapInUse()
	s := NewStore(StoreOptions{})
	seq := 0
	var raw []byte
	for step, feats := range lifecycle {
		for i := range n {
			ts := "2025-06-01T12:00:0" + strconv.Itoa(step) + "Z"
			raw = append(raw[:0], `{"timestamp":"`...)
			raw = append(raw, ts...)
			raw = append(raw, `","user_id":"user_2f1c8e7a-4b7d-4d7e-9a51-3c0b6f2d9e11","event_id":"`...)
			raw = append(raw, uuid(seq)...)
			raw = append(raw, `","event_type":"task.progress","data":{"task":{"id":"`...)
			raw = appendHex(raw, i, 8)
			raw = append(raw, "-1111-4222-8333-"...)
			raw = appendHex(raw, i, 12)
			raw = append(raw, `","asset_id":"asset_`...)
			raw = appendHex(raw, i, 8)
			raw = append(raw, "-aaaa-4bbb-8ccc-"...)
			raw = appendHex(raw, i, 12)
			raw = append(raw, `","features":{`...)
			raw = append(raw, feats...)
			raw = append(raw, `},"user_id":"user_2f1c8e7a-4b7d-4d7e-9a51-3c0b6f2d9e11","created":"2025-06-01T12:00:00Z","updated":"`...)
			raw = append(raw, ts...)
			raw = append(raw, `"}}}`...)
			seq++
			// A fresh copy per event, as the parser hands over: the
			// decoded strings point into it.
			e := Event{Raw: bytes.Clone(raw)}
			if err := decodeEnvelope(e.Raw, &e.Env, true); err != nil {
				tb.Fatal(err)
			}
			if o := s.Apply(e); o != Applied {
				tb.Fatalf("%v", o)
			}
		}
	}
	after := heapInUse()
	runtime.KeepAlive(s)
	if s.Len() != n {
		tb.Fatalf("store holds %d tasks, want %d", s.Len(), n)
	}
	return float64(after-before) / float64(n)
}

// BenchmarkApplySteady is the consumer's share of a storm on a busy
// account: batches of one frame's events applied to a store already
// holding its 100,000 tasks and remembering its 200,000 event ids, so that
// every event evicts the oldest id and most finished tasks evict another.
// It reports the cost per event.
func BenchmarkApplySteady(b *testing.B) {
	const tasks = 100_000
	s := NewStore(StoreOptions{})
	stream, _ := benchStream()
	var evs []Event
	sr := &streamReader{maxEvent: DefaultMaxEventSize, now: time.Now,
		onEvent: func(e Event) { evs = append(evs, e) },
		onSkip:  func(sk Skip) { b.Fatalf("skipped: %+v", sk) }}
	if err := sr.read(bytes.NewReader(stream)); err != nil {
		b.Fatal(err)
	}
	// Fill the store and its memory of ids with other tasks first.
	fill := make([]api.Task, tasks)
	for i := range fill {
		fill[i] = api.Task{ID: fmt.Sprintf("fill_%08d", i), Features: map[string]api.Feature{"proxy": {State: api.StateCompleted}},
			Updated: api.Time{Time: t0}}
	}
	s.ApplyBatch(&Batch{Resync: fill})
	for i := range 2 * tasks {
		s.seen.add(seenKey(uuid(10_000_000 + i)))
	}
	// New ids and newer updates for every pass, made before timing: ids
	// come back only after the store has forgotten them.
	ids := make([]string, 4*tasks)
	for i := range ids {
		ids[i] = uuid(20_000_000 + i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		// Each pass applies the stream again as new events about the same
		// tasks: new ids, and each task a millisecond newer.
		for i := 0; i < len(evs); i += perFrame {
			batch := Batch{Events: evs[i:min(i+perFrame, len(evs))]}
			for j := range batch.Events {
				e := &batch.Events[j]
				e.Env.EventID = ids[n%len(ids)]
				e.Env.Data.Task.Updated = api.Time{Time: t0.Add(time.Duration(n) * time.Millisecond)}
				n++
			}
			s.ApplyBatch(&batch)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/event")
}

// appendHex appends n in lower-case hex, zero-padded to width digits (fast
// enough that making 400,000 envelopes costs less than decoding them).
func appendHex(b []byte, n, width int) []byte {
	for shift := 4 * (width - 1); shift >= 0; shift -= 4 {
		b = append(b, "0123456789abcdef"[(n>>shift)&15])
	}
	return b
}
