package cmd

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/aspect-hq/aspect-tui/api"
)

func TestSimCommandServesWhatItPrintsAndStopsCleanly(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx := context.Background()
	cli := startCLI(t, nil, []string{"sim", "--addr", "127.0.0.1:0", "--echo", "--time-scale", "100", "--rate", "20"})
	export := regexp.MustCompile(`export ASPECT_API_URL=(http://127\.0\.0\.1:\d+) ASPECT_API_KEY=(\S+)`)
	cli.waitFor(t, "the export line", func() bool { return export.MatchString(cli.out.String()) })
	m := export.FindStringSubmatch(cli.out.String())
	url, key := m[1], m[2]
	if key != "sk_sim_local" || !strings.Contains(cli.out.String(), "curl -sS -X POST "+url+"/webhooks/endpoints") {
		t.Errorf("start banner:\n%s", cli.out.String())
	}

	tr := api.NewTransport()
	defer tr.CloseIdleConnections()
	c, err := api.NewClient(url, key, api.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ActiveTasks(ctx); err != nil {
		t.Fatalf("the printed URL does not answer: %v", err)
	}
	// The echo endpoint gets the tasks --rate creates: attempt lines follow.
	attempt := regexp.MustCompile(`\d\d:\d\d:\d\d\.\d{3} msg_\w+ → ` + regexp.QuoteMeta(url) + `/_sim/echo 200 [0-9.]+ms attempt 1 scheduled`)
	cli.waitFor(t, "a delivery attempt line", func() bool { return attempt.MatchString(cli.out.String()) })
	if code := cli.interrupt(t); code != 0 {
		t.Errorf("exit %d after Ctrl+C; want 0\n%s", code, cli.err.String())
	}
	tr.CloseIdleConnections()
}

func TestSimCommandRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"sim", "--addr", "nonsense"},
		{"sim", "--time-scale", "0"},
		{"sim", "--fail-rate", "2"},
	} {
		code, _, errOut := runCLI(t, nil, args...)
		if code == 0 || !strings.Contains(errOut, "aspect-tui sim: ") {
			t.Errorf("%v: exit %d, %q; want a plain error", args, code, errOut)
		}
	}
}
