// SPDX-License-Identifier: MIT
/*
 * verbs: the transport's ops table, its options, and the life of an
 * endpoint (create, connect, workers, destroy). See verbs.h for the files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/util.h"
#include "transport_int.h"
#include "verbs.h"

#define DEFAULT_TIMEOUT_MS 10000
#define DEPTH_MAX 8192

static const struct lr_transport_opt verbs_options[] = {
	{ "op", LR_OPT_ENUM, 0, 0, "write|read|send",
	  "RDMA operation (default write)" },
	{ "tx-depth", LR_OPT_UINT, 1, DEPTH_MAX, NULL,
	  "work requests in flight per QP (default 128)" },
	{ "rx-depth", LR_OPT_UINT, 1, DEPTH_MAX, NULL,
	  "receives posted per QP for send and write-imm (default 512)" },
	{ "post-list", LR_OPT_UINT, 1, LR_VERBS_POST_LIST_MAX, NULL,
	  "work requests per post call (default 1)" },
	{ "cq-mod", LR_OPT_UINT, 1, DEPTH_MAX, NULL,
	  "signal one completion every N work requests (default 16)" },
	{ "inline", LR_OPT_SIZE, 0, 4096, NULL,
	  "send messages up to this size inline (default 0; latency 128)" },
	{ "mtu", LR_OPT_UINT, 256, 4096, NULL,
	  "path MTU (default: the lower active MTU of both ports)" },
	{ "tclass", LR_OPT_UINT, 0, 255, NULL,
	  "GRH traffic class (RoCE: DSCP << 2; default 0)" },
	{ "sl", LR_OPT_UINT, 0, 15, NULL, "service level (default 0)" },
	{ "gid-index", LR_OPT_UINT, 0, 65535, NULL,
	  "force this GID index (default: chosen, see results)" },
	{ "grh", LR_OPT_BOOL, 0, 1, NULL,
	  "InfiniBand: address by GID with a GRH (RoCE always does)" },
	{ "cm", LR_OPT_BOOL, 0, 1, NULL,
	  "connect the QPs through rdma_cm instead of the control channel" },
	{ "write-imm", LR_OPT_BOOL, 0, 1, NULL,
	  "RDMA WRITE with immediate (the target counts too)" },
	{ "no-relaxed-ordering", LR_OPT_BOOL, 0, 1, NULL,
	  "register without PCIe relaxed ordering (default: on in bandwidth "
	  "mode)" },
	{ "qp-timeout", LR_OPT_UINT, 0, 31, NULL,
	  "local ACK timeout, 4.096 us << N (default 14 = 67 ms; NCCL 18)" },
	{ "threads", LR_OPT_UINT, 1, LR_VERBS_THREADS_MAX, NULL,
	  "workers per direction, each with its own CQ and a share of the QPs "
	  "(default 1)" },
	{ "hugepages", LR_OPT_BOOL, 0, 1, NULL,
	  "message buffers on 2 MiB huge pages (falls back with a warning)" },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static uint32_t opt_uint(const json_t *opts, const char *key, uint32_t def)
{
	const json_t *v = json_object_get(opts, key);

	if (json_is_integer(v))
		return (uint32_t)json_integer_value(v);
	if (json_is_string(v)) {
		uint64_t u;

		if (!lr_parse_size(json_string_value(v), 0, UINT32_MAX, &u))
			return (uint32_t)u;
	}
	return def;
}

static bool opt_bool(const json_t *opts, const char *key)
{
	return json_is_true(json_object_get(opts, key));
}

static int parse_op(const json_t *opts, enum lr_vop *op, char *err,
		    size_t errlen)
{
	const json_t *v = json_object_get(opts, "op");
	const char *s = v ? json_string_value(v) : "write";

	if (s && !strcmp(s, "write"))
		*op = LR_VOP_WRITE;
	else if (s && !strcmp(s, "read"))
		*op = LR_VOP_READ;
	else if (s && !strcmp(s, "send"))
		*op = LR_VOP_SEND;
	else {
		snprintf(err, errlen,
			 "--op: '%s' (expected write, read or "
			 "send)",
			 s ? s : "?");
		return -EINVAL;
	}
	return 0;
}

static int parse_opts(const struct lr_test_params *p, const json_t *opts,
		      struct lr_vopts *o, char *err, size_t errlen)
{
	bool lat = p->mode == LR_MODE_LAT;
	int ret = parse_op(opts, &o->op, err, errlen);

	if (ret)
		return ret;
	o->tx_depth = opt_uint(opts, "tx_depth", lat ? 16 : 128);
	o->rx_depth = opt_uint(opts, "rx_depth", 512);
	/* Below 8 KiB one WR per doorbell cannot keep a fast NIC busy. */
	o->post_list = opt_uint(opts, "post_list",
				!lat && p->msg_size < 8192 ? 16 : 1);
	o->cq_mod = opt_uint(opts, "cq_mod", lat ? 1 : 16);
	if (!json_object_get(opts, "cq_mod") && o->cq_mod > o->tx_depth)
		o->cq_mod = o->tx_depth;
	if (!json_object_get(opts, "post_list") && o->post_list > o->tx_depth)
		o->post_list = o->tx_depth;
	o->inline_size = opt_uint(opts, "inline", lat ? 128 : 0);
	o->mtu = opt_uint(opts, "mtu", 0);
	o->tclass = opt_uint(opts, "tclass", 0);
	o->sl = opt_uint(opts, "sl", 0);
	o->sl_given = json_object_get(opts, "sl") != NULL;
	o->gid_index = json_object_get(opts, "gid_index") ?
			       (int)opt_uint(opts, "gid_index", 0) :
			       -1;
	o->grh = opt_bool(opts, "grh");
	o->cm = opt_bool(opts, "cm");
	o->write_imm = opt_bool(opts, "write_imm");
	o->relaxed = !lat && !opt_bool(opts, "no_relaxed_ordering");
	o->qp_timeout = opt_uint(opts, "qp_timeout", 14);
	o->hugepages = opt_bool(opts, "hugepages");
	o->threads = lat ? 1 : opt_uint(opts, "threads", 1);
	return 0;
}

