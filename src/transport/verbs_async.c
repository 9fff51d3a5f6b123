// SPDX-License-Identifier: MIT
/*
 * verbs: the device's asynchronous events during a test, and the bytes
 * each QP carried.
 *
 * The context's async fd is made non-blocking; every worker looks at it
 * now and then from its loop (lr_vasync_poll). A fatal event (port error,
 * device fatal, QP or CQ error) is kept on the endpoint, so that every
 * worker of the endpoint fails with it and the test ends cleanly with the
 * event in the results; others are logged and counted.
 *
 * With --cm, rdma_cm gives every id of the process one context per
 * device, so the sessions of one serve read one async fd: whoever reads
 * an event hands it to the endpoint that owns its QP or CQ, and a port's
 * or the device's to every endpoint on that port (one list of the live
 * endpoints, under one lock).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "linerate/dcb.h"
#include "linerate/sysfs.h"
#include "linerate/util.h"
#include "verbs.h"

static pthread_mutex_t async_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lr_endpoint *async_eps; /* under async_lock */

/* After its QPs and CQs exist: another session may read its events. */
void lr_vasync_list(struct lr_endpoint *ep)
{
	pthread_mutex_lock(&async_lock);
	if (!ep->async_listed) {
		ep->async_next = async_eps;
		async_eps = ep;
		ep->async_listed = true;
	}
	pthread_mutex_unlock(&async_lock);
}

/* Before its QPs and CQs are destroyed. */
void lr_vasync_forget(struct lr_endpoint *ep)
{
	pthread_mutex_lock(&async_lock);
	for (struct lr_endpoint **p = &async_eps; ep->async_listed && *p;
	     p = &(*p)->async_next)
		if (*p == ep) {
			*p = ep->async_next;
			ep->async_listed = false;
			break;
		}
	pthread_mutex_unlock(&async_lock);
}

int lr_vasync_setup(struct lr_endpoint *ep)
{
	int fd = ep->dev.ctx->async_fd;
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		lr_err("verbs: async event fd of %s: %s", ep->dev.name,
		       strerror(errno));
		return -errno;
	}
	return 0;
}

static bool fatal(enum ibv_event_type t)
{
	switch (t) {
	case IBV_EVENT_PORT_ERR:
	case IBV_EVENT_DEVICE_FATAL:
	case IBV_EVENT_QP_FATAL:
	case IBV_EVENT_QP_REQ_ERR:
	case IBV_EVENT_QP_ACCESS_ERR:
	case IBV_EVENT_CQ_ERR:
	case IBV_EVENT_SRQ_ERR:
	case IBV_EVENT_PATH_MIG_ERR: return true;
	default: return false;
	}
}

/* An event about a port (element.port_num). */
static bool port_event(enum ibv_event_type t)
{
	switch (t) {
	case IBV_EVENT_PORT_ERR:
	case IBV_EVENT_PORT_ACTIVE:
	case IBV_EVENT_LID_CHANGE:
	case IBV_EVENT_GID_CHANGE:
	case IBV_EVENT_PKEY_CHANGE:
	case IBV_EVENT_SM_CHANGE:
	case IBV_EVENT_CLIENT_REREGISTER: return true;
	default: return false;
	}
}

static void describe_event(const struct lr_endpoint *ep,
			   const struct ibv_async_event *e, char *buf,
			   size_t len)
{
	const char *what = ibv_event_type_str(e->event_type);

	if (port_event(e->event_type)) {
		snprintf(buf, len, "%s port %d: %s", ep->dev.name,
			 e->element.port_num, what);
		return;
	}
	switch (e->event_type) {
	case IBV_EVENT_CQ_ERR:
		snprintf(buf, len, "%s: %s", ep->dev.name, what);
		break;
	case IBV_EVENT_DEVICE_FATAL:
		snprintf(buf, len, "%s: %s", ep->dev.name, what);
		break;
	default:
		snprintf(buf, len, "%s QP 0x%x: %s", ep->dev.name,
			 e->element.qp ? e->element.qp->qp_num : 0, what);
	}
}

