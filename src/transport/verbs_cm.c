// SPDX-License-Identifier: MIT
/*
 * verbs: connecting the QPs through librdmacm (--cm) instead of exchanging
 * their parameters over the control channel. The server listens on an
 * rdma_cm port whose address travels in its local info; the client resolves
 * a route and connects one cm id per QP; rkey and address travel in the
 * private data. The device is the one rdma_cm's route goes through.
 *
 * The QPs are this end's own (ibv_create_qp, not rdma_create_qp): rdma_cm
 * gives their attributes for each state (rdma_init_qp_attr) and this end
 * moves them, with what the user forced on top: --mtu, --sl, and an RNR
 * timer of 0.64 ms where the kernel's CM sets 0, the longest (655 ms per
 * RNR NAK). The client completes with rdma_establish after the CONNECT_
 * RESPONSE; the server's QPs are ready before it accepts.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "linerate/util.h"
#include "verbs.h"

struct lr_vcm {
	struct rdma_event_channel *ch;
	struct rdma_cm_id *listen;
	char src[INET6_ADDRSTRLEN]; /* client: --dev's address, or "" */
	uint64_t token; /* the server's, in its info: every request has it */
};

/* Private data of CONNECT_REQUEST and its response, network byte order. */
struct cm_pdata {
	uint64_t token; /* this test's (the server's info) */
	uint64_t addr;
	uint32_t rkey;
	uint32_t slot; /* QP index, direction-major */
	uint32_t rd_atom;
};

static struct lr_vqp *slot_qp(struct lr_endpoint *ep, uint32_t slot)
{
	for (unsigned i = 0; i < ep->nd; i++) {
		if (slot < ep->d[i].nqp)
			return &ep->d[i].qps[slot];
		slot -= ep->d[i].nqp;
	}
	return NULL;
}

static int get_addr(const char *host, uint16_t port,
		    struct sockaddr_storage *ss)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC }, *ai;
	int ret = getaddrinfo(host, NULL, &hints, &ai);

	if (ret) {
		lr_err("verbs: rdma_cm address '%s': %s", host,
		       gai_strerror(ret));
		return -EINVAL;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	return 0;
}

/* rdmacm's -1 + errno, logged once. */
static int cm_err(const char *what)
{
	int ret = errno ? -errno : -EIO;

	lr_err("verbs: %s: %s", what, strerror(-ret));
	return ret;
}

/* --tclass and --qp-timeout on an id, before its route is resolved. */
static int set_qos(const struct lr_endpoint *ep, struct rdma_cm_id *id)
{
	uint8_t tos = (uint8_t)ep->o.tclass, to = (uint8_t)ep->o.qp_timeout;

	if (rdma_set_option(id, RDMA_OPTION_ID, RDMA_OPTION_ID_TOS, &tos,
			    sizeof(tos)))
		return cm_err("rdma_set_option(TOS)");
	if (rdma_set_option(id, RDMA_OPTION_ID, RDMA_OPTION_ID_ACK_TIMEOUT, &to,
			    sizeof(to)))
		return cm_err("rdma_set_option(ACK_TIMEOUT)");
	return 0;
}

/*
 * A connection request where none is expected (a stranger, or a client of
 * another test on the same listener): it has an id of its own, which must
 * be refused and destroyed, not left behind.
 */
static void refuse_stray(struct rdma_cm_event *ev)
{
	struct rdma_cm_id *id = ev->id;

	lr_warn("verbs: rdma_cm: refused a stray connection request");
	rdma_reject(id, NULL, 0);
	rdma_ack_cm_event(ev);
	rdma_destroy_id(id);
}

/* The next event, which must be of type want; stray requests are refused. */
static int get_event(struct lr_endpoint *ep, enum rdma_cm_event_type want,
		     struct rdma_cm_event **out)
{
	uint64_t end = lr_now_ns() + (uint64_t)ep->timeout_ms * 1000000u;
	struct pollfd p = { .fd = ep->cm->ch->fd, .events = POLLIN };
	struct rdma_cm_event *ev;
	int ret;

