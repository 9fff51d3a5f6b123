/* SPDX-License-Identifier: MIT */
/*
 * verbs transport, private: Reliable Connected QPs over InfiniBand or RoCE.
 *
 *   verbs.c       ops table, options, check, create/connect/destroy
 *   verbs_dev.c   device, port and GID selection
 *   verbs_res.c   PD, buffer, MR, CQs, QPs and their cleanup ladder
 *   verbs_qp.c    QP state transitions and the info exchanged with the peer
 *   verbs_data.c  bandwidth data path (post, poll, count on completion)
 *   verbs_lat.c   ping-pong latency (WRITE and SEND)
 *   verbs_cm.c    connecting through librdmacm instead (--cm)
 *
 * Every function returns 0 or -errno and logs once, where the error is
 * found; verbs' positive errno, NULL + errno and rdmacm's -1 + errno are
 * normalised here.
 */
#ifndef LINERATE_TRANSPORT_VERBS_H
#define LINERATE_TRANSPORT_VERBS_H

#include <infiniband/verbs.h>
#include <rdma/rdma_cma.h>
#include <stdbool.h>
#include <stdint.h>

#include "linerate/place.h"
#include "linerate/transport.h"

#define LR_VERBS_POST_LIST_MAX 64u
#define LR_VERBS_THREADS_MAX 32u
/* RDMA READs in flight per QP: the device's limit, below librdmacm's 0xff
 * ("the maximum"). READ bandwidth depends on it. */
#define LR_VERBS_RD_ATOM_MAX 254u

enum lr_vop { LR_VOP_WRITE = 0, LR_VOP_READ = 1, LR_VOP_SEND = 2 };

/* The transport's options (transport.h: struct lr_transport_opt). */
struct lr_vopts {
	enum lr_vop op;
	uint32_t tx_depth; /* work requests in flight per QP */
	uint32_t rx_depth; /* receives posted per QP (SEND, WRITE_IMM) */
	uint32_t post_list; /* work requests per ibv_post_send */
	uint32_t cq_mod; /* signal one work request in cq_mod */
	uint32_t inline_size; /* send inline up to this size */
	uint32_t mtu; /* forced path MTU in bytes, or 0 */
	uint32_t tclass; /* GRH traffic class (RoCE: DSCP << 2) */
	uint32_t sl; /* service level */
	bool sl_given; /* --sl was given (--cm: else the route's SL) */
	int gid_index; /* forced GID index, or -1 */
	bool grh; /* IB: use a GRH */
	bool cm; /* connect through rdma_cm */
	bool write_imm; /* WRITE with immediate */
	bool relaxed; /* IBV_ACCESS_RELAXED_ORDERING on the MR (bandwidth) */
	uint32_t qp_timeout; /* local ACK timeout: 4.096 us << qp_timeout */
	bool hugepages; /* buffers on 2 MiB pages */
	uint32_t threads; /* workers per direction, each with its own CQ */
};

/* The device, port and GID this end uses, and why. */
struct lr_vdev {
	struct ibv_context *ctx; /* owned unless borrowed from rdma_cm */
	bool borrowed;
	char name[64];
	uint8_t port;
	struct ibv_device_attr dattr;
	struct ibv_port_attr pattr;
	bool roce; /* link layer Ethernet */
	int gid_index;
	union ibv_gid gid;
	char gid_type[24]; /* "RoCE v2", "IB/RoCE v1", ... */
	char gid_why[192]; /* how the GID was chosen */
};

struct lr_vqp {
	struct ibv_qp *qp;
	uint32_t psn;
	uint32_t outstanding; /* posted, not yet known complete */
	uint32_t unsig; /* unsignaled since the last signaled */
	struct rdma_cm_id *cm_id; /* --cm only */
	unsigned slot; /* index over every direction's QPs: its buffers */
	uint8_t req_ini, req_resp; /* --cm server: the request's depths */
	_Atomic uint64_t bytes; /* payload counted on this QP, whole run */
	/* bytes at the measured window's edges (the engine's thread) */
	uint64_t win_open, win_close;
};

/* One direction of the flow on this end: its QPs share one CQ. */
struct lr_vdir {
	enum lr_dir dir;
	bool sends; /* this end is the data source */
	struct ibv_cq *cq;
	struct lr_vqp *qps;
	unsigned nqp;
};

struct lr_vcm;

struct lr_endpoint {
	enum lr_role role;
	struct lr_test_params p;
	struct lr_vopts o;
	int timeout_ms;
	char peer_host[256];

	struct lr_vdev dev;
	struct ibv_pd *pd;
	uint8_t *buf; /* target area, then source area */
	size_t buflen;
	struct ibv_mr *mr;
	struct lr_vdir *d; /* per worker: a direction's share of its QPs */
	unsigned nd; /* workers (directions x --threads) */
	uint32_t max_inline; /* what the QPs granted */

	/* From the peer (connect) */
	uint64_t raddr;
	uint32_t rkey;
	enum ibv_mtu path_mtu;
	uint32_t peer_rd_atom;

