package api

import (
	"testing"
	"time"
)

func at(sec int) Time { return Time{Time: time.Date(2026, 3, 2, 9, 0, sec, 0, time.UTC)} }

func TestForecastFromTheScheduleAlone(t *testing.T) {
	first := Attempt{ID: "a1", Status: AttemptFailed, Timestamp: at(0), ResponseDurationMs: 2000}
	f := Schedule{}.Forecast([]Attempt{first})
	// Svix's 27 h 35 m 5 s from the first failure to the last attempt.
	if f.Fate != FateRetrying || f.Made != 1 || f.NextFromAPI || !f.Next.Equal(at(7).Time) ||
		f.GiveUp.Sub(at(2).Time) != 27*time.Hour+35*time.Minute+5*time.Second {
		t.Errorf("after one failure: %+v; want the next at +7s (2 s answer, 5 s wait), giving up 27h35m5s after the failure", f)
	}
	told := first
	told.NextAttempt = at(60)
	if f := (Schedule{}).Forecast([]Attempt{told}); !f.NextFromAPI || !f.Next.Equal(at(60).Time) {
		t.Errorf("with next_attempt: %+v; want the API's time", f)
	}
	if f := (Schedule{Scale: 60}).Forecast([]Attempt{first}); f.GiveUp.Sub(at(2).Time) != (27*time.Hour+35*time.Minute+5*time.Second)/60 {
		t.Errorf("at scale 60 Svix gives up %s after the failure; want 27h35m5s/60", f.GiveUp.Sub(at(2).Time))
	}
}

func TestForecastFates(t *testing.T) {
	failed := func(sec int) Attempt { return Attempt{Status: AttemptFailed, Timestamp: at(sec)} }
	var eight []Attempt
	for i := range MaxAttempts {
		eight = append(eight, failed(i))
	}
	manualOK := Attempt{Status: AttemptSuccess, TriggerType: TriggerManual, Timestamp: at(30)}
	hereOK := Attempt{Status: AttemptSuccess, FromHere: true, Timestamp: at(30)}
	for _, tc := range []struct {
		name string
		in   []Attempt
		fate Fate
		made int
	}{
		{"none", nil, FateNone, 0},
		{"gave up", eight, FateGaveUp, 8},
		{"a resend delivered it", []Attempt{failed(0), manualOK}, FateDelivered, 1},
		{"a re-delivery from here does not count", []Attempt{failed(0), hereOK}, FateRetrying, 1},
		{"canceled", []Attempt{failed(0), {Status: AttemptCanceled, Timestamp: at(5)}}, FateStopped, 2},
		{"sending", []Attempt{failed(0), {Status: AttemptSending, Timestamp: at(5)}}, FateSending, 2},
	} {
		if f := (Schedule{}).Forecast(tc.in); f.Fate != tc.fate || f.Made != tc.made {
			t.Errorf("%s: %+v; want fate %d after %d", tc.name, f, tc.fate, tc.made)
		}
	}
}

func TestFailingSince(t *testing.T) {
	ok, bad := AttemptSuccess, AttemptFailed
	mk := func(st AttemptStatus, sec int) Attempt { return Attempt{Status: st, Timestamp: at(sec)} }
	f, failing := FailingSince([]Attempt{mk(bad, 50), mk(ok, 10), mk(bad, 30), mk(bad, 5)}, false)
	if !failing || !f.Since.Equal(at(30).Time) || f.AtLeast {
		t.Errorf("failures at 30 and 50 after a success at 10: %+v %v; want since 30", f, failing)
	}
	if _, failing := FailingSince([]Attempt{mk(ok, 50), mk(bad, 30)}, false); failing {
		t.Error("the newest attempt succeeded: not failing")
	}
	f, failing = FailingSince([]Attempt{mk(bad, 50), mk(bad, 30)}, false)
	if !failing || !f.Since.Equal(at(30).Time) || !f.AtLeast {
		t.Errorf("no success in a part of the history: %+v; want since 30 at least", f)
	}
	if f, _ := FailingSince([]Attempt{mk(bad, 50), mk(bad, 30)}, true); f.AtLeast {
		t.Error("the whole history read: the run's start is known")
	}
	if got := (Schedule{Scale: 60}).DisableAt(Failing{Since: at(0).Time}); got.Sub(at(0).Time) != 2*time.Hour {
		t.Errorf("disabled %s after the first failure at scale 60; want 2h", got.Sub(at(0).Time))
	}
}
