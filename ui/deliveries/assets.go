package deliveries

import (
	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed/assets"
	"github.com/aspect-hq/aspect-tui/ui/common"
)

// assetColW is the ASSET column: the name of the file the event was about.
const assetColW = 18

// assetOf is the asset of the task a message is about, read from its
// payload once.
func (m *Model) assetOf(msgID string) string {
	if id, ok := m.assetIDs[msgID]; ok {
		return id
	}
	mm, ok := m.msgs[msgID]
	if !ok {
		return ""
	}
	if m.assetIDs == nil {
		m.assetIDs = map[string]string{}
	}
	id := mm.AssetID()
	m.assetIDs[msgID] = id
	return id
}

// assetCell is the ASSET column of an attempt: the name when known, the
// asset id's prefix until then, "–" for a message about no asset.
func (m *Model) assetCell(msgID string) string {
	id := m.assetOf(msgID)
	if id == "" {
		mark := "–" // a message about no asset, or no API to ask
		if _, ok := m.msgs[msgID]; !ok && m.client != nil {
			mark = "…" // its message is being looked up
			if _, missed := m.notFound[msgID]; missed {
				mark = "?"
			}
		}
		return m.ctx.Theme.MutedP.S(common.Fit(mark, assetColW))
	}
	if name := m.ctx.AssetName(id); name != "" {
		return common.Fit(assets.Shorten(name, assetColW), assetColW)
	}
	return m.ctx.Theme.MutedP.S(common.Fit(common.Short(api.Clean(id), 8), assetColW))
}

// WantedAssets appends the assets of the attempts on screen, for the
// dashboard to name.
func (m *Model) WantedAssets(dst []string) []string {
	for i := m.cur.Offset; i < len(m.items) && i < m.cur.Offset+m.rowsH(); i++ {
		if id := m.assetOf(m.items[i].MsgID); id != "" {
			dst = append(dst, id)
		}
	}
	return dst
}
