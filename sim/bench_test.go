package sim

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"testing"
	"time"
)

// BenchmarkEmit measures the engine alone: creating tasks and playing
// their plans to the end, every event encoded, put in the replay ring and
// recorded as a webhook message. It reports events/s on one goroutine.
func BenchmarkEmit(b *testing.B) {
	s := startPaused(b, Options{Seed: 1, MaxTasks: 1 << 20, MaxMessages: 50_000})
	b.ReportAllocs()
	b.ResetTimer()
	start := s.Counts().Events
	for range b.N {
		s.CreateTasks(100)
		s.Advance(24 * time.Hour)
	}
	b.StopTimer()
	events := float64(s.Counts().Events - start)
	b.ReportMetric(events/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(events/float64(b.N*100), "events/task")
}

// BenchmarkStorm runs the engine in real time at a rate meant for about
// 20,000 events a second, with one SSE client reading every byte, and
// reports the events/s the client actually received.
func BenchmarkStorm(b *testing.B) {
	for range b.N {
		s := startPaused(b, Options{Seed: 1, Rate: 2500, TimeScale: 2000, MaxTasks: 1 << 20})
		c := newClient(b, s)
		resp, err := c.OpenEvents(context.Background(), "")
		if err != nil {
			b.Fatal(err)
		}
		got := make(chan int)
		go func() {
			n := 0
			r := bufio.NewReaderSize(resp.Body, 1<<16)
			for {
				line, err := r.ReadSlice('\n')
				if err != nil && err != bufio.ErrBufferFull {
					if err != io.EOF {
						got <- n
						return
					}
				}
				if bytes.HasPrefix(line, []byte("id: ")) {
					n++
				}
			}
		}()
		s.Resume()
		start := time.Now()
		time.Sleep(3 * time.Second)
		s.Pause()
		emitted := s.Counts().Events
		took := time.Since(start)
		resp.Body.Close()
		n := <-got
		b.ReportMetric(float64(emitted)/took.Seconds(), "emitted/s")
		b.ReportMetric(float64(n)/took.Seconds(), "received/s")
		s.Close()
	}
}
