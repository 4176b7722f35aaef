package feed

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
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
	// A value of its own, so that the fast path's envelope (usually the
	// caller's, on its stack) is not moved to the heap for this rare path.
	slow := new(api.Envelope)
	if err := json.Unmarshal(b, slow); err != nil {
		*e = api.Envelope{}
		return shapeError(err)
	}
	*e = *slow
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
	// shared, when not nil, holds the feature maps read so far by the
	// raw text they were read from: a task whose features read the same
	// as an earlier one's gets that task's map (see decodeTasks).
	shared map[string]map[string]api.Feature
}

// maxShared bounds decodeTasks' shared feature maps: past it, a task's
// features are read into a map of their own.
const maxShared = 1024

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
// escape, no control character and only valid UTF-8. An envelope holds
// about forty strings, keys included, and its ids and timestamps are most
// of its bytes: rawString looks at eight bytes at a time and goes straight
// to the first that is not plain ASCII, usually the closing quote.
// (bytes.IndexByte for the quote and a second pass to check the bytes
// before it cost more: most strings are shorter than its set-up.)
func (d *fastDecoder) rawString() ([]byte, bool) {
	if !d.consume('"') {
		return nil, false
	}
	b, start := d.b, d.i
	i := start
	for ; i+8 <= len(b); i += 8 {
		if m := specialMask(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			i += bits.TrailingZeros64(m) >> 3
			if b[i] == '"' {
				d.i = i + 1
				return b[start:i], true
			}
			break
		}
	}
	return d.stringRest(start, i)
}

// stringRest finishes rawString byte by byte from b[i]: near the end of the
// input, or after a byte that is not plain ASCII. An escape or a control
// character refuses the string (the fallback decides); other UTF-8 is
// checked once the closing quote is found.
func (d *fastDecoder) stringRest(start, i int) ([]byte, bool) {
	b := d.b
	ascii := true
	for ; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			s := b[start:i]
			if !ascii && !utf8.Valid(s) {
				return nil, false
			}
			d.i = i + 1
			return s, true
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= 0x80:
			ascii = false
		}
	}
	return nil, false
}

