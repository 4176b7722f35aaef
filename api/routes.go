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
	RouteAttemptList        = "attempts.list"
	RouteEndpointDeliveries = "endpoints.deliveries"
	RouteResend             = "messages.resend"
	RouteRecover            = "endpoints.recover"
	RouteTest               = "endpoints.test"
	RouteStats              = "endpoints.stats"
)

// Routes is every route aspect-tui uses, in the order of CONTRACT.md.
var Routes = []Route{
	{RouteTasksActive, "GET", "/tasks/active", true, "Aspect SDKs", "array of Task: queued, processing and failed tasks"},
	{RouteTaskGet, "GET", "/tasks/{task_id}", true, "Aspect SDKs", "Task"},
	{RouteTaskCreate, "POST", "/tasks", true, "Aspect SDKs", "{task_id}"},
	{RouteEvents, "GET", "/events", false, "assumed: the docs say events are also available via SSE", "text/event-stream of envelopes"},
	{RouteEndpointCreate, "POST", "/webhooks/endpoints", true, "webhooks page", "201 {endpoint, secret, app}"},
	{RouteEndpointList, "GET", "/webhooks/endpoints", false, "assumed", "list of Endpoint"},
	{RouteEndpointUpdate, "PUT", "/webhooks/endpoints/{endpoint_id}", true, "webhooks page (answer assumed)", "{endpoint}"},
	{RouteEndpointDelete, "DELETE", "/webhooks/endpoints/{endpoint_id}", true, "webhooks page", "{success: true}"},
	{RouteMessageList, "GET", "/webhooks/messages", true, "webhooks page", "list of Message"},
	{RouteAttemptList, "GET", "/webhooks/delivery-attempts", true, "webhooks page", "list of Attempt"},
	{RouteEndpointDeliveries, "GET", "/webhooks/endpoints/{endpoint_id}/deliveries", true, "webhooks page (legacy)", "list of Attempt"},
	{RouteResend, "POST", "/webhooks/messages/{message_id}/endpoints/{endpoint_id}/resend", false, "assumed, mirrors Svix", "202 {}"},
	{RouteRecover, "POST", "/webhooks/endpoints/{endpoint_id}/recover", false, "assumed, mirrors Svix", "202 {id, status}"},
	{RouteTest, "POST", "/webhooks/endpoints/{endpoint_id}/test", false, "assumed", "202 {message_id}"},
	{RouteStats, "GET", "/webhooks/endpoints/{endpoint_id}/stats", false, "assumed, mirrors Svix", "{success, pending, sending, fail}"},
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
