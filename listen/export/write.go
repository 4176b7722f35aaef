package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// File is one file to write: its name and bytes.
type File struct {
	Name string
	Data []byte
}

// WriteFile writes one file into dir, 0600, through a temporary file and a
// rename: a reader sees it whole or not at all. An existing file of the same
// name gets a numbered name beside it; the path written is returned.
func WriteFile(dir string, f File) (string, error) {
	if err := usable(dir); err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, ".aspect-tui-*")
	if err != nil {
		return "", unwritable(dir, err)
	}
	defer os.Remove(tmp.Name()) // gone once renamed; here on error
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return "", unwritable(dir, err)
	}
	if _, err := tmp.Write(f.Data); err != nil {
		tmp.Close()
		return "", unwritable(dir, err)
	}
	if err := tmp.Close(); err != nil {
		return "", unwritable(dir, err)
	}
	return place(tmp.Name(), dir, f.Name, os.Link)
}

// WriteDir writes files into a new directory name under dir (0700, files
// 0600): built under a temporary name and renamed when whole.
func WriteDir(dir, name string, files []File) (string, error) {
	if err := usable(dir); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(dir, ".aspect-tui-*")
	if err != nil {
		return "", unwritable(dir, err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(tmp, f.Name), f.Data, 0o600); err != nil {
			return "", unwritable(dir, err)
		}
	}
	out, err := place(tmp, dir, name, func(from, to string) error {
		if _, err := os.Lstat(to); err == nil {
			return fs.ErrExist
		}
		return os.Rename(from, to)
	})
	done = err == nil
	return out, err
}

// place moves from to dir/name, or name-2, name-3... when taken. link must
// fail with fs.ErrExist when its target exists (os.Link does), so nothing
// already there is replaced.
func place(from, dir, name string, link func(from, to string) error) (string, error) {
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for i := 1; i < 1000; i++ {
		n := name
		if i > 1 {
			n = fmt.Sprintf("%s-%d%s", stem, i, ext)
		}
		to := filepath.Join(dir, n)
		err := link(from, to)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", unwritable(dir, err)
		}
		return to, nil
	}
	return "", fmt.Errorf("cannot write to %s: %s and 998 numbered names beside it are taken", dir, name)
}

func usable(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return unwritable(dir, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("cannot write to %s: not a directory; pass --export-dir DIR", dir)
	}
	return nil
}

func unwritable(dir string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		err = le.Err
	}
	return fmt.Errorf("cannot write to %s: %v; nothing was written (pass --export-dir DIR to choose another directory)", dir, err)
}

// WriteScript writes Script(d) as redeliver-<id>.sh into dir.
func WriteScript(dir string, d Delivery) (string, error) {
	script, err := Script(d)
	if err != nil {
		return "", err
	}
	return WriteFile(dir, File{Name: "redeliver-" + SafeName(d.ID) + ".sh", Data: []byte(script)})
}

// WriteFixture writes Fixture(d, at) as the directory fixture-<id> in dir.
func WriteFixture(dir string, d Delivery, at time.Time) (string, error) {
	files, err := Fixture(d, at)
	if err != nil {
		return "", err
	}
	return WriteDir(dir, "fixture-"+SafeName(d.ID), files)
}

// SafeName makes s usable as part of a file name.
func SafeName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
	s = strings.Trim(s, ".")
	if len(s) > 60 {
		s = s[:60]
	}
	if s == "" {
		return "delivery"
	}
	return s
}
