// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "linerate/util.h"
#include "linerate/sock.h"

static int resolve(const char *host, uint16_t port, int passive,
		   struct addrinfo **res)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = passive ? AI_PASSIVE : AI_ADDRCONFIG,
	};
	char service[8];
	int ret;

	snprintf(service, sizeof(service), "%u", port);
	ret = getaddrinfo(host, service, &hints, res);
	if (ret == EAI_SYSTEM)
		return -errno;
	if (ret) {
		lr_err("cannot resolve '%s': %s", host ? host : "*",
		       gai_strerror(ret));
		return -ENOENT;
	}
	return 0;
}

static int listen_any(uint16_t port, int backlog)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(port),
				   .sin6_addr = IN6ADDR_ANY_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET,
				  .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_ANY) };
	int one = 1, zero = 0;
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		if (!bind(fd, (struct sockaddr *)&a6, sizeof(a6)) &&
		    !listen(fd, backlog))
			return fd;
		close(fd);
	}
	/* No IPv6 on this host: IPv4 only. */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a4, sizeof(a4)) ||
	    listen(fd, backlog)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

static int listen_host(const char *host, uint16_t port, int backlog)
{
	struct addrinfo *res, *ai;
	int fd = -EADDRNOTAVAIL, one = 1, ret;

	ret = resolve(host, port, 1, &res);
	if (ret)
		return ret;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			fd = -errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (!bind(fd, ai->ai_addr, ai->ai_addrlen) &&
		    !listen(fd, backlog))
			break;
		ret = -errno;
		close(fd);
		fd = ret;
	}
	freeaddrinfo(res);
	return fd;
}

int lr_sock_listen(const char *host, uint16_t port, int backlog,
		   uint16_t *bound)
{
	int fd = host && *host ? listen_host(host, port, backlog) :
				 listen_any(port, backlog);

	if (fd < 0) {
		lr_err("cannot listen on %s port %u: %s", host ? host : "*",
		       port, strerror(-fd));
		return fd;
	}
	if (bound && lr_sock_name(fd, 0, NULL, 0, bound)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	do
		n = poll(&p, 1, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n ? 0 : -ETIMEDOUT;
}

static int connect_one(const struct addrinfo *ai, int timeout_ms,
		       const char *dev)
{
	int fd, ret, err = 0;
	socklen_t len = sizeof(err);

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (dev && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev,
			      (socklen_t)strlen(dev) + 1)) {
		ret = -errno;
		goto err_close;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS) {
		ret = -errno;
		goto err_close;
	}
	ret = wait_fd(fd, POLLOUT, timeout_ms);
	if (!ret && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
		ret = -errno;
	if (!ret && err)
		ret = -err;
	if (ret)
		goto err_close;
	fcntl(fd, F_SETFL, 0);
	return fd;
err_close:
	close(fd);
	return ret;
}

int lr_sock_connect(const char *host, uint16_t port, int timeout_ms,
		    const char *dev)
{
	struct addrinfo *res, *ai;
	int fd = -EHOSTUNREACH, ret;

	ret = resolve(host, port, 0, &res);
	if (ret)
		return ret;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = connect_one(ai, timeout_ms, dev);
		if (fd >= 0)
			break;
	}
	freeaddrinfo(res);
	return fd;
}

int lr_sock_nodelay(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		return -errno;
	return 0;
}

int lr_sock_accept(int lfd, int timeout_ms)
{
	int ret = wait_fd(lfd, POLLIN, timeout_ms);
	int fd;

	if (ret)
		return ret;
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int lr_sock_set_timeouts(int fd, int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000,
			      .tv_usec = (ms % 1000) * 1000 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))
		return -errno;
	return 0;
}

static int io_full(int fd, void *buf, size_t len, int timeout_ms, int wr)
{
	uint64_t deadline = lr_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	char *p = buf;

	while (len) {
		int64_t left = (int64_t)(deadline - lr_now_ns()) / 1000000;
		ssize_t n;
		int ret;

		if (left <= 0)
			return -ETIMEDOUT;
		ret = wait_fd(fd, wr ? POLLOUT : POLLIN, (int)left);
		if (ret)
			return ret;
		n = wr ? send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT) :
			 recv(fd, p, len, MSG_DONTWAIT);
		if (n < 0 && errno == ENOTSOCK) /* a pipe: stdio, ssh */
			n = wr ? write(fd, p, len) : read(fd, p, len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET; /* orderly close by the peer */
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int lr_sock_read_full(int fd, void *buf, size_t len, int timeout_ms)
{
	return io_full(fd, buf, len, timeout_ms, 0);
}

int lr_sock_write_full(int fd, const void *buf, size_t len, int timeout_ms)
{
	return io_full(fd, (void *)buf, len, timeout_ms, 1);
}

int lr_sock_name(int fd, int peer, char *addr, size_t len, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	int ret = peer ? getpeername(fd, (struct sockaddr *)&ss, &sl) :
			 getsockname(fd, (struct sockaddr *)&ss, &sl);

	if (ret)
		return -errno;
	if (getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), serv,
			sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV))
		return -EINVAL;
	/* IPv4 peers of a dual-stack socket appear as ::ffff:a.b.c.d */
	if (addr)
		snprintf(addr, len, "%s",
			 strncmp(host, "::ffff:", 7) ? host : host + 7);
	if (port)
		*port = (uint16_t)atoi(serv);
	return 0;
}

static bool same_addr(const struct sockaddr *a,
		      const struct sockaddr_storage *b)
{
	if (a->sa_family == AF_INET && b->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->sa_family == AF_INET && b->ss_family == AF_INET6) {
		const struct in6_addr *m =
			&((const struct sockaddr_in6 *)b)->sin6_addr;

		return IN6_IS_ADDR_V4MAPPED(m) &&
		       !memcmp(&m->s6_addr[12],
			       &((const struct sockaddr_in *)a)->sin_addr, 4);
	}
	if (a->sa_family == AF_INET6 && b->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr,
			       sizeof(struct in6_addr));
	return false;
}

int lr_sock_ifname(int fd, char *name, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct ifaddrs *ifa, *i;
	int ret = -ENOENT;

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) || getifaddrs(&ifa))
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		if (i->ifa_addr && same_addr(i->ifa_addr, &ss)) {
			snprintf(name, len, "%s", i->ifa_name);
			ret = 0;
			break;
		}
	}
	freeifaddrs(ifa);
	return ret;
}
