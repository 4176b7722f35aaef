package api

import (
	"fmt"
	"net/url"
	"strings"
)

// Route is one API route. Documented routes come from Aspect's webhooks page
// and SDKs; assumed routes are our reading of what the API likely serves,
// kept here so that a wrong guess is a one-line change.
type Route struct {
	Name       string // stable key, used by the client and the simulator
	Method     string
	Path       string // with {placeholders}
	Documented bool
	Source     string // where the route comes from, for the README table
	Answer     string // what it answers
	IfMissing  string // what aspect-tui does when the API lacks the route (README: "if the API lacks it")
}

// Route names.
const (
	RouteTasksActive        = "tasks.active"
	RouteTaskGet            = "tasks.get"
	RouteTaskCreate         = "tasks.create"
	RouteEvents             = "events"
	RouteEndpointCreate     = "endpoints.create"
	RouteEndpointList       = "endpoints.list"
	RouteEndpointUpdate     = "endpoints.update"
	RouteEndpointDelete     = "endpoints.delete"
	RouteMessageList        = "messages.list"
	RouteMessageGet         = "messages.get"
	RouteAttemptList        = "attempts.list"
	RouteEndpointDeliveries = "endpoints.deliveries"
	RouteResend             = "messages.resend"
	RouteRecover            = "endpoints.recover"
	RouteTest               = "endpoints.test"
	RouteStats              = "endpoints.stats"
	RouteAssetGet           = "assets.get"
	RouteIndexList          = "indexes.list"
	RouteIndexGet           = "indexes.get"
	RouteUserMe             = "users.me"
)

// Routes is every route aspect-tui uses, in the order of docs/contract.md.
var Routes = []Route{
	{RouteTasksActive, "GET", "/tasks/active", true, "Aspect SDKs", "array of Task: queued, processing and failed tasks",
		"the dashboard cannot run: it reads the tasks from it (doctor says so)"},
	{RouteTaskGet, "GET", "/tasks/{task_id}", true, "Aspect SDKs", "Task",
		"a task missed by the stream is shown as GET /tasks/active last listed it"},
	{RouteTaskCreate, "POST", "/tasks", true, "Aspect SDKs", "{task_id}",
		"nothing: the dashboard never creates tasks"},
	{RouteEvents, "GET", "/events", false, "assumed: the docs say events are also available via SSE", "text/event-stream of envelopes",
		"polls GET /tasks/active every poll_interval"},
	{RouteEndpointCreate, "POST", "/webhooks/endpoints", true, "webhooks page", "201 {endpoint, secret, app}",
		"endpoints cannot be added from the app"},
	{RouteEndpointList, "GET", "/webhooks/endpoints", false, "assumed", "list of Endpoint",
		"discovers endpoints from messages and attempts, endpoints made in this app, and `endpoints` in the config"},
	{RouteEndpointUpdate, "PUT", "/webhooks/endpoints/{endpoint_id}", true, "webhooks page (answer assumed)", "{endpoint}",
		"endpoints cannot be edited, enabled or disabled from the app"},
	{RouteEndpointDelete, "DELETE", "/webhooks/endpoints/{endpoint_id}", true, "webhooks page", "{success: true}",
		"endpoints cannot be deleted from the app"},
	{RouteMessageList, "GET", "/webhooks/messages", true, "webhooks page", "list of Message",
		"deliveries are shown without their events' payloads"},
	{RouteMessageGet, "GET", "/webhooks/messages/{message_id}", false, "assumed, mirrors Svix", "Message",
		"looks for the message in the newest pages of GET /webhooks/messages?with_content=true (at most 5)"},
	{RouteAttemptList, "GET", "/webhooks/delivery-attempts", true, "webhooks page", "list of Attempt",
		"the deliveries pane shows the API's error; endpoints cannot be discovered"},
	{RouteEndpointDeliveries, "GET", "/webhooks/endpoints/{endpoint_id}/deliveries", true, "webhooks page (legacy)", "list of Attempt",
		"lists attempts with GET /webhooks/delivery-attempts?endpoint_id="},
	{RouteResend, "POST", "/webhooks/messages/{message_id}/endpoints/{endpoint_id}/resend", false, "assumed, mirrors Svix", "202 {}",
		"re-delivers from this machine, signed with the endpoint's secret"},
	{RouteRecover, "POST", "/webhooks/endpoints/{endpoint_id}/recover", false, "assumed, mirrors Svix", "202 {id, status}",
		"re-delivers each failed message since the time chosen from this machine, one by one, after asking, with its progress"},
	{RouteTest, "POST", "/webhooks/endpoints/{endpoint_id}/test", false, "assumed; Svix's send-example shape read too", "202 {message_id} or a Message",
		"hidden, with a note"},
	{RouteStats, "GET", "/webhooks/endpoints/{endpoint_id}/stats", false, "assumed, mirrors Svix", "{success, pending, sending, fail, canceled}",
		"hidden, with a note; the deliveries pane still shows each failure"},
	{RouteAssetGet, "GET", "/assets/{asset_id}", true, "Aspect SDKs (assets-api.ts)", "Asset {id, type, name, size_bytes, mime_type, duration, index_id, ...}",
		"the grid shows asset ids instead of file names"},
	{RouteIndexList, "GET", "/indexes", true, "Aspect SDKs (indexes-api.ts)", "array of Index {id, name, num_assets, size_bytes, total_tokens_used, duration, ...}",
		"indexes are shown by id, and cannot be filtered by name"},
	{RouteIndexGet, "GET", "/indexes/{index_id}", true, "Aspect SDKs (indexes-api.ts)", "Index",
		"the task view shows the index's totals from GET /indexes, or none"},
	{RouteUserMe, "GET", "/users/me", true, "Aspect SDKs (users-api.ts)", "User {id, first_name, last_name, email, tokens_remaining, ...}",
		"the key is checked with GET /tasks/active; the header shows no account or tokens"},
}

// RouteByName returns the route with that name; it panics on an unknown
// name, which is a programming error.
func RouteByName(name string) Route {
	for _, r := range Routes {
		if r.Name == name {
			return r
		}
	}
	panic("api: unknown route " + name)
}

// Expand fills the route's {placeholders} in order, escaping each value as a
// path segment.
func (r Route) Expand(params ...string) string {
	path := r.Path
	for _, p := range params {
		open := strings.IndexByte(path, '{')
		end := strings.IndexByte(path, '}')
		if open < 0 || end < open {
			panic(fmt.Sprintf("api: route %s takes fewer parameters", r.Name))
		}
		path = path[:open] + url.PathEscape(p) + path[end+1:]
	}
	if strings.IndexByte(path, '{') >= 0 {
		panic(fmt.Sprintf("api: route %s needs more parameters", r.Name))
	}
	return path
}

// Pattern is the route as a net/http ServeMux pattern ("GET /tasks/{task_id}").
func (r Route) Pattern() string { return r.Method + " " + r.Path }

// Kind is "documented" or "assumed".
func (r Route) Kind() string {
	if r.Documented {
		return "documented"
	}
	return "assumed"
}