static bool owns_qp(const struct lr_endpoint *ep, const struct ibv_qp *qp)
{
	for (unsigned i = 0; i < ep->nd; i++)
		for (unsigned k = 0; k < ep->d[i].nqp; k++)
			if (ep->d[i].qps[k].qp == qp)
				return true;
	return false;
}

/* Whether the event is about ep (a listed endpoint on the event's
 * context). */
static bool owns(const struct lr_endpoint *ep, const struct ibv_async_event *e)
{
	if (port_event(e->event_type))
		return e->element.port_num == (int)ep->dev.port;
	switch (e->event_type) {
	case IBV_EVENT_CQ_ERR:
		for (unsigned i = 0; i < ep->nd; i++)
			if (ep->d[i].cq == e->element.cq)
				return true;
		return false;
	case IBV_EVENT_DEVICE_FATAL: return true;
	case IBV_EVENT_SRQ_ERR:
	case IBV_EVENT_SRQ_LIMIT_REACHED: return false; /* no SRQ here */
	default: return owns_qp(ep, e->element.qp);
	}
}

static void record(struct lr_endpoint *ep, const struct ibv_async_event *e)
{
	char msg[160];

	describe_event(ep, e, msg, sizeof(msg));
	ep->async_events++;
	if (fatal(e->event_type) && !ep->async_fatal[0]) {
		snprintf(ep->async_fatal, sizeof(ep->async_fatal), "%s", msg);
		lr_err("verbs: async event: %s", msg);
	} else {
		lr_warn("verbs: async event: %s", msg);
	}
}

/* Read what is pending on ep's context and hand each event to the
 * endpoints it is about; whether ep has seen a fatal one. */
static bool drain_events(struct lr_endpoint *ep)
{
	struct ibv_async_event e;

	while (!ibv_get_async_event(ep->dev.ctx, &e)) {
		bool taken = false;

		for (struct lr_endpoint *o = async_eps; o; o = o->async_next)
			if (o->dev.ctx == ep->dev.ctx && owns(o, &e)) {
				record(o, &e);
				taken = true;
			}
		if (!taken)
			lr_warn("verbs: async event of no live test on %s: %s",
				ep->dev.name, ibv_event_type_str(e.event_type));
		ibv_ack_async_event(&e);
	}
	return ep->async_fatal[0] != '\0';
}

/* The endpoint's events for its results (another session may write them). */
void lr_vasync_describe(const struct lr_endpoint *ep, json_t *j)
{
	pthread_mutex_lock(&async_lock);
	json_object_set_new(j, "async_events", json_integer(ep->async_events));
	json_object_set_new(j, "async_fatal",
			    ep->async_fatal[0] ? json_string(ep->async_fatal) :
						 json_null());
	pthread_mutex_unlock(&async_lock);
}

int lr_vasync_poll(struct lr_endpoint *ep, struct lr_worker_ctl *ctl)
{
	char msg[sizeof(ep->async_fatal)];
	bool bad;

	if (!ep->dev.ctx)
		return 0;

	pthread_mutex_lock(&async_lock);
	bad = drain_events(ep);
	if (bad)
		memcpy(msg, ep->async_fatal, sizeof(msg));
	pthread_mutex_unlock(&async_lock);
	if (!bad)
		return 0;
	lr_worker_fail(ctl, -ENETDOWN, "verbs: async event: %s", msg);
	return -ENETDOWN;
}

/*
 * The window hook: each QP's count at the window's edges, so that its
 * share is the window's (a QP stuck in RNR retries while the window is
 * open shows there, not averaged with the warm-up and the tail).
 */
