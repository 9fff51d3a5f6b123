// SPDX-License-Identifier: MIT
/*
 * verbs: the QP parameters exchanged with the peer over linerate's control
 * channel (QPN, PSN, LID, GID, rkey, address, MTU) and the RC state
 * transitions INIT -> RTR -> RTS.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "linerate/util.h"
#include "verbs.h"

const char *lr_vop_name(enum lr_vop op)
{
	static const char *const n[] = {
		[LR_VOP_WRITE] = "write",
		[LR_VOP_READ] = "read",
		[LR_VOP_SEND] = "send",
	};

	return n[op];
}

static uint32_t rd_atom_clamp(int n)
{
	if (n < 1)
		return 1;
	return (uint32_t)n > LR_VERBS_RD_ATOM_MAX ? LR_VERBS_RD_ATOM_MAX :
						    (uint32_t)n;
}

/* RDMA READs this end serves at once. */
static uint32_t rd_atom_dest(const struct lr_endpoint *ep)
{
	return rd_atom_clamp(ep->dev.dattr.max_qp_rd_atom);
}

/* RDMA READs this end issues at once: what the peer serves, at most. */
static uint32_t rd_atom_init(const struct lr_endpoint *ep)
{
	uint32_t n = rd_atom_clamp(ep->dev.dattr.max_qp_init_rd_atom);

	return n > ep->peer_rd_atom && ep->peer_rd_atom ? ep->peer_rd_atom : n;
}

int lr_vqp_to_init(const struct lr_endpoint *ep, struct ibv_qp *qp)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_INIT,
		.pkey_index = 0,
		.port_num = ep->dev.port,
		.qp_access_flags = IBV_ACCESS_REMOTE_WRITE |
				   IBV_ACCESS_REMOTE_READ |
				   IBV_ACCESS_LOCAL_WRITE,
	};
	int ret = ibv_modify_qp(qp, &a,
				IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT |
					IBV_QP_ACCESS_FLAGS);

	if (ret) {
		lr_err("verbs: QP 0x%x to INIT: %s", qp->qp_num, strerror(ret));
		return -ret;
	}
	return 0;
}

json_t *lr_vqp_local_info(const struct lr_endpoint *ep)
{
	json_t *info = lr_vdev_describe(&ep->dev), *qps = json_array();

	for (unsigned i = 0; i < ep->nd; i++)
		for (unsigned k = 0; k < ep->d[i].nqp; k++)
			json_array_append_new(
				qps,
				json_pack(
					"[I, I]",
					(json_int_t)ep->d[i].qps[k].qp->qp_num,
					(json_int_t)ep->d[i].qps[k].psn));
	json_object_set_new(info, "qps", qps);
	json_object_set_new(info, "rkey", json_integer(ep->mr->rkey));
	json_object_set_new(info, "addr",
			    json_integer((json_int_t)(uintptr_t)ep->buf));
	json_object_set_new(info, "rd_atom", json_integer(rd_atom_dest(ep)));
	return info;
}

/* The peer's fields this end needs, checked. */
struct peer {
	const char *gid;
	json_int_t lid, mtu, rkey, addr, rd_atom;
	const json_t *qps;
};

static int parse_peer(const json_t *j, struct peer *pr)
{
	json_error_t e;

	if (json_unpack_ex((json_t *)j, &e, 0,
			   "{s:s, s:I, s:I, s:I, s:I, s:I, s:o}", "gid",
			   &pr->gid, "lid", &pr->lid, "active_mtu", &pr->mtu,
			   "rkey", &pr->rkey, "addr", &pr->addr, "rd_atom",
			   &pr->rd_atom, "qps", &pr->qps) ||
	    !json_is_array(pr->qps)) {
		lr_err("verbs: bad peer info: %s", e.text);
		return -EPROTO;
	}
	return 0;
}

static int choose_mtu(struct lr_endpoint *ep, uint32_t peer_mtu)
{
	uint32_t mtu = ep->o.mtu;
	enum ibv_mtu local = ep->dev.pattr.active_mtu;

	if (mtu && mtu > peer_mtu) {
		lr_err("verbs: --mtu %u is above the peer's active MTU (%u)",
		       mtu, peer_mtu);
		return -EINVAL;
	}
	if (mtu)
		return lr_vdev_mtu_enum(mtu, &ep->path_mtu);
	if (lr_vdev_mtu_enum(peer_mtu, &ep->path_mtu)) {
		lr_err("verbs: peer MTU %u is not an IB MTU", peer_mtu);
		return -EPROTO;
	}
	if (local < ep->path_mtu)
		ep->path_mtu = local;
	return 0;
}

static void fill_ah(const struct lr_endpoint *ep, const union ibv_gid *dgid,
		    uint16_t dlid, struct ibv_ah_attr *ah)
{
	memset(ah, 0, sizeof(*ah));
	ah->dlid = dlid;
	ah->sl = (uint8_t)ep->o.sl;
	ah->port_num = ep->dev.port;
	if (!ep->dev.roce && !ep->o.grh)
		return;
	ah->is_global = 1;
	ah->grh.dgid = *dgid;
	ah->grh.sgid_index = (uint8_t)ep->dev.gid_index;
	ah->grh.hop_limit = 64;
	ah->grh.traffic_class = (uint8_t)ep->o.tclass;
}

