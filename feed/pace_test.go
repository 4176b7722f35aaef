package feed

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// countingConn counts the reads that brought bytes.
type countingConn struct {
	net.Conn
	reads *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.reads.Add(1)
	}
	return n, err
}

// While events come faster than batches go, the stream is read a few
// times a batch, not once an event: they would wait for the batch anyway.
// (Load on the machine can only make reads fewer: a slow reader finds
// more waiting.)
func TestStreamIsReadAtThePaceOfBatches(t *testing.T) {
	const events = 600 // one a millisecond
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/tasks/active" {
			w.Write([]byte("[]"))
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for i := 1; i <= events; i++ {
			env := fmt.Sprintf(`{"timestamp":"2025-06-01T12:00:00Z","user_id":"u","event_id":"e%d","event_type":"task.progress","data":{"task":{"id":"t%d","features":{"proxy":{"state":"processing"}},"created":"2025-06-01T11:00:00Z","updated":"2025-06-01T12:00:00Z"}}}`, i, i)
			fmt.Fprintf(w, "id: e%d\nevent: task.progress\ndata: %s\n\n", i, env)
			w.(http.Flusher).Flush()
			select {
			case <-tick.C:
			case <-r.Context().Done():
				return
			}
		}
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	var reads atomic.Int64
	dial := (&net.Dialer{}).DialContext
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return countingConn{Conn: c, reads: &reads}, nil
	}}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := api.NewClient(srv.URL, "sk_test", api.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := Start(ctx, c, Options{})
	t.Cleanup(func() { cancel(); _ = f.Wait() })
	got, batches := 0, 0
	deadline := time.After(30 * time.Second)
	for got < events {
		select {
		case b, ok := <-f.Batches():
			if !ok {
				t.Fatalf("the feed stopped after %d events: %v", got, f.Wait())
			}
			got += len(b.Events)
			batches++
		case <-deadline:
			t.Fatalf("%d of %d events in 30 s", got, events)
		}
	}
	t.Logf("%d events in %d batches, %d reads", got, batches, reads.Load())
	if n := reads.Load(); n > events/3 {
		t.Errorf("%d reads for %d events in %d batches: the stream is read about once an event", n, events, batches)
	}
}

// While the reader is paced its socket is quieted (no wake-up until many
// bytes wait), and it is woken before each read: an event that comes
// alone after a burst, long before that many bytes, still arrives at
// once, on the same connection, plain or TLS.
func TestALoneEventAfterABurstIsNotHeldBack(t *testing.T) {
	for _, tls := range []bool{false, true} {
		t.Run(fmt.Sprintf("tls=%v", tls), func(t *testing.T) { loneEventAfterABurst(t, tls) })
	}
}

func loneEventAfterABurst(t *testing.T, tls bool) {
	const burst = 300
	lone := make(chan time.Time, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/tasks/active" {
			w.Write([]byte("[]"))
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		send := func(i int) {
			env := fmt.Sprintf(`{"timestamp":"2025-06-01T12:00:00Z","user_id":"u","event_id":"e%d","event_type":"task.progress","data":{"task":{"id":"t%d","features":{"proxy":{"state":"processing"}},"created":"2025-06-01T11:00:00Z","updated":"2025-06-01T12:00:00Z"}}}`, i, i)
			fmt.Fprintf(w, "id: e%d\nevent: task.progress\ndata: %s\n\n", i, env)
			w.(http.Flusher).Flush()
		}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for i := 1; i <= burst; i++ {
			send(i)
			select {
			case <-tick.C:
			case <-r.Context().Done():
				return
			}
		}
		select {
		case <-time.After(300 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		lone <- time.Now()
		send(burst + 1)
		<-r.Context().Done()
	}))
	opts := []api.Option{}
	if tls {
		srv.StartTLS() // HTTP/1.1 over TLS: the stream has its connection to itself
		opts = append(opts, api.WithHTTPClient(srv.Client()))
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	c, err := api.NewClient(srv.URL, "sk_test", opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := Start(ctx, c, Options{})
	t.Cleanup(func() { cancel(); _ = f.Wait() })
	got := 0
	deadline := time.After(10 * time.Second)
	for got <= burst {
		select {
		case b, ok := <-f.Batches():
			if !ok {
				t.Fatalf("the feed stopped after %d events: %v", got, f.Wait())
			}
			got += len(b.Events)
			if b.Conn != nil && b.Conn.Reconnects > 0 {
				t.Fatalf("the stream was reconnected (%s) after %d events", b.Conn.LastDrop, got)
			}
		case <-deadline:
			t.Fatalf("%d of %d events in 10 s: the last, sent alone after a pause, was held back", got, burst+1)
		}
	}
	t.Logf("the lone event arrived %v after it was sent", time.Since(<-lone).Round(time.Millisecond))
}
