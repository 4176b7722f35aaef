package api

import (
	"encoding/json"
	"testing"
)

func TestListDataNullIsEmpty(t *testing.T) {
	var p page[Endpoint]
	if err := json.Unmarshal([]byte(`{"data": null, "done": true}`), &p); err != nil {
		t.Fatalf("data: null should read as an empty page, got %v", err)
	}
	if len(p.items) != 0 || !p.done {
		t.Errorf("got %+v", p)
	}
}
