package sim

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// The assets, indexes and account the simulator names its tasks with, in
// the shapes of Aspect's Node SDK (assets-api.ts, indexes-api.ts,
// users-api.ts). An asset's details (file name, type, duration, size,
// index) are drawn from a generator seeded with the simulator's seed and
// the asset's id, so they follow --seed without drawing from the engine's
// sequence (the tasks stay what they were), and an asset made over the API
// gets believable details too. What changes as tasks run (the tokens used,
// an index's totals) is counted by the engine under its lock.

// startTokens is the account's balance when the simulator starts; each
// completed feature spends tokens by the asset's duration.
const startTokens = 500_000

// simIndex is one of the account's indexes.
type simIndex struct {
	id, name, description string
	features              []string
	sample                bool
	created               time.Time
	// Totals over the assets the simulator holds.
	assets      int
	size        int64
	duration    float64
	tokensUsed  int64
	lastUpdated time.Time
}

// simAsset is what the engine keeps of an asset: when it was first seen,
// how many tasks hold it, and its drawn details.
type simAsset struct {
	details assetDetails
	created time.Time
	updated time.Time
	tasks   int
}

type assetDetails struct {
	name, kind, mime string
	size             int64
	duration         float64 // seconds; 0 for an image
	index            int
}

// library holds the account: its user, indexes and assets. Guarded by
// engine.mu.
type library struct {
	seed       int64
	user       api.User
	indexes    []*simIndex
	assets     map[string]*simAsset
	tokensUsed int64
}

func newLibrary(seed int64, userID string, now time.Time) *library {
	r := rand.New(rand.NewPCG(uint64(seed), 0x1b_7a5c))
	first := []string{"Jordan", "Maya", "Sam", "Priya", "Lucas", "Aiko", "Noor", "Elena"}
	last := []string{"Lee", "Okafor", "Novak", "Haddad", "Moreau", "Tanaka", "Silva", "Berg"}
	f, l := first[r.IntN(len(first))], last[r.IntN(len(last))]
	created := now.Add(-time.Duration(30+r.IntN(300)) * 24 * time.Hour).UTC().Round(time.Second)
	lib := &library{
		seed:   seed,
		assets: map[string]*simAsset{},
		user: api.User{ID: userID, ExternalID: "user_" + strconv.FormatUint(r.Uint64()%1e9, 10), FirstName: f, LastName: l,
			Email: strings.ToLower(f + "." + l + "@example.com"), Created: api.Time{Time: created}, Updated: api.Time{Time: created}},
	}
	for _, ix := range []struct {
		name, desc string
		features   []string
		sample     bool
	}{
		{"Interviews", "customer and candidate interviews", []string{"proxy", "preview", "visual", "transcription"}, false},
		{"Marketing", "campaign footage and product demos", []string{"proxy", "preview", "visual"}, false},
		{"Podcasts", "weekly episodes, audio first", []string{"proxy", "transcription"}, false},
		{"Sample: city walks", "Aspect's sample footage", []string{"proxy", "preview", "visual", "transcription"}, true},
	} {
		lib.indexes = append(lib.indexes, &simIndex{id: newUUID(r), name: ix.name, description: ix.desc, features: ix.features,
			sample: ix.sample, created: created.Add(time.Duration(r.IntN(20*24)) * time.Hour)})
	}
	return lib
}

// Words the file names are made of.
var (
	nameSubjects = []string{"interview", "keynote", "product-demo", "board-meeting", "podcast-ep", "wedding-highlights",
		"drone-flyover", "lecture", "trailer", "standup", "webinar", "onboarding", "customer-call", "town-hall",
		"field-recording", "b-roll", "sprint-review", "launch-teaser", "tutorial", "quarterly-update", "Café Interview",
		"Q3 All Hands", "site-survey", "voice-memo", "focus-group", "conference-talk"}
	nameTails = []string{"final", "raw", "v2", "cut-3", "4k", "draft", "master", "edit", "export", "take-2",
		"2026-11-03", "final-final", "full", "clip-07", "hq", "mixdown"}
	videoExts = []string{"mp4", "mp4", "mov", "mkv", "webm"}
	audioExts = []string{"wav", "mp3", "m4a"}
	imageExts = []string{"jpg", "png"}
	mimes     = map[string]string{"mp4": "video/mp4", "mov": "video/quicktime", "mkv": "video/x-matroska", "webm": "video/webm",
		"wav": "audio/wav", "mp3": "audio/mpeg", "m4a": "audio/mp4", "jpg": "image/jpeg", "png": "image/png"}
)

// details draws an asset's details from the seed and its id.
func (l *library) details(assetID string) assetDetails {
	h := fnv.New64a()
	var seed [8]byte
	binary.LittleEndian.PutUint64(seed[:], uint64(l.seed))
	h.Write(seed[:])
	h.Write([]byte(assetID))
	r := rand.New(rand.NewPCG(h.Sum64(), 0xa55e7))
	d := assetDetails{index: r.IntN(len(l.indexes))}
	subject := nameSubjects[r.IntN(len(nameSubjects))]
	name := subject
	if r.IntN(4) > 0 {
		sep := "-"
		if strings.Contains(subject, " ") {
			sep = " – "
		}
		name += sep + nameTails[r.IntN(len(nameTails))]
	}
	if r.IntN(8) == 0 {
		name += "-" + nameTails[r.IntN(len(nameTails))] + "-for-review-with-legal-and-the-brand-team"
	}
	var ext string
	switch n := r.IntN(10); {
	case n < 7:
		d.kind, ext = "video", videoExts[r.IntN(len(videoExts))]
		d.duration = math.Round((20+r.ExpFloat64()*600)*10) / 10
		d.size = int64(d.duration * float64(2_000_000+r.IntN(8_000_000)) / 8)
	case n < 9:
		d.kind, ext = "audio", audioExts[r.IntN(len(audioExts))]
		d.duration = math.Round((30+r.ExpFloat64()*1200)*10) / 10
		d.size = int64(d.duration * 16_000)
	default:
		d.kind, ext = "image", imageExts[r.IntN(len(imageExts))]
		d.size = int64(200_000 + r.IntN(6_000_000))
	}
	d.name, d.mime = name+"."+ext, mimes[ext]
	return d
}

