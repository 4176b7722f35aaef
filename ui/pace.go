package ui

import "github.com/aspect-hq/aspect-tui/feed"

// FPS is the most frames a second the program draws, for
// tea.WithFPS. The feed hands over at most one batch per
// feed.DefaultFrameInterval (30 a second), so drawing more often shows
// nothing new; Bubble Tea's default of 60 only woke the program up twice
// as often to find nothing changed, and on a 2-vCPU VM those empty
// wake-ups cost more than the frames that were drawn (the profile of an
// idle dashboard: 55% in the scheduler's wake-ups, 26% in the renderer,
// 7% in View).
const FPS = int(1e9 / feed.DefaultFrameInterval)
