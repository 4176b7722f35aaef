package sim

import (
	"context"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// The SDK's field names, as its FromJSON functions read them.
const (
	sdkAssetKeys = "created duration features id index_id index_units mime_type name preview proxy save_original size_bytes type updated user_id"
	sdkIndexKeys = "created default_features description duration id is_sample is_sample_ready name num_assets sample_prompts size_bytes total_tokens_used updated user_id"
	sdkUserKeys  = "avatar_url created email external_id first_name id is_aspect_admin last_name tokens_remaining updated"
)

// The naming routes are documented by Aspect's SDK, so every profile
// serves them in the SDK's names.
func init() {
	every := func(s shape) map[Profile]shape {
		return map[Profile]shape{ProfileFull: s, ProfileDocumented: s, ProfileSvix: s}
	}
	profileShapes[api.RouteAssetGet] = every(shape{status: 200, keys: sdkAssetKeys})
	profileShapes[api.RouteIndexList] = every(shape{status: 200, keys: "[]", itemOf: "[]", item: sdkIndexKeys})
	profileShapes[api.RouteIndexGet] = every(shape{status: 200, keys: sdkIndexKeys})
	profileShapes[api.RouteUserMe] = every(shape{status: 200, keys: sdkUserKeys})
}

// namingRequest is the request that exercises a naming route against f.
func (f fixture) namingRequest(route string) (method, p string, ok bool) {
	r := api.RouteByName(route)
	switch route {
	case api.RouteAssetGet:
		return r.Method, r.Expand(f.s.Tasks()[0].AssetID), true
	case api.RouteIndexGet:
		f.s.eng.mu.Lock()
		defer f.s.eng.mu.Unlock()
		return r.Method, r.Expand(f.s.eng.lib.indexes[0].id), true
	}
	return "", "", false
}

// hitNaming drives the naming routes through the client, for
// TestEveryRouteThroughTheClient.
func hitNaming(t *testing.T, c *api.Client, hit func(string)) {
	t.Helper()
	ctx := context.Background()
	a, err := c.Asset(ctx, "asset-1")
	if err != nil {
		t.Fatal(err)
	}
	hit(api.RouteAssetGet)
	if a.ID != "asset-1" || a.Name == "" || a.IndexID == "" {
		t.Errorf("asset = %+v; want asset-1 named, in an index", a)
	}
	ixs, err := c.Indexes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hit(api.RouteIndexList)
	ix, err := c.Index(ctx, a.IndexID)
	if err != nil {
		t.Fatal(err)
	}
	hit(api.RouteIndexGet)
	if len(ixs) < 2 || ix.NumAssets < 1 {
		t.Errorf("indexes %+v, the asset's %+v; want a few, the asset's holding it", ixs, ix)
	}
	me, err := c.Me(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hit(api.RouteUserMe)
	if me.Email == "" || me.TokensRemaining <= 0 {
		t.Errorf("me = %+v", me)
	}
}

// Names are believable media file names with their extension, the same
// under the same seed, and an asset no task holds is a 404.
func TestAssetsAreNamedBySeed(t *testing.T) {
	details := func(seed int64) []api.Asset {
		s := startPaused(t, Options{Seed: seed})
		c := newClient(t, s)
		var out []api.Asset
		for _, id := range s.CreateTasks(40) {
			task, err := c.Task(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			a, err := c.Asset(context.Background(), task.AssetID)
			if err != nil {
				t.Fatal(err)
			}
			a.Created, a.Updated = api.Time{}, api.Time{}
			out = append(out, a)
		}
		if _, err := c.Asset(context.Background(), "no-such-asset"); api.StatusOf(err) != 404 || api.IsNoRoute(err) {
			t.Errorf("an unknown asset: %v; want a 404 that names the asset", err)
		}
		return out
	}
	one, again, other := details(3), details(3), details(4)
	if !slices.EqualFunc(one, again, func(a, b api.Asset) bool {
		return a.Name == b.Name && a.SizeBytes == b.SizeBytes && a.IndexID == b.IndexID
	}) {
		t.Error("the same seed named the assets differently")
	}
	if one[0].Name == other[0].Name && one[1].Name == other[1].Name && one[2].Name == other[2].Name {
		t.Error("another seed gave the same names")
	}
	kinds := map[string]bool{}
	for _, a := range one {
		ext := strings.TrimPrefix(path.Ext(a.Name), ".")
		if ext == "" || len(a.Name) < 5 || !strings.HasPrefix(a.MimeType, a.Type+"/") {
			t.Errorf("asset %q (%s, %s): want a file name with its type's extension", a.Name, a.Type, a.MimeType)
		}
		if (a.Type == "image") != (a.Duration == nil) || a.SizeBytes <= 0 {
			t.Errorf("asset %q: duration %v, size %d", a.Name, a.Duration, a.SizeBytes)
		}
		kinds[a.Type] = true
	}
	if !kinds["video"] || !kinds["audio"] {
		t.Errorf("40 assets of kinds %v; want videos and audio at least", kinds)
	}
}

// The account's tokens go down as tasks complete features.
func TestTokensGoDownAsTasksRun(t *testing.T) {
	s := startPaused(t, Options{Seed: 2, TimeScale: 1000, FailRate: -1, CancelRate: -1, NARate: -1})
	c := newClient(t, s)
	before, err := c.Me(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s.CreateTasks(10)
	s.Advance(time.Hour)
	after, err := c.Me(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if after.TokensRemaining >= before.TokensRemaining {
		t.Fatalf("tokens %d before ten tasks ran, %d after; want fewer", before.TokensRemaining, after.TokensRemaining)
	}
	ixs, _ := c.Indexes(context.Background())
	var used int64
	for _, ix := range ixs {
		used += ix.TotalTokensUsed
	}
	if used != before.TokensRemaining-after.TokensRemaining {
		t.Errorf("the indexes used %d tokens; the account spent %d", used, before.TokensRemaining-after.TokensRemaining)
	}
}
