package api

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// attemptsPage is a page of n attempts as Svix sends it (camelCase).
func attemptsPage(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"data":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"atmpt_%027d","msgId":"msg_%027d","endpointId":"ep_2b8aQ1xxxxxxxxxxxxxxxxxxxxx","url":"https://hooks.example.com/aspect",`+
			`"status":2,"statusText":"fail","responseStatusCode":503,"response":"{\"error\":\"busy\"}","responseDurationMs":812,"triggerType":0,"timestamp":"2025-01-02T03:04:05.123Z"}`, i, i)
	}
	b.WriteString(`],"iterator":"it_a","prevIterator":null,"done":false}`)
	return []byte(b.String())
}

// BenchmarkDecodeAttemptsPage is the decoding of one full page of attempts
// (250, the largest page), the answer the dashboard reads most often.
func BenchmarkDecodeAttemptsPage(b *testing.B) {
	data := attemptsPage(250)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var p page[Attempt]
		if err := json.Unmarshal(data, &p); err != nil || len(p.items) != 250 {
			b.Fatal(err)
		}
	}
}