// hold records that a task holds assetID, first seen at created.
func (l *library) hold(assetID string, created time.Time) {
	a := l.assets[assetID]
	if a == nil {
		a = &simAsset{details: l.details(assetID), created: created, updated: created}
		l.assets[assetID] = a
		ix := l.indexes[a.details.index]
		ix.assets++
		ix.size += a.details.size
		ix.duration += a.details.duration
		ix.lastUpdated = created
	}
	a.tasks++
}

// release undoes hold when the engine evicts a task.
func (l *library) release(assetID string) {
	a := l.assets[assetID]
	if a == nil {
		return
	}
	if a.tasks--; a.tasks > 0 {
		return
	}
	ix := l.indexes[a.details.index]
	ix.assets--
	ix.size -= a.details.size
	ix.duration -= a.details.duration
	delete(l.assets, assetID)
}

// Tokens per minute of media that a completed feature costs; an image
// costs the flat rate.
var featureTokens = map[string]float64{"proxy": 2, "preview": 1, "visual": 12, "transcription": 6}

// spend charges the account for a feature of assetID that completed at.
func (l *library) spend(assetID, feature string, at time.Time) {
	a := l.assets[assetID]
	if a == nil {
		return
	}
	rate, ok := featureTokens[feature]
	if !ok {
		rate = 3
	}
	cost := int64(math.Ceil(rate * max(a.details.duration, 60) / 60))
	l.tokensUsed += cost
	ix := l.indexes[a.details.index]
	ix.tokensUsed += cost
	ix.lastUpdated = at
	a.updated = at
}

func (l *library) me() api.User {
	u := l.user
	u.TokensRemaining = max(0, startTokens-l.tokensUsed)
	return u
}

func (l *library) assetJSON(id string, a *simAsset, userID string) map[string]any {
	d := a.details
	ix := l.indexes[d.index]
	var dur any
	if d.kind != "image" {
		dur = d.duration
	}
	feats := map[string]any{}
	for _, f := range ix.features {
		feats[f] = map[string]any{"state": "completed"}
	}
	return map[string]any{
		"id": id, "type": d.kind, "name": d.name, "size_bytes": d.size, "mime_type": d.mime,
		"save_original": d.kind != "audio", "duration": dur, "user_id": userID, "index_id": ix.id,
		"features": feats, "proxy": nil, "preview": nil, "index_units": nil,
		"created": a.created.UTC().Format(time.RFC3339Nano), "updated": a.updated.UTC().Format(time.RFC3339Nano),
	}
}

func (ix *simIndex) json(userID string) map[string]any {
	updated := ix.created
	if ix.lastUpdated.After(updated) {
		updated = ix.lastUpdated
	}
	return map[string]any{
		"id": ix.id, "name": ix.name, "description": ix.description, "num_assets": ix.assets, "size_bytes": ix.size,
		"total_tokens_used": ix.tokensUsed, "duration": math.Round(ix.duration*10) / 10, "user_id": userID,
		"default_features": ix.features, "is_sample": ix.sample, "is_sample_ready": ix.sample, "sample_prompts": []string{},
		"created": ix.created.UTC().Format(time.RFC3339Nano), "updated": updated.UTC().Format(time.RFC3339Nano),
	}
}

// handleAsset answers GET /assets/{asset_id}: an asset some task holds,
// or 404 as Aspect's API names a missing object.
func (s *Server) handleAsset(w http.ResponseWriter, r *http.Request) {
	e := s.eng
	e.mu.Lock()
	id := r.PathValue("asset_id")
	a, ok := e.lib.assets[id]
	var out map[string]any
	if ok {
		out = e.lib.assetJSON(id, a, e.userID)
	}
	e.mu.Unlock()
	if !ok {
		writeDetail(w, http.StatusNotFound, "Asset not found")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// handleIndexes answers GET /indexes: a bare array, as the SDK reads it.
func (s *Server) handleIndexes(w http.ResponseWriter, r *http.Request) {
	e := s.eng
	e.mu.Lock()
	out := make([]map[string]any, 0, len(e.lib.indexes))
	for _, ix := range e.lib.indexes {
		out = append(out, ix.json(e.userID))
	}
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// handleIndex answers GET /indexes/{index_id}.
func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	e := s.eng
	e.mu.Lock()
	var out map[string]any
	for _, ix := range e.lib.indexes {
		if ix.id == r.PathValue("index_id") {
			out = ix.json(e.userID)
		}
	}
	e.mu.Unlock()
	if out == nil {
		writeDetail(w, http.StatusNotFound, "Index not found")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// handleMe answers GET /users/me: the account, its tokens going down as
// tasks complete features.
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	e := s.eng
	e.mu.Lock()
	u := e.lib.me()
	e.mu.Unlock()
	writeJSON(w, http.StatusOK, u)
}
