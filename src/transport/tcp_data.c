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

/*
 * One connection's I/O with a no-progress watchdog: the sockets time out
 * every TCP_POLL_MS (a look at stop); a connection that has moved no byte
 * for the endpoint's timeout has a frozen or vanished peer.
 */
struct io {
	int fd;
	struct lr_worker_ctl *ctl;
	int timeout_ms;
	bool progress; /* a byte moved since the last timeout */
	uint64_t idle_since;
};

static void io_init(struct io *io, int fd, struct lr_worker_ctl *ctl,
		    int timeout_ms)
{
	*io = (struct io){ .fd = fd,
			   .ctl = ctl,
			   .timeout_ms = timeout_ms,
			   .idle_since = lr_now_ns() };
}

/* After a send or recv that moved nothing (n <= 0): 0 to go on, or the
 * failure (1: stopped, the peer may close after its window). */
static int io_idle(struct io *io, ssize_t n, bool wr)
{
	const char *what = wr ? "tcp send" : "tcp receive";
	uint64_t now;

	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		if (stopped(io->ctl))
			return 1;
		lr_worker_fail(io->ctl, -errno, "%s: %s", what,
			       strerror(errno));
		return io->ctl->error;
	}
	if (n == 0) {
		if (stopped(io->ctl))
			return 1;
		lr_worker_fail(io->ctl, -ECONNRESET,
			       "%s: the peer closed the data connection", what);
		return io->ctl->error;
	}
	now = lr_now_ns();
	if (io->progress) {
		io->progress = false;
		io->idle_since = now;
		return 0;
	}
	if (now - io->idle_since < (uint64_t)io->timeout_ms * 1000000u)
		return 0;
	lr_worker_fail(io->ctl, -ETIMEDOUT, "%s: no progress for %.1f s (%s)",
		       what, (double)io->timeout_ms / 1000,
		       wr ? "the peer does not read" :
			    "the peer sends nothing");
	return io->ctl->error;
}

static ssize_t io_once(struct io *io, char *buf, size_t len, bool wr)
{
	ssize_t n = wr ? send(io->fd, buf, len, MSG_NOSIGNAL) :
			 recv(io->fd, buf, len, 0);

	if (n > 0)
		io->progress = true;
	return n;
}

static int stream_loop(struct io *io, char *buf, size_t size, bool wr)
{
	struct lr_worker_ctl *ctl = io->ctl;
	uint64_t done = 0;

	while (!stopped(ctl) && (!ctl->byte_limit || done < ctl->byte_limit)) {
		ssize_t n = io_once(io, buf, chunk(ctl, done, size), wr);
		int ret;

		if (n > 0) {
			done += (uint64_t)n;
			count(ctl, (size_t)n);
			continue;
		}
		ret = io_idle(io, n, wr);
		if (ret)
			return ret > 0 ? 0 : ret;
	}
	return 0;
}

/* A whole message: 0, 1 when stopped, or the failure. */
static int io_full(struct io *io, char *buf, size_t len, bool wr)
{
	while (len) {
		ssize_t n;
		int ret;

		if (stopped(io->ctl))
			return 1;
		n = io_once(io, buf, len, wr);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		ret = io_idle(io, n, wr);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Ping-pong: the client sends a message and waits for it back; the server
 * echoes. The client records half of each round trip that lay inside the
 * window. A message may take as long as it needs while its bytes move.
 */
static int pingpong(struct io *io, char *buf, size_t size, bool client)
{
	struct lr_worker_ctl *ctl = io->ctl;

	while (!stopped(ctl)) {
		bool began = lr_lat_begin(ctl);
		uint64_t t0 = lr_now_ns();
		int ret = 0;

		if (client)
			ret = io_full(io, buf, size, true);
		if (!ret)
			ret = io_full(io, buf, size, false);
		if (!ret && !client)
			ret = io_full(io, buf, size, true);
		if (ret)
			return ret > 0 ? 0 : ret;
		count(ctl, size);
		if (client)
			lr_lat_end(ctl, began, t0, lr_now_ns());
	}
	return 0;
}

int tcp_run_worker(struct lr_endpoint *e, unsigned idx,
		   struct lr_worker_ctl *ctl)
{
	struct tcp_ep *ep = (struct tcp_ep *)e;
	size_t size = (size_t)ep->params.msg_size;
	struct lr_worker_info info;
	struct io io;
	char *buf;
	int ret;

	lr_tcp_ops.worker_info(e, idx, &info);
	lr_place_pin(&ep->pl, idx);
	buf = ep->bufs[idx];
	memset(buf, 0xa5, size);
	io_init(&io, ep->fds[idx], ctl, ep->timeout_ms);
	if (ep->params.mode == LR_MODE_LAT)
		ret = pingpong(&io, buf, size, ep->role == LR_ROLE_CLIENT);
	else
		ret = stream_loop(&io, buf, size, info.sends);
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
