package listen

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/aspect-hq/aspect-tui/listen"
	"github.com/aspect-hq/aspect-tui/ui/internal/uitest"
)

// fakeDeliveries are n requests in the receiver's shape, verified and
// refused in turn, without a network.
func fakeDeliveries(from, n int) []listen.Request {
	out := make([]listen.Request, n)
	for i := range out {
		seq := from + i
		d := listen.Request{
			Seq: seq, Time: t0.Add(time.Duration(seq) * time.Millisecond), Method: "POST", Path: "/webhooks/aspect",
			Headers: http.Header{"Svix-Id": {"msg_" + strconv.Itoa(seq)}}, Body: []byte(body), Size: int64(len(body)),
			SvixID: "msg_" + strconv.Itoa(seq), EventType: "task.completed", Verified: seq%3 != 0, MatchedSecret: 0, Status: 204,
		}
		if !d.Verified {
			d.MatchedSecret, d.Status, d.Problem, d.Reason = -1, 400, listen.ProblemNoMatch, "no signature matched"
		}
		out[i] = d
	}
	return out
}

// BenchmarkView is one frame at 160×45 with a full list.
func BenchmarkView(b *testing.B) {
	h := newHarness(b, setup{w: 160, h: 45})
	h.send(deliveriesMsg{ds: fakeDeliveries(1, DefaultLimit)})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.m.View()
	}
}

// BenchmarkArrivals is one frame's batch of 100 requests reaching a full
// list (the oldest let go), then the frame drawn.
func BenchmarkArrivals(b *testing.B) {
	h := newHarness(b, setup{w: 160, h: 45})
	h.send(deliveriesMsg{ds: fakeDeliveries(1, DefaultLimit)})
	next := DefaultLimit + 1
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ds := fakeDeliveries(next, 100)
		next += 100
		b.StartTimer()
		h.m.Update(deliveriesMsg{ds: ds})
		h.m.View()
	}
}

// BenchmarkFilterKeystroke is one key typed in the filter over a full list.
func BenchmarkFilterKeystroke(b *testing.B) {
	h := newHarness(b, setup{w: 160, h: 45})
	h.send(deliveriesMsg{ds: fakeDeliveries(1, DefaultLimit)})
	h.m.Update(uitest.Key("/"))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.m.Update(tea.KeyPressMsg{Code: '7', Text: "7"})
		h.m.Update(uitest.Key("backspace"))
		h.m.View()
	}
}

// BenchmarkDetailLargeBody builds the detail of a 200 KiB JSON body, as
// opening it (or moving onto it beside the list) does.
func BenchmarkDetailLargeBody(b *testing.B) {
	h := newHarness(b, setup{w: 160, h: 45})
	d := fakeDeliveries(1, 1)[0]
	big := []byte(`{"items":[`)
	for len(big) < 200<<10 {
		big = append(big, `{"id":"t_0123456789","state":"completed","note":"a line of text that is long enough to wrap at narrow widths, and then some"},`...)
	}
	big = append(big[:len(big)-1], "]}"...)
	d.Body, d.Size = big, int64(len(big))
	e := newEntry(d)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buildDetail(h.m.ctx.Theme, e, h.m.secretList, 158)
	}
}

// BenchmarkFilterPathKeystroke is one key typed in a path=value filter over
// a full list: every body that holds the value is decoded.
func BenchmarkFilterPathKeystroke(b *testing.B) {
	h := newHarness(b, setup{w: 160, h: 45})
	h.send(deliveriesMsg{ds: fakeDeliveries(1, DefaultLimit)})
	h.m.Update(uitest.Key("/"))
	h.m.Update(tea.PasteMsg{Content: "data.task.features.proxy.state=completed"})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.m.Update(tea.KeyPressMsg{Code: ' ', Text: " "})
		h.m.Update(uitest.Key("backspace"))
		h.m.View()
	}
}
