package listen

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A signature that fails on a body that "looks the same" usually means the
// bytes changed after signing. bodyVariants rebuilds the common changes so
// Diagnose can name the one that happened: JSON parsed and written out again
// by Node, Python or Go, and newline or whitespace edits.

type bodyVariant struct {
	name         string // completes "the signature matches this body ..."
	reserialized bool   // JSON re-encoded, as opposed to a byte-level edit
	body         []byte
}

// jsonStyle is how one common serializer writes JSON.
type jsonStyle struct {
	name      string
	itemSep   string // between members when not indenting; "," by default
	keySep    string // ":" by default
	indent    string
	sortKeys  bool
	jsKeys    bool // JavaScript objects list integer-like keys first, ascending
	asciiOnly bool // Python's ensure_ascii
	number    func(lit string) string
}

var jsonStyles = []jsonStyle{
	{name: "the way JSON.stringify writes it (Node)", jsKeys: true, number: jsNumber},
	{name: "the way JSON.stringify(body, null, 2) writes it (Node)", keySep: ": ", indent: "  ", jsKeys: true, number: jsNumber},
	{name: "the way json.dumps writes it (Python)", itemSep: ", ", keySep: ": ", asciiOnly: true, number: pyNumber},
	{name: "the way json.dumps(sort_keys=True) writes it (Python)", itemSep: ", ", keySep: ": ", sortKeys: true, asciiOnly: true, number: pyNumber},
	{name: `the way json.dumps(separators=(",", ":")) writes it (Python)`, asciiOnly: true, number: pyNumber},
	{name: "the way json.dumps(ensure_ascii=False) writes it (Python)", itemSep: ", ", keySep: ": ", number: pyNumber},
	{name: "the way json.dumps(indent=2) writes it (Python)", keySep: ": ", indent: "  ", asciiOnly: true, number: pyNumber},
	{name: "the way json.dumps(indent=4) writes it (Python)", keySep: ": ", indent: "    ", asciiOnly: true, number: pyNumber},
	{name: "compacted with sorted keys (canonical JSON)", sortKeys: true, number: keepNumber},
}

// maxReencodedBody bounds the JSON re-encodings tried: all of them cost
// about 0.6 ms per KiB on a 2-core machine, and Aspect's envelopes are a
// few KiB at most.
const maxReencodedBody = 64 << 10

// maxVariantDepth bounds nesting so a hostile body cannot recurse deeply.
const maxVariantDepth = 200

func bodyVariants(body []byte) []bodyVariant {
	var out []bodyVariant
	add := func(name string, reserialized bool, b []byte) {
		if b == nil || bytes.Equal(b, body) {
			return
		}
		for _, v := range out {
			if bytes.Equal(v.body, b) {
				return
			}
		}
		out = append(out, bodyVariant{name: name, reserialized: reserialized, body: b})
	}
	// The smallest edits first: a newline is a likelier culprit than a
	// serializer when both would explain the signature.
	if trimmed := bytes.TrimRight(body, "\r\n"); len(trimmed) < len(body) {
		add("without its trailing newline", false, trimmed)
	} else {
		add("with a trailing newline", false, append(slices.Clip(body), '\n'))
	}
	add("with surrounding whitespace trimmed", false, bytes.TrimSpace(body))
	if bytes.Contains(body, []byte("\r\n")) {
		add("with CRLF line endings turned into LF", false, bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n")))
	} else if bytes.Contains(body, []byte("\n")) {
		add("with LF line endings turned into CRLF", false, bytes.ReplaceAll(body, []byte("\n"), []byte("\r\n")))
	}
	if len(body) > maxReencodedBody {
		return out
	}
	if root, ok := parseOrderedJSON(body); ok {
		for _, st := range jsonStyles {
			add("re-encoded "+st.name, true, st.encode(root, len(body)))
		}
		add("re-encoded the way json.Marshal of a decoded map writes it (Go)", true, goReencode(body))
	}
	return out
}

// jsonNode is parsed JSON that keeps member order and number literals, which
// encoding/json's maps and float64s lose.
type jsonNode struct {
	kind byte // '{', '[', '"' (string), '0' (number), 'l' (true, false, null)
	text string
	keys []string
	kids []*jsonNode
}

var errTooDeep = errors.New("too deep")

func parseOrderedJSON(b []byte) (*jsonNode, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	root, err := parseNode(dec, 0)
	if err != nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	return root, true
}

func parseNode(dec *json.Decoder, depth int) (*jsonNode, error) {
	if depth > maxVariantDepth {
		return nil, errTooDeep
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		n := &jsonNode{kind: byte(t)}
		for dec.More() {
			if t == '{' {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := k.(string)
				if !ok {
					return nil, errors.New("object key is not a string")
				}
				n.keys = append(n.keys, key)
			}
			kid, err := parseNode(dec, depth+1)
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, kid)
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
		return n, nil
	case string:
		return &jsonNode{kind: '"', text: t}, nil
	case json.Number:
		return &jsonNode{kind: '0', text: string(t)}, nil
	case bool:
		return &jsonNode{kind: 'l', text: strconv.FormatBool(t)}, nil
	case nil:
		return &jsonNode{kind: 'l', text: "null"}, nil
	}
	return nil, errors.New("unexpected token")
}

func (st jsonStyle) encode(n *jsonNode, sizeHint int) []byte {
	var b bytes.Buffer
	b.Grow(sizeHint + sizeHint/4)
	st.write(&b, n, 0)
	return b.Bytes()
}

func (st jsonStyle) write(b *bytes.Buffer, n *jsonNode, depth int) {
	switch n.kind {
	case '"':
		st.writeString(b, n.text)
	case '0':
		b.WriteString(st.number(n.text))
	case 'l':
		b.WriteString(n.text)
	case '{', '[':
		closer := byte(']')
		order := make([]int, len(n.kids))
		for i := range order {
			order[i] = i
		}
		if n.kind == '{' {
			closer = '}'
			order = st.memberOrder(n)
		}
		if len(order) == 0 {
			b.WriteByte(n.kind)
			b.WriteByte(closer)
			return
		}
		b.WriteByte(n.kind)
		for j, i := range order {
			if j > 0 {
				if st.indent == "" && st.itemSep != "" {
					b.WriteString(st.itemSep)
				} else {
					b.WriteByte(',')
				}
			}
			st.newline(b, depth+1)
			if n.kind == '{' {
				st.writeString(b, n.keys[i])
				if st.keySep != "" {
					b.WriteString(st.keySep)
				} else {
					b.WriteByte(':')
				}
			}
			st.write(b, n.kids[i], depth+1)
		}
		st.newline(b, depth)
		b.WriteByte(closer)
	}
}

func (st jsonStyle) newline(b *bytes.Buffer, depth int) {
	if st.indent == "" {
		return
	}
	b.WriteByte('\n')
	for range depth {
		b.WriteString(st.indent)
	}
}

// memberOrder is the order a serializer writes an object's members in after
// parsing it: a repeated key keeps its first place and its last value (as
// in JavaScript objects and Python dicts), then keys are sorted if asked.
func (st jsonStyle) memberOrder(n *jsonNode) []int {
	order := make([]int, 0, len(n.keys))
	var pos map[string]int // only for large objects: a scan is cheaper for the usual few keys
	if len(n.keys) > 16 {
		pos = make(map[string]int, len(n.keys))
	}
	for i, k := range n.keys {
		p := -1
		if pos != nil {
			if q, ok := pos[k]; ok {
				p = q
			}
		} else {
			for j, o := range order {
				if n.keys[o] == k {
					p = j
					break
				}
			}
		}
		if p >= 0 {
			order[p] = i
			continue
		}
		if pos != nil {
			pos[k] = len(order)
		}
		order = append(order, i)
	}
	switch {
	case st.sortKeys:
		slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(n.keys[a], n.keys[b]) })
	case st.jsKeys:
		slices.SortStableFunc(order, func(a, b int) int {
			ia, aok := jsArrayIndex(n.keys[a])
			ib, bok := jsArrayIndex(n.keys[b])
			switch {
			case aok && bok:
				return int(ia) - int(ib)
			case aok:
				return -1
			case bok:
				return 1
			}
			return 0
		})
	}
	return order
}

