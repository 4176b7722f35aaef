package doctor

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/sim"
	"github.com/aspect-hq/aspect-tui/sim/simtest"
)

func startSim(t *testing.T, o sim.Options) *sim.Server {
	t.Helper()
	if o.Seed == 0 {
		o.Seed = 7
	}
	return simtest.Start(t, o)
}

func route(t *testing.T, r *Report, name string) Route {
	t.Helper()
	for _, rt := range r.Routes {
		if rt.Name == name {
			return rt
		}
	}
	t.Fatalf("no route %s in the report", name)
	return Route{}
}

func table(t *testing.T, r *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Against the simulator with every route, doctor finds every route
// offered with a shape it recognizes, and plans live, listed, API resend.
func TestDoctorFullSimulator(t *testing.T) {
	s := startSim(t, sim.Options{Backlog: 20, Echo: true, TimeScale: 600})
	// The echo endpoint has been delivered to by the time tasks exist:
	// wait for one message so the routes that take ids can be asked.
	deadline := time.Now().Add(20 * time.Second)
	for s.Counts().Messages == 0 && time.Now().Before(deadline) {
		s.CreateTasks(1)
		time.Sleep(50 * time.Millisecond)
	}
	r, err := Run(context.Background(), Options{BaseURL: s.URL(), APIKey: s.APIKey()})
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range r.Routes {
		if rt.Offered != Yes {
			t.Errorf("%s %s: offered %s, want yes (%s)", rt.Method, rt.Path, rt.Offered, rt.Note)
		}
		if rt.Method == http.MethodGet && rt.Shape != recognized {
			t.Errorf("%s %s: shape %q, want recognized (%s; unknown %v, missing %v)", rt.Method, rt.Path, rt.Shape, rt.Note, rt.Unknown, rt.Missing)
		}
	}
	if !r.KeyAccepted || !r.CanRun {
		t.Errorf("key accepted %v, can run %v: %s", r.KeyAccepted, r.CanRun, r.KeyNote)
	}
	if r.Plan.Feed != "live" || r.Plan.Endpoints != "listed" || r.Plan.Resend != "api" {
		t.Errorf("plan %+v, want live, listed, api", r.Plan)
	}
	if ev := route(t, r, api.RouteEvents); !strings.HasPrefix(ev.ContentType, "text/event-stream") || !strings.Contains(ev.Note, "first ") {
		t.Errorf("events: content type %q, note %q", ev.ContentType, ev.Note)
	}
	out := table(t, r)
	for _, want := range []string{"GET /tasks/active", "POST /webhooks/messages/{message_id}/endpoints/{endpoint_id}/resend", "405", "The dashboard can run", "stream live: GET /events"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, s.APIKey()) {
		t.Error("the table shows the key in full")
	}
}

// A refused key: doctor says so, and the dashboard cannot run.
func TestDoctorRefusedKey(t *testing.T) {
	s := startSim(t, sim.Options{})
	r, err := Run(context.Background(), Options{BaseURL: s.URL(), APIKey: "sk_wrong_key_0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	if r.KeyAccepted || r.CanRun {
		t.Fatalf("a refused key was accepted: %+v", r)
	}
	if !strings.Contains(r.KeyNote, "refused (401)") {
		t.Errorf("key note %q", r.KeyNote)
	}
	if out := table(t, r); !strings.Contains(out, "cannot run") || strings.Contains(out, "sk_wrong_key_0123456789") {
		t.Errorf("table:\n%s", out)
	}
}

// A dead URL: every route says it could not connect, quickly.
func TestDoctorDeadURL(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	start := time.Now()
	r, err := Run(context.Background(), Options{BaseURL: "http://" + addr, APIKey: "sk_x"})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > Budget+time.Second {
		t.Errorf("took %s", took)
	}
	if r.CanRun || !strings.Contains(r.KeyNote, "could not connect") {
		t.Errorf("can run %v, key note %q", r.CanRun, r.KeyNote)
	}
}

// hostile is a server that answers every route with what a broken or
// malicious API might send.
func hostile(t *testing.T, mode string) *httptest.Server {
	t.Helper()
	esc := "\x1b]0;pwned\x07\x1b[2J\x1b[31mred\u202e"
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch mode {
		case "html":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html><body>Welcome "+esc+"</body></html>")
		case "huge":
			w.Header().Set("Content-Type", "application/json")
			chunk := bytes.Repeat([]byte(" "), 1<<20)
			w.Write([]byte("["))
			for i := 0; i < 50; i++ {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
			w.Write([]byte("]"))
		case "slow":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			for i := 0; i < 60; i++ {
				if _, err := w.Write([]byte(" ")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(time.Second):
				}
			}
		case "escapes":
			w.Header().Set("Content-Type", "application/json"+esc)
			w.Header().Set("Location", esc)
			if r.URL.Path == "/events" {
				w.WriteHeader(404)
				fmt.Fprintf(w, `{"detail":%q}`, esc)
				return
			}
			if strings.HasSuffix(r.URL.Path, "/active") {
				fmt.Fprintf(w, `[{"id":%q,"features":{},%q:1}]`, esc, "field"+esc)
				return
			}
			w.WriteHeader(418)
			fmt.Fprintf(w, `{"code":%q,"detail":%q}`, esc, esc)
		}
	})
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

// A hostile server: each case gets a clear line, doctor ends within its
// budget, and no escape sequence reaches the output.
func TestDoctorHostileServer(t *testing.T) {
	for _, mode := range []string{"html", "huge", "slow", "escapes"} {
		t.Run(mode, func(t *testing.T) {
			s := hostile(t, mode)
			start := time.Now()
			r, err := Run(context.Background(), Options{BaseURL: s.URL, APIKey: "sk_test_hostile_000000"})
			if err != nil {
				t.Fatal(err)
			}
			if took := time.Since(start); took > 15*time.Second {
				t.Errorf("doctor took %s, more than 15 s", took)
			}
			out := table(t, r)
			var js bytes.Buffer
			if err := r.WriteJSON(&js); err != nil {
				t.Fatal(err)
			}
			for _, text := range []string{out, js.String()} {
				if strings.ContainsAny(text, "\x1b\x07\u202e") || strings.Contains(text, `\u001b`) || strings.Contains(text, `\u0007`) {
					t.Errorf("an escape sequence reached the output:\n%q", text)
				}
			}
			ta := route(t, r, api.RouteTasksActive)
			want := map[string]string{
				"html":    "not the JSON Task",
				"huge":    "",
				"slow":    "no answer in time",
				"escapes": "",
			}[mode]
			if !strings.Contains(ta.Note, want) {
				t.Errorf("tasks/active note %q, want it to say %q", ta.Note, want)
			}
			if mode != "escapes" && r.CanRun {
				t.Errorf("the dashboard was said to run against a %s server", mode)
			}
		})
	}
}

// Against each simulator profile, doctor's table is what the profile
// serves: which routes are offered, and the plan that follows.
func TestDoctorMatchesEachProfile(t *testing.T) {
	notDocumented := map[string]bool{
		api.RouteEvents: true, api.RouteEndpointList: true, api.RouteMessageGet: true,
		api.RouteResend: true, api.RouteRecover: true, api.RouteTest: true, api.RouteStats: true,
	}
	for _, tc := range []struct {
		profile sim.Profile
		offered func(name string) bool
		plan    Plan
	}{
		{sim.ProfileFull, func(string) bool { return true }, Plan{Feed: "live", Endpoints: "listed", Resend: "api"}},
		{sim.ProfileSvix, func(string) bool { return true }, Plan{Feed: "live", Endpoints: "listed", Resend: "api"}},
		{sim.ProfileDocumented, func(n string) bool { return !notDocumented[n] }, Plan{Feed: "polling", Endpoints: "discovered", Resend: "this machine"}},
	} {
		t.Run(string(tc.profile), func(t *testing.T) {
			s := startSim(t, sim.Options{Profile: tc.profile, Backlog: 20, Echo: true, TimeScale: 600})
			deadline := time.Now().Add(20 * time.Second)
			for s.Counts().Attempts == 0 && time.Now().Before(deadline) {
				s.CreateTasks(1)
				time.Sleep(20 * time.Millisecond)
			}
			r, err := Run(context.Background(), Options{BaseURL: s.URL(), APIKey: s.APIKey()})
			if err != nil {
				t.Fatal(err)
			}
			for _, rt := range r.Routes {
				want := No
				if tc.offered(rt.Name) {
					want = Yes
				}
				if rt.Offered != want {
					t.Errorf("%s %s: offered %s, want %s (%s)", rt.Method, rt.Path, rt.Offered, want, rt.Note)
				}
				if rt.Offered == Yes && rt.Method == http.MethodGet && rt.Shape != recognized {
					t.Errorf("%s %s: shape %q (%s; unknown %v, missing %v)", rt.Method, rt.Path, rt.Shape, rt.Note, rt.Unknown, rt.Missing)
				}
			}
			if r.Plan.Feed != tc.plan.Feed || r.Plan.Endpoints != tc.plan.Endpoints || r.Plan.Resend != tc.plan.Resend {
				t.Errorf("plan %+v, want %+v", r.Plan, tc.plan)
			}
			if !r.CanRun {
				t.Errorf("the dashboard should run against the %s profile: %s", tc.profile, r.KeyNote)
			}
		})
	}
}
