package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
)

// Asset is one upload, as GET /assets/{asset_id} answers it (Aspect's Node
// SDK, generated/src/models/asset-get-response.ts). Name is the file name
// the user uploaded, extension included; Duration is in seconds (the SDK
// does not say; the simulator and the screen read it so) and absent for an
// image. Every string is as received: clean it before it reaches a screen.
type Asset struct {
	ID           string             `json:"id"`
	Type         string             `json:"type"` // video, image, audio, other
	Name         string             `json:"name"`
	SizeBytes    int64              `json:"size_bytes"`
	MimeType     string             `json:"mime_type"`
	SaveOriginal bool               `json:"save_original"`
	Duration     *float64           `json:"duration"`
	UserID       string             `json:"user_id"`
	IndexID      string             `json:"index_id"`
	Features     map[string]Feature `json:"features"`
	Created      Time               `json:"created"`
	Updated      Time               `json:"updated"`
}

// Index is a collection of assets, as the indexes routes answer it
// (indexes-api.ts; index-get-response.ts): its totals over its assets.
type Index struct {
	ID              string   `json:"id"`
	Name            string   `json:"name"`
	Description     string   `json:"description"`
	NumAssets       int64    `json:"num_assets"`
	SizeBytes       int64    `json:"size_bytes"`
	TotalTokensUsed int64    `json:"total_tokens_used"`
	Duration        float64  `json:"duration"`
	DefaultFeatures []string `json:"default_features"`
	IsSample        bool     `json:"is_sample"`
	Created         Time     `json:"created"`
	Updated         Time     `json:"updated"`
}

// User is the account a key belongs to, as GET /users/me answers it
// (users-api.ts; user-get-response.ts).
type User struct {
	ID              string `json:"id"`
	ExternalID      string `json:"external_id"`
	FirstName       string `json:"first_name"`
	LastName        string `json:"last_name"`
	Email           string `json:"email"`
	AvatarURL       string `json:"avatar_url"`
	Created         Time   `json:"created"`
	Updated         Time   `json:"updated"`
	TokensRemaining int64  `json:"tokens_remaining"`
	IsAspectAdmin   bool   `json:"is_aspect_admin"`
}

// Asset fetches one asset. Pass a context from NoRetry to have a 429 come
// back at once rather than be waited out here.
func (c *Client) Asset(ctx context.Context, id string) (Asset, error) {
	var a Asset
	cl := route(RouteAssetGet, id)
	cl.out, cl.loose = &a, true
	return a, c.do(ctx, cl)
}

// Indexes lists the user's indexes.
func (c *Client) Indexes(ctx context.Context) ([]Index, error) {
	return list[Index](ctx, c, route(RouteIndexList), 0)
}

// Index fetches one index.
func (c *Client) Index(ctx context.Context, id string) (Index, error) {
	var x Index
	cl := route(RouteIndexGet, id)
	cl.out, cl.loose = &x, true
	return x, c.do(ctx, cl)
}

// Me is the account the key belongs to: the cheapest call that checks a key.
func (c *Client) Me(ctx context.Context) (User, error) {
	var u User
	cl := route(RouteUserMe)
	cl.out, cl.loose = &u, true
	return u, c.do(ctx, cl)
}

// IsNoRoute reports a 404 or 405 without an object's name in it: the API
// has no such route at all, documented or not (IsNotOffered answers only
// for assumed routes).
func IsNoRoute(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Status {
	case http.StatusMethodNotAllowed:
		return true
	case http.StatusNotFound:
		return e.Detail == "" || e.Detail == "Not Found"
	}
	return false
}

type noRetryKey struct{}

// NoRetry marks a context so that calls made with it are sent once: a 429
// or a 5xx comes back to the caller (with its Retry-After), who decides
// when to ask again. The asset fetcher uses it, so that many assets
// waiting out one 429 inside the client never pile up.
func NoRetry(ctx context.Context) context.Context {
	return context.WithValue(ctx, noRetryKey{}, true)
}

func noRetry(ctx context.Context) bool {
	v, _ := ctx.Value(noRetryKey{}).(bool)
	return v
}

// AssetID is the asset of the task the message is about
// (data.task.asset_id), or "".
func (m Message) AssetID() string {
	var p struct {
		Data struct {
			Task struct {
				AssetID    string `json:"asset_id"`
				AssetCamel string `json:"assetId"`
			} `json:"task"`
		} `json:"data"`
	}
	if json.Unmarshal(m.Payload, &p) != nil {
		return ""
	}
	return first(p.Data.Task.AssetID, p.Data.Task.AssetCamel)
}
