/* SPDX-License-Identifier: MIT */
/* util: socket helpers shared by the tcp transport and the control channel. */
#ifndef LINERATE_SOCK_H
#define LINERATE_SOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Listen on host (NULL: every address, IPv6 and IPv4) and port (0: any).
 * Returns the socket or -errno; *bound gets the port. */
int lr_sock_listen(const char *host, uint16_t port, int backlog,
		   uint16_t *bound);
/* Connect to host:port within timeout_ms, trying every address. Returns the
 * socket or -errno (-ETIMEDOUT, -ECONNREFUSED, -EHOSTUNREACH, -ENOENT when
 * the name does not resolve). */
int lr_sock_connect(const char *host, uint16_t port, int timeout_ms,
		    const char *dev);
/* TCP_NODELAY: for request/response traffic such as the control channel. */
int lr_sock_nodelay(int fd);
/* Accept one connection within timeout_ms. Returns the socket or -errno. */
int lr_sock_accept(int lfd, int timeout_ms);
/* Blocking I/O with SO_RCVTIMEO/SO_SNDTIMEO of ms milliseconds. */
int lr_sock_set_timeouts(int fd, int ms);
/* Read/write exactly len bytes within timeout_ms (poll based). */
int lr_sock_read_full(int fd, void *buf, size_t len, int timeout_ms);
int lr_sock_write_full(int fd, const void *buf, size_t len, int timeout_ms);
/* Numeric address and port of a socket's local or remote end. */
int lr_sock_name(int fd, int peer, char *addr, size_t len, uint16_t *port);
/* Name of the interface that holds a socket's local address ("lo"). */
int lr_sock_ifname(int fd, char *name, size_t len);

#endif