	for (;;) {
		uint64_t now = lr_now_ns();

		ret = now < end ? poll(&p, 1, (int)((end - now) / 1000000u)) :
				  0;
		if (ret <= 0) {
			lr_err("verbs: rdma_cm: no %s within %d ms",
			       rdma_event_str(want), ep->timeout_ms);
			return ret < 0 ? -errno : -ETIMEDOUT;
		}
		if (rdma_get_cm_event(ep->cm->ch, &ev))
			return cm_err("rdma_get_cm_event");
		if (ev->event == want)
			break;
		if (ev->event == RDMA_CM_EVENT_CONNECT_REQUEST) {
			refuse_stray(ev);
			continue;
		}
		lr_err("verbs: rdma_cm: %s (status %d) where %s was expected",
		       rdma_event_str(ev->event), ev->status,
		       rdma_event_str(want));
		ret = ev->status < 0 ? ev->status : -ECONNREFUSED;
		rdma_ack_cm_event(ev);
		return ret;
	}
	*out = ev;
	return 0;
}

static int wait_simple(struct lr_endpoint *ep, enum rdma_cm_event_type want)
{
	struct rdma_cm_event *ev;
	int ret = get_event(ep, want, &ev);

	if (!ret)
		rdma_ack_cm_event(ev);
	return ret;
}

static void find_gid(struct lr_vdev *dev, const union ibv_gid *sgid)
{
	union ibv_gid g;

	dev->gid_index = 0;
	dev->gid = *sgid;
	snprintf(dev->gid_why, sizeof(dev->gid_why), "chosen by rdma_cm");
	for (int i = 0; i < dev->pattr.gid_tbl_len; i++) {
		if (ibv_query_gid(dev->ctx, dev->port, i, &g) ||
		    memcmp(&g, sgid, sizeof(g)))
			continue;
		lr_vdev_pick_gid(dev, i, NULL, NULL);
		snprintf(dev->gid_why, sizeof(dev->gid_why),
			 "chosen by rdma_cm (route source address)");
		return;
	}
}

/* --gid-index is honoured through the address rdma_cm routes from (the
 * GID's own, with --dev); the GID it chose must be that one. */
static int check_gid(const struct lr_endpoint *ep)
{
	if (ep->o.gid_index < 0 || ep->dev.gid_index == ep->o.gid_index)
		return 0;
	lr_err("verbs: rdma_cm routed from GID index %d of %s, not --gid-index "
	       "%d (with --cm the GID is the one of the route's source "
	       "address: give --dev %s so that the route starts there)",
	       ep->dev.gid_index, ep->dev.name, ep->o.gid_index, ep->dev.name);
	return -EINVAL;
}

/* Every QP's route must go through the device of the first one. */
static int same_device(struct lr_endpoint *ep)
{
	struct ibv_context *ctx = slot_qp(ep, 0)->cm_id->verbs;

	for (uint32_t s = 1; s < lr_verbs_nqp_total(ep); s++) {
		if (slot_qp(ep, s)->cm_id->verbs == ctx)
			continue;
		lr_err("verbs: rdma_cm routed QP %u through %s, QP 0 through "
		       "%s: one test uses one device",
		       s,
		       ibv_get_device_name(
			       slot_qp(ep, s)->cm_id->verbs->device),
		       ibv_get_device_name(ctx->device));
		return -EXDEV;
	}
	return 0;
}

/* Take the device rdma_cm resolved for id, then build every resource. */
static int adopt_device(struct lr_endpoint *ep, struct rdma_cm_id *id)
{
	struct lr_vdev *dev = &ep->dev;
	int ret;

	dev->ctx = id->verbs;
	dev->borrowed = true;
	dev->port = id->port_num;
	snprintf(dev->name, sizeof(dev->name), "%s",
		 ibv_get_device_name(id->verbs->device));
	ret = ibv_query_device(dev->ctx, &dev->dattr);
	if (!ret)
		ret = ibv_query_port(dev->ctx, dev->port, &dev->pattr);
	if (ret) {
		lr_err("verbs: query %s: %s", dev->name, strerror(ret));
		return -ret;
	}
	dev->roce = dev->pattr.link_layer == IBV_LINK_LAYER_ETHERNET;
	find_gid(dev, &id->route.addr.addr.ibaddr.sgid);
	ret = check_gid(ep);
	if (!ret)
		ret = lr_vdev_check_port(dev, ep->o.mtu);
	if (ret)
		return ret;
	lr_verbs_fit_depths(ep);
	return lr_vres_create(ep);
}

