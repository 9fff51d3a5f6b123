// SPDX-License-Identifier: MIT
/*
 * verbs: the bandwidth data path of one direction on this end.
 *
 * The active side (the data source for WRITE and SEND, the data sink for
 * READ) keeps every QP's send queue full, posting post_list work requests
 * per call and signaling one in cq_mod; it polls the direction's CQ in
 * batches and counts the bytes of every work request a signaled completion
 * covers. The SEND (or WRITE with immediate) sink counts received bytes and
 * replenishes its receives. The passive side of WRITE and READ has nothing
 * to do but wait; in bytes mode the active side ends with an empty SEND on
 * every QP so that the passive side knows when the data is complete.
 *
 * The direction's sender (the end that counts) is the data source for
 * WRITE and SEND and the end that issues the READs for READ: payload of a
 * READ test flows toward the direction's sender, as with ib_read_bw, whose
 * client reads.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/engine.h"
#include "linerate/util.h"
#include "verbs.h"

#define POLL_BATCH 32
#define RECV_CHUNK 32
#define DRAIN_NS (500ull * 1000 * 1000)
#define FIN_ID UINT64_MAX
/*
 * Empty polls between two looks at the clock. Reading the clock can cost a
 * system call (a VM whose clocksource is the HPET: about 1% of a Soft-RoCE
 * run under qemu when done every few thousand polls), so the hot loop
 * counts polls and reads the clock only to bound a stall.
 */
#define STALL_POLLS (1u << 16)
/* Loop turns between two looks at the async event fd (a system call). */
#define ASYNC_SPINS (1u << 12)

static inline bool stopped(const struct lr_worker_ctl *ctl)
{
	return atomic_load_explicit(ctl->stop, memory_order_relaxed);
}

int lr_vdata_wc_fail(struct lr_worker_ctl *ctl, const struct ibv_wc *wc,
		     const char *what)
{
	lr_worker_fail(ctl, -EIO,
		       "verbs: %s on QP 0x%x failed: %s (status "
		       "%d, vendor error 0x%x)",
		       what, wc->qp_num, ibv_wc_status_str(wc->status),
		       wc->status, wc->vendor_err);
	return -EIO;
}

/* A failed completion, after a fatal async event if one explains it. */
int lr_vdata_wc_fail_ep(struct lr_endpoint *ep, struct lr_worker_ctl *ctl,
			const struct ibv_wc *wc, const char *what)
{
	if (lr_vasync_poll(ep, ctl))
		return -ENETDOWN;
	return lr_vdata_wc_fail(ctl, wc, what);
}

int lr_vdata_post_recvs(struct lr_endpoint *ep, struct lr_vqp *q, unsigned qidx,
			unsigned n)
{
	struct ibv_recv_wr wr[RECV_CHUNK], *bad;
	struct ibv_sge sge = {
		.addr = (uintptr_t)(ep->buf + lr_vbuf(ep, q->slot)),
		.length = (uint32_t)lr_verbs_area(ep),
		.lkey = ep->mr->lkey,
	};

	while (n > 0) {
		unsigned k = n < RECV_CHUNK ? n : RECV_CHUNK;
		int ret;

		for (unsigned i = 0; i < k; i++) {
			wr[i] = (struct ibv_recv_wr){
				.wr_id = qidx,
				.sg_list = &sge,
				.num_sge = 1,
				.next = i + 1 < k ? &wr[i + 1] : NULL,
			};
		}
		ret = ibv_post_recv(q->qp, wr, &bad);
		if (ret) {
			lr_err("verbs: post %u receives on QP 0x%x: %s", k,
			       q->qp->qp_num, strerror(ret));
			return -ret;
		}
		n -= k;
	}
	return 0;
}

/* State of one active worker. */
struct vrun {
	struct lr_endpoint *ep;
	struct lr_vdir *d;
	struct lr_worker_ctl *ctl;
	struct ibv_send_wr wr[LR_VERBS_POST_LIST_MAX];
	struct ibv_sge sge;
	uint64_t posted; /* bytes posted */
	uint64_t inflight; /* signaled-or-covered WRs not yet complete */
	uint64_t last_ns; /* last look at the clock with progress */
	bool progress; /* completions since last_ns */
	unsigned fins; /* end-of-data SENDs not yet complete */
	const char *opname;
};

