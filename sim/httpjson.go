package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// maxRequestBody bounds what a request body may hold.
const maxRequestBody = 1 << 20

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeDetail(w, http.StatusInternalServerError, "encoding the answer: "+err.Error())
		return
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// writeDetail answers in FastAPI's error shape, {"detail": "..."}, or in
// Svix's, {"code": "...", "detail": "..."}, as the profile has it.
func writeDetail(w http.ResponseWriter, status int, detail string) {
	body := map[string]string{"detail": detail}
	if profileOf(w) == ProfileSvix {
		body["code"] = svixCode(status)
	}
	b, _ := json.Marshal(body)
	writeRaw(w, status, b)
}

// fieldErrors collects FastAPI's 422 detail list.
type fieldErrors []api.FieldError

func (f *fieldErrors) add(where string, name any, msg, typ string) {
	*f = append(*f, api.FieldError{Loc: []any{where, name}, Msg: msg, Type: typ})
}

// reply answers 422 with the list; false when there is nothing to report.
func (f fieldErrors) reply(w http.ResponseWriter) bool {
	if len(f) == 0 {
		return false
	}
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": []api.FieldError(f)})
	return true
}

func fieldErr(field string, index int, msg string) api.FieldError {
	return api.FieldError{Loc: []any{"body", field, index}, Msg: msg, Type: "value_error"}
}

// body reads a JSON object's fields, answering 422 itself when the body is
// not a JSON object; ok is false then.
type body struct {
	fields map[string]json.RawMessage
	errs   fieldErrors
}

func readBody(w http.ResponseWriter, r *http.Request) (*body, bool) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeDetail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d bytes", maxRequestBody))
			return nil, false
		}
		writeDetail(w, http.StatusBadRequest, "reading the request body: "+err.Error())
		return nil, false
	}
	b := &body{}
	if len(bytes.TrimSpace(data)) == 0 {
		b.errs.add("body", nil, "Field required", "missing")
		b.errs[0].Loc = []any{"body"}
		b.errs.reply(w)
		return nil, false
	}
	if err := json.Unmarshal(data, &b.fields); err != nil || b.fields == nil {
		var syn *json.SyntaxError
		pos := any(0)
		msg := "JSON decode error"
		if errors.As(err, &syn) {
			pos = syn.Offset
			msg += ": " + syn.Error()
		} else {
			msg = "Input should be a JSON object"
		}
		b.errs.add("body", pos, msg, "json_invalid")
		b.errs.reply(w)
		return nil, false
	}
	return b, true
}

func (b *body) has(name string) bool {
	v, ok := b.fields[name]
	return ok && !bytes.Equal(bytes.TrimSpace(v), []byte("null"))
}

func (b *body) str(name string, required bool, maxLen int) string {
	if !b.has(name) {
		if required {
			b.errs.add("body", name, "Field required", "missing")
		}
		return ""
	}
	var s string
	if json.Unmarshal(b.fields[name], &s) != nil {
		b.errs.add("body", name, "Input should be a valid string", "string_type")
		return ""
	}
	if len(s) > maxLen {
		b.errs.add("body", name, fmt.Sprintf("String should have at most %d characters", maxLen), "string_too_long")
	}
	return s
}

func (b *body) strings(name string, required bool) []string {
	if !b.has(name) {
		if required {
			b.errs.add("body", name, "Field required", "missing")
		}
		return nil
	}
	var s []string
	if json.Unmarshal(b.fields[name], &s) != nil {
		b.errs.add("body", name, "Input should be a valid list of strings", "list_type")
		return nil
	}
	return s
}

func (b *body) int(name string, def, lo, hi int) int {
	if !b.has(name) {
		return def
	}
	var n int
	if json.Unmarshal(b.fields[name], &n) != nil {
		b.errs.add("body", name, "Input should be a valid integer", "int_type")
		return def
	}
	if n < lo || n > hi {
		b.errs.add("body", name, fmt.Sprintf("Input should be between %d and %d", lo, hi), "value_error")
	}
	return n
}

func (b *body) bool(name string) *bool {
	if !b.has(name) {
		return nil
	}
	var v bool
	if json.Unmarshal(b.fields[name], &v) != nil {
		b.errs.add("body", name, "Input should be a valid boolean", "bool_type")
		return nil
	}
	return &v
}

func (b *body) time(name string, required bool) time.Time {
	if !b.has(name) {
		if required {
			b.errs.add("body", name, "Field required", "missing")
		}
		return time.Time{}
	}
	var t api.Time
	if err := json.Unmarshal(b.fields[name], &t); err != nil {
		b.errs.add("body", name, "Input should be an ISO 8601 time: "+err.Error(), "datetime_parsing")
		return time.Time{}
	}
	return t.Time
}

// query reads list parameters: limit (1..250, larger is cut to 250, as a
// page size is a hint), iterator, and times.
type query struct {
	v    url.Values
	errs fieldErrors
}

const (
	defaultLimit = 50
	maxLimit     = 250
)

func (q *query) limit() int {
	s := q.v.Get("limit")
	if s == "" {
		return defaultLimit
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		q.errs.add("query", "limit", "Input should be a whole number of at least 1", "int_parsing")
		return defaultLimit
	}
	return min(n, maxLimit)
}

// iterator decodes where the previous page stopped: items with a seq below
// it come next. 0 means from the newest.
func (q *query) iterator() uint64 {
	s := q.v.Get("iterator")
	if s == "" {
		return 0
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 {
		q.errs.add("query", "iterator", "Invalid iterator; pass the iterator of the previous page", "value_error")
	}
	return n
}

func (q *query) time(name string) time.Time {
	s := q.v.Get(name)
	if s == "" {
		return time.Time{}
	}
	t, err := api.ParseTime(s)
	if err != nil {
		q.errs.add("query", name, "Input should be an ISO 8601 time", "datetime_parsing")
	}
	return t.Time
}

// page is a list answer in Svix's shape.
type page[T any] struct {
	Data     []T    `json:"data"`
	Iterator string `json:"iterator"`
	Done     bool   `json:"done"`
}

func iteratorOf(seq uint64) string { return strconv.FormatUint(seq, 10) }