static int post_all_recvs(struct lr_endpoint *ep)
{
	uint32_t n = lr_verbs_rx_count(ep);

	for (unsigned i = 0; n && i < ep->nd; i++)
		for (unsigned k = 0; k < ep->d[i].nqp; k++) {
			int ret =
				lr_vdata_post_recvs(ep, &ep->d[i].qps[k], k, n);
			if (ret)
				return ret;
		}
	return 0;
}

static void fill_pdata(const struct lr_endpoint *ep, uint32_t slot,
		       struct cm_pdata *pd)
{
	uint32_t ra = (uint32_t)ep->dev.dattr.max_qp_rd_atom;

	pd->token = htobe64(ep->cm->token);
	pd->addr = htobe64((uint64_t)(uintptr_t)ep->buf);
	pd->rkey = htonl(ep->mr->rkey);
	pd->slot = htonl(slot);
	pd->rd_atom =
		htonl(ra > LR_VERBS_RD_ATOM_MAX ? LR_VERBS_RD_ATOM_MAX : ra);
}

static int take_pdata(struct lr_endpoint *ep, const void *data, uint8_t len,
		      uint32_t *slot)
{
	struct cm_pdata pd;

	if (!data || len < sizeof(pd)) {
		lr_err("verbs: rdma_cm peer sent %u bytes of private data",
		       len);
		return -EPROTO;
	}
	memcpy(&pd, data, sizeof(pd));
	/* The length of a request's private data is always the CM's
	 * maximum: only the test's token tells a stranger (or a zeroed
	 * request that would decode as slot 0) from this test's client. */
	if (be64toh(pd.token) != ep->cm->token) {
		lr_err("verbs: rdma_cm private data without this test's token");
		return -EPROTO;
	}
	ep->raddr = be64toh(pd.addr);
	ep->rkey = ntohl(pd.rkey);
	ep->peer_rd_atom = ntohl(pd.rd_atom);
	*slot = ntohl(pd.slot);
	return 0;
}

static void conn_param(const struct lr_endpoint *ep, struct cm_pdata *pd,
		       struct rdma_conn_param *cp)
{
	uint32_t ra = (uint32_t)ep->dev.dattr.max_qp_rd_atom;
	uint32_t ia = (uint32_t)ep->dev.dattr.max_qp_init_rd_atom;

	memset(cp, 0, sizeof(*cp));
	cp->private_data = pd;
	cp->private_data_len = sizeof(*pd);
	if (ra > LR_VERBS_RD_ATOM_MAX)
		ra = LR_VERBS_RD_ATOM_MAX;
	if (ia > LR_VERBS_RD_ATOM_MAX)
		ia = LR_VERBS_RD_ATOM_MAX;
	cp->responder_resources = (uint8_t)ra;
	cp->initiator_depth = (uint8_t)ia;
	cp->retry_count = 7;
	cp->rnr_retry_count = 7;
}

int lr_vcm_qp_init(const struct lr_endpoint *ep, struct lr_vqp *q)
{
	struct ibv_qp_attr a = { .qp_state = IBV_QPS_INIT };
	int mask, ret;

	if (rdma_init_qp_attr(q->cm_id, &a, &mask))
		return cm_err("rdma_init_qp_attr(INIT)");
	a.qp_access_flags = IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ |
			    IBV_ACCESS_LOCAL_WRITE;
	ret = ibv_modify_qp(q->qp, &a, mask | IBV_QP_ACCESS_FLAGS);
	if (ret) {
		lr_err("verbs: QP 0x%x to INIT (rdma_cm): %s", q->qp->qp_num,
		       strerror(ret));
		return -ret;
	}
	return 0;
}

