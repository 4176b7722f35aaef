package feed

import (
	"crypto/tls"
	"net"
	"syscall"
)

// quietBytes is the most a stream's socket holds before the kernel wakes
// the process while the reader is paced (quietMark): more than a batch's
// worth at 1,000 events a second.
const quietBytes = 64 << 10

// quiet keeps the kernel from waking the process for every packet of the
// stream while the reader is paced. The events would wait in the socket
// anyway, but each one that arrives still wakes the runtime's network
// poller: at 1,000 events a second that was a wake-up a millisecond, and a
// tenth of the process's CPU. The socket is quieted only while the reader
// sleeps; it is woken before each read, so a read never waits for more
// bytes than the server sent.
//
// It needs a connection of the stream's own (HTTP/1: HTTP/2 shares one
// with every other call) that is a plain or TLS socket; otherwise it does
// nothing.
type quiet struct {
	rc syscall.RawConn
}

// quietFor returns the quieting for conn, or nil when it cannot have one.
func quietFor(conn net.Conn) *quiet {
	if tc, ok := conn.(*tls.Conn); ok {
		conn = tc.NetConn()
	}
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return &quiet{rc: rc}
}

// hold quiets the socket (on) or wakes it. A socket that refuses is left
// as it is: the cost is wake-ups, not events.
func (q *quiet) hold(on bool) {
	if q == nil {
		return
	}
	_ = q.rc.Control(func(fd uintptr) {
		if on {
			setLowWater(fd, quietMark(fd))
		} else {
			setLowWater(fd, 1)
		}
	})
}
