package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	sse "github.com/tmaxmax/go-sse"

	"github.com/aspect-hq/aspect-tui/sim"
)

// fullDisk is a file on a disk with room for cap bytes: the write that
// does not fit writes what fits and fails, as ext4 does.
type fullDisk struct {
	mu       sync.Mutex
	data     []byte
	cap      int
	failedAt time.Time // the first failed write
}

func (d *fullDisk) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if room := d.cap - len(d.data); len(p) > room {
		d.data = append(d.data, p[:max(room, 0)]...)
		if d.failedAt.IsZero() {
			d.failedAt = time.Now()
		}
		return max(room, 0), syscall.ENOSPC
	}
	d.data = append(d.data, p...)
	return len(p), nil
}

func (d *fullDisk) Truncate(n int64) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.data = d.data[:n]
	return nil
}

func (d *fullDisk) Close() error { return nil }

func (d *fullDisk) state() ([]byte, time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return bytes.Clone(d.data), d.failedAt
}

func onFullDisk(t *testing.T, size int) *fullDisk {
	d := &fullDisk{cap: size}
	old := openRecordFile
	openRecordFile = func(string) (recordFile, int64, error) { return d, 0, nil }
	t.Cleanup(func() { openRecordFile = old })
	return d
}

// recordedEvents parses the recording as a client replaying it would, and
// fails on a cut event.
func recordedEvents(t *testing.T, data []byte) int {
	t.Helper()
	if len(data) > 0 && !bytes.HasSuffix(data, []byte("\n\n")) {
		t.Fatalf("the recording ends mid-event: …%q", data[max(0, len(data)-80):])
	}
	n := 0
	for ev, err := range sse.Read(bytes.NewReader(data), nil) {
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(ev.Data, "{") || !strings.HasSuffix(ev.Data, "}") {
			t.Fatalf("event %d is not a whole envelope: %q", n+1, ev.Data)
		}
		n++
	}
	return n
}

func TestTailRecordOnAFullDiskStopsAtOnce(t *testing.T) {
	disk := onFullDisk(t, 16<<10)
	s := startTailSim(t, sim.Options{Seed: 3, TimeScale: 600})
	env := map[string]string{envAPIURL: s.URL(), envAPIKey: s.APIKey(), "XDG_CONFIG_HOME": t.TempDir()}
	cli := startCLI(t, env, []string{"tail", "--json", "--record", "session.sse"})
	cli.waitErr(t, "streaming events")
	s.CreateTasks(60)
	s.Advance(time.Hour)

	code := cli.wait(t)
	exited := time.Now()
	data, failedAt := disk.state()
	if failedAt.IsZero() {
		t.Fatalf("no write failed; exit %d", code)
	}
	if code == 0 {
		t.Errorf("the disk filled, yet exit 0; stderr:\n%s", cli.err.String())
	}
	if d := exited.Sub(failedAt); d > time.Second {
		t.Errorf("exited %v after the first failed write", d)
	}
	n := recordedEvents(t, data)
	msg := cli.err.String()
	if !strings.Contains(msg, "--record session.sse") || !strings.Contains(msg, "no space left on device") ||
		!strings.Contains(msg, fmt.Sprintf("%d event(s) recorded", n)) {
		t.Errorf("stderr does not say which file, why and how much was kept (%d events):\n%s", n, msg)
	}
	t.Logf("%d events recorded in %d bytes; exit %d, %v after the failed write; stderr: %s", n, len(data), code, exited.Sub(failedAt), lastOf(msg, 300))
}

func TestTailRecordErrorsWarnGoesOn(t *testing.T) {
	disk := onFullDisk(t, 8<<10)
	s := startTailSim(t, sim.Options{Seed: 3, TimeScale: 600})
	env := map[string]string{envAPIURL: s.URL(), envAPIKey: s.APIKey(), "XDG_CONFIG_HOME": t.TempDir()}
	cli := startCLI(t, env, []string{"tail", "--json", "--record", "session.sse", "--record-errors=warn"})
	cli.waitErr(t, "streaming events")
	s.CreateTasks(60)
	s.Advance(time.Hour)
	total := int(s.Counts().Events)
	cli.waitFor(t, fmt.Sprintf("every event (%d)", total), func() bool { return len(outLines(cli.out.String())) >= total })
	if code := cli.interrupt(t); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, cli.err.String())
	}
	msg := cli.err.String()
	if strings.Count(msg, "going on without recording") != 1 || !strings.Contains(msg, "no space left on device") {
		t.Errorf("want one warning naming the cause:\n%s", msg)
	}
	data, _ := disk.state()
	recordedEvents(t, data)
}

func TestTailRecordErrorsIsStopOrWarn(t *testing.T) {
	code, _, errOut := runCLI(t, map[string]string{envAPIURL: "http://127.0.0.1:1", envAPIKey: "sk_test_x", "XDG_CONFIG_HOME": t.TempDir()}, "tail", "--record-errors=ignore")
	if code != exitUsage || !strings.Contains(errOut, "stop or warn") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

var _ = errors.New
var _ = httptest.NewServer
var _ http.Handler
