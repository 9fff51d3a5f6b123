// SPDX-License-Identifier: MIT
/*
 * verbs: the resources of one endpoint, in rc_pingpong's order (PD, buffer,
 * MR, CQ, QP) and released by a ladder in reverse order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linerate/util.h"
#include "verbs.h"

/* Mapped, bound to the device's node before the first touch, zeroed. */
static int alloc_buffer(struct lr_endpoint *ep)
{
	size_t len = lr_verbs_area(ep) *
		     (lr_verbs_nqp_total(ep) + (ep->p.mode == LR_MODE_LAT));

	ep->buf = lr_place_alloc(&ep->pl, &len, ep->o.hugepages);
	if (!ep->buf) {
		lr_err("verbs: cannot allocate %zu bytes of buffer: %s", len,
		       strerror(errno));
		return -ENOMEM;
	}
	ep->buflen = len;
	return 0;
}

static void free_buffer(struct lr_endpoint *ep)
{
	lr_place_free(ep->buf, ep->buflen);
	ep->buf = NULL;
}

static int create_cq(struct lr_endpoint *ep, struct lr_vdir *d)
{
	uint64_t n =
		(uint64_t)d->nqp * (ep->o.tx_depth + lr_verbs_rx_count(ep)) +
		16;

	if (n > (uint64_t)ep->dev.dattr.max_cqe)
		n = (uint64_t)ep->dev.dattr.max_cqe;
	d->cq = ibv_create_cq(ep->dev.ctx, (int)n, NULL, NULL, 0);
	if (!d->cq) {
		int ret = errno ? -errno : -ENOMEM;

		lr_err("verbs: create CQ of %llu entries on %s: %s",
		       (unsigned long long)n, ep->dev.name, strerror(-ret));
		return ret;
	}
	return 0;
}

static void qp_init_attr(const struct lr_endpoint *ep, struct lr_vdir *d,
			 struct ibv_qp_init_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->send_cq = d->cq;
	a->recv_cq = d->cq;
	a->qp_type = IBV_QPT_RC;
	a->cap.max_send_wr = ep->o.tx_depth;
	a->cap.max_recv_wr = lr_verbs_rx_count(ep);
	if (!a->cap.max_recv_wr)
		a->cap.max_recv_wr = 1;
	a->cap.max_send_sge = 1;
	a->cap.max_recv_sge = 1;
	a->cap.max_inline_data = ep->o.inline_size;
}

int lr_vres_create_qp(struct lr_endpoint *ep, struct lr_vdir *d,
		      struct lr_vqp *q)
{
	struct ibv_qp_init_attr a;
	int ret;

	qp_init_attr(ep, d, &a);
	/* With --cm too the QP is this end's own, not rdma_cm's: its path
	 * MTU, SL and RNR timer are then ours to set (verbs_cm.c). */
	q->qp = ibv_create_qp(ep->pd, &a);
	if (!q->qp) {
		ret = errno ? -errno : -ENOMEM;
		lr_err("verbs: create RC QP (send %u, recv %u, inline "
		       "%u) on %s: %s",
		       a.cap.max_send_wr, a.cap.max_recv_wr, ep->o.inline_size,
		       ep->dev.name, strerror(-ret));
		return ret;
	}
	ep->max_inline = a.cap.max_inline_data;
	q->psn = (uint32_t)(lr_now_ns() * 2654435761u ^ q->qp->qp_num) &
		 0xffffff;
	if (q->cm_id)
		return lr_vcm_qp_init(ep, q);
	return lr_vqp_to_init(ep, q->qp);
}

static int create_all(struct lr_endpoint *ep);

static void destroy_dir(struct lr_vdir *d)
{
	for (unsigned i = 0; d->qps && i < d->nqp; i++) {
		struct lr_vqp *q = &d->qps[i];

		if (q->qp)
			ibv_destroy_qp(q->qp);
		q->qp = NULL;
	}
	if (d->cq)
		ibv_destroy_cq(d->cq);
	d->cq = NULL;
}

static int create_dir(struct lr_endpoint *ep, struct lr_vdir *d)
{
	int ret;

	ret = create_cq(ep, d);
	if (ret)
		return ret;
	for (unsigned i = 0; i < d->nqp; i++) {
		ret = lr_vres_create_qp(ep, d, &d->qps[i]);
		if (ret)
			goto destroy;
	}
	return 0;

destroy:
	destroy_dir(d);
	return ret;
}

/* PD, buffer, MR and every direction's CQ and QPs (qps[] allocated). */
int lr_vres_create(struct lr_endpoint *ep)
{
	char devdir[128];
	int ret;

	snprintf(devdir, sizeof(devdir), "sys/class/infiniband/%s/device",
		 ep->dev.name);
	lr_place_plan(&ep->pl, ep->dev.name, devdir, ep->nd);
	/* The provider's rings (CQ, QP) follow this thread's policy. */
	ret = lr_vasync_setup(ep);
	if (ret)
		return ret;
	lr_place_mem_begin(&ep->pl);
	ret = create_all(ep);
	lr_place_mem_done(&ep->pl);
	if (ret)
		lr_place_release(&ep->pl);
	else
		lr_vasync_list(ep);
	return ret;
}

static int create_all(struct lr_endpoint *ep)
{
	unsigned i;
	int ret;

	ep->pd = ibv_alloc_pd(ep->dev.ctx);
	if (!ep->pd) {
		ret = errno ? -errno : -ENOMEM;
		lr_err("verbs: allocate PD on %s: %s", ep->dev.name,
		       strerror(-ret));
		return ret;
	}
	ret = alloc_buffer(ep);
	if (ret)
		goto dealloc_pd;
	/* Relaxed ordering is in the optional range: a provider without it
	 * ignores it (perftest sets it by default, NCCL when capable). */
	ep->mr = ibv_reg_mr(
		ep->pd, ep->buf, ep->buflen,
		IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE |
			IBV_ACCESS_REMOTE_READ |
			(ep->o.relaxed ? IBV_ACCESS_RELAXED_ORDERING : 0));
	if (!ep->mr) {
		ret = errno ? -errno : -ENOMEM;
		lr_err("verbs: register %zu bytes on %s: %s", ep->buflen,
		       ep->dev.name, strerror(-ret));
		goto free_buf;
	}
	for (i = 0; i < ep->nd; i++) {
		ret = create_dir(ep, &ep->d[i]);
		if (ret)
			goto destroy_dirs;
	}
	return 0;

destroy_dirs:
	while (i-- > 0)
		destroy_dir(&ep->d[i]);
	ibv_dereg_mr(ep->mr);
	ep->mr = NULL;
free_buf:
	free_buffer(ep);
dealloc_pd:
	ibv_dealloc_pd(ep->pd);
	ep->pd = NULL;
	return ret;
}

void lr_vres_destroy(struct lr_endpoint *ep)
{
	lr_vasync_forget(ep);
	for (unsigned i = 0; i < ep->nd; i++)
		destroy_dir(&ep->d[i]);
	if (ep->mr)
		ibv_dereg_mr(ep->mr);
	ep->mr = NULL;
	free_buffer(ep);
	if (ep->pd)
		ibv_dealloc_pd(ep->pd);
	ep->pd = NULL;
	lr_place_release(&ep->pl);
}