static void init_template(struct vrun *r)
{
	struct lr_endpoint *ep = r->ep;
	struct ibv_send_wr t = { .sg_list = &r->sge, .num_sge = 1 };

	r->sge.length = (uint32_t)ep->p.msg_size;
	r->sge.lkey = ep->mr->lkey;
	switch (ep->o.op) {
	case LR_VOP_READ: t.opcode = IBV_WR_RDMA_READ; break;
	case LR_VOP_SEND: t.opcode = IBV_WR_SEND; break;
	default:
		t.opcode = ep->o.write_imm ? IBV_WR_RDMA_WRITE_WITH_IMM :
					     IBV_WR_RDMA_WRITE;
		break;
	}
	t.wr.rdma.rkey = ep->rkey;
	/* On what was asked: a provider may grant more than --inline. */
	if (ep->o.op != LR_VOP_READ && ep->o.inline_size &&
	    ep->p.msg_size <= ep->o.inline_size &&
	    ep->p.msg_size <= ep->max_inline)
		t.send_flags = IBV_SEND_INLINE;
	for (unsigned i = 0; i < LR_VERBS_POST_LIST_MAX; i++)
		r->wr[i] = t;
}

/* Messages still to post in bytes mode (UINT32_MAX: unlimited). */
static uint32_t budget(const struct vrun *r)
{
	uint64_t lim = r->ctl->byte_limit, sz = r->ep->p.msg_size, left;

	if (!lim)
		return UINT32_MAX;
	if (r->posted >= lim)
		return 0;
	left = (lim - r->posted + sz - 1) / sz;
	return left > UINT32_MAX ? UINT32_MAX : (uint32_t)left;
}

/* This QP's own area, here and at the peer (verbs.h). */
static void point_at(struct vrun *r, const struct lr_vqp *q,
		     struct ibv_send_wr *w)
{
	const struct lr_endpoint *ep = r->ep;

	r->sge.addr = (uintptr_t)(ep->buf + lr_vbuf(ep, q->slot));
	w->wr.rdma.remote_addr = ep->raddr + lr_vbuf(ep, q->slot);
}

static int post_chain(struct vrun *r, unsigned qi, unsigned n, bool last)
{
	struct lr_vqp *q = &r->d->qps[qi];
	struct ibv_send_wr *bad;
	uint32_t cq_mod = r->ep->o.cq_mod;
	int ret;

	/* The provider copies the WRs and the SGE when they are posted. */
	for (unsigned i = 0; i < n; i++)
		point_at(r, q, &r->wr[i]);

	for (unsigned i = 0; i < n; i++) {
		struct ibv_send_wr *w = &r->wr[i];

		w->next = i + 1 < n ? &r->wr[i + 1] : NULL;
		w->send_flags &= ~(unsigned)IBV_SEND_SIGNALED;
		w->imm_data = htonl(qi);
		if (++q->unsig >= cq_mod || (last && i + 1 == n)) {
			w->send_flags |= IBV_SEND_SIGNALED;
			w->wr_id = (uint64_t)qi << 32 | q->unsig;
			r->inflight += q->unsig;
			q->unsig = 0;
		}
	}
	ret = ibv_post_send(q->qp, r->wr, &bad);
	if (ret) {
		lr_worker_fail(r->ctl, -ret, "verbs: post %u %s on QP 0x%x: %s",
			       n, r->opname, q->qp->qp_num, strerror(ret));
		return -ret;
	}
	q->outstanding += n;
	r->posted += n * r->ep->p.msg_size;
	return 0;
}

