// SPDX-License-Identifier: MIT
/*
 * The report of `linerate model`: NIC types, one server per host template,
 * switch tiers (derived oversubscription) and the requested patterns, each
 * with the chain of ceilings behind its slowest flow.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/model.h"
#include "linerate/util.h"

void lr_flow_chain(const struct lr_graph *g, uint32_t flow,
		   struct lr_flow_chain *c)
{
	const struct lr_flow *f = &g->flows[flow];
	const struct lr_topo *t = g->topo;

	memset(c, 0, sizeof(*c));
	snprintf(c->src, sizeof(c->src), "%s/%s",
		 t->servers[t->nics[f->src_nic].server].name,
		 lr_topo_nic_tmpl(t, &t->nics[f->src_nic])->name);
	snprintf(c->dst, sizeof(c->dst), "%s/%s",
		 t->servers[t->nics[f->dst_nic].server].name,
		 lr_topo_nic_tmpl(t, &t->nics[f->dst_nic])->name);
	c->gbps = f->rate;
	for (uint32_t i = 0; i < f->path_len && c->n < 24; i++) {
		uint32_t r = g->path[f->path_off + i];
		struct lr_chain_item *it = &c->v[c->n++];

		lr_res_name(g, r, it->name, sizeof(it->name));
		lr_res_what(g, r, it->what, sizeof(it->what));
		it->kind = (enum lr_res_kind)g->res[r].kind;
		it->cap = g->res[r].cap;
		it->n_flows = g->res[r].n_flows;
		it->binding = r == f->limited_by;
	}
}

static int host_rows(const struct lr_topo *t, struct lr_model_report *r)
{
	r->hosts = calloc(t->n_tmpls + 1, sizeof(*r->hosts));
	if (!r->hosts)
		return -ENOMEM;
	for (uint32_t i = 0; i < t->n_tmpls; i++) {
		struct lr_host_row *h = &r->hosts[r->n_hosts++];
		struct lr_graph g;
		int ret;

		h->tmpl = i;
		h->n_nics = t->tmpls[i].n_nics;
		ret = lr_model_host(t, i, &r->opts, &h->res, &g);
		h->modelled = !ret;
		if (!ret) {
			h->nominal = h->res.nominal;
			lr_flow_chain(&g, h->res.slowest_flow, &h->slowest);
		}
		lr_graph_free(&g);
		if (ret == -ENOMEM) /* else: not modelled, said why */
			return ret;
	}
	return 0;
}

static void tier_rows(const struct lr_topo *t, struct lr_model_report *r)
{
	for (int k = 0; k < 3; k++)
		r->tiers[k].tier = (enum lr_tier)(LR_TIER_LEAF + k);
	for (size_t i = 0; i < t->n_switches; i++) {
		const struct lr_switch *s = &t->switches[i];
		struct lr_tier_row *row = &r->tiers[s->tier - LR_TIER_LEAF];
		double up = s->uplinks * s->uplink_gbps;

		row->count++;
		row->down_gbps += s->down_gbps;
		row->up_gbps += up;
		if (up > 0 && s->down_gbps / up > row->max_oversub)
			row->max_oversub = s->down_gbps / up;
	}
}

static int flow_rows(const struct lr_graph *g, struct lr_pattern_row *row)
{
	if (!g->n_flows || g->n_flows > LR_REPORT_MAX_FLOWS)
		return 0;
	row->flows = calloc(g->n_flows, sizeof(*row->flows));
	if (!row->flows)
		return -ENOMEM;
	row->n_flows = g->n_flows;
	for (size_t f = 0; f < g->n_flows; f++) {
		const struct lr_flow *fl = &g->flows[f];
		struct lr_flow_row *x = &row->flows[f];

		x->src_nic = fl->src_nic;
		x->dst_nic = fl->dst_nic;
		x->gbps = fl->rate;
		x->ecmp_slowest = fl->ecmp_slowest;
		x->unknown = (enum lr_unknown)fl->unknown;
		x->limit_kind = (enum lr_res_kind)g->res[fl->limited_by].kind;
		lr_res_name(g, fl->limited_by, x->limit, sizeof(x->limit));
	}
	return 0;
}

static int pattern_row(const struct lr_topo *t, const struct lr_model_opts *o,
		       struct lr_pattern_row *row)
{
	uint64_t t0 = lr_now_ns();
	struct lr_graph g;
	int ret;

	lr_graph_init_opts(&g, t, o);
	ret = lr_pattern_run(&g, row->pattern, &row->res);
	row->status = ret;
	if (!ret && g.n_flows)
		lr_flow_chain(&g, row->res.slowest_flow, &row->slowest);
	if (!ret)
		ret = flow_rows(&g, row);
	lr_graph_free(&g);
	row->seconds = (double)(lr_now_ns() - t0) / 1e9;
	return ret == -ENOMEM ? ret : 0;
}

int lr_model_report(const struct lr_topo *t, const struct lr_model_opts *o,
		    const enum lr_pattern *pats, size_t n,
		    struct lr_model_report *r)
{
	int ret;

	memset(r, 0, sizeof(*r));
	r->topo = t;
	r->opts = *o;
	ret = lr_nic_types(t, o, &r->types);
	if (!ret)
		ret = host_rows(t, r);
	tier_rows(t, r);
	for (size_t i = 0; !ret && i < n && i < LR_PAT_COUNT; i++) {
		r->pats[r->n_pats].pattern = pats[i];
		ret = pattern_row(t, o, &r->pats[r->n_pats++]);
	}
	return ret;
}

void lr_model_report_free(struct lr_model_report *r)
{
	lr_nic_types_free(&r->types);
	for (size_t i = 0; i < r->n_pats; i++)
		free(r->pats[i].flows);
	free(r->hosts);
	memset(r, 0, sizeof(*r));
}
