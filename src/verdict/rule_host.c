// SPDX-License-Identifier: MIT
/*
 * host: the NICs of one server fine alone but below together: the host
 * side (PCIe switch uplink, inter-socket link, memory). "Alone": the only
 * NIC of its server in its set; "together": two or more. The finding
 * compares what the server moved together with the model's expectation of
 * the same flows, which already holds the host ceilings of the topology.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "vd.h"

struct host_ctx {
	uint32_t *load; /* per flow: NICs of its src [0] / dst [1] server */
	long *nic_set, *srv_set;
	uint32_t *srv_cnt;
	uint8_t *alone_pass; /* per NIC */
};

static void count_set(const struct lr_verdict *v, const struct vd_set *s,
		      long si, struct host_ctx *c)
{
	const struct lr_topo *t = v->topo;

	for (size_t i = 0; i < s->n_flows; i++) {
		const struct vd_flow *f = &v->flows[s->flows[i]];
		long ends[2] = { f->src_nic, f->dst_nic };

		for (int e = 0; e < 2; e++) {
			uint32_t srv = t->nics[ends[e]].server;

			if (c->nic_set[ends[e]] == si)
				continue;
			c->nic_set[ends[e]] = si;
			if (c->srv_set[srv] != si) {
				c->srv_set[srv] = si;
				c->srv_cnt[srv] = 0;
			}
			c->srv_cnt[srv]++;
		}
	}
	for (size_t i = 0; i < s->n_flows; i++) {
		uint32_t fi = s->flows[i];
		const struct vd_flow *f = &v->flows[fi];

		c->load[2 * fi] = c->srv_cnt[t->nics[f->src_nic].server];
		c->load[2 * fi + 1] = c->srv_cnt[t->nics[f->dst_nic].server];
		for (int e = 0; e < 2; e++)
			if (vd_is_pass(f) && c->load[2 * fi + e] == 1)
				c->alone_pass[e ? f->dst_nic : f->src_nic] = 1;
	}
}

/* Whether server srv is fine alone and below together (and never passes
 * together). */
static bool host_pattern(const struct lr_verdict *v, uint32_t srv,
			 const struct host_ctx *c, size_t *n_below)
{
	const struct lr_server *s = &v->topo->servers[srv];
	size_t n_nics = v->topo->tmpls[s->tmpl].n_nics, below = 0;

	for (size_t k = 0; k < n_nics; k++) {
		long nic = (long)(s->first_nic + k);
		const uint32_t *fl;
		size_t n = vd_nic_flows(v, nic, &fl);
		bool together_below = false;

		for (size_t i = 0; i < n; i++) {
			const struct vd_flow *f = &v->flows[fl[i]];
			uint32_t load = c->load[2 * fl[i] +
						(f->src_nic == nic ? 0 : 1)];

			if (load < 2)
				continue;
			if (vd_is_pass(f))
				return false;
			if (vd_open_below(f))
				together_below = true, below++;
		}
		if (together_below && !c->alone_pass[nic])
			return false;
	}
	*n_below = below;
	return below >= 2;
}

static int host_finding(struct lr_verdict *v, uint32_t srv,
			const struct host_ctx *c)
{
	const struct lr_server *s = &v->topo->servers[srv];
	size_t n_nics = v->topo->tmpls[s->tmpl].n_nics;
	struct vd_finding *f = vd_finding_add(
		v, s->name, "host", true,
		"its NICs are fine alone but below together: the host side "
		"(PCIe switch uplink, inter-socket link, memory)");

	if (!f)
		return -ENOMEM;
	for (size_t k = 0; k < n_nics; k++) {
		long nic = (long)(s->first_nic + k);
		const uint32_t *fl;
		size_t n = vd_nic_flows(v, nic, &fl);

		for (size_t i = 0; i < n; i++) {
			const struct vd_flow *x = &v->flows[fl[i]];

			if (!vd_open_below(x) ||
			    c->load[2 * fl[i] + (x->src_nic == nic ? 0 : 1)] <
				    2)
				continue;
			if (vd_finding_flow(v, f, fl[i]))
				return -ENOMEM;
			vd_finding_evidence(f,
					    "%s -> %s: %.2f of %.2f Gb/s "
					    "together (the model: limited by "
					    "%s)",
					    x->src, x->dst, x->gbps,
					    x->expected, x->limited_by);
		}
	}
	vd_finding_rates(v, f);
	vd_finding_evidence(f,
			    "the model's ceiling for these flows "
			    "together: %.2f Gb/s; measured %.2f Gb/s",
			    f->expected, f->measured);
	return 0;
}

int vd_rule_host(struct lr_verdict *v)
{
	const struct lr_topo *t = v->topo;
	struct host_ctx c = {
		.load = malloc((2 * v->n_flows + 1) * sizeof(*c.load)),
		.nic_set = malloc((t->n_nics + 1) * sizeof(*c.nic_set)),
		.srv_set = malloc((t->n_servers + 1) * sizeof(*c.srv_set)),
		.srv_cnt = calloc(t->n_servers + 1, sizeof(*c.srv_cnt)),
		.alone_pass = calloc(t->n_nics + 1, 1),
	};
	int ret = 0;

	if (!c.load || !c.nic_set || !c.srv_set || !c.srv_cnt || !c.alone_pass)
		ret = -ENOMEM;
	for (size_t i = 0; !ret && i < t->n_nics; i++)
		c.nic_set[i] = -1;
	for (size_t i = 0; !ret && i < t->n_servers; i++)
		c.srv_set[i] = -1;
	for (size_t i = 0; !ret && i < v->n_sets; i++)
		count_set(v, &v->sets[i], (long)i, &c);
	for (uint32_t srv = 0; !ret && srv < t->n_servers; srv++) {
		size_t below;

		if (host_pattern(v, srv, &c, &below))
			ret = host_finding(v, srv, &c);
	}
	free(c.load);
	free(c.nic_set);
	free(c.srv_set);
	free(c.srv_cnt);
	free(c.alone_pass);
	return ret;
}
