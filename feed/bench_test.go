package feed

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

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

var benchStream = sync.OnceValues(func() ([]byte, int) { return ingestStream(perPass) })

// BenchmarkIngest measures parse + decode + apply from an in-memory stream:
// the supervisor's work per event plus the consumer's store update.
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
	b.ReportMetric(float64(avg), "B/envelope")
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	start := time.Now()
	passes := 0
	for b.Loop() {
		s := NewStore(StoreOptions{})
		sr := &streamReader{
			maxEvent: DefaultMaxEventSize,
			now:      time.Now,
			onEvent:  func(e Event) { s.Apply(e) },
			onSkip:   func(sk Skip) { b.Fatalf("skipped: %+v", sk) },
		}
		if redecode != nil {
			sr.onEvent = func(e Event) {
				redecode(&e)
				s.Apply(e)
			}
		}
		if err := sr.read(bytes.NewReader(stream)); err != nil {
			b.Fatal(err)
		}
		if c := s.Counts(); c.Applied != perPass {
			b.Fatalf("applied %d of %d", c.Applied, perPass)
		}
		passes++
	}
	b.ReportMetric(float64(passes*perPass)/time.Since(start).Seconds(), "events/s")
}
