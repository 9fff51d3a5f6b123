// SPDX-License-Identifier: MIT
/*
 * The capacity graph of a set of concurrent flows. Every resource has a
 * capacity per direction in Gb/s of payload; a flow's path is the list of
 * resources it crosses, from the sender's memory to the receiver's:
 *
 *   [inter-socket] [PCIe switch uplink] NIC PCIe, NIC link (tx),
 *   leaf uplinks up, [group uplinks up ... down], leaf uplinks down,
 *   NIC link (rx), NIC PCIe, [PCIe switch uplink] [inter-socket]
 *
 * Switch links carry the same packets as the NICs, so their payload
 * capacity uses the sending NIC's encapsulation efficiency.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/model.h"
#include "linerate/util.h"

#define MAX_PSW 64
#define MAX_LEVELS 8
#define MAX_SOCKETS 8 /* inter-socket resources: one per NIC socket */

int lr_graph_init(struct lr_graph *g, const struct lr_topo *t, enum lr_op op)
{
	memset(g, 0, sizeof(*g));
	g->topo = t;
	g->op = op;
	return 0;
}

int lr_graph_init_opts(struct lr_graph *g, const struct lr_topo *t,
		       const struct lr_model_opts *o)
{
	lr_graph_init(g, t, o->op);
	g->msg = o->msg;
	g->qps = o->qps;
	g->outstanding = o->outstanding;
	g->remote_numa = o->remote_numa;
	g->gpu_buffers = o->gpu_buffers;
	return 0;
}

unsigned lr_graph_qps(const struct lr_graph *g)
{
	if (g->qps)
		return g->qps;
	return g->topo && g->topo->qps_per_flow ? g->topo->qps_per_flow : 1;
}

void lr_graph_free(struct lr_graph *g)
{
	for (int k = 0; k < LR_RES_KINDS; k++)
		free(g->res_of[k]);
	free(g->ecmp_bound);
	free(g->res);
	free(g->flows);
	free(g->path);
	memset(g, 0, sizeof(*g));
}

static size_t kind_ids(const struct lr_topo *t, enum lr_res_kind k)
{
	switch (k) {
	case LR_RES_PSW_RD:
	case LR_RES_PSW_WR: return t->n_servers * MAX_PSW;
	case LR_RES_XSOCK_TX:
	case LR_RES_XSOCK_RX: return t->n_servers * MAX_SOCKETS;
	case LR_RES_SW_UP:
	case LR_RES_SW_DOWN: return t->n_switches;
	case LR_RES_GRP_UP:
	case LR_RES_GRP_DOWN: return t->n_groups;
	default: return t->n_nics;
	}
}

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 256;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	p = realloc(*v, n * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = n;
	return 0;
}

/* The resource (kind, id), created with capacity cap on first use. */
static long res_get(struct lr_graph *g, enum lr_res_kind k, size_t id,
		    double cap)
{
	struct lr_res *r;

	if (!g->res_of[k]) {
		g->res_of[k] =
			calloc(kind_ids(g->topo, k) + 1, sizeof(uint32_t));
		if (!g->res_of[k])
			return -ENOMEM;
	}
	if (g->res_of[k][id])
		return g->res_of[k][id] - 1;
	if (grow((void **)&g->res, &g->cap_res, g->n_res + 1, sizeof(*r)))
		return -ENOMEM;
	r = &g->res[g->n_res];
	*r = (struct lr_res){ .cap = cap,
			      .id = (uint32_t)id,
			      .kind = (uint8_t)k };
	g->res_of[k][id] = (uint32_t)++g->n_res;
	return (long)g->n_res - 1;
}

/* A resource of one flow only (no lookup): id names its NIC. */
static long res_add(struct lr_graph *g, enum lr_res_kind k, size_t id,
		    double cap)
{
	if (grow((void **)&g->res, &g->cap_res, g->n_res + 1, sizeof(*g->res)))
		return -ENOMEM;
	g->res[g->n_res] = (struct lr_res){ .cap = cap,
					    .id = (uint32_t)id,
					    .kind = (uint8_t)k };
	return (long)g->n_res++;
}

struct path_build {
	struct lr_graph *g;
	uint32_t hops[32];
	size_t n;
	double eff; /* payload efficiency of the sender */
};

static int hop(struct path_build *b, enum lr_res_kind k, size_t id, double cap)
{
	long r = res_get(b->g, k, id, cap);

	if (r < 0)
		return (int)r;
	if (b->n < LR_ARRAY_SIZE(b->hops))
		b->hops[b->n++] = (uint32_t)r;
	return 0;
}

