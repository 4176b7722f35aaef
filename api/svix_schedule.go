package api

import (
	"slices"
	"time"
)

// Svix's delivery rules (docs.svix.com/retries), one definition for the
// simulator, which delivers by them, and the dashboard, which forecasts by
// them.
var retrySchedule = [...]time.Duration{
	0,
	5 * time.Second,
	5 * time.Minute,
	30 * time.Minute,
	2 * time.Hour,
	5 * time.Hour,
	10 * time.Hour,
	10 * time.Hour,
}

const (
	// MaxAttempts is how many scheduled attempts Svix makes of a message
	// to an endpoint before it gives up.
	MaxAttempts = len(retrySchedule)
	// DeliveryTimeout is how long Svix waits for an answer.
	DeliveryTimeout = 15 * time.Second
	// SlowAnswer is where an answer starts to come close to DeliveryTimeout.
	SlowAnswer = 10 * time.Second
	// DisableAfter is how long an endpoint may fail without a success
	// before Svix disables it.
	DisableAfter = 5 * 24 * time.Hour
)

// Schedule is Svix's rules at a speed: Scale 1 (or 0) is Svix's own; the
// simulator's --time-scale divides every wait by its Scale.
type Schedule struct{ Scale float64 }

// Scaled divides d by the schedule's scale.
func (s Schedule) Scaled(d time.Duration) time.Duration {
	if s.Scale <= 0 || s.Scale == 1 {
		return d
	}
	return time.Duration(float64(d) / s.Scale)
}

// Wait is how long Svix waits, after the failure of attempt n (counting
// from 1; 0 for the message's arrival), before attempt n+1. It is 0 past
// the last attempt.
func (s Schedule) Wait(n int) time.Duration {
	if n < 0 || n >= MaxAttempts {
		return 0
	}
	return s.Scaled(retrySchedule[n])
}

// DisableAfter is DisableAfter at the schedule's speed.
func (s Schedule) DisableAfter() time.Duration { return s.Scaled(DisableAfter) }

// Fate is where a message's delivery to one endpoint stands.
type Fate int

// The fates a forecast tells apart.
const (
	FateNone      Fate = iota // no scheduled attempt seen
	FateDelivered             // an attempt succeeded: nothing more is tried
	FateSending               // an attempt is being made now
	FateRetrying              // the last attempt failed; Next is due
	FateGaveUp                // the last of MaxAttempts failed
	FateStopped               // the last attempt was canceled (the endpoint was disabled or deleted)
)

// Forecast is what Svix will do next with one message to one endpoint.
type Forecast struct {
	Fate Fate
	// Made is the scheduled attempts seen, out of MaxAttempts.
	Made int
	// Last is the newest scheduled attempt's time.
	Last time.Time
	// Next is when the next attempt is due (FateRetrying). NextFromAPI says
	// the API gave it (next_attempt); otherwise it is estimated from
	// Svix's schedule and the attempts seen.
	Next        time.Time
	NextFromAPI bool
	// GiveUp is when Svix makes its last attempt if every one fails; after
	// it, the message is not tried again (FateRetrying and FateGaveUp).
	GiveUp time.Time
}

// Forecast reads the attempts of one message to one endpoint (any order;
// re-deliveries from this machine are left out) and says what Svix does
// next: the attempts made, when the next is due and when it gives up.
func (s Schedule) Forecast(attempts []Attempt) Forecast {
	var f Forecast
	var last *Attempt
	var next Time
	for i := range attempts {
		a := &attempts[i]
		if a.FromHere {
			continue
		}
		if a.Status == AttemptSuccess {
			f.Fate = FateDelivered
		}
		if a.NextAttempt.After(next.Time) {
			next = a.NextAttempt
		}
		if a.TriggerType != TriggerScheduled {
			continue
		}
		f.Made++
		if last == nil || a.Timestamp.After(last.Timestamp.Time) {
			last = a
		}
	}
	if last == nil {
		return f
	}
	f.Last = last.Timestamp.Time
	if f.Fate == FateDelivered {
		return f
	}
	switch last.Status {
	case AttemptSending, AttemptPending:
		f.Fate = FateSending
		return f
	case AttemptCanceled:
		f.Fate = FateStopped
		return f
	case AttemptFailed:
	default:
		return f
	}
	if f.Made >= MaxAttempts {
		f.Fate, f.GiveUp = FateGaveUp, f.Last
		return f
	}
	f.Fate = FateRetrying
	if next.After(f.Last) {
		f.Next, f.NextFromAPI = next.Time, true
	} else {
		// Svix counts the wait from the failure: the attempt's start plus
		// how long it took.
		took := time.Duration(last.ResponseDurationMs) * time.Millisecond
		f.Next = f.Last.Add(took + s.Wait(f.Made))
	}
	f.GiveUp = f.Next
	for n := f.Made + 1; n < MaxAttempts; n++ {
		f.GiveUp = f.GiveUp.Add(s.Wait(n))
	}
	return f
}

// Failing is an endpoint's unbroken run of failures, as its attempts show
// it.
type Failing struct {
	// Since is the oldest failure newer than the newest success.
	Since time.Time
	// AtLeast: no success was among the attempts read and they were not
	// the endpoint's whole history, so the run may have begun earlier.
	AtLeast bool
}

// FailingSince reads an endpoint's attempts (any order) and says since when
// it has failed without a success; false when its newest attempt that
// finished succeeded, or there is none. whole says the attempts are every
// one the endpoint has had. Re-deliveries from this machine and canceled
// attempts do not count: Svix does not know of the first, and the second
// did not reach the endpoint.
func FailingSince(attempts []Attempt, whole bool) (Failing, bool) {
	done := make([]Attempt, 0, len(attempts))
	for _, a := range attempts {
		if !a.FromHere && (a.Status == AttemptSuccess || a.Status == AttemptFailed) {
			done = append(done, a)
		}
	}
	slices.SortFunc(done, func(a, b Attempt) int { return b.Timestamp.Compare(a.Timestamp.Time) })
	var f Failing
	for _, a := range done {
		if a.Status == AttemptSuccess {
			return f, !f.Since.IsZero()
		}
		f.Since = a.Timestamp.Time
	}
	f.AtLeast = !whole
	return f, !f.Since.IsZero()
}

// DisableAt is when Svix disables an endpoint failing since f.Since,
// unless a delivery to it succeeds first (at the latest, when AtLeast).
func (s Schedule) DisableAt(f Failing) time.Time { return f.Since.Add(s.DisableAfter()) }
