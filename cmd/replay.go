package cmd

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aspect-hq/aspect-tui/feed/record"
	"github.com/aspect-hq/aspect-tui/ui"
)

// replayCommand is `aspect-tui replay FILE`: the dashboard on a recording
// (tail --record, or the dashboard's --record), with nothing sent
// anywhere.
func replayCommand(io *stdio) *cobra.Command {
	var speed, config string
	c := &cobra.Command{
		Use:   "replay FILE",
		Short: "the dashboard on a recording (tail --record, dashboard --record): pause, step, seek; nothing is sent anywhere",
		RunE: func(c *cobra.Command, args []string) error {
			s, err := parseSpeed(speed)
			if err != nil {
				return usageError(c, err)
			}
			return failed("replay", runReplay(c.Context(), io, args[0], s, config))
		},
	}
	c.Flags().StringVar(&speed, "speed", "1", "how fast to play: 1 is the recording's own timing, 10 ten times as fast, max as fast as it goes")
	c.Flags().StringVar(&config, "config", "", "config file for colours and keys (default $XDG_CONFIG_HOME/aspect-tui/config.toml)")
	reads(c, io.getenv, []string{envConfig, "NO_COLOR"}, []string{"theme", "keys", "animations"})
	// Unlike the other commands, replay takes an argument: the file.
	c.Args = func(c *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usageError(c, fmt.Errorf("replay takes one argument, the recording's file; got %d", len(args)))
		}
		return nil
	}
	c.ValidArgsFunction = nil
	return c
}

// parseSpeed reads --speed: a positive number, or max (0).
func parseSpeed(s string) (float64, error) {
	if strings.EqualFold(s, "max") {
		return 0, nil
	}
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "x"), 64)
	if err != nil || v <= 0 || v > 1e6 {
		return 0, fmt.Errorf("--speed is a number above zero (1, 10, 0.5) or max, not %q", s)
	}
	return v, nil
}

// openReplay reads the recording (its index and snapshots; see
// record.Player), saying on stderr how far it got with a large file. A
// file read only in part is played up to where it stops: the warning
// names the line and byte.
func openReplay(io *stdio, path string) (*record.Player, *os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	start := time.Now()
	last := start
	p, err := record.Open(f, info.Size(), record.PlayerOptions{Progress: func(read int64) {
		if time.Since(last) > time.Second {
			last = time.Now()
			fmt.Fprintf(io.err, "aspect-tui: reading %s: %d%%\n", path, read*100/max(info.Size(), 1))
		}
	}})
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := p.Err(); err != nil {
		fmt.Fprintf(io.err, "aspect-tui: warning: %s is read only in part: %v; replaying the %d record(s) before it\n", path, err, p.Len())
	}
	return p, f, nil
}

func runReplay(ctx context.Context, io *stdio, path string, speed float64, config string) error {
	cfg, err := loadConfig(overrides{ConfigPath: config}, io.getenv)
	if err != nil {
		return err
	}
	opts := ui.Options{Context: ctx, Theme: cfg.Theme, Keys: cfg.Keys, NoAnimation: cfg.NoAnimation, NoColor: io.getenv("NO_COLOR") != ""}
	if err := ui.Check(opts); err != nil {
		return fmt.Errorf("config file %s: %w", orDefault(cfg.File, "(none)"), err)
	}
	p, f, err := openReplay(io, path)
	if err != nil {
		return err
	}
	defer f.Close()
	if p.Len() == 0 && p.Err() != nil {
		return fmt.Errorf("%s: nothing to replay: %w", path, p.Err())
	}
	m, err := ui.NewReplay(opts, p, speed)
	if err != nil {
		return err
	}
	return runProgram(ctx, io, m, "replay", nil)
}
