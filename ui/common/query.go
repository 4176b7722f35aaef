package common

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// Query is what `/` searches bodies for (payloads, response bodies, the
// listen screen's requests): a plain substring, case folded, or
// path=value, which matches a JSON body whose value at the dotted path
// (array elements by index: items.0.id) is value: a string compared case
// folded, anything else by its JSON text.
type Query struct {
	Text  string // as typed, trimmed
	Path  []string
	Value string
	sub   []byte // the substring, lowercased
}

// ParseQuery reads what the user typed. "a.b=c" is a path query when the
// part before "=" is a dotted path (letters, digits, _ - and dots, no
// spaces); anything else is a substring.
func ParseQuery(s string) Query {
	s = strings.TrimSpace(s)
	q := Query{Text: s}
	if path, value, ok := strings.Cut(s, "="); ok && isPath(path) {
		q.Path, q.Value = strings.Split(path, "."), strings.TrimSpace(value)
		return q
	}
	q.sub = []byte(strings.ToLower(s))
	return q
}

func isPath(s string) bool {
	if s == "" || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") || strings.Contains(s, "..") {
		return false
	}
	for _, r := range s {
		if !(r == '.' || r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// Empty reports whether there is nothing to search for.
func (q Query) Empty() bool { return q.Text == "" }

// IsPath reports whether q is a path=value query.
func (q Query) IsPath() bool { return q.Path != nil }

// Match reports whether body matches q.
func (q Query) Match(body []byte) bool {
	switch {
	case q.Empty() || len(body) == 0:
		return false
	case q.IsPath():
		return q.matchPath(body)
	}
	return ContainsFold(body, q.sub)
}

// MatchText is Match for text already lowercased (ids, paths): the
// substring only; a path query never matches it.
func (q Query) MatchText(lower string) bool {
	return !q.Empty() && !q.IsPath() && strings.Contains(lower, string(q.sub))
}

func (q Query) matchPath(body []byte) bool {
	// Only a body that can hold the value is decoded.
	if !ContainsFold(body, []byte(strings.ToLower(q.Value))) {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return false
	}
	for _, k := range q.Path {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				return false
			}
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				return false
			}
			v = x[i]
		default:
			return false
		}
	}
	switch x := v.(type) {
	case string:
		return strings.EqualFold(x, q.Value)
	case json.Number:
		return string(x) == q.Value
	case bool:
		return strconv.FormatBool(x) == q.Value
	case nil:
		return q.Value == "null"
	}
	return false
}

// ContainsFold reports whether b holds sub (already lowercased), ASCII
// letters compared case folded, without copying b.
func ContainsFold(b, sub []byte) bool {
	if len(sub) == 0 {
		return true
	}
	first := sub[0]
	for i := 0; i+len(sub) <= len(b); i++ {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c == first && bytes.EqualFold(b[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}