/* What the user forced over rdma_cm's RTR attributes. */
static int force_rtr(const struct lr_endpoint *ep, struct ibv_qp_attr *a,
		     int *mask)
{
	enum ibv_mtu m;

	if (ep->o.mtu && !lr_vdev_mtu_enum(ep->o.mtu, &m)) {
		if (m > a->path_mtu) {
			lr_err("verbs: --mtu %u is above the path MTU rdma_cm "
			       "resolved (%s)",
			       ep->o.mtu, lr_vdev_mtu_str(a->path_mtu));
			return -EINVAL;
		}
		a->path_mtu = m;
	}
	if (ep->o.sl_given)
		a->ah_attr.sl = (uint8_t)ep->o.sl;
	/* A server's ids come from its listener, which does not pass on
	 * RDMA_OPTION_ID_TOS/ACK_TIMEOUT: the options are the QP's here. */
	if (a->ah_attr.is_global)
		a->ah_attr.grh.traffic_class = (uint8_t)ep->o.tclass;
	a->min_rnr_timer = 12; /* 0.64 ms, as without --cm */
	*mask |= IBV_QP_MIN_RNR_TIMER;
	return 0;
}

/*
 * One QP to RTR and RTS with the attributes rdma_cm negotiated. The server
 * sets the READ depths it accepts with (cp); the client keeps the ones of
 * the response (cp NULL), as librdmacm does with QPs of its own.
 */
static int qp_ready(const struct lr_endpoint *ep, struct lr_vqp *q,
		    const struct rdma_conn_param *cp)
{
	struct ibv_qp_attr a = { .qp_state = IBV_QPS_RTR };
	int mask, ret;

	if (rdma_init_qp_attr(q->cm_id, &a, &mask))
		return cm_err("rdma_init_qp_attr(RTR)");
	ret = force_rtr(ep, &a, &mask);
	if (ret)
		return ret;
	if (cp)
		a.max_dest_rd_atomic = cp->responder_resources;
	/* As librdmacm does (ucma_modify_qp_rtr): old kernels set the RoCE
	 * bits 21-23 of the mask on InfiniBand too. */
	if (!ep->dev.roce)
		mask &= ~0xe00000;
	ret = ibv_modify_qp(q->qp, &a, mask);
	if (ret) {
		lr_err("verbs: QP 0x%x to RTR (rdma_cm, MTU %s, SL %u): %s",
		       q->qp->qp_num, lr_vdev_mtu_str(a.path_mtu), a.ah_attr.sl,
		       strerror(ret));
		return -ret;
	}
	memset(&a, 0, sizeof(a));
	a.qp_state = IBV_QPS_RTS;
	if (rdma_init_qp_attr(q->cm_id, &a, &mask))
		return cm_err("rdma_init_qp_attr(RTS)");
	if (cp)
		a.max_rd_atomic = cp->initiator_depth;
	a.timeout = (uint8_t)ep->o.qp_timeout;
	mask |= IBV_QP_TIMEOUT;
	ret = ibv_modify_qp(q->qp, &a, mask);
	if (ret) {
		lr_err("verbs: QP 0x%x to RTS (rdma_cm): %s", q->qp->qp_num,
		       strerror(ret));
		return -ret;
	}
	return 0;
}

static void record_mtu(struct lr_endpoint *ep)
{
	struct ibv_qp_init_attr ia;
	struct ibv_qp_attr a;

	if (!ibv_query_qp(ep->d[0].qps[0].qp, &a, IBV_QP_PATH_MTU, &ia))
		ep->path_mtu = a.path_mtu;
}

/* Server: wait for every QP's ESTABLISHED (the client's RTU). */
static int wait_established(struct lr_endpoint *ep, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		int ret = wait_simple(ep, RDMA_CM_EVENT_ESTABLISHED);

		if (ret)
			return ret;
	}
	record_mtu(ep);
	return 0;
}

