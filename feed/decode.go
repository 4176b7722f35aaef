package feed

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/aspect-hq/aspect-tui/api"
)

// DecodeEnvelope reads one envelope. The common shape (the fields the
// contract names, plain strings without escapes) is read by a hand-written
// decoder about five times faster than encoding/json; anything else
// (escapes, duplicate keys, unexpected types, keys that differ only in case)
// falls back to encoding/json, which defines the result. FuzzDecodeEnvelope
// proves the two agree wherever the fast path answers.
func DecodeEnvelope(b []byte, e *api.Envelope) error { return decodeEnvelope(b, e, false) }

// decodeEnvelope is DecodeEnvelope; with alias, the strings of the fast
// path share b's memory instead of copying it (b must then never change:
// the feed's Event.Raw, which is read-only, is such a buffer).
func decodeEnvelope(b []byte, e *api.Envelope, alias bool) error {
	if decodeFast(b, e, alias) {
		return nil
	}
	*e = api.Envelope{}
	if err := json.Unmarshal(b, e); err != nil {
		return shapeError(err)
	}
	return nil
}

// shapeError turns encoding/json's error into a short reason for the log.
func shapeError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("not JSON: %s at byte %d", api.Clip(syn.Error(), 60), syn.Offset)
	case errors.As(err, &typ):
		where := typ.Field
		if where == "" {
			where = "envelope"
		}
		return fmt.Errorf("wrong shape: %s is a JSON %s, not %s", api.Clip(where, 40), typ.Value, jsonKind(typ.Type))
	}
	return fmt.Errorf("wrong shape: %s", api.Clip(err.Error(), 80))
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	}
	return "a number"
}

// fastDecoder reads the envelope's known shape. Every method returns false
// to hand the input to encoding/json.
type fastDecoder struct {
	b     []byte
	i     int
	alias bool
}

func decodeFast(b []byte, e *api.Envelope, alias bool) bool {
	d := fastDecoder{b: b, alias: alias}
	*e = api.Envelope{}
	if !d.envelope(e) {
		return false
	}
	d.ws()
	return d.i == len(d.b)
}

func (d *fastDecoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *fastDecoder) peek() byte {
	if d.i < len(d.b) && d.b[d.i] > ' ' {
		return d.b[d.i]
	}
	d.ws()
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

func (d *fastDecoder) consume(c byte) bool {
	if d.peek() == c {
		d.i++
		return true
	}
	return false
}

func (d *fastDecoder) null() bool {
	if d.peek() == 'n' && d.i+4 <= len(d.b) && string(d.b[d.i:d.i+4]) == "null" {
		d.i += 4
		return true
	}
	return false
}

// rawString returns a string's bytes between its quotes when it holds no
// escape, no control character and only valid UTF-8. It looks at eight
// bytes at a time: ids and timestamps are most of an envelope.
func (d *fastDecoder) rawString() ([]byte, bool) {
	if !d.consume('"') {
		return nil, false
	}
	b, start := d.b, d.i
	i := start
	for i+8 <= len(b) && !special8(binary.LittleEndian.Uint64(b[i:])) {
		i += 8
	}
	ascii := true
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '"':
			s := b[start:i]
			d.i = i + 1
			if !ascii && !utf8.Valid(s) {
				return nil, false
			}
			return s, true
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= 0x80:
			ascii = false
		}
	}
	return nil, false
}

// special8 reports whether any of eight bytes is a quote, a backslash, a
// control character or not ASCII (the classic "has a zero byte" bit trick).
func special8(x uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	quote := x ^ (lo * '"')
	slash := x ^ (lo * '\\')
	zero := func(v uint64) uint64 { return (v - lo) &^ v & hi }
	ctl := (x - lo*0x20) &^ x & hi
	return (zero(quote) | zero(slash) | ctl | x&hi) != 0
}

// str reads a string or null into *dst.
func (d *fastDecoder) str(dst *string) bool {
	if d.null() {
		return true
	}
	s, ok := d.rawString()
	if ok {
		*dst = d.string(s)
	}
	return ok
}

// string makes a Go string of b: a shared constant for the values every
// event repeats, else a view of the input (alias) or a copy.
func (d *fastDecoder) string(b []byte) string {
	if c, ok := common(b); ok {
		return c
	}
	if d.alias && len(b) > 0 {
		return unsafe.String(&b[0], len(b))
	}
	return string(b)
}

func (d *fastDecoder) time(dst *api.Time) bool {
	if d.null() {
		*dst = api.Time{}
		return true
	}
	s, ok := d.rawString()
	if !ok {
		return false
	}
	if len(s) == 0 {
		*dst = api.Time{}
		return true
	}
	if t, ok := utcTime(s); ok {
		*dst = api.Time{Time: t}
		return true
	}
	// ParseTime keeps nothing of its argument on success, so it may read
	// the input in place instead of a copy.
	t, err := api.ParseTime(unsafe.String(unsafe.SliceData(s), len(s)))
	if err != nil {
		return false
	}
	*dst = t
	return true
}

