package sim

import (
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// autoDisableLocked disables an endpoint that has failed for Svix's five
// days (divided by TimeScale) without a success, as Svix does: nothing
// queued is sent, attempts in flight are canceled.
func (h *hooks) autoDisableLocked(ep *endpoint, now time.Time) {
	since := ep.failingSince
	ep.disabled, ep.failingSince = true, time.Time{}
	ep.updated = now.Round(0).UTC()
	h.dropJobsLocked(ep)
	ep.sess.cancel()
	h.o.Logf("%s endpoint %s disabled: every attempt to it failed since %s (Svix disables after %s)",
		now.Local().Format("15:04:05.000"), ep.id, since.Local().Format("2006-01-02 15:04:05"), api.DisableAfter)
}

// nextAttemptLocked is when the next scheduled attempt of a's message to
// its endpoint is due, reported on the newest attempt of the pair only (as
// Svix reports nextAttempt once per message and endpoint); zero when none
// is queued.
func (h *hooks) nextAttemptLocked(a *attempt) time.Time {
	ep := h.eps[a.a.EndpointID]
	if ep == nil || ep.disabled {
		return time.Time{}
	}
	for i := len(a.m.attempts) - 1; i >= 0; i-- {
		if b := a.m.attempts[i]; b.a.EndpointID == ep.id {
			if b != a {
				return time.Time{}
			}
			break
		}
	}
	d := a.m.dest(ep)
	if d == nil {
		return time.Time{}
	}
	for _, j := range d.jobs {
		if !j.manual {
			return j.ready.Round(0).UTC()
		}
	}
	return time.Time{}
}
