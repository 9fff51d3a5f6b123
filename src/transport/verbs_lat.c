// SPDX-License-Identifier: MIT
/*
 * verbs: ping-pong latency on one QP, as ib_write_lat and ib_send_lat do.
 *
 * WRITE: each end writes the iteration's sequence number into the last
 * byte of the peer's target area and spins on its own; SEND: each end waits
 * for a receive completion before it answers. The client records half of
 * every round trip.
 */
#include <errno.h>
#include <string.h>

#include "linerate/engine.h"
#include "linerate/util.h"
#include "verbs.h"

struct vlat {
	struct lr_endpoint *ep;
	struct lr_vqp *q;
	struct ibv_cq *cq;
	struct lr_worker_ctl *ctl;
	struct ibv_send_wr wr;
	struct ibv_sge sge;
	uint8_t *src_last; /* last byte of the source area */
	volatile uint8_t *dst_last; /* last byte of the target area */
	bool client;
	bool got_recv; /* SEND: a receive completed */
	uint64_t wait_ns; /* bound on one round trip */
};

static inline bool stopped(const struct lr_worker_ctl *ctl)
{
	return atomic_load_explicit(ctl->stop, memory_order_relaxed);
}

static void init_wr(struct vlat *l)
{
	struct lr_endpoint *ep = l->ep;
	size_t src = lr_vbuf(ep, 1), dst = lr_vbuf(ep, 0);

	l->sge = (struct ibv_sge){
		.addr = (uintptr_t)(ep->buf + src),
		.length = (uint32_t)ep->p.msg_size,
		.lkey = ep->mr->lkey,
	};
	l->wr = (struct ibv_send_wr){
		.sg_list = &l->sge,
		.num_sge = 1,
		.opcode = ep->o.op == LR_VOP_SEND ? IBV_WR_SEND :
						    IBV_WR_RDMA_WRITE,
		.send_flags = IBV_SEND_SIGNALED,
	};
	l->wr.wr.rdma.remote_addr = ep->raddr + dst;
	l->wr.wr.rdma.rkey = ep->rkey;
	if (ep->p.msg_size <= ep->o.inline_size &&
	    ep->p.msg_size <= ep->max_inline)
		l->wr.send_flags |= IBV_SEND_INLINE;
	l->src_last = ep->buf + src + ep->p.msg_size - 1;
	l->dst_last = ep->buf + dst + ep->p.msg_size - 1;
}

/* Reap what completed: send completions free the queue, receives are
 * noted and replenished. */
static int reap(struct vlat *l)
{
	struct ibv_wc wc[8];
	int n = ibv_poll_cq(l->cq, 8, wc);

	if (n < 0) {
		lr_worker_fail(l->ctl, -EIO, "verbs: poll CQ failed");
		return -EIO;
	}
	for (int i = 0; i < n; i++) {
		bool recv = wc[i].opcode & IBV_WC_RECV;
		int ret;

		if (wc[i].status != IBV_WC_SUCCESS)
			return lr_vdata_wc_fail(
				l->ctl, &wc[i],
				recv ? "receive" : lr_vop_name(l->ep->o.op));
		if (!recv) {
			l->q->outstanding--;
			continue;
		}
		l->got_recv = true;
		ret = lr_vdata_post_recvs(l->ep, l->q, 0, 1);
		if (ret) {
			lr_worker_fail(l->ctl, ret,
				       "verbs: replenish receive "
				       "failed");
			return ret;
		}
	}
	return 0;
}

static int post(struct vlat *l, uint8_t seq)
{
	struct ibv_send_wr *bad;
	int ret;

	while (l->q->outstanding >= l->ep->o.tx_depth) {
		ret = reap(l);
		if (ret)
			return ret;
	}
	*l->src_last = seq;
	ret = ibv_post_send(l->q->qp, &l->wr, &bad);
	if (ret) {
		lr_worker_fail(l->ctl, -ret, "verbs: post %s on QP 0x%x: %s",
			       lr_vop_name(l->ep->o.op), l->q->qp->qp_num,
			       strerror(ret));
		return -ret;
	}
	l->q->outstanding++;
	return 0;
}

/* Wait for the peer's message seq: 1 arrived, 0 stopped, or -errno. */
static int wait_msg(struct vlat *l, uint8_t seq, uint64_t start)
{
	unsigned spin = 0;
	int ret;

	for (;;) {
		if (l->ep->o.op == LR_VOP_SEND) {
			ret = reap(l);
			if (ret)
				return ret;
			if (l->got_recv) {
				l->got_recv = false;
				return 1;
			}
		} else if (*l->dst_last == seq) {
			atomic_thread_fence(memory_order_acquire);
			return 1;
		}
		if (++spin < 16384)
			continue;
		spin = 0;
		if (stopped(l->ctl))
			return 0;
		if (l->client && lr_now_ns() - start > l->wait_ns) {
			lr_worker_fail(l->ctl, -ETIMEDOUT,
				       "verbs: no %s reply "
				       "for %d ms on QP 0x%x",
				       lr_vop_name(l->ep->o.op),
				       l->ep->timeout_ms, l->q->qp->qp_num);
			return -ETIMEDOUT;
		}
		if (l->ep->o.op != LR_VOP_SEND) {
			ret = reap(l);
			if (ret)
				return ret;
		}
	}
}

static void count(struct vlat *l)
{
	atomic_fetch_add_explicit(&l->ctl->bytes, l->ep->p.msg_size,
				  memory_order_relaxed);
}

static int ping(struct vlat *l, uint8_t seq)
{
	bool began = lr_lat_begin(l->ctl);
	uint64_t t0 = lr_now_ns();
	int ret = post(l, seq);

	if (ret)
		return ret;
	ret = wait_msg(l, seq, t0);
	if (ret <= 0)
		return ret;
	lr_lat_end(l->ctl, began, t0, lr_now_ns());
	count(l);
	return 1;
}

static int pong(struct vlat *l, uint8_t seq)
{
	int ret = wait_msg(l, seq, lr_now_ns());

	if (ret <= 0)
		return ret;
	ret = post(l, seq);
	if (ret)
		return ret;
	count(l);
	return 1;
}

int lr_vlat_run(struct lr_endpoint *ep, struct lr_worker_ctl *ctl)
{
	struct vlat l = {
		.ep = ep,
		.q = &ep->d[0].qps[0],
		.cq = ep->d[0].cq,
		.ctl = ctl,
		.client = ep->role == LR_ROLE_CLIENT,
		.wait_ns = (uint64_t)ep->timeout_ms * 1000000u,
	};
	uint8_t seq = 0;
	int ret = 1;

	init_wr(&l);
	while (ret > 0 && !stopped(ctl)) {
		/* 0 is the initial content of the target area: skip it. */
		if (++seq == 0)
			seq = 1;
		ret = l.client ? ping(&l, seq) : pong(&l, seq);
	}
	return ret < 0 ? ret : 0;
}
