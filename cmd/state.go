package cmd

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/aspect-hq/aspect-tui/api"
)

// endpointState remembers, per API URL, the endpoints made in this app,
// so that an API with no route listing endpoints still shows them in the
// next session. It holds ids and URLs only, never a secret, in
// $XDG_STATE_HOME/aspect-tui/endpoints.json (mode 0600).
type endpointState struct {
	path string
	api  string
	mu   sync.Mutex
}

// statePath is $XDG_STATE_HOME/aspect-tui/NAME, else
// ~/.local/state/aspect-tui/NAME, or "" with neither.
func statePath(getenv func(string) string, name string) string {
	dir := getenv("XDG_STATE_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "aspect-tui", name)
}

func newEndpointState(getenv func(string) string, apiURL string) *endpointState {
	return &endpointState{path: statePath(getenv, "endpoints.json"), api: apiURL}
}

// file is the state file's shape: API URL → endpoints made there.
type endpointFile map[string][]api.KnownEndpoint

func (s *endpointState) read() endpointFile {
	out := endpointFile{}
	if s.path == "" {
		return out
	}
	b, err := os.ReadFile(s.path)
	if err != nil {
		return out
	}
	if json.Unmarshal(b, &out) != nil {
		return endpointFile{} // a damaged file is started over, not fatal
	}
	return out
}

// Known is the endpoints made here against this API.
func (s *endpointState) Known() []api.KnownEndpoint {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.read()[s.api]
	for i := range list {
		list[i].Source = api.SourceMadeHere
	}
	return list
}

// Remember adds an endpoint made here; the file is replaced whole, so a
// crash never leaves half of it.
func (s *endpointState) Remember(k api.KnownEndpoint) error {
	if s.path == "" {
		return errors.New("no state directory: set XDG_STATE_HOME or HOME")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	all := s.read()
	list := all[s.api]
	for _, e := range list {
		if e.ID == k.ID {
			return nil
		}
	}
	all[s.api] = append(list, api.KnownEndpoint{ID: k.ID, URL: k.URL})
	b, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		return err
	}
	return writeState(s.path, b)
}

// writeState replaces the state file at path whole (mode 0600), so that a
// crash never leaves half of it.
func writeState(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// knownEndpoints joins the config's endpoint ids with those made here.
func knownEndpoints(cfg config, st *endpointState) func() []api.KnownEndpoint {
	return func() []api.KnownEndpoint {
		out := st.Known()
		for _, id := range cfg.Endpoints {
			out = append(out, api.KnownEndpoint{ID: id, Source: api.SourceConfigured})
		}
		return out
	}
}