static int to_rtr(const struct lr_endpoint *ep, struct lr_vqp *q,
		  const struct ibv_ah_attr *ah, uint32_t dqpn, uint32_t dpsn)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_RTR,
		.path_mtu = ep->path_mtu,
		.dest_qp_num = dqpn,
		.rq_psn = dpsn,
		.max_dest_rd_atomic = (uint8_t)rd_atom_dest(ep),
		.min_rnr_timer = 12,
		.ah_attr = *ah,
	};
	int ret = ibv_modify_qp(q->qp, &a,
				IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
					IBV_QP_DEST_QPN | IBV_QP_RQ_PSN |
					IBV_QP_MAX_DEST_RD_ATOMIC |
					IBV_QP_MIN_RNR_TIMER);

	if (ret) {
		lr_err("verbs: QP 0x%x to RTR (peer QP 0x%x, MTU %s): %s",
		       q->qp->qp_num, dqpn, lr_vdev_mtu_str(ep->path_mtu),
		       strerror(ret));
		return -ret;
	}
	return 0;
}

static int to_rts(const struct lr_endpoint *ep, struct lr_vqp *q)
{
	struct ibv_qp_attr a = {
		.qp_state = IBV_QPS_RTS,
		.timeout = (uint8_t)ep->o.qp_timeout,
		.retry_cnt = 7,
		.rnr_retry = 7,
		.sq_psn = q->psn,
		.max_rd_atomic = (uint8_t)rd_atom_init(ep),
	};
	int ret =
		ibv_modify_qp(q->qp, &a,
			      IBV_QP_STATE | IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT |
				      IBV_QP_RNR_RETRY | IBV_QP_SQ_PSN |
				      IBV_QP_MAX_QP_RD_ATOMIC);

	if (ret) {
		lr_err("verbs: QP 0x%x to RTS: %s", q->qp->qp_num,
		       strerror(ret));
		return -ret;
	}
	return 0;
}

static int connect_qp(struct lr_endpoint *ep, struct lr_vqp *q, unsigned k,
		      const struct ibv_ah_attr *ah, const json_t *pq)
{
	json_int_t qpn, psn;
	int ret;

	if (json_unpack((json_t *)pq, "[I, I]", &qpn, &psn)) {
		lr_err("verbs: bad peer QP entry");
		return -EPROTO;
	}
	if (lr_verbs_rx_count(ep)) {
		ret = lr_vdata_post_recvs(ep, q, k, lr_verbs_rx_count(ep));
		if (ret)
			return ret;
	}
	ret = to_rtr(ep, q, ah, (uint32_t)qpn, (uint32_t)psn);
	return ret ? ret : to_rts(ep, q);
}

int lr_vqp_connect(struct lr_endpoint *ep, const json_t *peer)
{
	struct ibv_ah_attr ah;
	union ibv_gid dgid;
	struct peer pr;
	size_t n = 0;
	int ret;

	ret = parse_peer(peer, &pr);
	if (ret)
		return ret;
	if (json_array_size(pr.qps) != lr_verbs_nqp_total(ep)) {
		lr_err("verbs: peer has %zu QPs, this end %u",
		       json_array_size(pr.qps), lr_verbs_nqp_total(ep));
		return -EPROTO;
	}
	if (inet_pton(AF_INET6, pr.gid, dgid.raw) != 1) {
		lr_err("verbs: bad peer GID '%s'", pr.gid);
		return -EPROTO;
	}
	ep->rkey = (uint32_t)pr.rkey;
	ep->raddr = (uint64_t)pr.addr;
	ep->peer_rd_atom = (uint32_t)pr.rd_atom;
	ret = choose_mtu(ep, (uint32_t)pr.mtu);
	if (ret)
		return ret;
	fill_ah(ep, &dgid, (uint16_t)pr.lid, &ah);
	for (unsigned i = 0; i < ep->nd; i++)
		for (unsigned k = 0; k < ep->d[i].nqp; k++) {
			ret = connect_qp(ep, &ep->d[i].qps[k], k, &ah,
					 json_array_get(pr.qps, n++));
			if (ret)
				return ret;
		}
	return 0;
}

/* The attributes the QP actually has (read back with ibv_query_qp). */
json_t *lr_vqp_query(const struct lr_endpoint *ep)
{
	struct ibv_qp_init_attr ia;
	struct ibv_qp_attr a;
	struct ibv_qp *qp = ep->nd && ep->d[0].qps ? ep->d[0].qps[0].qp : NULL;

	if (!qp ||
	    ibv_query_qp(qp, &a,
			 IBV_QP_STATE | IBV_QP_AV | IBV_QP_PATH_MTU |
				 IBV_QP_TIMEOUT | IBV_QP_MAX_QP_RD_ATOMIC |
				 IBV_QP_MAX_DEST_RD_ATOMIC,
			 &ia))
		return json_null();
	return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i}", "path_mtu",
			 atoi(lr_vdev_mtu_str(a.path_mtu)), "sl",
			 (int)a.ah_attr.sl, "traffic_class",
			 (int)a.ah_attr.grh.traffic_class, "timeout",
			 (int)a.timeout, "max_rd_atomic", (int)a.max_rd_atomic,
			 "max_dest_rd_atomic", (int)a.max_dest_rd_atomic);
}
