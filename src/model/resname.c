// SPDX-License-Identifier: MIT
/* Names of resources and of what bounds their capacity, for humans. */
#include <stdio.h>

#include "linerate/model.h"

#define MAX_PSW 64
#define MAX_SOCKETS 8

static const char *const kind_names[LR_RES_KINDS] = {
	"nic-link-tx",	     "nic-link-rx",	 "pcie-read",
	"pcie-write",	     "pcie-switch-read", "pcie-switch-write",
	"inter-socket-tx",   "inter-socket-rx",	 "leaf-uplinks-up",
	"leaf-uplinks-down", "upper-uplinks-up", "upper-uplinks-down",
	"qp-read-engine",    "read-outstanding", "qp-message-rate",
	"message-rate",
};

const char *lr_op_name(enum lr_op op)
{
	static const char *const names[] = { "write", "read", "send",
					     "stream" };

	return op <= LR_OP_STREAM ? names[op] : "?";
}

const char *lr_res_kind_name(enum lr_res_kind kind)
{
	return kind < LR_RES_KINDS ? kind_names[kind] : "?";
}

static const char *nic_name(const struct lr_topo *t, uint32_t nic, char *buf,
			    size_t len)
{
	const struct lr_nic *n = &t->nics[nic];

	snprintf(buf, len, "%s/%s", t->servers[n->server].name,
		 lr_topo_nic_tmpl(t, n)->name);
	return buf;
}

static const char *group_name(const struct lr_topo *t, uint32_t g, char *buf,
			      size_t len)
{
	const struct lr_group *gr = &t->groups[g];

	snprintf(buf, len, "%s (+%zu)", t->switches[gr->members[0]].name,
		 gr->n - 1);
	return buf;
}

const char *lr_res_name(const struct lr_graph *g, uint32_t r, char *buf,
			size_t len)
{
	const struct lr_topo *t = g->topo;
	const struct lr_res *x = &g->res[r];
	uint32_t srv = x->id / MAX_PSW;
	char n[160];

	switch (x->kind) {
	case LR_RES_PSW_RD:
	case LR_RES_PSW_WR:
		snprintf(buf, len, "%s/%s uplink", t->servers[srv].name,
			 t->tmpls[t->servers[srv].tmpl]
				 .pswitches[x->id % MAX_PSW]
				 .name);
		return buf;
	case LR_RES_XSOCK_TX:
	case LR_RES_XSOCK_RX:
		snprintf(buf, len, "%s inter-socket to node %u",
			 t->servers[x->id / MAX_SOCKETS].name,
			 x->id % MAX_SOCKETS);
		return buf;
	case LR_RES_SW_UP:
	case LR_RES_SW_DOWN:
		snprintf(buf, len, "%s uplinks", t->switches[x->id].name);
		return buf;
	case LR_RES_GRP_UP:
	case LR_RES_GRP_DOWN:
		snprintf(buf, len, "%s uplinks",
			 group_name(t, x->id, n, sizeof(n)));
		return buf;
	default:
		snprintf(buf, len, "%s", nic_name(t, x->id, n, sizeof(n)));
		return buf;
	}
}

static const char *encap_text(const struct lr_profile *p)
{
	if (p->encap == LR_ENCAP_IB)
		return p->grh ? "IB+GRH" : "IB";
	if (p->encap == LR_ENCAP_TCP)
		return p->ipv6 ? "TCP/IPv6" : "TCP/IPv4";
	return p->ipv6 ? "RoCEv2/IPv6" : "RoCEv2/IPv4";
}

/* "400G RoCEv2/IPv4, 4096 B payload + 82 B per packet" */
const char *lr_link_what(const struct lr_profile *p, double rate, enum lr_op op,
			 char *buf, size_t len)
{
	struct lr_framing f = { 0 };

	lr_profile_framing(p, op, &f);
	snprintf(buf, len, "%gG %s%s%s, %u B payload + %u B per packet", rate,
		 encap_text(p), p->vlan ? "+VLAN" : "",
		 p->link == LR_LINK_VETH_TBF ? " on tbf veth" : "", f.payload,
		 f.per_packet);
	return buf;
}

