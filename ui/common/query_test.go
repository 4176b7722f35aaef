package common

import "testing"

func TestQueryMatchesSubstringsAndPaths(t *testing.T) {
	body := []byte(`{"event_type":"task.failed","data":{"task":{"id":"T_42","features":{"visual":{"state":"failed"}},"n":3,"ok":true,"list":[{"id":"x"}]}}}`)
	for _, c := range []struct {
		q    string
		want bool
	}{
		{"task.failed", true},
		{"TASK.FAILED", true},
		{"t_42", true},
		{"nowhere", false},
		{"data.task.id=T_42", true},
		{"data.task.id=t_42", true}, // strings case folded
		{"data.task.id=T_4", false}, // whole values only
		{"data.task.features.visual.state=failed", true},
		{"data.task.features.visual.state=completed", false},
		{"data.task.n=3", true},
		{"data.task.ok=true", true},
		{"data.task.list.0.id=x", true},
		{"data.task.list.1.id=x", false},
		{"data.missing=failed", false},
		{"a b=c", false}, // not a path: a substring, absent
	} {
		if got := ParseQuery(c.q).Match(body); got != c.want {
			t.Errorf("%q: %v, want %v", c.q, got, c.want)
		}
	}
	// Keys and values the walker must step over: strings holding brackets,
	// quotes and escapes, nested arrays, spaces, an escaped key.
	tricky := []byte(`{ "a" : "x}]\"{" , "b":[[1,{"c":"]"}],{"d":"y"}], "e\u0078" : { "f" : -1.5e3 } , "g": null }`)
	for _, c := range []struct {
		q    string
		want bool
	}{
		{"b.1.d=y", true},
		{"b.0.1.c=]", true},
		{"ex.f=-1.5e3", true},
		{"g=null", true},
		{"a=x}]\"{", true},
		{"b.2.d=y", false},
	} {
		if got := ParseQuery(c.q).Match(tricky); got != c.want {
			t.Errorf("%q: %v, want %v", c.q, got, c.want)
		}
	}
	if ParseQuery("data.task.id=1").Match([]byte("data.task.id=1 not json")) {
		t.Error("a path query matched a body that is not JSON")
	}
}
