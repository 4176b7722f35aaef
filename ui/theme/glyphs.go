package theme

import (
	"github.com/aspect-hq/aspect-tui/api"
)

// The glyphs come from the set every terminal font has (see TIPS.md), so a
// screenshot and a user's terminal show the same thing.

// processingFrames animate a processing feature: a bar that rises and falls.
var processingFrames = []string{"▂", "▄", "▆", "█", "▆", "▄"}

// Frames is how many animation frames a processing glyph has.
var Frames = len(processingFrames)

var glyphs = map[api.State]string{
	api.StateQueued:    "◌",
	api.StateCompleted: "✓",
	api.StateFailed:    "✗",
	api.StateCancelled: "⊘",
	api.StateNA:        "–",
}

// UnknownGlyph marks a state this version does not know.
const UnknownGlyph = "?"

// AbsentGlyph marks a feature the task did not ask for.
const AbsentGlyph = "·"

// Glyph is a state's glyph at an animation frame.
func Glyph(s api.State, frame int) string {
	if s == api.StateProcessing {
		return processingFrames[frame%len(processingFrames)]
	}
	if g, ok := glyphs[s]; ok {
		return g
	}
	return UnknownGlyph
}

// Words name the states: the long word where a column has room, the short
// one where it does not. Both are shown in the help legend.
var words = map[api.State][2]string{
	api.StateQueued:     {"queued", "queued"},
	api.StateProcessing: {"processing", "running"},
	api.StateCompleted:  {"completed", "done"},
	api.StateFailed:     {"failed", "failed"},
	api.StateCancelled:  {"cancelled", "cancel"},
	api.StateNA:         {"na", "n/a"},
}

// LongWordWidth and ShortWordWidth are the widest known words.
const (
	LongWordWidth  = 10
	ShortWordWidth = 7
)

// Word names a state; an unknown state is named as sent, cleaned.
func Word(s api.State, short bool) string {
	if w, ok := words[s]; ok {
		if short {
			return w[1]
		}
		return w[0]
	}
	if s == "" {
		return "unknown"
	}
	return api.Clean(string(s))
}

var overallGlyphs = map[api.Overall]string{
	api.OverallActive: "●",
	api.OverallFailed: "✗",
	api.OverallDone:   "✓",
}

// OverallGlyph is a task's overall state's glyph.
func OverallGlyph(o api.Overall) string {
	if g, ok := overallGlyphs[o]; ok {
		return g
	}
	return UnknownGlyph
}

// Legend lists every state with its glyph and words, for the help screen.
func Legend() [][3]string {
	out := make([][3]string, 0, len(api.States)+2)
	for _, s := range api.States {
		w := words[s][0]
		if s == api.StateProcessing {
			w += ", animated"
		}
		out = append(out, [3]string{Glyph(s, 0), w, words[s][1]})
	}
	out = append(out, [3]string{UnknownGlyph, "a state this version does not know, named as sent", ""})
	out = append(out, [3]string{AbsentGlyph, "a feature the task did not ask for", ""})
	out = append(out, [3]string{OverallGlyph(api.OverallActive), "task active: a feature is queued or processing", ""})
	out = append(out, [3]string{OverallGlyph(api.OverallFailed), "task failed: done, and a feature failed", ""})
	out = append(out, [3]string{OverallGlyph(api.OverallDone), "task done: no feature queued, processing or failed", ""})
	return out
}