static int check_opts(const struct lr_test_params *p, const struct lr_vopts *o,
		      char *err, size_t errlen)
{
	enum ibv_mtu m;

	if (o->mtu && lr_vdev_mtu_enum(o->mtu, &m))
		snprintf(err, errlen,
			 "--mtu: %u is not an IB MTU (expected "
			 "256, 512, 1024, 2048 or 4096)",
			 o->mtu);
	else if (o->cq_mod > o->tx_depth)
		snprintf(err, errlen, "--cq-mod %u is above --tx-depth %u",
			 o->cq_mod, o->tx_depth);
	else if (o->post_list > o->tx_depth)
		snprintf(err, errlen, "--post-list %u is above --tx-depth %u",
			 o->post_list, o->tx_depth);
	else if (o->threads > (p->streams ? p->streams : 1))
		snprintf(err, errlen,
			 "--threads %u is above the QPs per direction (%u): "
			 "each worker needs one",
			 o->threads, p->streams ? p->streams : 1);
	else if (o->write_imm && o->op != LR_VOP_WRITE)
		snprintf(err, errlen, "--write-imm needs --op write");
	else if (p->mode == LR_MODE_LAT && o->op == LR_VOP_READ)
		snprintf(err, errlen,
			 "latency mode is ping-pong: --op write "
			 "or send, not read");
	else if (p->mode == LR_MODE_LAT && (p->streams > 1 || p->bidir))
		snprintf(err, errlen,
			 "latency mode uses one QP in one "
			 "direction (no --streams above 1, no --bidir)");
	else if (p->msg_size > (1ull << 31))
		snprintf(err, errlen, "message size above 2 GiB");
	else
		return 0;
	return -EINVAL;
}

static int verbs_check(const struct lr_test_params *p, const json_t *opts,
		       char *err, size_t errlen)
{
	struct lr_vopts o;
	int ret = parse_opts(p, opts, &o, err, errlen);

	if (ret)
		return ret;
	/* Work requests carry whole messages, and completions count them:
	 * a partial last message would be reported as a whole one. */
	if (p->bytes && p->msg_size && p->bytes % p->msg_size) {
		snprintf(err, errlen,
			 "verbs moves whole messages: --bytes %llu is not a "
			 "multiple of --size %llu (%llu or %llu would be)",
			 (unsigned long long)p->bytes,
			 (unsigned long long)p->msg_size,
			 (unsigned long long)(p->bytes / p->msg_size *
					      p->msg_size),
			 (unsigned long long)((p->bytes / p->msg_size + 1) *
					      p->msg_size));
		return -EINVAL;
	}
	return check_opts(p, &o, err, errlen);
}

unsigned lr_verbs_nqp_total(const struct lr_endpoint *ep)
{
	unsigned n = 0;

	for (unsigned i = 0; i < ep->nd; i++)
		n += ep->d[i].nqp;
	return n;
}

size_t lr_verbs_area(const struct lr_endpoint *ep)
{
	size_t a = ep->p.msg_size < 64 ? 64 : (size_t)ep->p.msg_size;

	return (a + 63) & ~(size_t)63;
}