void lr_vasync_window(struct lr_endpoint *ep, enum lr_window_edge edge,
		      struct lr_retrans *out)
{
	if (edge == LR_WINDOW_TICK)
		return;
	for (unsigned i = 0; i < ep->nd; i++)
		for (unsigned k = 0; k < ep->d[i].nqp; k++) {
			struct lr_vqp *q = &ep->d[i].qps[k];
			uint64_t b = atomic_load(&q->bytes);

			if (edge == LR_WINDOW_OPEN)
				q->win_open = b;
			else
				q->win_close = b;
		}
	if (edge == LR_WINDOW_CLOSE)
		ep->windowed = true;
}

/* The bytes of each QP of direction d in the window (else in the whole
 * run), and their spread. */
static json_t *dir_qps(const struct lr_endpoint *ep, const struct lr_vdir *d,
		       uint64_t *sum)
{
	json_t *a = json_array();
	uint64_t min = UINT64_MAX, max = 0;

	*sum = 0;
	for (unsigned i = 0; i < d->nqp; i++) {
		const struct lr_vqp *q = &d->qps[i];
		uint64_t b = ep->windowed ? q->win_close - q->win_open :
					    atomic_load(&q->bytes);

		json_array_append_new(a, json_integer((json_int_t)b));
		*sum += b;
		min = b < min ? b : min;
		max = b > max ? b : max;
	}
	return json_pack("{s:s, s:s, s:o, s:I, s:I, s:I, s:f}", "direction",
			 d->dir == LR_DIR_C2S ? "c2s" : "s2c", "of",
			 ep->windowed ? "window" : "run", "bytes", a, "total",
			 (json_int_t)*sum, "min", (json_int_t)min, "max",
			 (json_int_t)max, "max_over_min",
			 min ? (double)max / (double)min : 0.0);
}

json_t *lr_vasync_qp_bytes(const struct lr_endpoint *ep, bool counts)
{
	json_t *a = json_array();
	uint64_t sum;

	for (unsigned i = 0; i < ep->nd; i++)
		if (ep->d[i].sends || counts)
			json_array_append_new(a, dir_qps(ep, &ep->d[i], &sum));
	return a;
}

/*
 * RoCE: the class the test's traffic class lands on, from the netdev's DCB
 * state (linerate/dcb.h): DSCP = tclass >> 2, its priority, whether PFC is
 * on for it. A test on a priority without PFC is a finding.
 */
json_t *lr_vqos_describe(const struct lr_endpoint *ep)
{
	char ifname[64], finding[200] = "";
	unsigned dscp = ep->o.tclass >> 2;
	struct lr_dcb d;
	int prio;
	json_t *o;

	if (!ep->dev.roce ||
	    lr_sysfs_read(ifname, sizeof(ifname),
			  "sys/class/infiniband/%s/ports/%u/gid_attrs/ndevs/%d",
			  ep->dev.name, ep->dev.port, ep->dev.gid_index) <= 0)
		return json_null();
	lr_dcb_read(ifname, &d);
	prio = lr_dcb_prio_of(&d, dscp);
	if (d.have_pfc && !(d.pfc_en & (1u << prio)))
		snprintf(finding, sizeof(finding),
			 "traffic class %u (DSCP %u) runs on priority %d of "
			 "%s, which has no PFC: a lossy class for RoCE",
			 ep->o.tclass, dscp, prio, ifname);
	o = json_pack("{s:s, s:i, s:i, s:i}", "netdev", ifname, "tclass",
		      (int)ep->o.tclass, "dscp", (int)dscp, "priority", prio);
	json_object_set_new(o, "pfc",
			    d.have_pfc ? json_boolean(d.pfc_en & (1u << prio)) :
					 json_null());
	json_object_set_new(o, "ecn",
			    d.ecn_np[prio] < 0 ? json_null() :
						 json_boolean(d.ecn_np[prio] &&
							      d.ecn_rp[prio]));
	json_object_set_new(o, "finding",
			    finding[0] ? json_string(finding) : json_null());
	return o;
}
