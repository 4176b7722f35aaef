package feed

import (
	"bufio"
	"bytes"
	"encoding/json"
	"sync"
	"testing"
	"time"

	r3 "github.com/r3labs/sse/v2"
	gosse "github.com/tmaxmax/go-sse"

	"github.com/aspect-hq/aspect-tui/api"
)

// BenchmarkIngestPeers reads the same stream of envelopes four ways in one
// run, each on this goroutine, and reports each rate and ours as a ratio
// to the others: a machine shared with other work moves all four alike,
// so the ratios are the figures to compare over time.
//
//   - ours: the feed's parser and fast decoder (what the feed runs);
//   - r3labs: r3labs/sse/v2's EventStreamReader, its data line picked
//     out as its client does, and encoding/json;
//   - go-sse: tmaxmax/go-sse's Read and encoding/json;
//   - lines: splitting the stream into lines and nothing else, the floor
//     no reader of this stream can beat.
func BenchmarkIngestPeers(b *testing.B) {
	stream, _ := peersStream()
	readers := []struct {
		name string
		read func(tb testing.TB, stream []byte) int
	}{
		{"ours", readOurs},
		{"r3labs", readR3labs},
		{"go-sse", readGoSSE},
		{"lines", readLines},
	}
	took := make([]time.Duration, len(readers))
	for b.Loop() {
		for i, r := range readers {
			start := time.Now()
			if n := r.read(b, stream); n != peersPass {
				b.Fatalf("%s read %d events, want %d", r.name, n, peersPass)
			}
			took[i] += time.Since(start)
		}
	}
	rate := func(i int) float64 { return float64(b.N*peersPass) / took[i].Seconds() }
	for i, r := range readers {
		b.ReportMetric(rate(i), "events/s-"+r.name)
	}
	b.ReportMetric(rate(0)/rate(1), "x-r3labs")
	b.ReportMetric(rate(0)/rate(2), "x-go-sse")
	b.ReportMetric(100*rate(0)/rate(3), "%-of-lines")
}

// peersPass is smaller than BenchmarkIngest's pass: the peers take about
// six times as long, and -benchtime=1x should stay quick.
const peersPass = 5_000

var peersStream = sync.OnceValues(func() ([]byte, int) { return ingestStream(peersPass) })

func readOurs(tb testing.TB, stream []byte) int {
	n := 0
	sr := &streamReader{maxEvent: DefaultMaxEventSize, now: time.Now,
		onEvent: func(e Event) {
			if e.Env.EventID != "" {
				n++
			}
		},
		onSkip: func(sk Skip) { tb.Fatalf("skipped: %+v", sk) }}
	if err := sr.read(bytes.NewReader(stream)); err != nil {
		tb.Fatal(err)
	}
	return n
}

func readR3labs(tb testing.TB, stream []byte) int {
	n := 0
	rd := r3.NewEventStreamReader(bytes.NewReader(stream), DefaultMaxEventSize)
	for {
		ev, err := rd.ReadEvent()
		if err != nil {
			return n
		}
		// What r3labs' client does with an event: find its data line.
		for line := range bytes.SplitSeq(ev, []byte("\n")) {
			if data, ok := bytes.CutPrefix(line, []byte("data:")); ok {
				var e api.Envelope
				if err := json.Unmarshal(bytes.TrimPrefix(data, []byte(" ")), &e); err != nil {
					tb.Fatal(err)
				}
				if e.EventID != "" {
					n++
				}
			}
		}
	}
}

func readGoSSE(tb testing.TB, stream []byte) int {
	n := 0
	for ev, err := range gosse.Read(bytes.NewReader(stream), &gosse.ReadConfig{MaxEventSize: DefaultMaxEventSize}) {
		if err != nil {
			tb.Fatal(err)
		}
		var e api.Envelope
		if err := json.Unmarshal([]byte(ev.Data), &e); err != nil {
			tb.Fatal(err)
		}
		if e.EventID != "" {
			n++
		}
	}
	return n
}

// readLines counts the events by their blank lines (pings are comments
// followed by one too, hence the data lines).
func readLines(tb testing.TB, stream []byte) int {
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(stream))
	sc.Buffer(make([]byte, 64<<10), DefaultMaxEventSize)
	for sc.Scan() {
		if bytes.HasPrefix(sc.Bytes(), []byte("data:")) {
			n++
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return n
}
