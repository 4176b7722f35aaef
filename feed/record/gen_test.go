package record

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// genStart is when generated recordings begin.
var genStart = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

// writeGenerated writes a recording of n records to path, streamed (its
// memory does not grow with n): tasks whose four features go queued,
// processing, completed (one in 20 fails), a few events sent twice (as a
// stream's replay after a reconnect sends them), a snapshot of the active
// tasks now and then, and webhook messages. The same seed writes the same
// file. It returns the file's size.
func writeGenerated(t testing.TB, path string, n int, seed uint64) int64 {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	g := &generator{rng: rand.New(rand.NewPCG(seed, 1)), at: genStart}
	var buf []byte
	buf = AppendHeader(buf, Header{AppVersion: "test", APIURL: "http://127.0.0.1:1", Started: genStart, Recorder: RecorderDashboard})
	for i := 0; i < n; i++ {
		buf = g.next(buf)
		if len(buf) > 512<<10 {
			w.Write(buf)
			buf = buf[:0]
		}
	}
	w.Write(buf)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	info, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return info.Size()
}

type genTask struct {
	id     string
	step   int // 0 queued, 1..4 feature i processing, 5..8 feature i-4 done
	failAt int // the step at which it fails (0: never)
	made   time.Time
}

type generator struct {
	rng    *rand.Rand
	at     time.Time
	n      int
	active []*genTask
	lastID string
	last   []byte // the last event, to send again
	data   []byte
}

func (g *generator) uuid() string {
	var b [36]byte
	const hex = "0123456789abcdef"
	a, c := g.rng.Uint64(), g.rng.Uint64()
	j := 0
	for i := range 36 {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			b[i] = '-'
			continue
		}
		v := a
		if j >= 16 {
			v = c
		}
		b[i] = hex[v>>(4*(j%16))&15]
		j++
	}
	return string(b[:])
}

func (g *generator) next(buf []byte) []byte {
	g.n++
	g.at = g.at.Add(time.Duration(g.rng.IntN(40)) * time.Millisecond)
	switch {
	case g.n%50_000 == 0:
		tasks := make([]api.Task, 0, len(g.active))
		for _, t := range g.active {
			tasks = append(tasks, g.task(t))
		}
		buf, _ = AppendJSON(buf, g.at, TypeSnapshot, tasks)
		return buf
	case g.n%20_000 == 0:
		buf, _ = AppendJSON(buf, g.at, TypeMessages, Messages{Messages: []api.Message{{ID: fmt.Sprintf("msg_%d", g.n), EventType: api.EventTaskCompleted, Timestamp: api.Time{Time: g.at}}}})
		return buf
	case g.n%997 == 0 && g.last != nil:
		return AppendEvent(buf, g.at, g.lastID, api.EventTaskProgress, g.last)
	}
	if len(g.active) < 50 || g.rng.IntN(12) == 0 {
		t := &genTask{id: g.uuid(), made: g.at}
		if g.rng.IntN(20) == 0 {
			t.failAt = 1 + g.rng.IntN(8)
		}
		g.active = append(g.active, t)
		return g.event(buf, t, api.EventTaskProgress)
	}
	k := g.rng.IntN(len(g.active))
	t := g.active[k]
	t.step++
	typ := api.EventTaskProgress
	if t.failAt != 0 && t.step == t.failAt {
		typ = api.EventTaskFailed
	} else if t.step == 8 {
		typ = api.EventTaskCompleted
	}
	if typ != api.EventTaskProgress {
		g.active[k] = g.active[len(g.active)-1]
		g.active = g.active[:len(g.active)-1]
	}
	return g.event(buf, t, typ)
}

func (g *generator) task(t *genTask) api.Task {
	task := api.Task{ID: t.id, AssetID: "asset-1", UserID: "user-1", Features: map[string]api.Feature{},
		Created: api.Time{Time: t.made}, Updated: api.Time{Time: g.at}}
	for i, name := range api.FeatureNames {
		st := api.StateQueued
		switch {
		case t.step > 4+i:
			st = api.StateCompleted
		case t.step > i:
			st = api.StateProcessing
		}
		if t.failAt != 0 && t.step >= t.failAt && i == (t.failAt-1)%4 {
			st = api.StateFailed
		}
		task.Features[name] = api.Feature{State: st}
	}
	return task
}

func (g *generator) event(buf []byte, t *genTask, typ string) []byte {
	id := g.uuid()
	task := g.task(t)
	at := g.at.AppendFormat(nil, time.RFC3339Nano)
	d := append(g.data[:0], `{"timestamp":"`...)
	d = append(append(d, at...), `","user_id":"user-1","event_id":"`...)
	d = append(append(d, id...), `","event_type":"`...)
	d = append(append(d, typ...), `","data":{"task":{"id":"`...)
	d = append(append(d, t.id...), `","asset_id":"asset-1","user_id":"user-1","created":"`...)
	d = append(t.made.AppendFormat(d, time.RFC3339Nano), `","updated":"`...)
	d = append(append(d, at...), `","features":{`...)
	for i, name := range api.FeatureNames {
		if i > 0 {
			d = append(d, ',')
		}
		d = append(append(append(d, '"'), name...), `":{"state":"`...)
		d = append(append(d, task.Features[name].State...), `"}`...)
	}
	d = append(d, "}}}}"...)
	g.data = d
	g.lastID, g.last = id, append(g.last[:0], d...)
	return AppendEvent(buf, g.at, id, typ, d)
}