static double pcie_cap(const struct lr_host_tmpl *h, unsigned gen,
		       unsigned width, bool tx)
{
	struct lr_pcie_link l = { .gen = gen,
				  .width = width,
				  .max_payload = h->max_payload,
				  .max_read_req = h->max_read_req,
				  .read_completion = h->read_completion };

	/* transmit: the NIC reads host memory; receive: it writes it */
	return tx ? lr_pcie_read_gbps(&l) : lr_pcie_write_gbps(&l);
}

/* Host side of a NIC: inter-socket, PCIe switch uplink, NIC slot. */
static int host_hops(struct path_build *b, uint32_t nic, bool tx)
{
	const struct lr_topo *t = b->g->topo;
	const struct lr_nic *n = &t->nics[nic];
	const struct lr_server *s = &t->servers[n->server];
	const struct lr_host_tmpl *h = &t->tmpls[s->tmpl];
	const struct lr_nic_tmpl *nt = &h->nics[n->idx];
	/* GPU memory: peer-to-peer under the switch, host memory untouched */
	bool p2p = b->g->gpu_buffers && nt->gpu >= 0;
	int ret = 0;

	if (!p2p && b->g->remote_numa && h->sockets > 1 &&
	    h->inter_socket_gbps > 0)
		ret = hop(b, tx ? LR_RES_XSOCK_TX : LR_RES_XSOCK_RX,
			  (size_t)n->server * MAX_SOCKETS + nt->numa,
			  h->inter_socket_gbps);
	if (!ret && !p2p && nt->pcie_switch >= 0) {
		const struct lr_pcie_switch *p = &h->pswitches[nt->pcie_switch];

		ret = hop(b, tx ? LR_RES_PSW_RD : LR_RES_PSW_WR,
			  (size_t)n->server * MAX_PSW + (size_t)nt->pcie_switch,
			  pcie_cap(h, p->gen, p->width, tx));
	}
	if (!ret && nt->pcie_gen)
		ret = hop(b, tx ? LR_RES_PCIE_RD : LR_RES_PCIE_WR, nic,
			  pcie_cap(h, nt->pcie_gen, nt->pcie_width, tx));
	return ret;
}

static int nic_hop(struct path_build *b, uint32_t nic, bool tx)
{
	const struct lr_topo *t = b->g->topo;
	const struct lr_nic *n = &t->nics[nic];
	double gp =
		lr_link_goodput(lr_topo_nic_profile(t, n),
				lr_topo_nic_rate(t, n), b->g->op, b->g->msg);

	return hop(b, tx ? LR_RES_NIC_TX : LR_RES_NIC_RX, nic, gp);
}

static double sw_up_cap(const struct lr_topo *t, uint32_t sw, double eff)
{
	return t->switches[sw].uplinks * t->switches[sw].uplink_gbps * eff;
}

static double grp_up_cap(const struct lr_topo *t, int grp, double eff)
{
	const struct lr_group *gr = &t->groups[grp];
	double cap = 0;

	for (size_t i = 0; i < gr->n; i++)
		cap += sw_up_cap(t, gr->members[i], eff);
	return cap;
}

/* Levels above a leaf: [0] the leaf, [k >= 1] group ids; count. */
static size_t levels(const struct lr_topo *t, uint32_t leaf, long *lv)
{
	size_t n = 1;
	int g = t->switches[leaf].up_group;

	lv[0] = leaf;
	while (g >= 0 && n < MAX_LEVELS) {
		lv[n++] = g;
		g = t->groups[g].up_group;
	}
	return n;
}

static int fabric_level(struct path_build *b, long a, long z, size_t k, bool up)
{
	const struct lr_topo *t = b->g->topo;
	long id = up ? a : z;

	if (k == 0)
		return hop(b, up ? LR_RES_SW_UP : LR_RES_SW_DOWN, (size_t)id,
			   sw_up_cap(t, (uint32_t)id, b->eff));
	return hop(b, up ? LR_RES_GRP_UP : LR_RES_GRP_DOWN, (size_t)id,
		   grp_up_cap(t, (int)id, b->eff));
}

static int fabric_hops(struct path_build *b, uint32_t src, uint32_t dst)
{
	const struct lr_topo *t = b->g->topo;
	long la[MAX_LEVELS], lz[MAX_LEVELS];
	size_t na = levels(t, (uint32_t)t->nics[src].leaf, la);
	size_t nz = levels(t, (uint32_t)t->nics[dst].leaf, lz);
	size_t k, j;
	int ret = 0;

	for (k = 0; k < na && k < nz && la[k] != lz[k]; k++)
		;
	if (k == na || k == nz) {
		lr_err("no route from %s to %s: their leaves share no "
		       "switch above them",
		       t->switches[t->nics[src].leaf].name,
		       t->switches[t->nics[dst].leaf].name);
		return -EHOSTUNREACH;
	}
	for (j = 0; !ret && j < k; j++)
		ret = fabric_level(b, la[j], lz[j], j, true);
	for (j = k; !ret && j-- > 0;)
		ret = fabric_level(b, la[j], lz[j], j, false);
	return ret;
}