/*
 * Client: each QP's CONNECT_RESPONSE brings the server's private data; the
 * QP goes to RTR and RTS, and rdma_establish sends the RTU.
 */
static int wait_responses(struct lr_endpoint *ep, unsigned n)
{
	struct rdma_cm_event *ev;
	uint32_t slot;
	int ret;

	for (unsigned i = 0; i < n; i++) {
		struct lr_vqp *q;

		ret = get_event(ep, RDMA_CM_EVENT_CONNECT_RESPONSE, &ev);
		if (ret)
			return ret;
		q = ev->id->context;
		ret = take_pdata(ep, ev->param.conn.private_data,
				 ev->param.conn.private_data_len, &slot);
		if (!ret)
			ret = qp_ready(ep, q, NULL);
		if (!ret && rdma_establish(ev->id))
			ret = cm_err("rdma_establish");
		rdma_ack_cm_event(ev);
		if (ret)
			return ret;
	}
	record_mtu(ep);
	return 0;
}

static int bind_listen(struct lr_endpoint *ep, const char *host, json_t *info)
{
	struct sockaddr_storage ss;
	const char *addr = "";
	int ret = get_addr(host, 0, &ss);

	if (ret)
		return ret;
	if (rdma_bind_addr(ep->cm->listen, (struct sockaddr *)&ss) ||
	    rdma_listen(ep->cm->listen, (int)LR_MAX_STREAMS * 2)) {
		ret = errno ? -errno : -EIO;
		lr_err("verbs: rdma_cm listen on %s: %s", host, strerror(-ret));
		return ret;
	}
	if (strcmp(host, "0.0.0.0") && strcmp(host, "::"))
		addr = host;
	json_object_set_new(info, "cm_addr", json_string(addr));
	json_object_set_new(
		info, "cm_port",
		json_integer(ntohs(rdma_get_src_port(ep->cm->listen))));
	return 0;
}

/* The IP address of the GID linerate would choose on dev; 0 or -errno. */
static int dev_addr(const struct lr_endpoint *ep, const char *dev, char *buf,
		    size_t len)
{
	struct lr_vdev d = { 0 };
	int ret = lr_vdev_open(&d, dev, ep->o.gid_index,
			       ep->peer_host[0] ? ep->peer_host : NULL);

	if (ret)
		return ret;
	if (IN6_IS_ADDR_V4MAPPED((struct in6_addr *)d.gid.raw))
		inet_ntop(AF_INET, &d.gid.raw[12], buf, (socklen_t)len);
	else if (d.roce)
		inet_ntop(AF_INET6, d.gid.raw, buf, (socklen_t)len);
	else
		ret = -EADDRNOTAVAIL;
	lr_vdev_close(&d);
	return ret;
}

/* The address the server listens on: its device's, else the control's. */
static int listen_host(struct lr_endpoint *ep, const char *dev, char *buf,
		       size_t len)
{
	snprintf(buf, len, "%s", ep->peer_host[0] ? ep->peer_host : "0.0.0.0");
	return dev ? dev_addr(ep, dev, buf, len) : 0;
}

