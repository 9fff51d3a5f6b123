// SPDX-License-Identifier: MIT
/*
 * tcp transport: the retransmissions of this end's sending connections over
 * the measured window, from TCP_INFO, as iperf3 reports them:
 * tcpi_total_retrans counts the segments retransmitted, tcpi_data_segs_out
 * the data segments sent, retransmits included (Linux 4.6 and later). Both
 * are 32-bit counters of the connection's whole life; the engine calls this
 * at the window's start, at every interval boundary and at its end, and the
 * deltas add up in 64 bits, so only a wrap within one interval (2^32
 * segments, some 700 s at 400 Gb/s with MSS 8948) could be missed.
 * tcpi_retrans and tcpi_lost are not used: they count what is outstanding
 * at the moment of the read, not what happened over the window.
 */
#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "tcp_int.h"

static int read_info(int fd, uint32_t *retr, uint32_t *segs)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
		return -errno;
	if (len < offsetof(struct tcp_info, tcpi_data_segs_out) +
			  sizeof(ti.tcpi_data_segs_out))
		return -EOPNOTSUPP; /* a kernel before 4.6 */
	*retr = ti.tcpi_total_retrans;
	*segs = ti.tcpi_data_segs_out;
	return 0;
}

/* One connection at one edge: restart at the open, add up after it. */
static void edge_conn(struct tcp_retr *t, int fd, enum lr_window_edge edge)
{
	uint32_t retr = 0, segs = 0;

	if (read_info(fd, &retr, &segs)) {
		t->ok = false;
		return;
	}
	if (edge == LR_WINDOW_OPEN) {
		*t = (struct tcp_retr){ .retr = retr,
					.segs = segs,
					.ok = true };
		return;
	}
	t->sum_retr += (uint32_t)(retr - t->retr);
	t->sum_segs += (uint32_t)(segs - t->segs);
	t->retr = retr;
	t->segs = segs;
}

void tcp_window(struct lr_endpoint *e, enum lr_window_edge edge,
		struct lr_retrans *out)
{
	struct tcp_ep *ep = (struct tcp_ep *)e;
	bool all_ok[LR_DIR_COUNT] = { true, true };

	for (unsigned i = 0; i < ep->nconns; i++) {
		struct lr_worker_info info;
		struct lr_retrans *o;

		lr_tcp_ops.worker_info(e, i, &info);
		if (!info.sends || ep->fds[i] < 0)
			continue;
		edge_conn(&ep->retr[i], ep->fds[i], edge);
		if (!out)
			continue;
		o = &out[info.dir];
		o->segments += ep->retr[i].sum_retr;
		o->segments_sent += ep->retr[i].sum_segs;
		o->valid = true;
		all_ok[info.dir] &= ep->retr[i].ok;
	}
	for (int d = 0; out && d < LR_DIR_COUNT; d++)
		if (!all_ok[d])
			out[d] = (struct lr_retrans){ 0 };
}
