// SPDX-License-Identifier: MIT
/* tcp transport: opening and naming the data connections. */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "linerate/util.h"
#include "tcp_int.h"
#include "linerate/sock.h"

/* First bytes on every data connection, client to server. */
struct tcp_hello {
	uint32_t magic; /* TCP_HELLO_MAGIC, network order */
	uint32_t index; /* worker index, network order */
	uint64_t token; /* the server's token, as the server sent */
};

void tcp_opts_parse(const json_t *opts, struct tcp_opts *out)
{
	json_t *v;

	memset(out, 0, sizeof(*out));
	if ((v = json_object_get(opts, "window")))
		out->window = (uint64_t)json_integer_value(v);
	if ((v = json_object_get(opts, "congestion")))
		snprintf(out->congestion, sizeof(out->congestion), "%s",
			 json_string_value(v));
	out->no_delay = json_is_true(json_object_get(opts, "no_delay"));
}

const char *tcp_token_str(uint64_t token, char buf[TCP_TOKEN_LEN])
{
	snprintf(buf, TCP_TOKEN_LEN, "%016llx", (unsigned long long)token);
	return buf;
}

int tcp_mss(int fd)
{
	int mss = 0;
	socklen_t len = sizeof(mss);

	if (getsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, &len))
		return -errno;
	return mss;
}

static int apply_opts(const struct tcp_ep *ep, int fd)
{
	int win = (int)ep->opts.window, one = 1;
	const char *cc = ep->opts.congestion;

	if (win && (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &win, sizeof(win)) ||
		    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &win, sizeof(win))))
		goto fail;
	if (*cc && setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc,
			      (socklen_t)strlen(cc)))
		goto fail;
	/* Ping-pong must not wait on Nagle at either end. */
	if ((ep->opts.no_delay || ep->params.mode == LR_MODE_LAT) &&
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		goto fail;
	return lr_sock_set_timeouts(fd, TCP_POLL_MS);
fail:
	win = errno;
	lr_err("tcp: cannot apply socket options (window %llu, congestion "
	       "'%s'): %s",
	       (unsigned long long)ep->opts.window, cc, strerror(win));
	return -win;
}

static int parse_peer(const json_t *info, uint16_t *port, uint64_t *token)
{
	json_int_t p = json_integer_value(json_object_get(info, "port"));
	const char *t = json_string_value(json_object_get(info, "token"));
	char *end;

	if (p <= 0 || p > 65535 || !t || strlen(t) != 16)
		return -EPROTO;
	*token = strtoull(t, &end, 16);
	if (*end)
		return -EPROTO;
	*port = (uint16_t)p;
	return 0;
}

static int client_open(struct tcp_ep *ep, unsigned idx, uint16_t port,
		       uint64_t token)
{
	struct tcp_hello h = { htonl(TCP_HELLO_MAGIC), htonl(idx),
			       htobe64(token) };
	int fd, ret;

	fd = lr_sock_connect(ep->peer_host, port, ep->timeout_ms,
			     ep->dev[0] ? ep->dev : NULL);
	if (fd < 0) {
		lr_err("tcp: cannot open data connection %u to %s port %u: %s",
		       idx, ep->peer_host, port, strerror(-fd));
		return fd;
	}
	ep->fds[idx] = fd;
	ret = lr_sock_write_full(fd, &h, sizeof(h), ep->timeout_ms);
	if (ret) {
		lr_err("tcp: data connection %u: cannot send its hello: %s",
		       idx, strerror(-ret));
		return ret;
	}
	return apply_opts(ep, fd);
}

/*
 * Read a connection's hello and place it. *placed: whether ep owns fd now
 * (then a failure is the socket options'); if not, the caller closes it.
 */
static int server_place(struct tcp_ep *ep, int fd, bool *placed)
{
	struct tcp_hello h;
	int ret = lr_sock_read_full(fd, &h, sizeof(h), ep->timeout_ms);
	uint32_t idx = ntohl(h.index);

	*placed = false;
	if (ret)
		return ret;
	if (ntohl(h.magic) != TCP_HELLO_MAGIC ||
	    be64toh(h.token) != ep->token || idx >= ep->nconns ||
	    ep->fds[idx] >= 0)
		return -EPROTO;
	ep->fds[idx] = fd;
	*placed = true;
	return apply_opts(ep, fd);
}

static int server_accept_all(struct tcp_ep *ep)
{
	uint64_t deadline = lr_now_ns() + (uint64_t)ep->timeout_ms * 1000000;
	unsigned placed = 0;

	while (placed < ep->nconns) {
		int64_t left = (int64_t)(deadline - lr_now_ns()) / 1000000;
		bool ok;
		int fd, ret;

		fd = lr_sock_accept(ep->lfd, left > 0 ? (int)left : 0);
		if (fd < 0) {
			lr_err("tcp: %u of %u data connections arrived: %s",
			       placed, ep->nconns, strerror(-fd));
			return fd;
		}
		ret = server_place(ep, fd, &ok);
		if (!ok) {
			/* Whatever went wrong, a stranger is not the test's
			 * failure; its descriptor is ours to close. */
			lr_warn("tcp: refused a data connection that did not "
				"introduce itself as this test's: %s",
				strerror(-ret));
			close(fd);
			continue;
		}
		if (ret)
			return ret; /* placed: closed with the endpoint */
		placed++;
	}
	return 0;
}

int tcp_connect(struct lr_endpoint *e, const json_t *peer_info)
{
	struct tcp_ep *ep = (struct tcp_ep *)e;
	uint16_t port;
	uint64_t token;
	int ret;

	if (ep->role == LR_ROLE_SERVER) {
		ret = server_accept_all(ep);
		return ret ? ret : tcp_place(ep);
	}
	if (parse_peer(peer_info, &port, &token)) {
		lr_err("tcp: the server's info has no valid port and token");
		return -EPROTO;
	}
	for (unsigned i = 0; i < ep->nconns; i++) {
		ret = client_open(ep, i, port, token);
		if (ret)
			return ret;
	}
	return tcp_place(ep);
}
