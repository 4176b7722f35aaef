package common

import (
	"strings"

	"github.com/aspect-hq/aspect-tui/api"
)

// Unlisted is what a pane that lists things from the API shows in their
// place when it has none for want of the API: no client, a route the API
// does not offer (err, with offered false), or a first fetch that failed
// and is tried again when p says. what names the things, plural and in
// lower case ("endpoints"); w is the pane's width. ok is false when none
// of these holds.
func (c *Context) Unlisted(what string, w int, noClient, offered, loaded bool, err error, p *Poller) (lines []string, ok bool) {
	th := c.Theme
	switch {
	case noClient && !loaded:
		return Wrap(th.MutedStyle.Render("No API client: "+what+" are not listed."), w), true
	case err != nil && !offered:
		return Wrap(th.WarnStyle.Render(strings.ToUpper(what[:1])+what[1:]+" are not listed: "+api.Clean(err.Error())), w), true
	case err != nil && !loaded:
		return Wrap(th.ErrorStyle.Render("Could not list "+what+": ")+api.Clean(err.Error())+th.MutedStyle.Render(" (trying again in "+Age(p.Wait())+")"), w), true
	}
	return nil, false
}
