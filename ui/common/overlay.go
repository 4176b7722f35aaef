package common

// Overlay is a small window drawn over the dashboard: a form, a question,
// a secret shown once. While a pane has one open, every key goes to that
// pane.
type Overlay struct {
	Title string
	Lines []string // each at most Width cells
	Width int      // inner width
}

// Overlayer is a pane that may have an overlay open.
type Overlayer interface {
	// Overlay is the open overlay, or nil.
	Overlay() *Overlay
}
