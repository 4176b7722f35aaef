package listen

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aspect-hq/aspect-tui/api"
)

// ProblemRefusedByServer: Go's HTTP server answered the request itself,
// before the handler ran (headers too large, a byte a header may not hold),
// or the connection ended before its headers were whole (cut off, or none
// within the header timeout). Such a request reaches neither verification
// nor the user's handler, and would otherwise be seen nowhere.
const ProblemRefusedByServer Problem = "refused_by_server"

// firstLineMax is how much of a refused request is kept to name it.
const firstLineMax = 512

// readHeaderTimeout is how long a sender has to send its headers.
const readHeaderTimeout = 10 * time.Second

// trackedListener hands out connections that notice a request the server
// refused before the handler ran.
type trackedListener struct {
	net.Listener
	r *Receiver
}

func (l trackedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &trackedConn{Conn: c, r: l.r, opened: time.Now()}, nil
}

// trackedConn keeps the first bytes a client sent and the first status the
// server wrote, until a handler says it took a request on it.
type trackedConn struct {
	net.Conn
	r       *Receiver
	opened  time.Time
	handled atomic.Bool // a request on this connection reached the handler

	mu     sync.Mutex
	first  []byte // the first bytes read, up to firstLineMax
	read   int64
	status int  // the status the server wrote itself, 0 none
	ended  bool // the sender closed its side (EOF) before a handler took a request
	late   bool // a read timed out (no headers within the header timeout)
	once   sync.Once
}

// connKey finds a request's trackedConn in its context.
type connKey struct{}

func connContext(ctx context.Context, c net.Conn) context.Context {
	if tc, ok := c.(*trackedConn); ok {
		return context.WithValue(ctx, connKey{}, tc)
	}
	return ctx
}

// reachedHandler marks req's connection as served by the handler.
func reachedHandler(ctx context.Context) {
	if tc, ok := ctx.Value(connKey{}).(*trackedConn); ok {
		tc.handled.Store(true)
	}
}

func (c *trackedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if (n > 0 || err != nil) && !c.handled.Load() {
		c.mu.Lock()
		c.read += int64(n)
		if room := firstLineMax - len(c.first); room > 0 {
			c.first = append(c.first, p[:min(n, room)]...)
		}
		var ne net.Error
		switch {
		case errors.Is(err, io.EOF):
			c.ended = true
		case errors.As(err, &ne) && ne.Timeout():
			c.late = true
		}
		c.mu.Unlock()
	}
	return n, err
}

func (c *trackedConn) Write(p []byte) (int, error) {
	if !c.handled.Load() {
		c.mu.Lock()
		if c.status == 0 && bytes.HasPrefix(p, []byte("HTTP/1.")) && len(p) >= 12 {
			c.status, _ = strconv.Atoi(string(p[9:12]))
		}
		c.mu.Unlock()
	}
	return c.Conn.Write(p)
}

// Close reports a request that never reached the handler: bytes came, and
// the server answered it itself or the connection ended mid-headers.
func (c *trackedConn) Close() error {
	c.once.Do(func() {
		if c.handled.Load() {
			return
		}
		c.mu.Lock()
		first, read, status, cut := c.first, c.read, c.status, c.ended || c.late
		c.mu.Unlock()
		if read == 0 {
			return // opened and closed with nothing said: not a request
		}
		c.r.refusedByServer(c.Conn.RemoteAddr(), first, read, status, cut, c.opened)
	})
	return c.Conn.Close()
}

// refusedByServer counts a request the server refused before the handler
// and hands it to the consumer, to show with its reason. Nothing waits
// for it: its answer has been written already.
func (r *Receiver) refusedByServer(addr net.Addr, first []byte, read int64, status int, cut bool, opened time.Time) {
	r.received.Add(1)
	r.refused.Add(1)
	method, path := "?", "?"
	line, _, _ := bytes.Cut(first, []byte("\n"))
	if f := strings.Fields(string(bytes.TrimRight(line, "\r"))); len(f) >= 2 {
		method, path = api.Clip(f[0], 16), api.Clip(f[1], 300)
	}
	d := Request{
		Seq: int(r.seq.Add(1)), Time: r.opts.Now(), Method: method, Path: path,
		RemoteAddr: api.Clip(addr.String(), 64), Size: read, MatchedSecret: -1,
		Status: status, Problem: ProblemRefusedByServer, Reason: refusedReason(status, cut, readHeaderTimeout),
		Duration: time.Since(opened),
	}
	if r.opts.Unwatched {
		return
	}
	h := &held{done: make(chan struct{})}
	d.held = h
	h.d = d
	r.q.push(h)
}

func refusedReason(status int, cut bool, headerTimeout time.Duration) string {
	switch {
	case cut:
		return "the connection ended before the request's headers were whole: the sender cut it off, or sent none within " + headerTimeout.String()
	case status == 431:
		return "refused by the HTTP server before verification (431): the headers are too many or too large (the limit is 64 KiB)"
	case status == 400:
		return "refused by the HTTP server before verification (400): a malformed request line or header (a NUL, a control character, or a name a header may not have)"
	case status == 413:
		return "refused by the HTTP server before verification (413): the request is too large"
	case status != 0:
		return "refused by the HTTP server before verification (" + strconv.Itoa(status) + ")"
	}
	return "the connection closed before the request reached verification"
}
