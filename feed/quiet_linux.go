package feed

import "syscall"

// setLowWater sets the bytes a socket holds before it reads as ready
// (SO_RCVLOWAT; Linux honours it for epoll since 4.20). A read that does
// not wait still returns whatever is there.
func setLowWater(fd uintptr, n int) {
	_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVLOWAT, n)
}