// jsArrayIndex reports whether k is a canonical array index, which
// JavaScript objects order before every other key.
func jsArrayIndex(k string) (int64, bool) {
	if k == "" || len(k) > 10 || (len(k) > 1 && k[0] == '0') {
		return 0, false
	}
	v, err := strconv.ParseInt(k, 10, 64)
	if err != nil || v < 0 || v >= math.MaxUint32 {
		return 0, false
	}
	return v, true
}

func (st jsonStyle) writeString(b *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	if plainJSONString(s) {
		b.WriteString(s)
		b.WriteByte('"')
		return
	}
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 || st.asciiOnly && r > 0x7e {
				if r > 0xffff {
					r -= 0x10000
					hi, lo := 0xd800+(r>>10), 0xdc00+(r&0x3ff)
					b.WriteString(`\u` + string([]byte{hex[hi>>12&15], hex[hi>>8&15], hex[hi>>4&15], hex[hi&15]}))
					b.WriteString(`\u` + string([]byte{hex[lo>>12&15], hex[lo>>8&15], hex[lo>>4&15], hex[lo&15]}))
					continue
				}
				b.WriteString(`\u` + string([]byte{hex[r>>12&15], hex[r>>8&15], hex[r>>4&15], hex[r&15]}))
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// plainJSONString reports whether every serializer writes s unchanged:
// printable ASCII with nothing to escape.
func plainJSONString(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func keepNumber(lit string) string { return lit }

// jsNumber writes a number the way JavaScript's Number#toString does, as
// JSON.stringify does after JSON.parse turned it into a double.
func jsNumber(lit string) string {
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil && !math.IsInf(f, 0) {
		return lit
	}
	switch {
	case math.IsInf(f, 0):
		return "null"
	case f == 0:
		return "0"
	}
	if a := math.Abs(f); a >= 1e21 || a < 1e-6 {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		mant, exp, _ := strings.Cut(s, "e")
		sign := exp[:1]
		exp = strings.TrimLeft(exp[1:], "0")
		return mant + "e" + sign + exp
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// pyNumber writes a number the way Python's json module does after
// json.loads: integers exactly, floats with repr (shortest round trip,
// always with a fraction or an exponent).
func pyNumber(lit string) string {
	if !strings.ContainsAny(lit, ".eE") {
		if lit == "-0" {
			return "0"
		}
		return lit
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil && !math.IsInf(f, 0) {
		return lit
	}
	if math.IsInf(f, 1) {
		return "Infinity"
	}
	if math.IsInf(f, -1) {
		return "-Infinity"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	_, exp, _ := strings.Cut(e, "e")
	x, _ := strconv.Atoi(exp)
	if x < -4 || x >= 16 {
		return e
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// goReencode is the common Go handler mistake: decode into a map (floats,
// keys sorted on the way out, HTML characters escaped) and marshal again.
func goReencode(body []byte) []byte {
	if !utf8.Valid(body) {
		return nil
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil
	}
	out, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return out
}
