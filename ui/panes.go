package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/ui/attempt"
	"github.com/aspect-hq/aspect-tui/ui/common"
	"github.com/aspect-hq/aspect-tui/ui/compare"
	"github.com/aspect-hq/aspect-tui/ui/deliveries"
	"github.com/aspect-hq/aspect-tui/ui/detail"
	"github.com/aspect-hq/aspect-tui/ui/endpoints"
	"github.com/aspect-hq/aspect-tui/ui/eventlog"
	"github.com/aspect-hq/aspect-tui/ui/grid"
	"github.com/aspect-hq/aspect-tui/ui/taskhooks"
	"github.com/aspect-hq/aspect-tui/ui/webhooks"
)

// area is a place on the screen that holds a pane.
type area int

// The areas: the main one holds the task grid or a view opened over it
// (m.main says which); the side ones hold one pane each.
const (
	mainArea area = iota
	topSide
	bottomSide
	areaCount
)

// paneRow is one pane of the dashboard: k9s's view registrar, one row a
// pane. Adding a pane is its package and a row here (and, when the root
// must call it by name, a field of Model that build sets).
type paneRow struct {
	id   common.PaneID
	area area
	// build makes the pane; hooks is the webhook API (nil: none).
	build func(m *Model, hooks webhooks.Client) common.Pane
	// init starts the pane's first fetches, with the dashboard's.
	init func(m *Model) tea.Cmd
	// tick refreshes a view in the main area once a second while shown
	// (the ages it draws).
	tick func(m *Model)
	// close stops a view in the main area following the API once it left
	// the screen for good (esc cannot lead back to it).
	close func(m *Model)
}

// panes is every pane, indexed by its PaneID.
var panes = []paneRow{
	{id: common.Tasks, area: mainArea,
		build: func(m *Model, _ webhooks.Client) common.Pane { m.grid = grid.New(m.ctx, m.store); return m.grid }},
	{id: common.Endpoints, area: topSide,
		build: func(m *Model, hooks webhooks.Client) common.Pane {
			m.endpoints = endpoints.New(m.ctx, m.opts.Context, hooks, m.opts.Refresh)
			m.endpoints.KeepSecrets(m.secrets)
			return m.endpoints
		},
		init: func(m *Model) tea.Cmd { return m.endpoints.Init() }},
	{id: common.Deliveries, area: bottomSide,
		build: func(m *Model, hooks webhooks.Client) common.Pane {
			m.deliveries = deliveries.New(m.ctx, m.opts.Context, hooks, m.opts.Refresh, m.resend)
			return m.deliveries
		},
		init: func(m *Model) tea.Cmd { return m.deliveries.Init() }},
	{id: common.Detail, area: mainArea,
		build: func(m *Model, _ webhooks.Client) common.Pane {
			m.detail = detail.New(m.ctx, m.store, m.raw.get)
			return m.detail
		},
		tick: func(m *Model) { m.detail.Refresh() }},
	{id: common.Log, area: mainArea,
		build: func(m *Model, _ webhooks.Client) common.Pane { m.log = eventlog.New(m.ctx); return m.log }},
	{id: common.Attempt, area: mainArea,
		build: func(m *Model, hooks webhooks.Client) common.Pane {
			m.attempt = attempt.New(m.ctx, m.opts.Context, hooks, m.opts.Refresh, m.resend)
			return m.attempt
		},
		tick:  func(m *Model) { m.attempt.Refresh() },
		close: func(m *Model) { m.attempt.Close() }},
	{id: common.Hooks, area: mainArea,
		build: func(m *Model, hooks webhooks.Client) common.Pane {
			m.hooks = taskhooks.New(m.ctx, m.opts.Context, hooks, m.opts.Refresh, m.resend)
			return m.hooks
		},
		close: func(m *Model) { m.hooks.Close() }},
	{id: common.Compare, area: mainArea,
		build: func(m *Model, hooks webhooks.Client) common.Pane {
			m.compare = compare.New(m.ctx, m.opts.Context, hooks)
			return m.compare
		},
		tick: func(m *Model) { m.compare.Refresh() }},
}

// buildPanes makes every pane of the table.
func (m *Model) buildPanes(hooks webhooks.Client) {
	m.panes = make([]common.Pane, len(panes))
	for i, row := range panes {
		if int(row.id) != i {
			panic("ui: the pane table is out of PaneID order at " + row.id.String())
		}
		m.panes[i] = row.build(m, hooks)
	}
	for _, row := range panes {
		if row.area != mainArea {
			m.side[row.area] = row.id
		}
	}
}

func (m *Model) pane(id common.PaneID) common.Pane {
	if int(id) < 0 || int(id) >= len(m.panes) {
		return nil
	}
	return m.panes[id]
}

// areaOf is the area a pane is drawn in, when it is on screen.
func (m *Model) areaOf(id common.PaneID) area {
	if int(id) < len(panes) {
		return panes[id].area
	}
	return mainArea
}

// inArea is the pane an area shows.
func (m *Model) inArea(a area) common.PaneID {
	if a == mainArea {
		return m.main
	}
	return m.side[a]
}
