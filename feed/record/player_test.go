package record

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed"
)

func openGenerated(t testing.TB, n, every int) (*Player, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gen.sse")
	size := writeGenerated(t, path, n, 7)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	p, err := Open(f, size, PlayerOptions{SnapshotEvery: every})
	if err != nil {
		t.Fatal(err)
	}
	if p.Err() != nil || p.Len() != n {
		t.Fatalf("read %d of %d records: %v", p.Len(), n, p.Err())
	}
	return p, path
}

// dump is everything a store shows, task by task, in a stable order.
func dump(s *feed.Store) string {
	var ids []string
	s.Range(func(t *api.Task) bool { ids = append(ids, t.ID); return true })
	slices.Sort(ids)
	var b strings.Builder
	c := s.Counts()
	fmt.Fprintf(&b, "len %d counts %+v\n", s.Len(), c)
	for _, id := range ids {
		t, _ := s.Task(id)
		m, _ := s.Meta(id)
		fmt.Fprintf(&b, "%s %s %v %v %v|%v %v %v %v|", id, t.Updated.UTC().Format(time.RFC3339Nano), t.Features, t.Created.UTC(), m.FirstSeen.UTC(), m.ChangedAt.UTC(), m.Changed, m.Overall, t.UserID)
		for _, tr := range s.Timeline(id) {
			fmt.Fprintf(&b, "%v %v %s %s>%s %v;", tr.At.UTC(), tr.Seen.UTC(), tr.Feature, tr.From, tr.To, tr.Source)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestSeekEqualsStraightPlay(t *testing.T) {
	n := 50_000
	if testing.Short() || raceOn {
		n = 10_000
	}
	p, path := openGenerated(t, n, 2048)
	if len(p.Failures()) == 0 {
		t.Fatal("the generated recording has no failures to mark")
	}
	f, _ := os.Open(path)
	defer f.Close()
	info, _ := f.Stat()
	// A straight play: one pass from the start, never restoring.
	straight, err := Open(f, info.Size(), PlayerOptions{SnapshotEvery: n + 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := straight.Seek(0); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	positions := make([]int, 20)
	for i := range positions {
		positions[i] = rng.IntN(n + 1)
	}
	positions[0], positions[1] = n, 0
	want := map[int]string{}
	sorted := slices.Sorted(slices.Values(positions))
	for _, pos := range sorted {
		if err := straight.Seek(pos); err != nil {
			t.Fatal(err)
		}
		want[pos] = dump(straight.Store())
	}
	// Seek p back and forth, in the random order.
	for _, pos := range positions {
		if err := p.Seek(pos); err != nil {
			t.Fatal(err)
		}
		if got := dump(p.Store()); got != want[pos] {
			t.Fatalf("the store at %d after seeking differs from a straight play to it:\n%s", pos, firstDiff(got, want[pos]))
		}
	}
	// A duplicate of an event before a snapshot is still known as one.
	if c := p.Store().Counts(); p.Pos() == n && c.Duplicates == 0 {
		t.Errorf("no duplicate counted at the end: %+v", c)
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines against %d", len(al), len(bl))
}

// BenchmarkReplaySeek seeks a 1,000,000-record recording to 20 random
// positions and reports the mean and the longest seek, in wall time and in
// the CPU time of the seeking thread (what a seek costs, where the wall
// clock on a loaded machine says how long it waited), against the time a
// straight play of the whole file takes in the same run (open-s).
func BenchmarkReplaySeek(b *testing.B) {
	const n = 1_000_000
	path := filepath.Join(b.TempDir(), "gen.sse")
	start := time.Now()
	size := writeGenerated(b, path, n, 7)
	gen := time.Since(start)
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	start = time.Now()
	p, err := Open(f, size, PlayerOptions{})
	if err != nil || p.Len() != n {
		b.Fatalf("opened %d records: %v %v", p.Len(), err, p.Err())
	}
	open := time.Since(start)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rng := rand.New(rand.NewPCG(3, 4))
	b.ResetTimer()
	var total, longest, cpuTotal, cpuLongest time.Duration
	seeks := 0
	runtime.LockOSThread()
	for range b.N {
		for range 20 {
			pos := rng.IntN(n + 1)
			t0, c0 := time.Now(), threadCPU()
			if err := p.Seek(pos); err != nil {
				b.Fatal(err)
			}
			d, c := time.Since(t0), threadCPU()-c0
			total += d
			longest = max(longest, d)
			cpuTotal += c
			cpuLongest = max(cpuLongest, c)
			seeks++
		}
	}
	runtime.UnlockOSThread()
	b.StopTimer()
	mean := total / time.Duration(seeks)
	b.ReportMetric(float64(mean.Microseconds())/1000, "ms/seek")
	b.ReportMetric(float64(longest.Microseconds())/1000, "max-ms/seek")
	if cpuTotal > 0 {
		b.ReportMetric(float64(cpuTotal.Microseconds())/1000/float64(seeks), "cpu-ms/seek")
		b.ReportMetric(float64(cpuLongest.Microseconds())/1000, "max-cpu-ms/seek")
	}
	b.ReportMetric(open.Seconds(), "open-s")
	b.ReportMetric(open.Seconds()/mean.Seconds(), "straight-play/seek")
	b.ReportMetric(float64(size)/(1<<20), "file-MiB")
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
	runtime.KeepAlive(p)
	b.Logf("generated %d records (%d MiB) in %v, opened in %v", n, size>>20, gen, open)
}