	struct lr_vcm *cm; /* --cm */
	struct lr_place pl; /* NUMA node and worker CPUs (lr_vres_create) */
	unsigned async_events; /* read from the async fd (verbs_async.c) */
	bool windowed; /* the engine closed a window: QP counts are its */
	char async_fatal[160]; /* the first fatal one, or "" */
	/* the endpoints whose events one async fd carries (verbs_async.c) */
	struct lr_endpoint *async_next;
	bool async_listed;
};

/* verbs.c */
unsigned lr_verbs_nqp_total(const struct lr_endpoint *ep);
/*
 * Per-QP buffers: QP slot k (over every direction, in order) has its own
 * area, the message rounded up to a cache line, at k x area on both ends:
 * the active end's source (WRITE, SEND) or target (READ), the passive
 * end's target or source. Latency mode's one QP has two: target 0,
 * source 1. The areas add up to the test's budget (lr_test_buffers).
 */
size_t lr_verbs_area(const struct lr_endpoint *ep);
static inline size_t lr_vbuf(const struct lr_endpoint *ep, unsigned k)
{
	return (size_t)k * lr_verbs_area(ep);
}
/* Receives each QP keeps posted: SEND and WRITE_IMM targets, and a few for
 * the end-of-data message of one-sided operations in bytes mode. */
uint32_t lr_verbs_rx_count(const struct lr_endpoint *ep);
/* Fit the queue depths to what the device allows. */
void lr_verbs_fit_depths(struct lr_endpoint *ep);

/* verbs_dev.c */
/* Open the device named by spec (NULL: first with an active port). */
int lr_vdev_open(struct lr_vdev *dev, const char *spec, int gid_index,
		 const char *peer_host);
/* Choose the GID (after the port is known). */
int lr_vdev_pick_gid(struct lr_vdev *dev, int forced, const char *peer_host,
		     const char *want_ip);
void lr_vdev_close(struct lr_vdev *dev);
const char *lr_vdev_mtu_str(enum ibv_mtu m);
int lr_vdev_mtu_enum(uint32_t bytes, enum ibv_mtu *out);
json_t *lr_vdev_describe(const struct lr_vdev *dev);
/* Check the port is up and what this end may ask of it. */
int lr_vdev_check_port(const struct lr_vdev *dev, uint32_t mtu);

/* verbs_res.c */
int lr_vres_create(struct lr_endpoint *ep);
void lr_vres_destroy(struct lr_endpoint *ep);
int lr_vres_create_qp(struct lr_endpoint *ep, struct lr_vdir *d,
		      struct lr_vqp *q);

/* verbs_qp.c */
json_t *lr_vqp_local_info(const struct lr_endpoint *ep);
int lr_vqp_connect(struct lr_endpoint *ep, const json_t *peer);
int lr_vqp_to_init(const struct lr_endpoint *ep, struct ibv_qp *qp);
const char *lr_vop_name(enum lr_vop op);
/* QP 0's attributes as the device reports them (JSON, null on error). */
json_t *lr_vqp_query(const struct lr_endpoint *ep);

/* verbs_data.c */
int lr_vdata_run(struct lr_endpoint *ep, struct lr_vdir *d,
		 struct lr_worker_ctl *ctl);
/* Post n receives on q (SEND and WRITE_IMM targets). */
int lr_vdata_post_recvs(struct lr_endpoint *ep, struct lr_vqp *q, unsigned qidx,
			unsigned n);
/* Explain a failed work completion in ctl and return -EIO. */
int lr_vdata_wc_fail(struct lr_worker_ctl *ctl, const struct ibv_wc *wc,
		     const char *what);
/* The same, naming a fatal async event instead when one came first. */
int lr_vdata_wc_fail_ep(struct lr_endpoint *ep, struct lr_worker_ctl *ctl,
			const struct ibv_wc *wc, const char *what);

/* verbs_lat.c */
int lr_vlat_run(struct lr_endpoint *ep, struct lr_worker_ctl *ctl);

/* verbs_async.c */
/* Make the context's async event fd non-blocking. */
int lr_vasync_setup(struct lr_endpoint *ep);
/* Read pending async events; -ENETDOWN (ctl failed) after a fatal one. */
int lr_vasync_poll(struct lr_endpoint *ep, struct lr_worker_ctl *ctl);
/* Per-QP byte counts of each direction this end counts, with the spread. */
json_t *lr_vasync_qp_bytes(const struct lr_endpoint *ep, bool counts);
void lr_vasync_list(struct lr_endpoint *ep);
void lr_vasync_forget(struct lr_endpoint *ep);
void lr_vasync_describe(const struct lr_endpoint *ep, json_t *j);
void lr_vasync_window(struct lr_endpoint *ep, enum lr_window_edge edge,
		      struct lr_retrans *out);
/* RoCE: the DCB class the traffic class lands on (null: not RoCE). */
json_t *lr_vqos_describe(const struct lr_endpoint *ep);

/* verbs_cm.c */
int lr_vcm_create(struct lr_endpoint *ep, const char *bind_host, json_t *info);
int lr_vcm_connect(struct lr_endpoint *ep, const json_t *peer);
int lr_vcm_qp_init(const struct lr_endpoint *ep, struct lr_vqp *q);
void lr_vcm_destroy(struct lr_endpoint *ep);

#endif
