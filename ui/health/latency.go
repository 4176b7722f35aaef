package health

import (
	"slices"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// Latency is how long an endpoint took to answer Svix's attempts over the
// last hour (or less, when the attempts read do not reach back that far).
type Latency struct {
	N             int
	P50, P95, Max time.Duration
	// From is where the figures start: an hour ago, or the oldest attempt
	// read when those do not reach back an hour.
	From time.Time
	// Spark is the slowest answer in each equal slice of the span, oldest
	// first; -1 where there was no attempt.
	Spark []time.Duration
}

// Latency is an endpoint's answer times over LatencyWindow, with a
// sparkline of n slices. Attempts that did not finish, and re-deliveries from
// this machine, do not count; attempts with no answer count with the time
// they waited (a timeout's 15 s).
func (m *Model) Latency(epID string, now time.Time, n int) Latency {
	from := now.Add(-LatencyWindow)
	seen := m.seen[epID]
	if !m.whole[epID] && len(seen) > 0 {
		oldest := seen[0].Timestamp.Time
		for _, a := range seen {
			if a.Timestamp.Before(oldest) {
				oldest = a.Timestamp.Time
			}
		}
		if oldest.After(from) {
			from = oldest
		}
	}
	l := Latency{From: from, Spark: make([]time.Duration, max(n, 0))}
	for i := range l.Spark {
		l.Spark[i] = -1
	}
	var ds []time.Duration
	span := now.Sub(from)
	for _, a := range seen {
		if a.FromHere || (a.Status != api.AttemptSuccess && a.Status != api.AttemptFailed) ||
			a.Timestamp.Before(from) || a.Timestamp.After(now) {
			continue
		}
		d := time.Duration(a.ResponseDurationMs) * time.Millisecond
		ds = append(ds, d)
		if len(l.Spark) > 0 && span > 0 {
			i := min(len(l.Spark)-1, int(int64(a.Timestamp.Sub(from))*int64(len(l.Spark))/int64(span)))
			l.Spark[i] = max(l.Spark[i], d)
		}
	}
	if len(ds) == 0 {
		return l
	}
	slices.Sort(ds)
	l.N = len(ds)
	l.P50, l.P95, l.Max = rank(ds, 0.50), rank(ds, 0.95), ds[len(ds)-1]
	return l
}

// rank is the nearest-rank percentile of sorted ds.
func rank(ds []time.Duration, p float64) time.Duration {
	i := int(p*float64(len(ds))+0.999999) - 1
	return ds[min(max(i, 0), len(ds)-1)]
}
