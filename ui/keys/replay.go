package keys

// SetOffReason changes why the bindings read-only mode took away are off,
// for a dashboard that is read-only for another reason (a replay): a
// press of one of their keys says reason.
func (m *Map) SetOffReason(reason string) {
	for _, b := range m.gone {
		b.Disabled = reason
	}
}
