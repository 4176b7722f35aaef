package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/cmd/internal/keycheck"
)

// The naming routes' shapes, as Aspect's SDK names their fields.
var (
	kindUser = kind{what: "User", required: []string{"id"}, known: []string{
		"id", "external_id", "first_name", "last_name", "email", "avatar_url", "created", "updated", "tokens_remaining", "is_aspect_admin",
	}}
	kindIndexList = kind{what: "Index", list: true, required: []string{"id", "name"}, known: []string{
		"id", "name", "description", "num_assets", "size_bytes", "total_tokens_used", "duration", "user_id",
		"default_features", "is_sample", "is_sample_ready", "sample_prompts", "created", "updated",
	}}
	kindIndex = func() kind { k := kindIndexList; k.list = false; return k }()
	kindAsset = kind{what: "Asset", required: []string{"id", "name"}, known: []string{
		"id", "type", "name", "size_bytes", "mime_type", "save_original", "duration", "user_id", "index_id",
		"features", "proxy", "preview", "index_units", "created", "updated",
	}}
)

// account asks GET /users/me, which the dashboard checks the key with
// first (keycheck's rule): an answer that says the key is accepted or
// refused replaces what GET /tasks/active said; a route the API lacks
// leaves that. Then the routes that name tasks: the indexes, and the
// first active task's asset.
func (d *run) account(ctx context.Context, ids *found) {
	me := d.get(ctx, api.RouteUserMe, nil, kindUser, func(first map[string]json.RawMessage) {
		var tokens int64
		_ = json.Unmarshal(first["tokens_remaining"], &tokens)
		d.note(api.RouteUserMe, fmt.Sprintf("%s tokens remaining", commaInt(tokens)))
	})
	r := d.report
	if me.err == nil {
		switch keycheck.Judge(me.status) {
		case keycheck.Accepted:
			if me.status == http.StatusOK {
				r.KeyAccepted = true
				r.KeyNote = fmt.Sprintf("accepted (GET /users/me answered %d)", me.status)
			}
		case keycheck.Refused:
			r.KeyAccepted = false
			r.KeyNote = fmt.Sprintf("refused (%d): set ASPECT_API_KEY to a key of this API", me.status)
		}
	}
	d.get(ctx, api.RouteIndexList, nil, kindIndexList, func(first map[string]json.RawMessage) {
		ids.index = stringField(first, "id")
	})
	if ids.index != "" {
		d.get(ctx, api.RouteIndexGet, nil, kindIndex, nil, ids.index)
	}
	if ids.asset != "" {
		d.get(ctx, api.RouteAssetGet, nil, kindAsset, nil, ids.asset)
	}
}

// commaInt is n with thousands separators.
func commaInt(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 || len(s) <= 3 {
		return s
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
