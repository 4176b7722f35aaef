package feed

import "syscall"

// setLowWater sets the bytes a socket holds before it reads as ready
// (SO_RCVLOWAT; Linux honours it for epoll since 4.20). A read that does
// not wait still returns whatever is there.
func setLowWater(fd uintptr, n int) {
	_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVLOWAT, n)
}

// quietMark is the low-water mark to quiet fd with: quietBytes, or a
// quarter of the socket's receive buffer when that is less. A mark the
// buffer cannot hold makes Linux grow the buffer and clamp the TCP window
// to the mark for the rest of the connection, which would cap a distant
// server's throughput; a quarter never does. 1 (no quieting) when the
// buffer cannot be read.
func quietMark(fd uintptr) int {
	buf, err := syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF)
	if err != nil {
		return 1
	}
	return max(1, min(quietBytes, buf/4))
}