void lr_graph_qp_opts(const struct lr_graph *g, struct lr_qp_opts *o)
{
	*o = (struct lr_qp_opts){ .op = g->op,
				  .msg = g->msg,
				  .qps = lr_graph_qps(g),
				  .outstanding = g->outstanding };
}

/*
 * The flow's own engines: the tighter per-QP limit of its two ends, and
 * the sending NIC's message rate (shared by its flows).
 */
static int engine_hops(struct path_build *b, uint32_t src, uint32_t dst)
{
	const struct lr_topo *t = b->g->topo;
	const struct lr_nic *ns = &t->nics[src], *nd = &t->nics[dst];
	const struct lr_nic_model *ms = &lr_topo_nic_tmpl(t, ns)->model;
	struct lr_qp_limit q = { 0 }, qd = { 0 };
	struct lr_qp_opts o;
	double link =
		lr_link_goodput(lr_topo_nic_profile(t, ns),
				lr_topo_nic_rate(t, ns), b->g->op, b->g->msg);
	double nic_msg = lr_nic_msg_gbps(ms, b->g->op, b->g->msg);
	uint32_t end = src;
	long r;

	lr_graph_qp_opts(b->g, &o);
	lr_qp_limit(ms, &o, link, &q);
	lr_qp_limit(&lr_topo_nic_tmpl(t, nd)->model, &o, link, &qd);
	if (qd.gbps > 0 && (!(q.gbps > 0) || qd.gbps < q.gbps)) {
		q = qd;
		end = dst; /* the receiving end's engine binds: name it */
	}
	/* a limit at or above the sender's link cannot bind its flows */
	if (q.gbps > 0 && q.gbps < link) {
		r = res_add(b->g, q.kind, end, q.gbps);
		if (r < 0)
			return (int)r;
		if (b->n < LR_ARRAY_SIZE(b->hops))
			b->hops[b->n++] = (uint32_t)r;
	}
	return nic_msg > 0 && nic_msg < link ?
		       hop(b, LR_RES_NIC_MSG, src, nic_msg) :
		       0;
}

static uint8_t flow_unknown(const struct lr_graph *g, uint32_t src,
			    uint32_t dst)
{
	const struct lr_topo *t = g->topo;
	struct lr_qp_opts o;
	enum lr_unknown u;

	lr_graph_qp_opts(g, &o);
	u = lr_model_unknown(&lr_topo_nic_tmpl(t, &t->nics[src])->model, &o);
	if (u == LR_UNKNOWN_NONE)
		u = lr_model_unknown(&lr_topo_nic_tmpl(t, &t->nics[dst])->model,
				     &o);
	return (uint8_t)u;
}

static int build_path(struct path_build *b, uint32_t src, uint32_t dst)
{
	int ret = host_hops(b, src, true);

	if (!ret)
		ret = nic_hop(b, src, true);
	if (!ret)
		ret = engine_hops(b, src, dst);
	if (!ret)
		ret = fabric_hops(b, src, dst);
	if (!ret)
		ret = nic_hop(b, dst, false);
	if (!ret) {
		size_t before = b->n;

		ret = host_hops(b, dst, false);
		/* receiver side in memory-last order */
		for (size_t i = before, j = b->n - 1; !ret && i < j; i++, j--) {
			uint32_t x = b->hops[i];

			b->hops[i] = b->hops[j];
			b->hops[j] = x;
		}
	}
	return ret;
}

int lr_graph_add_flow(struct lr_graph *g, uint32_t src_nic, uint32_t dst_nic)
{
	const struct lr_topo *t = g->topo;
	struct path_build b = { .g = g };
	struct lr_flow *f;
	int ret;

	b.eff = lr_link_efficiency(lr_topo_nic_profile(t, &t->nics[src_nic]),
				   g->op, g->msg);
	ret = build_path(&b, src_nic, dst_nic);
	if (ret)
		return ret;
	if (grow((void **)&g->flows, &g->cap_flows, g->n_flows + 1,
		 sizeof(*f)) ||
	    grow((void **)&g->path, &g->cap_path, g->n_path + b.n,
		 sizeof(*g->path)))
		return -ENOMEM;
	memcpy(g->path + g->n_path, b.hops, b.n * sizeof(*b.hops));
	f = &g->flows[g->n_flows++];
	*f = (struct lr_flow){ .src_nic = src_nic,
			       .dst_nic = dst_nic,
			       .path_off = (uint32_t)g->n_path,
			       .path_len = (uint32_t)b.n,
			       .unknown = flow_unknown(g, src_nic, dst_nic) };
	g->n_path += b.n;
	for (size_t i = 0; i < b.n; i++)
		g->res[b.hops[i]].n_flows++;
	return 0;
}