int lr_vcm_create(struct lr_endpoint *ep, const char *dev, json_t *info)
{
	char host[sizeof(ep->peer_host)];
	int ret;

	ep->cm = calloc(1, sizeof(*ep->cm));
	if (!ep->cm)
		return -ENOMEM;
	ep->cm->ch = rdma_create_event_channel();
	if (!ep->cm->ch) {
		ret = errno ? -errno : -ENODEV;
		lr_err("verbs: rdma_create_event_channel: %s (is rdma_ucm "
		       "loaded?)",
		       strerror(-ret));
		goto free_cm;
	}
	json_object_set_new(info, "cm", json_true());
	if (ep->role == LR_ROLE_CLIENT) {
		/* rdma_cm routes from --dev's address when there is one. */
		ret = dev ? dev_addr(ep, dev, ep->cm->src,
				     sizeof(ep->cm->src)) :
			    0;
		if (ret)
			goto destroy_channel;
		return 0;
	}
	if (getrandom(&ep->cm->token, sizeof(ep->cm->token), 0) !=
	    (ssize_t)sizeof(ep->cm->token))
		ep->cm->token = lr_now_ns() ^ (uint64_t)getpid();
	ep->cm->token &= (uint64_t)INT64_MAX; /* a JSON integer */
	json_object_set_new(info, "cm_token",
			    json_integer((json_int_t)ep->cm->token));
	if (rdma_create_id(ep->cm->ch, &ep->cm->listen, NULL, RDMA_PS_TCP)) {
		ret = cm_err("rdma_create_id");
		goto destroy_channel;
	}
	ret = listen_host(ep, dev, host, sizeof(host));
	if (!ret)
		ret = set_qos(ep, ep->cm->listen) ? -EINVAL : 0;
	if (!ret)
		ret = bind_listen(ep, host, info);
	if (ret)
		goto destroy_listen;
	return 0;

destroy_listen:
	rdma_destroy_id(ep->cm->listen);
destroy_channel:
	rdma_destroy_event_channel(ep->cm->ch);
free_cm:
	free(ep->cm);
	ep->cm = NULL;
	return ret;
}

static int resolve(struct lr_endpoint *ep, struct lr_vqp *q,
		   struct sockaddr_storage *src, struct sockaddr_storage *dst)
{
	if (rdma_create_id(ep->cm->ch, &q->cm_id, q, RDMA_PS_TCP)) {
		q->cm_id = NULL;
		return cm_err("rdma_create_id");
	}
	if (set_qos(ep, q->cm_id))
		return -EINVAL;
	if (rdma_resolve_addr(q->cm_id, (struct sockaddr *)src,
			      (struct sockaddr *)dst, ep->timeout_ms))
		return cm_err("rdma_resolve_addr");
	if (wait_simple(ep, RDMA_CM_EVENT_ADDR_RESOLVED))
		return -EHOSTUNREACH;
	if (rdma_resolve_route(q->cm_id, ep->timeout_ms))
		return cm_err("rdma_resolve_route");
	if (wait_simple(ep, RDMA_CM_EVENT_ROUTE_RESOLVED))
		return -EHOSTUNREACH;
	return 0;
}

static int client_connect(struct lr_endpoint *ep, const json_t *peer)
{
	const char *host = json_string_value(json_object_get(peer, "cm_addr"));
	json_int_t port = json_integer_value(json_object_get(peer, "cm_port"));
	unsigned n = lr_verbs_nqp_total(ep);
	struct sockaddr_storage dst, src, *srcp = NULL;
	struct rdma_conn_param cp;
	struct cm_pdata pd;
	int ret;

	if (!host || !host[0])
		host = ep->peer_host;
	if (!json_is_integer(json_object_get(peer, "cm_token"))) {
		lr_err("verbs: the server's info has no rdma_cm token");
		return -EPROTO;
	}
	ep->cm->token =
		(uint64_t)json_integer_value(json_object_get(peer, "cm_token"));
	ret = get_addr(host, (uint16_t)port, &dst);
	if (!ret && ep->cm->src[0]) {
		ret = get_addr(ep->cm->src, 0, &src);
		srcp = &src;
	}
	if (!ret && srcp && src.ss_family != dst.ss_family) {
		lr_err("verbs: rdma_cm cannot route from %s (the address of "
		       "--dev's GID%s) to the server's %s: one is IPv4, the "
		       "other IPv6",
		       ep->cm->src,
		       ep->o.gid_index >= 0 ? " at --gid-index" : "", host);
		ret = -EINVAL;
	}
	for (uint32_t s = 0; !ret && s < n; s++)
		ret = resolve(ep, slot_qp(ep, s), srcp, &dst);
	if (!ret)
		ret = same_device(ep);
	if (!ret)
		ret = adopt_device(ep, slot_qp(ep, 0)->cm_id);
	if (!ret)
		ret = post_all_recvs(ep);
	for (uint32_t s = 0; !ret && s < n; s++) {
		fill_pdata(ep, s, &pd);
		conn_param(ep, &pd, &cp);
		cp.qp_num = slot_qp(ep, s)->qp->qp_num;
		if (rdma_connect(slot_qp(ep, s)->cm_id, &cp))
			ret = cm_err("rdma_connect");
	}
	return ret ? ret : wait_responses(ep, n);
}