static const char *pcie_what(const struct lr_topo *t, uint32_t srv, int psw,
			     uint32_t nic, bool rd, char *buf, size_t len)
{
	const struct lr_host_tmpl *h = &t->tmpls[t->servers[srv].tmpl];
	struct lr_pcie_link l = { .max_payload = h->max_payload,
				  .max_read_req = h->max_read_req,
				  .read_completion = h->read_completion };
	char size[48];

	if (psw >= 0) {
		l.gen = h->pswitches[psw].gen;
		l.width = h->pswitches[psw].width;
	} else {
		l.gen = lr_topo_nic_tmpl(t, &t->nics[nic])->pcie_gen;
		l.width = lr_topo_nic_tmpl(t, &t->nics[nic])->pcie_width;
	}
	if (rd)
		snprintf(size, sizeof(size), "read completions of %u B",
			 lr_pcie_completion_bytes(&l));
	else
		snprintf(size, sizeof(size), "max payload %u B",
			 h->max_payload);
	snprintf(buf, len, "PCIe Gen%u x%u, %s%s", l.gen, l.width, size,
		 psw >= 0 ? ", shared switch uplink" : "");
	return buf;
}

static const char *uplinks_what(const struct lr_topo *t, const struct lr_res *x,
				char *buf, size_t len)
{
	unsigned m = 0;
	double rate = 0;

	if (x->kind == LR_RES_SW_UP || x->kind == LR_RES_SW_DOWN) {
		m = t->switches[x->id].uplinks;
		rate = t->switches[x->id].uplink_gbps;
	} else {
		for (size_t i = 0; i < t->groups[x->id].n; i++) {
			const struct lr_switch *s =
				&t->switches[t->groups[x->id].members[i]];

			m += s->uplinks;
			rate = s->uplink_gbps;
		}
	}
	snprintf(buf, len, "%u x %gG uplinks, %s routing", m, rate,
		 t->routing == LR_ROUTE_ECMP ? "static ECMP" : "adaptive");
	return buf;
}

const char *lr_res_what(const struct lr_graph *g, uint32_t r, char *buf,
			size_t len)
{
	const struct lr_topo *t = g->topo;
	const struct lr_res *x = &g->res[r];

	switch (x->kind) {
	case LR_RES_NIC_TX:
	case LR_RES_NIC_RX:
		return lr_link_what(lr_topo_nic_profile(t, &t->nics[x->id]),
				    lr_topo_nic_rate(t, &t->nics[x->id]), g->op,
				    buf, len);
	case LR_RES_PCIE_RD:
	case LR_RES_PCIE_WR:
		return pcie_what(t, t->nics[x->id].server, -1, x->id,
				 x->kind == LR_RES_PCIE_RD, buf, len);
	case LR_RES_PSW_RD:
	case LR_RES_PSW_WR:
		return pcie_what(t, x->id / MAX_PSW, (int)(x->id % MAX_PSW), 0,
				 x->kind == LR_RES_PSW_RD, buf, len);
	case LR_RES_XSOCK_TX:
	case LR_RES_XSOCK_RX:
		snprintf(buf, len,
			 "inter-socket link %gG (buffer on the "
			 "remote NUMA node)",
			 t->tmpls[t->servers[x->id / MAX_SOCKETS].tmpl]
				 .inter_socket_gbps);
		return buf;
	case LR_RES_QP_READ:
	case LR_RES_READ_WINDOW:
	case LR_RES_QP_MSG:
	case LR_RES_NIC_MSG: {
		struct lr_qp_opts o;

		lr_graph_qp_opts(g, &o);
		return lr_qp_what(&lr_topo_nic_tmpl(t, &t->nics[x->id])->model,
				  &o, (enum lr_res_kind)x->kind, buf, len);
	}
	default: return uplinks_what(t, x, buf, len);
	}
}