// specialMask marks, in the high bit of each byte, the bytes of eight that
// are a quote, a backslash, a control character or not ASCII. It is the
// classic "has a zero byte" trick, (v-1)&^v: subtracting 1 from each byte
// sets the high bit of a zero one; here the zero bytes are those of x^'"'
// and x^'\\', and subtracting 0x20 does the same for control characters.
// The &^v of the trick only keeps bytes of 0x80 and over out, and those are
// marked anyway. A borrow may mark bytes above a marked one too, so only
// the lowest mark is exact: the only one rawString reads.
func specialMask(x uint64) uint64 {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	quote, slash := x^(lo*'"'), x^(lo*'\\')
	return ((quote - lo) | (slash - lo) | (x - lo*0x20) | x) & hi
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
	if len(s) < 20 || len(s) > 30 || s[len(s)-1] != 'Z' || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	// Each digit's value, or something over 9 for a byte that is not one;
	// one check at the end instead of one per digit.
	notDigit := false
	dig := func(i int) int {
		c := s[i] - '0'
		if c > 9 {
			notDigit = true
		}
		return int(c)
	}
	year := dig(0)*1000 + dig(1)*100 + dig(2)*10 + dig(3)
	month := dig(5)*10 + dig(6)
	day := dig(8)*10 + dig(9)
	hour := dig(11)*10 + dig(12)
	minute := dig(14)*10 + dig(15)
	sec := dig(17)*10 + dig(18)
	nsec := 0
	switch frac := len(s) - 20; {
	case frac == 0:
	case frac >= 2 && s[19] == '.':
		for i := 20; i < len(s)-1; i++ {
			nsec = nsec*10 + dig(i)
		}
		for range 10 - frac {
			nsec *= 10
		}
	default:
		return time.Time{}, false
	}
	if notDigit || month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) ||
		hour > 23 || minute > 59 || sec > 59 {
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

// The objects of an envelope are read member by member: open, then member
// and the value's own reader, then next, until next says the object ended.
// (An earlier version took a callback per member; the closures moved the
// envelope being filled to the heap and cost a call per member.)

// open reads an object's '{' and reports whether it is empty.
func (d *fastDecoder) open() (ok, empty bool) {
	if !d.consume('{') {
		return false, false
	}
	return true, d.consume('}')
}

// member reads a member's key and its colon.
func (d *fastDecoder) member() ([]byte, bool) {
	key, ok := d.rawString()
	return key, ok && d.consume(':')
}

// lit is a known key as it appears in the input, quotes and colon
// included, and its index in the object's key list.
type lit struct {
	text string
	k    int
}

// The keys in the order the contract lists them, which is the order
// servers send them (the simulator and encoding/json do): each object's
// loop tries the next of these as a whole before reading a key the general
// way. Matching `"event_id":` as one literal is a single compare; a key
// that matches it is exactly that key (no escape, no other spelling). Any
// other order, spacing or spelling takes the general path and decodes the
// same.
var (
	envelopeOrder = []lit{{`"timestamp":`, 0}, {`"user_id":`, 1}, {`"event_id":`, 3}, {`"event_type":`, 5}, {`"data":`, 7}}
	dataOrder     = []lit{{`"task":`, 0}}
	taskOrder     = []lit{{`"id":`, 0}, {`"asset_id":`, 1}, {`"features":`, 3}, {`"user_id":`, 4}, {`"created":`, 6}, {`"updated":`, 7}}
	featureOrder  = []lit{{`"state":`, 0}, {`"storage_variant":`, 1}}
)

// nextKey reads a member's key and colon and returns the key's index in
// known (-1 for others), trying order[*next] first. It refuses what claim
// refuses.
func (d *fastDecoder) nextKey(order []lit, next *int, known []string, index func([]byte) int, seen *uint64) (int, bool) {
	if *next < len(order) && d.peek() == '"' {
		l := order[*next]
		if len(d.b)-d.i >= len(l.text) && string(d.b[d.i:d.i+len(l.text)]) == l.text {
			d.i += len(l.text)
			*next++
			if *seen&(1<<l.k) != 0 {
				return 0, false
			}
			*seen |= 1 << l.k
			return l.k, true
		}
	}
	key, ok := d.member()
	if !ok {
		return 0, false
	}
	k := index(key)
	// Expect, next, whatever followed this key in the usual order.
	for i, l := range order {
		if l.k == k {
			*next = i + 1
		}
	}
	return k, claim(known, k, key, seen)
}

// claim accepts key, whose index in known is k (-1 for others), unless a
// known key appears twice or another matches a known one when case is
// ignored (encoding/json would take it): those go to the fallback.
func claim(known []string, k int, key []byte, seen *uint64) bool {
	switch {
	case k >= 0 && *seen&(1<<k) != 0:
		return false
	case k >= 0:
		*seen |= 1 << k
		return true
	}
	return !foldsToAny(known, key)
}

// next reads what follows a member's value: a comma (more members) or the
// closing brace.
func (d *fastDecoder) next() (more, ok bool) {
	if d.consume(',') {
		return true, true
	}
	return false, d.consume('}')
}

func foldsToAny(known []string, key []byte) bool {
	for _, k := range known {
		if strings.EqualFold(string(key), k) {
			return true
		}
	}
	return false
}

// The known keys of each object, and their indexes as the decoders below
// switch on them. A switch on constant strings compiles to a few word
// compares, where a loop over the list compared memory for every key of
// the same length.
var (
	envelopeKeys = []string{"timestamp", "user_id", "userId", "event_id", "eventId", "event_type", "eventType", "data"}
	dataKeys     = []string{"task"}
	taskKeys     = []string{"id", "asset_id", "assetId", "features", "user_id", "userId", "created", "updated",
		"created_at", "updated_at", "createdAt", "updatedAt"}
	featureKeys = []string{"state", "storage_variant", "storageVariant"}
)

func envelopeKey(k []byte) int {
	switch string(k) {
	case "timestamp":
		return 0
	case "user_id":
		return 1
	case "userId":
		return 2
	case "event_id":
		return 3
	case "eventId":
		return 4
	case "event_type":
		return 5
	case "eventType":
		return 6
	case "data":
		return 7
	}
	return -1
}

func dataKey(k []byte) int {
	if string(k) == "task" {
		return 0
	}
	return -1
}

func taskKey(k []byte) int {
	switch string(k) {
	case "id":
		return 0
	case "asset_id":
		return 1
	case "assetId":
		return 2
	case "features":
		return 3
	case "user_id":
		return 4
	case "userId":
		return 5
	case "created":
		return 6
	case "updated":
		return 7
	case "created_at":
		return 8
	case "updated_at":
		return 9
	case "createdAt":
		return 10
	case "updatedAt":
		return 11
	}
	return -1
}

func featureKey(k []byte) int {
	switch string(k) {
	case "state":
		return 0
	case "storage_variant":
		return 1
	case "storageVariant":
		return 2
	}
	return -1
}

func (d *fastDecoder) envelope(e *api.Envelope) bool {
	var userCamel, idCamel, typeCamel string
	ok, empty := d.open()
	if !ok {
		return false
	}
	var seen uint64
	next := 0
	for more := !empty; more; {
		k, ok := d.nextKey(envelopeOrder, &next, envelopeKeys, envelopeKey, &seen)
		if !ok {
			return false
		}
		switch k {
		case 0:
			ok = d.time(&e.Timestamp)
		case 1:
			ok = d.str(&e.UserID)
		case 2:
			ok = d.str(&userCamel)
		case 3:
			ok = d.str(&e.EventID)
		case 4:
			ok = d.str(&idCamel)
		case 5:
			ok = d.str(&e.EventType)
		case 6:
			ok = d.str(&typeCamel)
		case 7:
			ok = d.data(e)
		default:
			ok = d.skip(0)
		}
		if !ok {
			return false
		}
		if more, ok = d.next(); !ok {
			return false
		}
	}
	e.UserID = firstNonEmpty(e.UserID, userCamel)
	e.EventID = firstNonEmpty(e.EventID, idCamel)
	e.EventType = firstNonEmpty(e.EventType, typeCamel)
	return true
}

// data reads the envelope's data object (or null).
func (d *fastDecoder) data(e *api.Envelope) bool {
	if d.null() {
		return true
	}
	ok, empty := d.open()
	if !ok {
		return false
	}
	var seen uint64
	next := 0
	for more := !empty; more; {
		k, ok := d.nextKey(dataOrder, &next, dataKeys, dataKey, &seen)
		switch {
		case !ok:
			return false
		case k != 0:
			ok = d.skip(0)
		case d.null():
			e.Data.Task = nil
		default:
			t := new(api.Task)
			if ok = d.task(t); ok {
				e.Data.Task = t
			}
		}
		if !ok {
			return false
		}
		if more, ok = d.next(); !ok {
			return false
		}
	}
	return true
}

func (d *fastDecoder) task(t *api.Task) bool {
	var assetCamel, userCamel string
	var times [6]api.Time // created, updated, created_at, updated_at, createdAt, updatedAt
	ok, empty := d.open()
	if !ok {
		return false
	}
	var seen uint64
	next := 0
	for more := !empty; more; {
		k, ok := d.nextKey(taskOrder, &next, taskKeys, taskKey, &seen)
		if !ok {
			return false
		}
		switch k {
		case 0:
			ok = d.str(&t.ID)
		case 1:
			ok = d.str(&t.AssetID)
		case 2:
			ok = d.str(&assetCamel)
		case 3:
			ok = d.features(t)
		case 4:
			ok = d.str(&t.UserID)
		case 5:
			ok = d.str(&userCamel)
		case 6, 7, 8, 9, 10, 11:
			ok = d.time(&times[k-6])
		default:
			ok = d.skip(0)
		}
		if !ok {
			return false
		}
		if more, ok = d.next(); !ok {
			return false
		}
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
	if d.shared == nil || t.Features != nil {
		return d.featureMap(t)
	}
	start := d.i
	if !d.skip(0) {
		return false
	}
	if m, ok := d.shared[string(d.b[start:d.i])]; ok {
		t.Features = m
		return true
	}
	end := d.i
	d.i = start
	if !d.featureMap(t) {
		return false
	}
	if len(d.shared) < maxShared {
		d.shared[string(d.b[start:end])] = t.Features
	}
	return true
}

// featureMap reads a features object into t.Features.
func (d *fastDecoder) featureMap(t *api.Task) bool {
	ok, empty := d.open()
	if !ok {
		return false
	}
	if t.Features == nil {
		t.Features = make(map[string]api.Feature, 4)
	}
	for more := !empty; more; {
		key, ok := d.member()
		if !ok {
			return false
		}
		var f api.Feature
		if !d.null() && !d.feature(&f) {
			return false
		}
		t.Features[d.string(key)] = f
		if more, ok = d.next(); !ok {
			return false
		}
	}
	return true
}

func (d *fastDecoder) feature(f *api.Feature) bool {
	var variant, variantCamel string
	ok, empty := d.open()
	if !ok {
		return false
	}
	var seen uint64
	next := 0
	for more := !empty; more; {
		k, ok := d.nextKey(featureOrder, &next, featureKeys, featureKey, &seen)
		if !ok {
			return false
		}
		switch k {
		case 0:
			var s string
			if ok = d.str(&s); ok {
				f.State = api.State(s)
			}
		case 1:
			ok = d.str(&variant)
		case 2:
			ok = d.str(&variantCamel)
		default:
			ok = d.skip(0)
		}
		if !ok {
			return false
		}
		if more, ok = d.next(); !ok {
			return false
		}
	}
	f.StorageVariant = firstNonEmpty(variant, variantCamel)
	return true
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