/* Take every CONNECT_REQUEST; each names the QP slot it is for. Others
 * are refused, up to MAX_STRAYS of them. */
#define MAX_STRAYS 64

static int accept_requests(struct lr_endpoint *ep, unsigned n)
{
	struct rdma_cm_event *ev;
	unsigned got = 0, strays = 0;
	struct lr_vqp *q;
	uint32_t slot;
	int ret;

	while (got < n) {
		ret = get_event(ep, RDMA_CM_EVENT_CONNECT_REQUEST, &ev);
		if (ret)
			return ret;
		ret = take_pdata(ep, ev->param.conn.private_data,
				 ev->param.conn.private_data_len, &slot);
		q = ret ? NULL : slot_qp(ep, slot);
		if (!ret && (!q || q->cm_id)) {
			lr_err("verbs: rdma_cm request for QP slot %u", slot);
			ret = -EPROTO;
		}
		if (ret) { /* not this test's: refused, still waiting */
			refuse_stray(ev);
			if (++strays > MAX_STRAYS)
				return -EPROTO;
			continue;
		}
		q->cm_id = ev->id;
		q->cm_id->context = q;
		/* The event's depths are the server's view already: the
		 * most it may serve is the client's initiator depth. */
		q->req_resp = ev->param.conn.responder_resources;
		q->req_ini = ev->param.conn.initiator_depth;
		rdma_ack_cm_event(ev);
		got++;
	}
	return 0;
}

static int server_connect(struct lr_endpoint *ep)
{
	unsigned n = lr_verbs_nqp_total(ep);
	struct rdma_conn_param cp;
	struct cm_pdata pd;
	int ret = accept_requests(ep, n);

	if (!ret)
		ret = same_device(ep);
	if (!ret)
		ret = adopt_device(ep, slot_qp(ep, 0)->cm_id);
	if (!ret)
		ret = post_all_recvs(ep);
	for (uint32_t s = 0; !ret && s < n; s++) {
		struct lr_vqp *q = slot_qp(ep, s);

		fill_pdata(ep, s, &pd);
		conn_param(ep, &pd, &cp);
		/* No more READs served than the client will issue, none more
		 * issued than it will serve (rdma_accept(3): at most the
		 * request event's values, which the kernel gives in the
		 * server's view). */
		if (cp.responder_resources > q->req_resp)
			cp.responder_resources = q->req_resp;
		if (cp.initiator_depth > q->req_ini)
			cp.initiator_depth = q->req_ini;
		cp.qp_num = q->qp->qp_num;
		ret = qp_ready(ep, q, &cp);
		if (!ret && rdma_accept(q->cm_id, &cp))
			ret = cm_err("rdma_accept");
	}
	return ret ? ret : wait_established(ep, n);
}

int lr_vcm_connect(struct lr_endpoint *ep, const json_t *peer)
{
	if (ep->role == LR_ROLE_CLIENT)
		return client_connect(ep, peer);
	return server_connect(ep);
}

void lr_vcm_destroy(struct lr_endpoint *ep)
{
	if (!ep->cm)
		return;
	lr_vres_destroy(ep);
	for (unsigned i = 0; i < ep->nd; i++)
		for (unsigned k = 0; k < ep->d[i].nqp; k++)
			if (ep->d[i].qps[k].cm_id)
				rdma_destroy_id(ep->d[i].qps[k].cm_id);
	if (ep->cm->listen)
		rdma_destroy_id(ep->cm->listen);
	rdma_destroy_event_channel(ep->cm->ch);
	free(ep->cm);
	ep->cm = NULL;
	lr_vdev_close(&ep->dev);
}
