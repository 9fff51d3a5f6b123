/* SPDX-License-Identifier: MIT */
/* Internal to the tcp transport. */
#ifndef LINERATE_TCP_INT_H
#define LINERATE_TCP_INT_H

#include <stdint.h>

#include "linerate/place.h"
#include "linerate/transport.h"
#include "transport_int.h"

#define TCP_HELLO_MAGIC 0x4c524454u /* "LRDT" */
#define TCP_TOKEN_LEN 17 /* 16 hex digits + NUL */
#define TCP_POLL_MS 200 /* how often blocked I/O sees stop */

struct tcp_opts {
	uint64_t window; /* 0: kernel autotuning */
	char congestion[16];
	bool no_delay;
};

/* TCP_INFO of one sending connection over the window (tcp_info.c). */
struct tcp_retr {
	uint32_t retr, segs; /* at the last read */
	uint64_t sum_retr, sum_segs; /* since the window opened */
	bool ok; /* every read since the open succeeded */
};

struct tcp_ep {
	enum lr_role role;
	struct lr_test_params params;
	struct tcp_opts opts;
	int timeout_ms;
	int lfd; /* server: listening socket */
	uint64_t token; /* server: names its connections */
	unsigned nconns;
	int *fds; /* one per worker */
	struct tcp_retr *retr; /* one per worker; the engine's thread only */
	char dev[32];
	char peer_host[256];
	struct lr_place pl; /* from the netdev's device (tcp_place) */
	char **bufs; /* one per worker, on the device's node */
	size_t buflen;
};

void tcp_opts_parse(const json_t *opts, struct tcp_opts *out);
const char *tcp_token_str(uint64_t token, char buf[TCP_TOKEN_LEN]);
int tcp_mss(int fd);
int tcp_connect(struct lr_endpoint *e, const json_t *peer_info);
/* Placement and buffers, once the connections are up. */
int tcp_place(struct tcp_ep *ep);
void tcp_window(struct lr_endpoint *e, enum lr_window_edge edge,
		struct lr_retrans *out);
int tcp_run_worker(struct lr_endpoint *e, unsigned idx,
		   struct lr_worker_ctl *ctl);

#endif
