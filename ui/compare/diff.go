// Package compare draws two deliveries side by side (two attempts in the
// dashboard, two requests or a request and its edited resend in the listen
// screen): their fields, headers and bodies in two columns, JSON compared
// key by key. What differs is coloured and marked with a sign that reads
// without colour: ≠ changed, − only on the left, + only on the right.
// diff.go compares; view.go draws; pane.go is the dashboard's view of two
// attempts.
package compare

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

// Mark is how a row of the two sides compares.
type Mark int

// Marks.
const (
	Same Mark = iota
	Changed
	OnlyA
	OnlyB
)

// Sign is the mark as it reads without colour.
func (k Mark) Sign() string {
	switch k {
	case Changed:
		return "≠"
	case OnlyA:
		return "−"
	case OnlyB:
		return "+"
	}
	return " "
}

// Row is one key (a field name or a JSON path) and its value on each side;
// Has says which sides have it.
type Row struct {
	Key        string
	A, B       string
	HasA, HasB bool
}

// Mark compares the two sides.
func (r Row) Mark() Mark {
	switch {
	case r.HasA && !r.HasB:
		return OnlyA
	case r.HasB && !r.HasA:
		return OnlyB
	case r.A != r.B:
		return Changed
	}
	return Same
}

// Field is one named value of a side.
type Field struct{ Name, Value string }

// Fields pairs two lists of fields by name, in a's order then b's extras.
func Fields(a, b []Field) []Row {
	var rows []Row
	at := map[string]int{}
	for _, f := range a {
		at[f.Name] = len(rows)
		rows = append(rows, Row{Key: f.Name, A: f.Value, HasA: true})
	}
	for _, f := range b {
		if i, ok := at[f.Name]; ok {
			rows[i].B, rows[i].HasB = f.Value, true
			continue
		}
		rows = append(rows, Row{Key: f.Name, B: f.Value, HasB: true})
	}
	return rows
}

// IsJSON reports whether body is one JSON value.
func IsJSON(body []byte) bool { return len(bytes.TrimSpace(body)) > 0 && json.Valid(body) }

// Flatten turns a JSON document into its leaves: "data.task.id" → "\"t_1\"",
// array elements as "items.0". An empty object or array is a leaf ("{}",
// "[]"), so its presence still compares. Keys come sorted.
func Flatten(body []byte) ([]Field, bool) {
	if !IsJSON(body) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	var out []Field
	flatten("", v, &out)
	return out, true
}

func flatten(path string, v any, out *[]Field) {
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			*out = append(*out, Field{path, "{}"})
			return
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			flatten(join(k), x[k], out)
		}
	case []any:
		if len(x) == 0 {
			*out = append(*out, Field{path, "[]"})
			return
		}
		for i, e := range x {
			flatten(join(strconv.Itoa(i)), e, out)
		}
	default:
		b, _ := json.Marshal(x)
		*out = append(*out, Field{path, string(b)})
	}
}

// Bodies compares two bodies: key by key when both are JSON, line by line
// otherwise. note says how (and which side is not JSON).
func Bodies(a, b []byte) (rows []Row, note string) {
	fa, okA := Flatten(a)
	fb, okB := Flatten(b)
	switch {
	case okA && okB:
		return Fields(fa, fb), "JSON, compared key by key"
	case len(a) == 0 && len(b) == 0:
		return nil, "both empty"
	}
	why := "neither is JSON"
	switch {
	case okA || len(a) == 0:
		why = "the right is not JSON"
	case okB || len(b) == 0:
		why = "the left is not JSON"
	}
	return Fields(lines(a), lines(b)), why + ": compared line by line"
}

func lines(b []byte) []Field {
	if len(b) == 0 {
		return nil
	}
	var out []Field
	for i, l := range strings.Split(string(b), "\n") {
		out = append(out, Field{"line " + strconv.Itoa(i+1), l})
	}
	return out
}

// Differences counts the rows that are not the same.
func Differences(rows []Row) int {
	n := 0
	for _, r := range rows {
		if r.Mark() != Same {
			n++
		}
	}
	return n
}
