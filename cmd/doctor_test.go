package cmd

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aspect-hq/aspect-tui/sim"
)

// doctor's command: a table, or JSON for a bug report; exit 0 when the
// dashboard can run and 1 when it cannot; the key never shown whole.
func TestDoctorCommand(t *testing.T) {
	s := startTailSim(t, sim.Options{Seed: 2, Profile: sim.ProfileDocumented, APIKey: "sk_sim_doctor_key_0001"})
	env := map[string]string{envAPIURL: s.URL(), envAPIKey: s.APIKey(), "XDG_CONFIG_HOME": t.TempDir()}

	code, out, errOut := runCLI(t, env, "doctor")
	if code != 0 {
		t.Fatalf("exit %d against a documented API; stderr %s\n%s", code, errOut, out)
	}
	for _, want := range []string{"GET /events", "poll GET /tasks/active: no live stream (GET /events answered 404)", "discover endpoints", "re-deliver from this machine", "The dashboard can run"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table lacks %q:\n%s", want, out)
		}
	}

	code, out, _ = runCLI(t, env, "doctor", "--json")
	var r struct {
		Key    string `json:"key"`
		CanRun bool   `json:"dashboard_can_run"`
		Plan   struct{ Feed, Endpoints, Resend string }
		Routes []struct {
			Name    string `json:"name"`
			Offered string `json:"offered"`
		} `json:"routes"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 {
		t.Fatalf("--json: exit %d, %v:\n%s", code, err, out)
	}
	if !r.CanRun || r.Plan.Feed != "polling" || len(r.Routes) == 0 || strings.Contains(out, s.APIKey()) || r.Key == "" {
		t.Errorf("--json report: %+v", r)
	}

	env[envAPIKey] = "sk_sim_refused_key_0002"
	code, out, errOut = runCLI(t, env, "doctor")
	if code != 1 || !strings.Contains(out, "refused (401)") || !strings.Contains(errOut, "cannot run") || strings.Contains(out+errOut, "sk_sim_refused_key_0002") {
		t.Errorf("a refused key: exit %d\n%s\n%s", code, out, errOut)
	}
}
