package ui

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
	"github.com/aspect-hq/aspect-tui/sim"
)

// BenchmarkSoak is the long run behind the README's memory figures: the
// simulator at about 1,000 events a second, the real feed, and the
// dashboard in a real Bubble Tea program drawing to a counting terminal,
// all in this process, for as long as ASPECT_SOAK says:
//
//	ASPECT_SOAK=1h go test -run '^$' -bench Soak -benchtime 1x -timeout 2h ./ui
//
// Every ASPECT_SOAK_EVERY (default 1m) it collects garbage and logs the
// live heap, the process's resident memory and CPU (the simulator's
// included), goroutines, the tasks held
// and the events and bytes of the last interval. The store's cap is
// ASPECT_SOAK_TASKS (default 5,000, which the store reaches in its first
// minute, so that what follows is the steady state; the app's default of
// 100,000 took 14 minutes to fill at this rate). It fails if the
// heap grows by 10% or more after the first minute in which the store is
// full. Without ASPECT_SOAK it is skipped, so CI's -benchtime=1x pass does
// not run it.
func BenchmarkSoak(b *testing.B) {
	spec := os.Getenv("ASPECT_SOAK")
	if spec == "" {
		b.Skip("set ASPECT_SOAK=1h (or 10m) to run the soak")
	}
	total, err := time.ParseDuration(spec)
	if err != nil || total <= 0 {
		b.Fatalf("ASPECT_SOAK=%q: want a duration such as 1h or 10m", spec)
	}
	every := time.Minute
	if v := os.Getenv("ASPECT_SOAK_EVERY"); v != "" {
		if every, err = time.ParseDuration(v); err != nil || every <= 0 {
			b.Fatalf("ASPECT_SOAK_EVERY=%q: want a duration", v)
		}
	}
	maxTasks := 5_000
	if v := os.Getenv("ASPECT_SOAK_TASKS"); v != "" {
		if maxTasks, err = strconv.Atoi(v); err != nil || maxTasks <= 0 {
			b.Fatalf("ASPECT_SOAK_TASKS=%q: want a number of tasks", v)
		}
	}
	for b.Loop() {
		soak(b, total, every, maxTasks)
	}
}

type soakSample struct {
	at         time.Duration
	cpu        float64 // share of one core the process used in the interval
	heap, rss  uint64
	goroutines int
	tasks      int
	events     int // in the interval
	frames     int // in the interval
	written    int // bytes, in the interval
}

