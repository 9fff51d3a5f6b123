// SPDX-License-Identifier: MIT
/* tcp transport: the data path of one worker (one connection). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "linerate/engine.h"
#include "linerate/util.h"
#include "tcp_int.h"
#include "linerate/sock.h"

static bool stopped(const struct lr_worker_ctl *ctl)
{
	return atomic_load_explicit(ctl->stop, memory_order_relaxed);
}

static size_t chunk(const struct lr_worker_ctl *ctl, uint64_t done, size_t size)
{
	uint64_t left;

	if (!ctl->byte_limit)
		return size;
	left = ctl->byte_limit - done;
	return left < size ? (size_t)left : size;
}

static void count(struct lr_worker_ctl *ctl, size_t n)
{
	atomic_fetch_add_explicit(&ctl->bytes, n, memory_order_relaxed);
}

static int send_loop(int fd, char *buf, size_t size, struct lr_worker_ctl *ctl)
{
	uint64_t done = 0;

	while (!stopped(ctl) && (!ctl->byte_limit || done < ctl->byte_limit)) {
		ssize_t n = send(fd, buf, chunk(ctl, done, size), MSG_NOSIGNAL);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue; /* SO_SNDTIMEO: look at stop again */
		if (n < 0 && stopped(ctl))
			return 0; /* the peer closed after the window */
		if (n < 0) {
			lr_worker_fail(ctl, -errno, "tcp send: %s",
				       strerror(errno));
			return ctl->error;
		}
		done += (uint64_t)n;
		count(ctl, (size_t)n);
	}
	return 0;
}

static int recv_loop(int fd, char *buf, size_t size, struct lr_worker_ctl *ctl)
{
	uint64_t done = 0;

	while (!stopped(ctl) && (!ctl->byte_limit || done < ctl->byte_limit)) {
		ssize_t n = recv(fd, buf, chunk(ctl, done, size), 0);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue; /* SO_RCVTIMEO: look at stop again */
		if (n <= 0 && stopped(ctl))
			return 0; /* the peer closed after the window */
		if (n <= 0) {
			lr_worker_fail(
				ctl, n ? -errno : -ECONNRESET,
				"tcp receive: %s",
				n ? strerror(errno) :
				    "the peer closed the data connection");
			return ctl->error;
		}
		done += (uint64_t)n;
		count(ctl, (size_t)n);
	}
	return 0;
}

/* Ping-pong: the client sends a message and waits for it back; the server
 * echoes. The client records half of each round trip. */
static int pingpong(int fd, char *buf, size_t size, bool client,
		    struct lr_worker_ctl *ctl)
{
	while (!stopped(ctl)) {
		uint64_t t0 = lr_now_ns();
		int ret = 0;

		if (client)
			ret = lr_sock_write_full(fd, buf, size, 1000);
		if (!ret)
			ret = lr_sock_read_full(fd, buf, size, 1000);
		if (ret == -ETIMEDOUT && stopped(ctl))
			return 0;
		if (!ret && !client)
			ret = lr_sock_write_full(fd, buf, size, 1000);
		if (ret) {
			lr_worker_fail(ctl, ret, "tcp ping-pong: %s",
				       strerror(-ret));
			return ret;
		}
		count(ctl, size);
		if (client && ctl->lat)
			lr_lat_add(ctl->lat, (lr_now_ns() - t0) / 2);
	}
	return 0;
}

int tcp_run_worker(struct lr_endpoint *e, unsigned idx,
		   struct lr_worker_ctl *ctl)
{
	struct tcp_ep *ep = (struct tcp_ep *)e;
	size_t size = (size_t)ep->params.msg_size;
	struct lr_worker_info info;
	char *buf;
	int ret;

	lr_tcp_ops.worker_info(e, idx, &info);
	lr_place_pin(&ep->pl, idx);
	buf = ep->bufs[idx];
	memset(buf, 0xa5, size);
	if (ep->params.mode == LR_MODE_LAT)
		ret = pingpong(ep->fds[idx], buf, size,
			       ep->role == LR_ROLE_CLIENT, ctl);
	else if (info.sends)
		ret = send_loop(ep->fds[idx], buf, size, ctl);
	else
		ret = recv_loop(ep->fds[idx], buf, size, ctl);
	return ret;
}

/* The netdev's device decides the node and the workers' CPUs; every
 * worker's buffer is bound to that node before its first touch. */
int tcp_place(struct tcp_ep *ep)
{
	char ifname[32] = "", devdir[96];

	if (ep->dev[0])
		snprintf(ifname, sizeof(ifname), "%s", ep->dev);
	else if (ep->nconns &&
		 lr_sock_ifname(ep->fds[0], ifname, sizeof(ifname)))
		ifname[0] = '\0';
	snprintf(devdir, sizeof(devdir), "sys/class/net/%s/device", ifname);
	lr_place_plan(&ep->pl, ifname, ifname[0] ? devdir : NULL, ep->nconns);
	ep->bufs = calloc(ep->nconns ? ep->nconns : 1, sizeof(*ep->bufs));
	if (!ep->bufs)
		return -ENOMEM;
	for (unsigned i = 0; i < ep->nconns; i++) {
		size_t len = (size_t)ep->params.msg_size;

		ep->bufs[i] = lr_place_alloc(&ep->pl, &len, false);
		if (!ep->bufs[i]) {
			lr_err("tcp: no memory for a %zu-byte buffer: %s", len,
			       strerror(errno));
			return -ENOMEM;
		}
		ep->buflen = len;
	}
	return 0;
}
