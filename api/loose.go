package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
)

// FieldSkip is one field of an answer that could not be read and was left
// out, the rest of its item being kept: one mistyped field must never cost
// the user a whole page. The client hands each one to the function given
// with WithSkipReport, so that the dashboard can say what it did not show.
type FieldSkip struct {
	Route  string // the route's name (attempts.list, ...)
	Item   string // the item's id, or "item N" (1-based, in its page) when the id could not be read
	Field  string // the field as the API spelt it; "" when the whole item was dropped
	Reason string // why, cleaned for a screen
}

func (s FieldSkip) String() string {
	what := "field " + strconv.Quote(s.Field)
	if s.Field == "" {
		what = "the whole item"
	}
	return fmt.Sprintf("%s: %s: skipped %s: %s", s.Route, s.Item, what, s.Reason)
}

// skipHook lets a type react to a field it lost: an attempt whose status
// could not be read must not read as status 0, success.
type skipHook interface{ skipped(field string) }

// decodeItems decodes a JSON array into items. The whole array is decoded
// at once first (the common case, as fast as ever); only when that fails is
// each item decoded alone and, failing that, field by field, every field
// that cannot be read reported and left out.
func decodeItems[T any](data []byte, items *[]T) ([]FieldSkip, error) {
	err := json.Unmarshal(data, items)
	if err == nil {
		return nil, nil
	}
	var raws []json.RawMessage
	if json.Unmarshal(data, &raws) != nil {
		return nil, err // not an array of JSON values: not a field's fault
	}
	out := make([]T, 0, len(raws))
	var skips []FieldSkip
	for i, raw := range raws {
		var it T
		if json.Unmarshal(raw, &it) == nil {
			out = append(out, it)
			continue
		}
		it = *new(T)
		s, ok := decodeLoose(raw, &it, i)
		skips = append(skips, s...)
		if ok {
			out = append(out, it)
		}
	}
	*items = out
	return skips, nil
}

// decodeLoose decodes one JSON object into into (a pointer), dropping each
// field that cannot be decoded on its own and reporting it. index is the
// item's place in its page, for a report about an item without a readable
// id. It returns false when raw is not an object at all.
func decodeLoose(raw []byte, into any, index int) ([]FieldSkip, bool) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return []FieldSkip{{Item: itemLabel("", index), Reason: "not a JSON object: " + Clip(string(raw), 40)}}, false
	}
	var id string
	_ = json.Unmarshal(fields["id"], &id)
	item := itemLabel(id, index)

	typ := reflect.TypeOf(into).Elem()
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var skips []FieldSkip
	kept := make(map[string]json.RawMessage, len(fields))
	for _, k := range keys {
		one, err := json.Marshal(map[string]json.RawMessage{k: fields[k]})
		if err == nil {
			err = json.Unmarshal(one, reflect.New(typ).Interface())
		}
		if err != nil {
			skips = append(skips, FieldSkip{Item: item, Field: Clip(k, 60), Reason: skipReason(err, fields[k])})
			continue
		}
		kept[k] = fields[k]
	}
	b, err := json.Marshal(kept)
	if err == nil {
		err = json.Unmarshal(b, into)
	}
	if err != nil {
		// Each field reads alone but not together: nothing of it can be trusted.
		return append(skips, FieldSkip{Item: item, Reason: Clip(err.Error(), 120)}), false
	}
	if h, ok := into.(skipHook); ok {
		for _, s := range skips {
			h.skipped(s.Field)
		}
	}
	return skips, true
}

func itemLabel(id string, index int) string {
	if id != "" {
		return Clip(id, 60)
	}
	return "item " + strconv.Itoa(index+1)
}

// skipReason says in a user's words why a value could not be read.
func skipReason(err error, raw json.RawMessage) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "expected " + jsonKind(te.Type) + ", got " + Clip(string(raw), 40)
	}
	return Clip(err.Error(), 120)
}

func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}
