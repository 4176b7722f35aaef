package detail

import (
	"strconv"
	"strings"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed/assets"
	"github.com/aspect-hq/aspect-tui/ui/common"
)

// AssetFunc is what the dashboard knows of an asset: the asset when
// fetched, what is known of it, and its index when that is known.
type AssetFunc func(assetID string) (*api.Asset, assets.State, *api.Index)

// SetAssets gives the view the dashboard's assets, to show the task's.
func (m *Model) SetAssets(f AssetFunc) { m.assets = f }

// AssetID is the asset of the task shown ("" when none).
func (m *Model) AssetID() string { return m.task.AssetID }

// assetLines shows the task's asset: its name, type, duration, size, index
// and when it was created, then its index's totals; the id alone while
// they are being fetched, or why they are not shown.
func (m *Model) assetLines(t api.Task, add func(string), label func(string) string) {
	th := m.ctx.Theme
	id := api.Clean(t.AssetID)
	var a *api.Asset
	st := assets.Unknown
	var ix *api.Index
	if m.assets != nil {
		a, st, ix = m.assets(t.AssetID)
	}
	if a == nil || st != assets.Known {
		note := ""
		switch st {
		case assets.Pending, assets.Unknown:
			if m.assets != nil {
				note = "fetching its name…"
			}
		case assets.Missing:
			note = "not found: GET /assets/{id} answered 404"
		case assets.Failed:
			note = "could not be fetched (see the log, L)"
		}
		add(" " + label("asset") + id + "   " + th.MutedStyle.Render(note))
		return
	}
	name := assets.DisplayName(a.Name)
	if name == "" {
		name = th.MutedStyle.Render("(no name)")
	}
	add(" " + label("asset") + name)
	var facts []string
	if a.Type != "" {
		facts = append(facts, api.Clean(a.Type))
	}
	if a.MimeType != "" {
		facts = append(facts, api.Clean(a.MimeType))
	}
	if a.Duration != nil {
		facts = append(facts, clock(*a.Duration))
	}
	if a.SizeBytes > 0 {
		facts = append(facts, humanize.Bytes(uint64(a.SizeBytes)))
	}
	add(" " + label("") + strings.Join(facts, " · ") + "   " + th.MutedStyle.Render(id))
	if !a.Created.IsZero() {
		add(" " + label("uploaded") + uploaded(a.Created.Time, m.ctx.ServerNow()))
	}
	switch {
	case ix != nil:
		add(" " + label("index") + api.Clean(ix.Name) + "   " + th.MutedStyle.Render(indexTotals(ix)))
	case a.IndexID != "":
		add(" " + label("index") + api.Clean(a.IndexID))
	}
}

// uploaded is when an asset was uploaded: the time today, the date before.
func uploaded(t, now time.Time) string {
	if now.Sub(t) < 20*time.Hour {
		return stamp(t, now)
	}
	return t.Local().Format("2006-01-02 15:04") + " (" + common.Age(now.Sub(t)) + " ago)"
}

// indexTotals is an index's totals in one line.
func indexTotals(ix *api.Index) string {
	parts := []string{common.Count(int(ix.NumAssets)) + " assets"}
	if ix.Duration > 0 {
		parts = append(parts, clock(ix.Duration))
	}
	if ix.SizeBytes > 0 {
		parts = append(parts, humanize.Bytes(uint64(ix.SizeBytes)))
	}
	parts = append(parts, common.Count(int(ix.TotalTokensUsed))+" tokens used")
	if ix.IsSample {
		parts = append(parts, "sample")
	}
	return strings.Join(parts, " · ")
}

// clock is a media duration in seconds as 1:02:03 or 12:03.
func clock(secs float64) string {
	d := time.Duration(secs * float64(time.Second)).Round(time.Second)
	h, mnt, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	two := func(n int) string {
		if n < 10 {
			return "0" + strconv.Itoa(n)
		}
		return strconv.Itoa(n)
	}
	if h > 0 {
		return strconv.Itoa(h) + ":" + two(mnt) + ":" + two(s)
	}
	return strconv.Itoa(mnt) + ":" + two(s)
}