func soak(b *testing.B, total, every time.Duration, maxTasks int) {
	// About 8 events a task: 125 tasks a second make about 1,000 events.
	// Time runs 100 times faster in the simulator, so tasks finish in
	// seconds and the active ones do not pile up. The simulator keeps
	// little, so the heap is mostly the client's.
	s, err := sim.New(sim.Options{Addr: "127.0.0.1:0", Seed: 5, Rate: 125, TimeScale: 100,
		MaxTasks: 2_000, MaxMessages: 2_000})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Start(); err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	client, err := api.NewClient(s.URL(), s.APIKey())
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := feed.Start(ctx, client, feed.Options{})
	store := feed.NewStore(feed.StoreOptions{MaxTasks: maxTasks})
	dark := true
	m, err := New(Options{Context: ctx, Client: client, Batches: f.Batches(), FeedErr: f.Wait, APIURL: s.URL(),
		Label: "soak", Dark: &dark, Store: store})
	if err != nil {
		b.Fatal(err)
	}

	// The filter runs on the program's goroutine, the store's owner: it
	// counts events and answers probes there.
	var mu sync.Mutex
	events := 0
	filter := func(_ tea.Model, msg tea.Msg) tea.Msg {
		switch msg := msg.(type) {
		case batchMsg:
			mu.Lock()
			events += len(msg.b.Events)
			mu.Unlock()
		case soakProbe:
			msg <- store.Len()
			return nil
		}
		return msg
	}
	term := newTerminal(nil)
	p, result := runProgram(b, m, term, filter)

	var samples []soakSample
	start := time.Now()
	lastFrames, lastWritten := 0, 0
	tick := time.NewTicker(every)
	defer tick.Stop()
	// Samples go to stderr as they are taken (a benchmark's log appears
	// only when it ends), so an hour's run can be watched.
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	logf("soak: %v, a sample every %v, store cap %d tasks", total, every, maxTasks)
	logf("%8s %9s %9s %6s %6s %7s %8s %7s %10s", "at", "heap MB", "rss MB", "cpu %", "gorout", "tasks", "events/s", "frames", "term B/s")
	lastCPU, lastAt := cpuTime(), time.Duration(0)
	for done := false; !done; {
		select {
		case <-tick.C:
		case err := <-result:
			b.Fatalf("the dashboard stopped: %v", err)
		}
		at := time.Since(start)
		done = at+every/2 >= total
		probe := make(soakProbe, 1)
		p.Send(probe)
		var tasks int
		select {
		case tasks = <-probe:
		case <-time.After(30 * time.Second):
			b.Fatal("the dashboard did not answer a probe within 30s")
		}
		mu.Lock()
		n := events
		events = 0
		mu.Unlock()
		frames, written := term.count()
		cpu := cpuTime()
		share := float64(cpu-lastCPU) / float64(at-lastAt)
		lastCPU, lastAt = cpu, at
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		smp := soakSample{at: at, cpu: share, heap: ms.HeapAlloc, rss: rss(), goroutines: runtime.NumGoroutine(), tasks: tasks,
			events: n, frames: frames - lastFrames, written: written - lastWritten}
		lastFrames, lastWritten = frames, written
		samples = append(samples, smp)
		logf("%8s %9.1f %9.1f %6.1f %6d %7d %8.0f %7d %10.0f", at.Round(time.Second), mb(smp.heap), mb(smp.rss), 100*smp.cpu, smp.goroutines,
			smp.tasks, float64(smp.events)/every.Seconds(), smp.frames, float64(smp.written)/every.Seconds())
	}

	// The steady state starts at the first sample after the first minute
	// with the store full.
	base := -1
	for i, smp := range samples {
		if smp.at >= time.Minute-every/2 && smp.tasks >= maxTasks {
			base = i
			break
		}
	}
	if base < 0 {
		logf("the store never filled (cap %d); growth is measured from the first minute", maxTasks)
		for i, smp := range samples {
			if smp.at >= time.Minute-every/2 {
				base = i
				break
			}
		}
	}
	if base < 0 {
		b.Fatalf("the soak is shorter than a minute")
	}
	peak := samples[base].heap
	for _, smp := range samples[base:] {
		peak = max(peak, smp.heap)
	}
	growth := float64(peak)/float64(samples[base].heap) - 1
	last := samples[len(samples)-1]
	b.ReportMetric(mb(samples[base].heap), "heap-MB-steady")
	b.ReportMetric(mb(peak), "heap-MB-peak")
	b.ReportMetric(mb(last.heap), "heap-MB-end")
	b.ReportMetric(100*growth, "growth-%")
	logf("heap %.1f MB at %v (store full), peak %.1f MB after it (%+.1f%%), %.1f MB at the end",
		mb(samples[base].heap), samples[base].at.Round(time.Second), mb(peak), 100*growth, mb(last.heap))
	if growth >= 0.10 {
		b.Errorf("the heap grew %.1f%% after the store filled (budget: under 10%%)", 100*growth)
	}
	p.Quit()
	<-result
}

// soakProbe asks the dashboard's goroutine how many tasks the store holds.
type soakProbe chan int

func mb(n uint64) float64 { return float64(n) / (1 << 20) }

// rss is the process's resident memory where /proc says it, else 0.
func rss() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb uint64
			if _, err := fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb); err == nil {
				return kb << 10
			}
		}
	}
	return 0
}
