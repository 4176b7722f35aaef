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
	if ParseQuery("data.task.id=1").Match([]byte("data.task.id=1 not json")) {
		t.Error("a path query matched a body that is not JSON")
	}
}