/* Top up every QP's send queue. */
static int fill(struct vrun *r)
{
	uint32_t depth = r->ep->o.tx_depth, pl = r->ep->o.post_list;

	for (unsigned qi = 0; qi < r->d->nqp; qi++) {
		struct lr_vqp *q = &r->d->qps[qi];

		while (q->outstanding + pl <= depth) {
			uint32_t left = budget(r), n = pl < left ? pl : left;
			int ret;

			if (!n)
				return 0;
			ret = post_chain(r, qi, n, n == left);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int reap(struct vrun *r, int *got)
{
	struct ibv_wc wc[POLL_BATCH];
	uint64_t nmsg = 0;
	int n = ibv_poll_cq(r->d->cq, POLL_BATCH, wc);

	if (n < 0) {
		lr_worker_fail(r->ctl, -EIO, "verbs: poll CQ failed");
		return -EIO;
	}
	for (int i = 0; i < n; i++) {
		uint32_t qi = (uint32_t)(wc[i].wr_id >> 32);
		uint32_t cnt = (uint32_t)wc[i].wr_id;

		if (wc[i].status != IBV_WC_SUCCESS)
			return lr_vdata_wc_fail_ep(r->ep, r->ctl, &wc[i],
						   wc[i].wr_id == FIN_ID ?
							   "end-of-data send" :
							   r->opname);
		if (wc[i].wr_id == FIN_ID) {
			r->fins--;
			continue;
		}
		r->d->qps[qi].outstanding -= cnt;
		atomic_fetch_add_explicit(&r->d->qps[qi].bytes,
					  cnt * r->ep->p.msg_size,
					  memory_order_relaxed);
		r->inflight -= cnt;
		nmsg += cnt;
	}
	if (n > 0) {
		atomic_fetch_add_explicit(&r->ctl->bytes,
					  nmsg * r->ep->p.msg_size,
					  memory_order_relaxed);
		r->progress = true;
	}
	*got = n;
	return 0;
}

static int check_stall(struct vrun *r)
{
	uint64_t now = lr_now_ns();

	if (r->progress || !r->inflight) {
		r->progress = false;
		r->last_ns = now;
		return 0;
	}
	if (now - r->last_ns < (uint64_t)r->ep->timeout_ms * 1000000u)
		return 0;
	lr_worker_fail(r->ctl, -ETIMEDOUT,
		       "verbs: no %s completion for %d ms "
		       "on %s (%llu work requests in flight on %u QPs)",
		       r->opname, r->ep->timeout_ms, r->ep->dev.name,
		       (unsigned long long)r->inflight, r->d->nqp);
	return -ETIMEDOUT;
}

/* After the window: wait a bounded time for what is in flight. */
static void drain(struct vrun *r)
{
	uint64_t end = lr_now_ns() + DRAIN_NS;
	int got;

	while (r->inflight && lr_now_ns() < end)
		if (reap(r, &got))
			return;
}

/* Bytes mode, one-sided: tell the passive end that the data is complete. */
static int send_fins(struct vrun *r)
{
	struct ibv_send_wr wr = { .wr_id = FIN_ID,
				  .opcode = IBV_WR_SEND,
				  .send_flags = IBV_SEND_SIGNALED },
			   *bad;
	int ret, got;

	if (r->ep->o.op == LR_VOP_SEND || r->ep->o.write_imm)
		return 0;
	for (unsigned qi = 0; qi < r->d->nqp; qi++) {
		ret = ibv_post_send(r->d->qps[qi].qp, &wr, &bad);
		if (ret) {
			lr_worker_fail(r->ctl, -ret,
				       "verbs: post end-of-data "
				       "send on QP 0x%x: %s",
				       r->d->qps[qi].qp->qp_num, strerror(ret));
			return -ret;
		}
		r->fins++;
	}
	r->last_ns = lr_now_ns();
	while (r->fins) {
		ret = reap(r, &got);
		if (!ret && !got && r->fins &&
		    lr_now_ns() - r->last_ns >
			    (uint64_t)r->ep->timeout_ms * 1000000u) {
			lr_worker_fail(r->ctl, -ETIMEDOUT,
				       "verbs: end-of-data "
				       "send not acknowledged in %d ms",
				       r->ep->timeout_ms);
			ret = -ETIMEDOUT;
		}
		if (ret)
			return ret;
	}
	return 0;
}

static int run_active(struct lr_endpoint *ep, struct lr_vdir *d,
		      struct lr_worker_ctl *ctl)
{
	struct vrun r = { .ep = ep, .d = d, .ctl = ctl };
	unsigned idle = 0, spins = 0;
	int ret = 0, got;

	r.opname = ep->o.write_imm ? "write-imm" : lr_vop_name(ep->o.op);
	init_template(&r);
	r.last_ns = lr_now_ns();
	while (!stopped(ctl)) {
		ret = fill(&r);
		if (!ret)
			ret = reap(&r, &got);
		if (!ret && !(++spins & (ASYNC_SPINS - 1)))
			ret = lr_vasync_poll(ep, ctl);
		if (ret)
			return ret;
		if (!budget(&r) && !r.inflight)
			return send_fins(&r);
		if (got || ++idle < STALL_POLLS)
			continue;
		idle = 0;
		ret = check_stall(&r);
		if (ret)
			return ret;
	}
	drain(&r);
	return 0;
}

/* Post again the receives that completed, one chain per QP. */
static int replenish(struct lr_endpoint *ep, struct lr_vdir *d,
		     struct ibv_wc *wc, int n, struct lr_worker_ctl *ctl)
{
	for (int i = 0; i < n; i++) {
		unsigned qi = (unsigned)wc[i].wr_id, k = 1;
		int ret;

		if (qi == UINT32_MAX)
			continue; /* already counted in a chain */
		for (int j = i + 1; j < n; j++)
			k += (unsigned)wc[j].wr_id == qi;
		ret = lr_vdata_post_recvs(ep, &d->qps[qi], qi, k);
		if (ret) {
			lr_worker_fail(ctl, ret,
				       "verbs: replenish receive "
				       "failed");
			return ret;
		}
		if (k == 1)
			continue;
		for (int j = i + 1; j < n; j++)
			if ((unsigned)wc[j].wr_id == qi)
				wc[j].wr_id = UINT32_MAX;
	}
	return 0;
}

/* A receiver's no-progress watchdog: nothing for the endpoint's timeout. */
static int sink_stalled(struct lr_endpoint *ep, struct lr_worker_ctl *ctl,
			uint64_t *since, const char *what)
{
	uint64_t now = lr_now_ns();

	if (now - *since < (uint64_t)ep->timeout_ms * 1000000u)
		return 0;
	lr_worker_fail(ctl, -ETIMEDOUT,
		       "verbs: no progress for %.1f s (no %s on %s)",
		       (double)ep->timeout_ms / 1000, what, ep->dev.name);
	return -ETIMEDOUT;
}

/* The sink of SEND or WRITE with immediate: count and replenish. */
static int run_sink(struct lr_endpoint *ep, struct lr_vdir *d,
		    struct lr_worker_ctl *ctl)
{
	struct ibv_wc wc[POLL_BATCH];
	uint64_t limit = ctl->byte_limit, total = 0, since = lr_now_ns();
	const char *what =
		ep->o.op == LR_VOP_SEND ? "receive" : "write-imm receive";
	unsigned idle = 0, spins = 0;

	while (!stopped(ctl) && (!limit || total < limit)) {
		uint64_t bytes = 0;
		int n = ibv_poll_cq(d->cq, POLL_BATCH, wc);

		if (n < 0) {
			lr_worker_fail(ctl, -EIO, "verbs: poll CQ failed");
			return -EIO;
		}
		if (!(++spins & (ASYNC_SPINS - 1)) && lr_vasync_poll(ep, ctl))
			return ctl->error;
		for (int i = 0; i < n; i++) {
			uint64_t b;

			if (wc[i].status != IBV_WC_SUCCESS)
				return lr_vdata_wc_fail_ep(ep, ctl, &wc[i],
							   what);
			b = ep->o.op == LR_VOP_SEND ? wc[i].byte_len :
						      ep->p.msg_size;
			if ((uint32_t)wc[i].wr_id < d->nqp)
				atomic_fetch_add_explicit(
					&d->qps[(uint32_t)wc[i].wr_id].bytes, b,
					memory_order_relaxed);
			bytes += b;
		}
		if (n > 0 && replenish(ep, d, wc, n, ctl))
			return ctl->error;
		if (n > 0) {
			total += bytes;
			atomic_fetch_add_explicit(&ctl->bytes, bytes,
						  memory_order_relaxed);
			idle = 0;
			since = 0; /* read the clock at the next stall */
		} else if (++idle >= STALL_POLLS) {
			idle = 0;
			if (!since)
				since = lr_now_ns();
			else if (sink_stalled(ep, ctl, &since, what))
				return ctl->error;
		}
	}
	return 0;
}

/*
 * What the passive end of WRITE or READ can see of the data: nothing on its
 * CQ, but the packets its port receives (the port's counter, or rxe's).
 * UINT64_MAX when neither can be read: no watchdog then.
 */
static uint64_t port_rx_packets(const struct lr_endpoint *ep)
{
	static const char *const names[] = { "counters/port_rcv_packets",
					     "hw_counters/rcvd_pkts" };
	unsigned long long v;
	char path[256];

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		FILE *f;
		int ok;

		snprintf(path, sizeof(path),
			 "/sys/class/infiniband/%s/ports/%u/%s", ep->dev.name,
			 ep->dev.port, names[i]);
		f = fopen(path, "r");
		if (!f)
			continue;
		ok = fscanf(f, "%llu", &v) == 1;
		fclose(f);
		if (ok)
			return v;
	}
	return UINT64_MAX;
}

/* Bytes mode: wait for the end-of-data SEND of every QP, while the port
 * receives packets. */
static int wait_fins(struct lr_endpoint *ep, struct lr_vdir *d,
		     struct lr_worker_ctl *ctl)
{
	struct ibv_wc wc[POLL_BATCH];
	unsigned left = d->nqp, idle = 0;
	uint64_t pkts = port_rx_packets(ep), since = lr_now_ns();

	while (left && !stopped(ctl)) {
		int n = ibv_poll_cq(d->cq, POLL_BATCH, wc);

		if (n < 0) {
			lr_worker_fail(ctl, -EIO, "verbs: poll CQ failed");
			return -EIO;
		}
		for (int i = 0; i < n; i++) {
			if (wc[i].status != IBV_WC_SUCCESS)
				return lr_vdata_wc_fail_ep(
					ep, ctl, &wc[i], "end-of-data receive");
			left--;
		}
		if (!n && lr_vasync_poll(ep, ctl))
			return ctl->error;
		if (n || pkts == UINT64_MAX) {
			lr_sleep_ns(20000);
			continue;
		}
		lr_sleep_ns(20000);
		if (++idle < 5000) /* about every 100 ms */
			continue;
		idle = 0;
		if (port_rx_packets(ep) != pkts) {
			pkts = port_rx_packets(ep);
			since = lr_now_ns();
		} else if (sink_stalled(ep, ctl, &since,
					"packet received on the port")) {
			return ctl->error;
		}
	}
	return 0;
}

static int run_passive(struct lr_endpoint *ep, struct lr_vdir *d,
		       struct lr_worker_ctl *ctl)
{
	if (ctl->byte_limit)
		return wait_fins(ep, d, ctl);
	while (!stopped(ctl)) {
		if (lr_vasync_poll(ep, ctl))
			return ctl->error;
		lr_sleep_ns(5000000); /* no busy wait: leave the CPU */
	}
	return 0;
}

int lr_vdata_run(struct lr_endpoint *ep, struct lr_vdir *d,
		 struct lr_worker_ctl *ctl)
{
	if (d->sends)
		return run_active(ep, d, ctl);
	if (ep->o.op == LR_VOP_SEND || ep->o.write_imm)
		return run_sink(ep, d, ctl);
	return run_passive(ep, d, ctl);
}