// utcTime reads the one spelling servers send most, "2006-01-02T15:04:05Z"
// with 0 to 9 fractional digits, as api.ParseTime would; anything else, an
// out-of-range field included, is left to ParseTime.
func utcTime(s []byte) (time.Time, bool) {
	if len(s) < 20 || s[len(s)-1] != 'Z' || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(b []byte) (int, bool) {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	year, ok1 := num(s[0:4])
	month, ok2 := num(s[5:7])
	day, ok3 := num(s[8:10])
	hour, ok4 := num(s[11:13])
	minute, ok5 := num(s[14:16])
	sec, ok6 := num(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 ||
		day > daysIn(time.Month(month), year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	nsec := 0
	switch frac := s[19 : len(s)-1]; {
	case len(frac) == 0:
	case len(frac) >= 2 && len(frac) <= 10 && frac[0] == '.':
		n, ok := num(frac[1:])
		if !ok {
			return time.Time{}, false
		}
		for range 10 - len(frac) {
			n *= 10
		}
		nsec = n
	default:
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC), true
}

func daysIn(m time.Month, year int) int {
	if m == time.February {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 31 - int((m-1)%7%2)
}

// object calls field for each key of an object (or accepts null, when
// nullOK), with the key's index in known (-1 for others). A known key that
// appears twice, or another that matches a known one when case is ignored
// (encoding/json would take it), hands over to the fallback.
func (d *fastDecoder) object(nullOK bool, known []string, field func(k int, key []byte) bool) bool {
	if nullOK && d.null() {
		return true
	}
	if !d.consume('{') {
		return false
	}
	if d.consume('}') {
		return true
	}
	var seen uint64
	for {
		key, ok := d.rawString()
		if !ok || !d.consume(':') {
			return false
		}
		k := -1
		if known != nil {
			k = keyIndex(known, key)
			switch {
			case k >= 0 && seen&(1<<k) != 0:
				return false
			case k >= 0:
				seen |= 1 << k
			case foldsToAny(known, key):
				return false
			}
		}
		if !field(k, key) {
			return false
		}
		if d.consume(',') {
			continue
		}
		return d.consume('}')
	}
}

func keyIndex(known []string, key []byte) int {
	for i, k := range known {
		if len(k) == len(key) && string(key) == k {
			return i
		}
	}
	return -1
}

func foldsToAny(known []string, key []byte) bool {
	for _, k := range known {
		if strings.EqualFold(string(key), k) {
			return true
		}
	}
	return false
}

// The known keys of each object, in the order the decoders below switch on.
var (
	envelopeKeys = []string{"timestamp", "user_id", "userId", "event_id", "eventId", "event_type", "eventType", "data"}
	dataKeys     = []string{"task"}
	taskKeys     = []string{"id", "asset_id", "assetId", "features", "user_id", "userId", "created", "updated",
		"created_at", "updated_at", "createdAt", "updatedAt"}
	featureKeys = []string{"state", "storage_variant", "storageVariant"}
)

func (d *fastDecoder) envelope(e *api.Envelope) bool {
	var userCamel, idCamel, typeCamel string
	ok := d.object(false, envelopeKeys, func(k int, _ []byte) bool {
		switch k {
		case 0:
			return d.time(&e.Timestamp)
		case 1:
			return d.str(&e.UserID)
		case 2:
			return d.str(&userCamel)
		case 3:
			return d.str(&e.EventID)
		case 4:
			return d.str(&idCamel)
		case 5:
			return d.str(&e.EventType)
		case 6:
			return d.str(&typeCamel)
		case 7:
			return d.object(true, dataKeys, func(k int, _ []byte) bool {
				if k != 0 {
					return d.skip(0)
				}
				if d.null() {
					e.Data.Task = nil
					return true
				}
				t := new(api.Task)
				if !d.task(t) {
					return false
				}
				e.Data.Task = t
				return true
			})
		}
		return d.skip(0)
	})
	if !ok {
		return false
	}
	e.UserID = firstNonEmpty(e.UserID, userCamel)
	e.EventID = firstNonEmpty(e.EventID, idCamel)
	e.EventType = firstNonEmpty(e.EventType, typeCamel)
	return true
}

func (d *fastDecoder) task(t *api.Task) bool {
	var assetCamel, userCamel string
	var times [6]api.Time // created, updated, created_at, updated_at, createdAt, updatedAt
	ok := d.object(false, taskKeys, func(k int, _ []byte) bool {
		switch k {
		case 0:
			return d.str(&t.ID)
		case 1:
			return d.str(&t.AssetID)
		case 2:
			return d.str(&assetCamel)
		case 3:
			return d.features(t)
		case 4:
			return d.str(&t.UserID)
		case 5:
			return d.str(&userCamel)
		case 6, 7, 8, 9, 10, 11:
			return d.time(&times[k-6])
		}
		return d.skip(0)
	})
	if !ok {
		return false
	}
	t.AssetID = firstNonEmpty(t.AssetID, assetCamel)
	t.UserID = firstNonEmpty(t.UserID, userCamel)
	t.Created = firstSetTime(times[0], times[2], times[4])
	t.Updated = firstSetTime(times[1], times[3], times[5])
	return true
}

func (d *fastDecoder) features(t *api.Task) bool {
	if d.null() {
		t.Features = nil
		return true
	}
	if t.Features == nil {
		t.Features = make(map[string]api.Feature, 4)
	}
	return d.object(false, nil, func(_ int, key []byte) bool {
		var f api.Feature
		var variant, variantCamel string
		if d.null() {
			t.Features[d.string(key)] = f
			return true
		}
		ok := d.object(false, featureKeys, func(k int, _ []byte) bool {
			switch k {
			case 0:
				var s string
				if !d.str(&s) {
					return false
				}
				f.State = api.State(s)
				return true
			case 1:
				return d.str(&variant)
			case 2:
				return d.str(&variantCamel)
			}
			return d.skip(0)
		})
		if !ok {
			return false
		}
		f.StorageVariant = firstNonEmpty(variant, variantCamel)
		t.Features[d.string(key)] = f
		return true
	})
}

// maxSkipDepth bounds the nesting the fast path follows in values it skips;
// deeper input goes to encoding/json, which has its own bound.
const maxSkipDepth = 64

// skip passes over one JSON value, checking it is valid.
func (d *fastDecoder) skip(depth int) bool {
	if depth > maxSkipDepth {
		return false
	}
	switch c := d.peek(); {
	case c == '"':
		return d.skipString()
	case c == '{':
		d.i++
		if d.consume('}') {
			return true
		}
		for {
			if d.peek() != '"' || !d.skipString() || !d.consume(':') || !d.skip(depth+1) {
				return false
			}
			if d.consume(',') {
				continue
			}
			return d.consume('}')
		}
	case c == '[':
		d.i++
		if d.consume(']') {
			return true
		}
		for {
			if !d.skip(depth + 1) {
				return false
			}
			if d.consume(',') {
				continue
			}
			return d.consume(']')
		}
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	}
	return false
}

func (d *fastDecoder) literal(s string) bool {
	if d.i+len(s) <= len(d.b) && string(d.b[d.i:d.i+len(s)]) == s {
		d.i += len(s)
		return true
	}
	return false
}

// skipString passes over a string, escapes included, checking it.
func (d *fastDecoder) skipString() bool {
	d.i++ // the opening quote
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			return true
		case c < 0x20:
			return false
		case c == '\\':
			if d.i+1 >= len(d.b) {
				return false
			}
			switch d.b[d.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				d.i += 2
			case 'u':
				if d.i+6 > len(d.b) {
					return false
				}
				for _, h := range d.b[d.i+2 : d.i+6] {
					if !isHex(h) {
						return false
					}
				}
				d.i += 6
			default:
				return false
			}
		default:
			d.i++
		}
	}
	return false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// number passes over a JSON number, following its grammar exactly.
func (d *fastDecoder) number() bool {
	b, i := d.b, d.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	d.i = i
	return true
}

// common returns the shared copy of a string the feed sees on every event
// (feature names, states, event types), so that they cost no allocation
// and retain no input.
func common(b []byte) (string, bool) {
	var c string
	switch len(b) {
	case 2:
		c = "na"
	case 5:
		c = "proxy"
	case 6:
		switch b[0] {
		case 'q':
			c = "queued"
		case 'f':
			c = "failed"
		case 'v':
			c = "visual"
		}
	case 7:
		c = "preview"
	case 9:
		switch {
		case b[0] == 'e':
			c = "embedding"
		case b[1] == 'o':
			c = "completed"
		default:
			c = "cancelled"
		}
	case 10:
		c = "processing"
	case len(api.EventTaskFailed):
		c = api.EventTaskFailed
	case len(api.EventTaskProgress):
		if b[0] == 't' && b[1] == 'r' {
			c = "transcription"
		} else {
			c = api.EventTaskProgress
		}
	case len(api.EventTaskCompleted):
		c = api.EventTaskCompleted
	}
	if c != "" && string(b) == c {
		return c, true
	}
	return "", false
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func firstSetTime(vals ...api.Time) api.Time {
	for _, v := range vals {
		if !v.IsZero() {
			return v
		}
	}
	return api.Time{}
}
