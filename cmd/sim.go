package cmd

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/aspect-hq/aspect-tui/sim"
)

func simCommand(io *stdio) *cobra.Command {
	var o sim.Options
	var taskFail float64
	var profile string
	var replay simReplay
	c := &cobra.Command{
		Use:   "sim",
		Short: "the simulator alone, for developing a webhook handler and for tests",
		RunE: func(c *cobra.Command, _ []string) error {
			o.FailRate = taskFail
			if o.FailRate == 0 {
				o.FailRate = -1 // none: in Options, zero means the default
			}
			if o.TimeScale <= 0 {
				return failed("sim", fmt.Errorf("--time-scale %g must be more than 0 (1 is real time)", o.TimeScale))
			}
			if o.EchoFailRate > 0 {
				o.Echo = true
			}
			p, err := sim.ParseProfile(profile)
			if err != nil {
				return usageError(c, fmt.Errorf("--profile: %w", err))
			}
			o.Profile = p
			if replay.path != "" && !c.Flags().Changed("rate") {
				o.Rate = 0 // the recording's tasks only
			}
			return failed("sim", runSim(c.Context(), io, o, replay))
		},
	}
	fs := c.Flags()
	fs.StringVar(&o.Addr, "addr", sim.DefaultAddr, "address to serve on (port 0 picks a free one)")
	fs.StringVar(&o.APIKey, "api-key", sim.DefaultAPIKey, "the one API key the simulator accepts (it guards nothing real and is printed at start)")
	fs.Int64Var(&o.Seed, "seed", 1, "the same seed gives the same tasks in the same order")
	fs.Float64Var(&o.Rate, "rate", 1, "new tasks per second (0: only on POST /tasks)")
	fs.Float64Var(&o.TimeScale, "time-scale", 1, "speed of virtual time: 60 makes a minute of processing, and of Svix's retry schedule, take a second")
	fs.Float64Var(&taskFail, "task-fail-rate", sim.DefaultFailRate, "share of features that fail")
	fs.BoolVar(&o.Echo, "echo", false, "create an endpoint pointing at the simulator's own receiver, so deliveries happen without a handler of yours")
	fs.Float64Var(&o.EchoFailRate, "fail-rate", 0, "share of deliveries the echo receiver answers 500 (implies --echo)")
	fs.StringVar(&profile, "profile", string(sim.ProfileFull), "which API to play: full (every route the app can use), documented (only the routes Aspect documents: no /events, no endpoint list, no resend), or svix (Svix's own names and shapes)")
	fs.IntVar(&o.DropSSEEvery, "drop-sse-every", 0, "cut each SSE connection after about N events, to test reconnection (0: never)")
	fs.IntVar(&o.Backlog, "backlog", 0, "tasks created at start as if the simulator had been running a while")
	fs.IntVar(&o.ReplayBuffer, "replay-buffer", sim.DefaultReplayBuffer, "SSE events kept for Last-Event-ID")
	fs.IntVar(&o.MaxTasks, "max-tasks", sim.DefaultMaxTasks, "finished tasks beyond this are forgotten, oldest first")
	fs.IntVar(&o.MaxMessages, "max-messages", sim.DefaultMaxMessages, "webhook messages kept")
	fs.IntVar(&o.MaxAttempts, "max-attempts", sim.DefaultMaxAttempts, "delivery attempts kept")
	replayFlags(fs, &replay)
	return reads(c, io.getenv, nil, nil)
}

func runSim(ctx context.Context, io *stdio, o sim.Options, replay simReplay) error {
	var src *recordingSource
	if replay.path != "" {
		var err error
		if src, err = openRecording(replay.path); err != nil {
			return err
		}
		defer src.Close()
	}
	var mu sync.Mutex
	o.Logf = func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(io.out, format+"\n", args...)
	}
	s, err := sim.New(o)
	if err != nil {
		return err
	}
	if err := s.Start(); err != nil {
		return err
	}
	defer s.Close()

	mu.Lock()
	url, key := s.URL(), s.APIKey()
	w := io.out
	fmt.Fprintf(w, "aspect-tui simulator on %s (seed %d, %g new tasks a second, time ×%g)\n", url, o.Seed, o.Rate, o.TimeScale)
	fmt.Fprintf(w, "API key: %s (the simulator's own; it guards nothing real)\n", key)
	switch o.Profile {
	case sim.ProfileDocumented:
		fmt.Fprintf(w, "Profile documented: only the routes Aspect documents; /events, the endpoint list, resend, recover, test and stats answer 404\n")
	case sim.ProfileSvix:
		fmt.Fprintf(w, "Profile svix: Svix's own field names and shapes (camelCase, text statuses, payloads only with with_content=true)\n")
	}
	fmt.Fprintln(w)
	if host, _, _ := net.SplitHostPort(strings.TrimPrefix(url, "http://")); !isLoopback(host) {
		fmt.Fprintf(io.err, "warning: serving on %s: anyone who can reach it can use the simulator with this key\n\n", host)
	}
	fmt.Fprintf(w, "Point the dashboard or tail at it:\n  export ASPECT_API_URL=%s ASPECT_API_KEY=%s\n\n", url, key)
	fmt.Fprintf(w, "Create a webhook endpoint (the answer holds its whsec_ signing secret, shown only then):\n")
	fmt.Fprintf(w, "  curl -sS -X POST %s/webhooks/endpoints \\\n", url)
	fmt.Fprintf(w, "    -H 'Authorization: Bearer %s' -H 'Content-Type: application/json' \\\n", key)
	fmt.Fprintf(w, "    -d '{\"url\": \"http://127.0.0.1:8787/webhooks\", \"event_types\": [\"task.*\"], \"version\": 1}'\n")
	fmt.Fprintf(w, "then receive and verify deliveries there with: aspect-tui listen --secret whsec_...\n\n")
	if o.Echo {
		fmt.Fprintf(w, "Echo endpoint: %s/_sim/echo gets every event and answers %.0f%% of deliveries 500.\n\n", url, o.EchoFailRate*100)
	}
	fmt.Fprintf(w, "Delivery attempts (time, message, endpoint, status, latency, attempt, trigger):\n")
	mu.Unlock()
	replayed := make(chan struct{})
	if src != nil {
		go func() {
			defer close(replayed)
			replayRecording(ctx, io, s, src, replay.wait, o.Logf)
		}()
	} else {
		close(replayed)
	}

	<-ctx.Done()
	<-replayed
	s.Close()
	fmt.Fprintln(io.err, "simulator stopped")
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
