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
	// Only a body that can hold the value is walked: one that holds it
	// as typed, unless JSON could have escaped it.
	if !escapable(q.Value) && !ContainsFold(body, []byte(strings.ToLower(q.Value))) {
		return false
	}
	v, ok := lookup(body, q.Path)
	if !ok {
		return false
	}
	switch v[0] {
	case '"':
		var s string
		return json.Unmarshal(v, &s) == nil && strings.EqualFold(s, q.Value)
	case '{', '[':
		return false
	}
	return string(v) == q.Value // a number, true, false or null, by its text
}

// escapable reports whether JSON may write s otherwise than as typed.
func escapable(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' || c == '/' || c < ' ' || c >= 0x7f {
			return true
		}
	}
	return false
}

// lookup is the raw JSON value at path in doc, found by walking the text
// without decoding what is not on the path (a search runs it over every
// body on each key typed).
func lookup(doc []byte, path []string) ([]byte, bool) {
	i := skipSpace(doc, 0)
	for _, seg := range path {
		if i >= len(doc) {
			return nil, false
		}
		switch doc[i] {
		case '{':
			j, ok := member(doc, i, seg)
			if !ok {
				return nil, false
			}
			i = j
		case '[':
			n, err := strconv.Atoi(seg)
			if err != nil || n < 0 {
				return nil, false
			}
			j, ok := element(doc, i, n)
			if !ok {
				return nil, false
			}
			i = j
		default:
			return nil, false
		}
	}
	end, ok := skipValue(doc, i)
	if !ok || end == i {
		return nil, false
	}
	return doc[i:end], true
}

// member is where the value of key starts in the object at i.
func member(doc []byte, i int, key string) (int, bool) {
	i = skipSpace(doc, i+1)
	for i < len(doc) && doc[i] != '}' {
		end, ok := skipString(doc, i)
		if !ok {
			return 0, false
		}
		name := doc[i:end]
		i = skipSpace(doc, end)
		if i >= len(doc) || doc[i] != ':' {
			return 0, false
		}
		i = skipSpace(doc, i+1)
		if keyIs(name, key) {
			return i, true
		}
		if i, ok = skipValue(doc, i); !ok {
			return 0, false
		}
		i = skipSpace(doc, i)
		if i < len(doc) && doc[i] == ',' {
			i = skipSpace(doc, i+1)
		}
	}
	return 0, false
}

// element is where element n starts in the array at i.
func element(doc []byte, i, n int) (int, bool) {
	i = skipSpace(doc, i+1)
	for k := 0; i < len(doc) && doc[i] != ']'; k++ {
		if k == n {
			return i, true
		}
		var ok bool
		if i, ok = skipValue(doc, i); !ok {
			return 0, false
		}
		i = skipSpace(doc, i)
		if i < len(doc) && doc[i] == ',' {
			i = skipSpace(doc, i+1)
		}
	}
	return 0, false
}

// keyIs compares a quoted JSON key with key, unescaping only when the key
// holds an escape.
func keyIs(quoted []byte, key string) bool {
	raw := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw) == key
	}
	var s string
	return json.Unmarshal(quoted, &s) == nil && s == key
}

func skipSpace(doc []byte, i int) int {
	for i < len(doc) && (doc[i] == ' ' || doc[i] == '\n' || doc[i] == '\t' || doc[i] == '\r') {
		i++
	}
	return i
}

// skipString is the end of the string starting at i (after its quote).
func skipString(doc []byte, i int) (int, bool) {
	if i >= len(doc) || doc[i] != '"' {
		return 0, false
	}
	for j := i + 1; j < len(doc); j++ {
		switch doc[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return 0, false
}

// skipValue is the end of the value starting at i.
func skipValue(doc []byte, i int) (int, bool) {
	if i >= len(doc) {
		return 0, false
	}
	switch doc[i] {
	case '"':
		return skipString(doc, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(doc); j++ {
			switch doc[j] {
			case '"':
				end, ok := skipString(doc, j)
				if !ok {
					return 0, false
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	}
	j := i
	for j < len(doc) && strings.IndexByte(",}] \n\t\r", doc[j]) < 0 {
		j++
	}
	return j, j > i
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