uint32_t lr_verbs_rx_count(const struct lr_endpoint *ep)
{
	if (ep->o.op == LR_VOP_SEND || ep->o.write_imm)
		return ep->o.rx_depth;
	return ep->p.bytes && ep->p.mode == LR_MODE_BW ? 2 : 0;
}

/*
 * The directions this end takes part in, each split over --threads
 * workers with consecutive shares of its QPs: the QPs keep their order
 * (slots), and both ends split the same way.
 */
static int setup_dirs(struct lr_endpoint *ep)
{
	bool lat = ep->p.mode == LR_MODE_LAT;
	unsigned slot = 0, g = ep->o.threads ? ep->o.threads : 1;

	ep->d = calloc(LR_DIR_COUNT * g, sizeof(*ep->d));
	if (!ep->d)
		return -ENOMEM;
	for (int d = 0; d < LR_DIR_COUNT; d++) {
		unsigned n = lat || !ep->p.streams ? 1 : ep->p.streams;

		if (lat ? d != LR_DIR_C2S : !lr_dir_active(&ep->p, d))
			continue;
		for (unsigned j = 0; j < g; j++) {
			struct lr_vdir *v = &ep->d[ep->nd];

			v->dir = (enum lr_dir)d;
			v->sends = lr_dir_sender(ep->role, v->dir);
			v->nqp = n / g + (j < n % g);
			v->qps = calloc(v->nqp, sizeof(*v->qps));
			if (!v->qps)
				return -ENOMEM;
			for (unsigned k = 0; k < v->nqp; k++)
				v->qps[k].slot = slot++;
			ep->nd++;
		}
	}
	return 0;
}

/* Fit the queue depths to what the device allows. */
void lr_verbs_fit_depths(struct lr_endpoint *ep)
{
	uint32_t max = (uint32_t)ep->dev.dattr.max_qp_wr;

	if (ep->o.tx_depth > max)
		ep->o.tx_depth = max;
	if (ep->o.rx_depth > max)
		ep->o.rx_depth = max;
	if (ep->o.cq_mod > ep->o.tx_depth)
		ep->o.cq_mod = ep->o.tx_depth;
	if (ep->o.post_list > ep->o.tx_depth)
		ep->o.post_list = ep->o.tx_depth;
}

static void free_ep(struct lr_endpoint *ep)
{
	for (unsigned i = 0; ep->d && i < ep->nd; i++)
		free(ep->d[i].qps);
	free(ep->d);
	free(ep);
}

static int alloc_ep(const struct lr_endpoint_cfg *cfg, struct lr_endpoint **out)
{
	struct lr_endpoint *ep = calloc(1, sizeof(*ep));
	char err[256];
	int ret;

	if (!ep)
		return -ENOMEM;
	ep->role = cfg->role;
	ep->p = *cfg->params;
	ep->timeout_ms =
		cfg->timeout_ms > 0 ? cfg->timeout_ms : DEFAULT_TIMEOUT_MS;
	snprintf(ep->peer_host, sizeof(ep->peer_host), "%s",
		 cfg->peer_host ? cfg->peer_host :
		 cfg->bind_host ? cfg->bind_host :
				  "");
	ret = parse_opts(&ep->p, cfg->opts, &ep->o, err, sizeof(err));
	if (!ret)
		ret = check_opts(&ep->p, &ep->o, err, sizeof(err));
	if (ret)
		lr_err("verbs: %s", err);
	else
		ret = setup_dirs(ep);
	if (ret) {
		free_ep(ep);
		return ret;
	}
	*out = ep;
	return 0;
}

/* Device, port, GID and every resource, for the control channel path. */
static int create_direct(struct lr_endpoint *ep, const char *dev)
{
	int ret;

	ret = lr_vdev_open(&ep->dev, dev, ep->o.gid_index,
			   ep->peer_host[0] ? ep->peer_host : NULL);
	if (ret)
		return ret;
	ret = lr_vdev_check_port(&ep->dev, ep->o.mtu);
	if (ret)
		goto close_dev;
	lr_verbs_fit_depths(ep);
	ret = lr_vres_create(ep);
	if (ret)
		goto close_dev;
	return 0;

close_dev:
	lr_vdev_close(&ep->dev);
	return ret;
}

static int verbs_create(const struct lr_endpoint_cfg *cfg,
			struct lr_endpoint **out, json_t **local_info)
{
	struct lr_endpoint *ep;
	json_t *info;
	int ret;

