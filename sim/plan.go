package sim

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/aspect-hq/aspect-tui/api"
)

// A task's whole future is drawn from the seeded generator when it is
// created: when each feature leaves the queue, how long it takes, whether it
// fails, whether the task is cancelled. The engine then only replays the
// plan in virtual time, so the states depend on the seed alone.

// change is one feature moving to a state.
type change struct {
	feature int // index into task.features
	to      api.State
}

// step is every change a task makes at one virtual instant; each step is
// one event.
type step struct {
	at      float64
	changes []change
}

// featureCost is how long a feature takes: base seconds plus perMediaSecond
// times the length of the media, the shape of real media pipelines (a proxy
// transcode is fast, visual analysis reads every frame).
type featureCost struct{ base, perMediaSecond float64 }

var costs = map[string]featureCost{
	"proxy":         {3, 0.12},
	"preview":       {2, 0.03},
	"visual":        {8, 0.40},
	"transcription": {4, 0.20},
	"embedding":     {5, 0.10},
}

var defaultCost = featureCost{5, 0.10}

type rates struct{ fail, cancel, na float64 }

// mediaSeconds draws a media length: log-normal around 2.5 minutes, from
// 5 seconds to 3 hours.
func mediaSeconds(r *rand.Rand) float64 {
	return math.Min(math.Max(math.Exp(math.Log(150)+0.9*r.NormFloat64()), 5), 3*3600)
}

// queueWait draws a wait in the queue: a few seconds, now and then a minute.
func queueWait(r *rand.Rand) float64 { return 0.2 + math.Min(r.ExpFloat64()*4, 120) }

func procTime(r *rand.Rand, name string, media float64) float64 {
	c, ok := costs[name]
	if !ok {
		c = defaultCost
	}
	return (c.base + c.perMediaSecond*media) * math.Exp(0.25*r.NormFloat64())
}

// engineFeatures picks the features of a task the engine creates: usually
// today's four, sometimes without one (a user who did not ask for it), and
// rarely with "embedding", as older accounts send, so clients meet a feature
// name they must keep.
func engineFeatures(r *rand.Rand) []string {
	names := slices.Clone(api.FeatureNames)
	if r.Float64() < 0.15 {
		drop := 1 + r.IntN(len(names)-1) // never the proxy
		names = slices.Delete(names, drop, drop+1)
	}
	if r.Float64() < 0.02 {
		names = append(names, "embedding")
	}
	return names
}

// planTask fills t's initial states and its plan, starting at virtual time
// t0. The draws happen in a fixed order so the plan depends on r alone.
func planTask(r *rand.Rand, t *task, t0 float64, rt rates) {
	media := mediaSeconds(r)
	n := len(t.features)
	end := make([]float64, n)     // when each feature reaches its last state
	final := make([]api.State, n) // and which
	var moves []timed
	proxy := -1
	for i, f := range t.features {
		if f.name == "proxy" {
			proxy = i
		}
	}
	na := make([]bool, n)
	for i, f := range t.features {
		p := rt.na
		if f.name == "transcription" {
			p *= 2
		}
		na[i] = r.Float64() < p
		if na[i] {
			t.features[i].state = api.StateNA
			final[i] = api.StateNA
			end[i] = t0
		} else {
			t.features[i].state = api.StateQueued
		}
	}
	run := func(i int, start float64) {
		begin := start + queueWait(r)
		dur := procTime(r, t.features[i].name, media)
		moves = append(moves, timed{begin, i, api.StateProcessing})
		if r.Float64() < rt.fail {
			at := begin + dur*(0.1+0.85*r.Float64())
			moves = append(moves, timed{at, i, api.StateFailed})
			end[i], final[i] = at, api.StateFailed
			return
		}
		moves = append(moves, timed{begin + dur, i, api.StateCompleted})
		end[i], final[i] = begin+dur, api.StateCompleted
	}
	if proxy >= 0 && !na[proxy] {
		run(proxy, t0)
	}
	for i, f := range t.features {
		if na[i] || i == proxy {
			continue
		}
		// The preview is cut from the proxy, so it waits for it and is
		// cancelled when the proxy fails.
		if f.name == "preview" && proxy >= 0 && !na[proxy] {
			if final[proxy] == api.StateFailed {
				moves = append(moves, timed{end[proxy], i, api.StateCancelled})
				end[i], final[i] = end[proxy], api.StateCancelled
				continue
			}
			run(i, end[proxy])
			continue
		}
		run(i, t0)
	}
	if r.Float64() < rt.cancel {
		last := t0
		for _, e := range end {
			last = math.Max(last, e)
		}
		at := t0 + (last-t0)*r.Float64()
		kept := moves[:0]
		for _, m := range moves {
			if m.at <= at {
				kept = append(kept, m)
			}
		}
		moves = kept
		state := make([]api.State, n)
		for i := range t.features {
			state[i] = t.features[i].state
		}
		slices.SortStableFunc(moves, func(a, b timed) int { return cmpFloat(a.at, b.at) })
		for _, m := range moves {
			state[m.feature] = m.to
		}
		for i, s := range state {
			if s.Pending() {
				moves = append(moves, timed{at, i, api.StateCancelled})
			}
		}
	}
	t.plan = groupSteps(moves)
}

// timed is one change at one virtual time, before grouping into steps.
type timed struct {
	at      float64
	feature int
	to      api.State
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// groupSteps sorts the changes by time and merges those at the same instant
// (a proxy failing and the preview cancelled with it) into one step.
func groupSteps(moves []timed) []step {
	slices.SortStableFunc(moves, func(a, b timed) int {
		if c := cmpFloat(a.at, b.at); c != 0 {
			return c
		}
		return a.feature - b.feature
	})
	var out []step
	for _, m := range moves {
		if len(out) > 0 && out[len(out)-1].at == m.at {
			out[len(out)-1].changes = append(out[len(out)-1].changes, change{m.feature, m.to})
			continue
		}
		out = append(out, step{at: m.at, changes: []change{{m.feature, m.to}}})
	}
	return out
}
