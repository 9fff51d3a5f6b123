// SPDX-License-Identifier: MIT
/*
 * The tcp transport: one TCP connection per stream and direction. The
 * server listens on an ephemeral port that travels in its info; the client
 * opens every connection and names it with a 16-byte hello (magic, token,
 * index) so that the server can place it and refuse strangers.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "linerate/engine.h"
#include "linerate/util.h"
#include "tcp_int.h"
#include "linerate/sock.h"

static const struct lr_transport_opt tcp_options[] = {
	{ "window", LR_OPT_SIZE, 4096, 1ull << 30, NULL,
	  "socket buffer size (SO_SNDBUF/SO_RCVBUF; default: kernel autotuning)" },
	{ "congestion", LR_OPT_STRING, 0, 15, NULL,
	  "TCP congestion control algorithm, e.g. cubic or bbr" },
	{ "no-delay", LR_OPT_BOOL, 0, 1, NULL,
	  "set TCP_NODELAY on data sockets" },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static int tcp_check(const struct lr_test_params *p, const json_t *opts,
		     char *err, size_t errlen)
{
	if (p->mode == LR_MODE_LAT && (p->streams != 1 || p->bidir)) {
		snprintf(err, errlen,
			 "tcp latency mode takes one stream, "
			 "one direction");
		return -EINVAL;
	}
	return 0;
}

static unsigned ndirs(const struct lr_test_params *p)
{
	return p->mode == LR_MODE_BW && p->bidir ? 2 : 1;
}

static void worker_at(const struct tcp_ep *ep, unsigned idx,
		      struct lr_worker_info *info)
{
	const struct lr_test_params *p = &ep->params;
	enum lr_dir first = p->reverse && !p->bidir ? LR_DIR_S2C : LR_DIR_C2S;

	info->dir = idx / p->streams ? LR_DIR_S2C : first;
	if (p->mode == LR_MODE_LAT)
		info->dir = LR_DIR_C2S;
	info->sends = lr_dir_sender(ep->role, info->dir);
}

static unsigned tcp_nworkers(const struct lr_endpoint *e)
{
	const struct tcp_ep *ep = (const struct tcp_ep *)e;

	return ep->nconns;
}

static void tcp_worker_info(const struct lr_endpoint *e, unsigned idx,
			    struct lr_worker_info *info)
{
	worker_at((const struct tcp_ep *)e, idx, info);
}

static void tcp_destroy(struct lr_endpoint *e)
{
	struct tcp_ep *ep = (struct tcp_ep *)e;

	if (!ep)
		return;
	for (unsigned i = 0; i < ep->nconns; i++)
		if (ep->fds[i] >= 0)
			close(ep->fds[i]);
	if (ep->lfd >= 0)
		close(ep->lfd);
	for (unsigned i = 0; ep->bufs && i < ep->nconns; i++)
		lr_place_free(ep->bufs[i], ep->buflen);
	free(ep->bufs);
	lr_place_release(&ep->pl);
	free(ep->fds);
	free(ep->retr);
	free(ep);
}

static struct tcp_ep *ep_alloc(const struct lr_endpoint_cfg *cfg)
{
	struct tcp_ep *ep = calloc(1, sizeof(*ep));

	if (!ep)
		return NULL;
	ep->role = cfg->role;
	ep->params = *cfg->params;
	ep->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 10000;
	ep->lfd = -1;
	ep->nconns = ep->params.streams * ndirs(&ep->params);
	ep->fds = malloc(ep->nconns * sizeof(*ep->fds));
	ep->retr = calloc(ep->nconns, sizeof(*ep->retr));
	if (!ep->fds || !ep->retr) {
		free(ep->fds);
		free(ep->retr);
		free(ep);
		return NULL;
	}
	for (unsigned i = 0; i < ep->nconns; i++)
		ep->fds[i] = -1;
	snprintf(ep->dev, sizeof(ep->dev), "%s", cfg->dev ? cfg->dev : "");
	snprintf(ep->peer_host, sizeof(ep->peer_host), "%s",
		 cfg->peer_host ? cfg->peer_host : "");
	tcp_opts_parse(cfg->opts, &ep->opts);
	return ep;
}

static int tcp_create(const struct lr_endpoint_cfg *cfg,
		      struct lr_endpoint **out, json_t **info)
{
	struct tcp_ep *ep = ep_alloc(cfg);
	uint16_t port = 0;
	char tok[TCP_TOKEN_LEN];

	if (!ep)
		return -ENOMEM;
	if (cfg->role == LR_ROLE_SERVER) {
		ep->lfd = lr_sock_listen(cfg->bind_host, 0, (int)ep->nconns + 8,
					 &port);
		if (ep->lfd < 0) {
			int ret = ep->lfd;

			tcp_destroy((struct lr_endpoint *)ep);
			return ret;
		}
		if (getrandom(&ep->token, sizeof(ep->token), 0) !=
		    sizeof(ep->token))
			ep->token = lr_now_ns() ^ (uint64_t)getpid();
	}
	*info = json_pack("{s:i, s:s}", "port", (json_int_t)port, "token",
			  tcp_token_str(ep->token, tok));
	*out = (struct lr_endpoint *)ep;
	return 0;
}

static int tcp_describe_fd(const struct tcp_ep *ep, json_t *o)
{
	char addr[64] = "", ifname[32] = "";
	uint16_t port = 0;
	int fd = ep->nconns ? ep->fds[0] : -1;

	if (fd < 0)
		return -ENOTCONN;
	lr_sock_name(fd, 0, addr, sizeof(addr), &port);
	if (lr_sock_ifname(fd, ifname, sizeof(ifname)))
		snprintf(ifname, sizeof(ifname), "unknown");
	json_object_set_new(o, "address", json_string(addr));
	json_object_set_new(o, "device",
			    json_string(ep->dev[0] ? ep->dev : ifname));
	json_object_set_new(o, "mss", json_integer(tcp_mss(fd)));
	return 0;
}

static json_t *tcp_describe(const struct lr_endpoint *e)
{
	const struct tcp_ep *ep = (const struct tcp_ep *)e;
	json_t *o = json_object();

	json_object_set_new(o, "transport", json_string("tcp"));
	json_object_set_new(o, "connections", json_integer(ep->nconns));
	tcp_describe_fd(ep, o);
	json_object_set_new(
		o, "placement",
		lr_place_describe(&ep->pl, ep->bufs ? ep->bufs[0] : NULL));
	return o;
}

const struct lr_transport_ops lr_tcp_ops = {
	.abi = LR_TRANSPORT_ABI,
	.caps = LR_CAP_BIDIR | LR_CAP_LATENCY | LR_CAP_MULTI_STREAM,
	.name = "tcp",
	.description = "TCP sockets, one connection per stream and direction",
	.options = tcp_options,
	.check = tcp_check,
	.create = tcp_create,
	.connect = tcp_connect,
	.nworkers = tcp_nworkers,
	.worker_info = tcp_worker_info,
	.run_worker = tcp_run_worker,
	.window = tcp_window,
	.describe = tcp_describe,
	.destroy = tcp_destroy,
};