	ret = alloc_ep(cfg, &ep);
	if (ret)
		return ret;
	if (ep->o.cm) {
		info = json_object();
		ret = lr_vcm_create(ep, cfg->dev, info);
		if (ret)
			json_decref(info);
	} else {
		ret = create_direct(ep, cfg->dev);
		info = ret ? NULL : lr_vqp_local_info(ep);
		if (!ret && !info)
			ret = -ENOMEM;
	}
	if (ret) {
		if (!ep->o.cm && ep->pd) {
			lr_vres_destroy(ep);
			lr_vdev_close(&ep->dev);
		}
		free_ep(ep);
		return ret;
	}
	*out = ep;
	*local_info = info;
	return 0;
}

static int verbs_connect(struct lr_endpoint *ep, const json_t *peer_info)
{
	if (ep->o.cm)
		return lr_vcm_connect(ep, peer_info);
	return lr_vqp_connect(ep, peer_info);
}

static unsigned verbs_nworkers(const struct lr_endpoint *ep)
{
	return ep->nd;
}

static void verbs_worker_info(const struct lr_endpoint *ep, unsigned idx,
			      struct lr_worker_info *info)
{
	info->dir = ep->d[idx].dir;
	info->sends = ep->d[idx].sends;
	/* The passive end of WRITE or READ sees no payload to count. */
	info->blind =
		!info->sends && ep->o.op != LR_VOP_SEND && !ep->o.write_imm;
}

static int verbs_run_worker(struct lr_endpoint *ep, unsigned idx,
			    struct lr_worker_ctl *ctl)
{
	lr_place_pin(&ep->pl, idx);
	if (ep->p.mode == LR_MODE_LAT)
		return lr_vlat_run(ep, ctl);
	return lr_vdata_run(ep, &ep->d[idx], ctl);
}

static json_t *verbs_describe(const struct lr_endpoint *ep)
{
	json_t *j = lr_vdev_describe(&ep->dev);

	json_object_set_new(j, "op", json_string(lr_vop_name(ep->o.op)));
	json_object_set_new(j, "write_imm", json_boolean(ep->o.write_imm));
	json_object_set_new(j, "path_mtu",
			    json_integer(ep->path_mtu ? atoi(lr_vdev_mtu_str(
								ep->path_mtu)) :
							0));
	json_object_set_new(j, "qps", json_integer(lr_verbs_nqp_total(ep)));
	json_object_set_new(j, "tx_depth", json_integer(ep->o.tx_depth));
	json_object_set_new(j, "post_list", json_integer(ep->o.post_list));
	json_object_set_new(j, "threads", json_integer(ep->o.threads));
	json_object_set_new(j, "cq_mod", json_integer(ep->o.cq_mod));
	json_object_set_new(j, "max_inline", json_integer(ep->max_inline));
	json_object_set_new(j, "inline", json_integer(ep->o.inline_size));
	json_object_set_new(j, "relaxed_ordering", json_boolean(ep->o.relaxed));
	json_object_set_new(j, "hugepages", json_boolean(ep->o.hugepages));
	json_object_set_new(j, "qp_attr", lr_vqp_query(ep));
	json_object_set_new(j, "qos", lr_vqos_describe(ep));
	json_object_set_new(j, "qp_bytes",
			    lr_vasync_qp_bytes(ep, ep->o.op == LR_VOP_SEND ||
							   ep->o.write_imm));
	lr_vasync_describe(ep, j);
	json_object_set_new(
		j, "connection",
		json_string(ep->o.cm ? "rdma_cm" : "control channel"));
	json_object_set_new(j, "placement",
			    lr_place_describe(&ep->pl, ep->buf));
	return j;
}

static void verbs_destroy(struct lr_endpoint *ep)
{
	if (!ep)
		return;
	if (ep->o.cm) {
		lr_vcm_destroy(ep);
	} else {
		lr_vres_destroy(ep);
		lr_vdev_close(&ep->dev);
	}
	free_ep(ep);
}

const struct lr_transport_ops lr_verbs_ops = {
	.abi = LR_TRANSPORT_ABI,
	.caps = LR_CAP_BIDIR | LR_CAP_LATENCY | LR_CAP_MULTI_STREAM,
	.name = "verbs",
	.description = "RDMA verbs, RC QPs over InfiniBand or RoCE "
		       "(write, read, send)",
	.options = verbs_options,
	.check = verbs_check,
	.create = verbs_create,
	.connect = verbs_connect,
	.nworkers = verbs_nworkers,
	.worker_info = verbs_worker_info,
	.run_worker = verbs_run_worker,
	.window = lr_vasync_window,
	.describe = verbs_describe,
	.destroy = verbs_destroy,
};
