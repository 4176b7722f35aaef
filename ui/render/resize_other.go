//go:build !unix

package render

import tea "charm.land/bubbletea/v2"

// watchResize: there is no SIGWINCH here; the size stays as it started.
func (t *terminal) watchResize(*tea.Program) (stop func()) { return func() {} }
