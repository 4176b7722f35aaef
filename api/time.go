package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Time is an ISO 8601 instant as Aspect sends it. Python services often send
// naive times ("2025-01-01T12:00:00.123456") or a space instead of "T"; those
// are read as UTC rather than refused, because dropping a whole task over a
// timestamp's spelling would lose data the user came to see.
type Time struct{ time.Time }

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02",
}

// ParseTime reads an ISO 8601 instant in any of the spellings above.
func ParseTime(s string) (Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return Time{t}, nil
		}
	}
	return Time{}, fmt.Errorf("not an ISO 8601 time: %q", Clip(s, 40))
}

// UnmarshalJSON accepts a JSON string in any ISO 8601 spelling, or null.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*t = Time{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("time must be a JSON string, got %s", Clip(string(b), 40))
	}
	if len(b) == 2 {
		*t = Time{}
		return nil
	}
	s := string(b[1 : len(b)-1])
	if bytes.IndexByte(b, '\\') >= 0 {
		// Escapes ("\u002B" for "+") are rare, so only they pay for a full decode.
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("time is not a valid JSON string: %s", Clip(string(b), 40))
		}
	}
	parsed, err := ParseTime(s)
	if err != nil {
		return err
	}
	*t = parsed
	return nil
}

// MarshalJSON writes RFC 3339 with nanoseconds in UTC, or null when zero.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + t.UTC().Format(time.RFC3339Nano) + `"`), nil
}
