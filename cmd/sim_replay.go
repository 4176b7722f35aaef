package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/aspect-hq/aspect-tui/api"
	"github.com/aspect-hq/aspect-tui/feed/record"
	"github.com/aspect-hq/aspect-tui/sim"
)

// recordingSource reads a recording (feed/record) as the simulator's
// replay items: events, task states (snapshots, polls, tasks fetched one by
// one) and webhook messages. Attempts, endpoints and skipped events are
// the recording machine's view and are not played.
type recordingSource struct {
	r    *record.Reader
	f    *os.File
	path string
}

// simReplay is what sim's --replay flags ask for.
type simReplay struct {
	path string // the recording; "" for none
	wait bool   // begin only once a webhook endpoint exists
}

func replayFlags(fs *pflag.FlagSet, r *simReplay) {
	fs.StringVar(&r.path, "replay", "", "serve a recording (tail --record, the dashboard's --record) as the simulator's tasks and stream, at its own pace divided by --time-scale; its webhook messages go to your endpoints, signed afresh (--rate defaults to 0)")
	fs.BoolVar(&r.wait, "replay-wait", false, "begin the replay only once a webhook endpoint exists, so that your handler gets every message")
}

// openRecording opens path as a recording, or says plainly why not.
func openRecording(path string) (*recordingSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--replay: %w", err)
	}
	r, err := record.NewReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("--replay %s: %w", path, err)
	}
	return &recordingSource{r: r, f: f, path: path}, nil
}

func (s *recordingSource) Close() error { return s.f.Close() }

func (s *recordingSource) Next() (sim.ReplayItem, error) {
	for {
		rec, err := s.r.Next()
		if err == io.EOF {
			return sim.ReplayItem{}, io.EOF
		}
		if err != nil {
			return sim.ReplayItem{}, fmt.Errorf("%s: %w", s.path, err)
		}
		it := sim.ReplayItem{At: rec.At}
		switch rec.Kind {
		case record.KindEvent:
			// The reader reuses its buffer for the next record.
			it.EventType, it.Data = rec.Type, bytes.Clone(rec.Data)
		case record.KindSnapshot, record.KindTasks:
			err = json.Unmarshal(rec.Data, &it.Tasks)
		case record.KindPoll:
			var p record.Poll
			err = json.Unmarshal(rec.Data, &p)
			it.Tasks, it.Gone = append(p.Active, p.Finished...), p.Gone
		case record.KindMessages:
			var m record.Messages
			err = json.Unmarshal(rec.Data, &m)
			it.Messages = m.Messages
		case record.KindHeader:
			it = sim.ReplayItem{NewSession: true}
		default:
			continue
		}
		if err != nil {
			return sim.ReplayItem{}, fmt.Errorf("%s line %d: %s record: %w", s.path, rec.Line, rec.Type, err)
		}
		return it, nil
	}
}

// replayRecording plays the recording once the simulator is up and says
// how it went; with wait, only once a webhook endpoint exists.
func replayRecording(ctx context.Context, io *stdio, s *sim.Server, src *recordingSource, wait bool, logf func(string, ...any)) {
	if wait {
		logf("The replay begins once a webhook endpoint exists: create yours now.")
		if !waitEndpoint(ctx, s) {
			return
		}
	}
	logf("Replaying %s (recorded %s by %s, from %s)", src.path, src.r.Header().Started.Local().Format(time.DateTime),
		orDefault(src.r.Header().Recorder, "tail"), api.Clean(src.r.Header().APIURL))
	st, err := s.Replay(ctx, src)
	if ctx.Err() != nil {
		return
	}
	logf("Replay done: %d events, %d webhook messages, %d task states; serving the state it reached", st.Events, st.Messages, st.Tasks)
	if err != nil {
		fmt.Fprintf(io.err, "aspect-tui sim: the replay stopped early: %v\n", err)
	}
}

// waitEndpoint waits until the simulator has a webhook endpoint; false
// if ctx ends first.
func waitEndpoint(ctx context.Context, s *sim.Server) bool {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for s.Endpoints() == 0 {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
	}
	return true
}
