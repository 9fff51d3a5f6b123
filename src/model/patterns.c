// SPDX-License-Identifier: MIT
/*
 * The named patterns of a cluster run, as sets of concurrent flows, and
 * their expectations (per flow, per sending server, aggregate). Flows are
 * rail-aligned: a NIC sends to the NIC on the same rail of its partner.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/model.h"
#include "linerate/util.h"

#define MAX_FLOWS 20000000

static const char *const names[LR_PAT_COUNT] = {
	"pair", "server", "rail", "all-to-all", "bisection",
};

const char *lr_pattern_name(enum lr_pattern p)
{
	return p < LR_PAT_COUNT ? names[p] : "?";
}

int lr_pattern_parse(const char *s, enum lr_pattern *p)
{
	for (int i = 0; i < LR_PAT_COUNT; i++) {
		if (!strcmp(s, names[i])) {
			*p = (enum lr_pattern)i;
			return 0;
		}
	}
	return -EINVAL;
}

static long nic_on_rail(const struct lr_topo *t, uint32_t srv, uint32_t rail)
{
	const struct lr_server *s = &t->servers[srv];
	const struct lr_host_tmpl *h = &t->tmpls[s->tmpl];

	for (size_t j = 0; j < h->n_nics; j++)
		if (h->nics[j].rail == rail)
			return (long)(s->first_nic + j);
	return -1;
}

/* Every NIC of server a to the same rail of server z (first only: one). */
int lr_pattern_servers(struct lr_graph *g, uint32_t a, uint32_t z,
		       bool first_only)
{
	const struct lr_topo *t = g->topo;
	const struct lr_server *s = &t->servers[a];
	size_t n = t->tmpls[s->tmpl].n_nics;
	int ret = 0;

	for (size_t j = 0; !ret && j < n; j++) {
		uint32_t src = s->first_nic + (uint32_t)j;
		long dst = nic_on_rail(
			t, z, lr_topo_nic_tmpl(t, &t->nics[src])->rail);

		if (dst >= 0)
			ret = lr_graph_add_flow(g, src, (uint32_t)dst);
		if (dst >= 0 && first_only)
			break;
	}
	return ret;
}

static int rail_pairs(struct lr_graph *g)
{
	int ret = 0;

	for (uint32_t i = 0; !ret && i + 1 < g->topo->n_servers; i += 2) {
		ret = lr_pattern_servers(g, i, i + 1, false);
		if (!ret)
			ret = lr_pattern_servers(g, i + 1, i, false);
	}
	return ret;
}

static int bisection(struct lr_graph *g)
{
	uint32_t half = (uint32_t)(g->topo->n_servers / 2);
	int ret = 0;

	for (uint32_t i = 0; !ret && i < half; i++) {
		ret = lr_pattern_servers(g, i, i + half, false);
		if (!ret)
			ret = lr_pattern_servers(g, i + half, i, false);
	}
	return ret;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static uint64_t rail_leaf_key(const struct lr_topo *t, size_t nic)
{
	const struct lr_nic *n = &t->nics[nic];

	return (uint64_t)lr_topo_nic_tmpl(t, n)->rail << 32 | (uint32_t)n->leaf;
}

/*
 * Flows of all-to-all without building them: per rail, n^2 minus the pairs
 * under one leaf. Keys (rail, leaf) sorted give both counts.
 */
size_t lr_pattern_alltoall_count(const struct lr_topo *t, const bool *alive)
{
	uint64_t *k = malloc((t->n_nics + 1) * sizeof(*k));
	size_t m = 0, n = 0, rail_n = 0, leaf_n = 0;

	if (!k)
		return SIZE_MAX;
	for (size_t i = 0; i < t->n_nics; i++)
		if (!alive || alive[t->nics[i].server])
			k[m++] = rail_leaf_key(t, i);
	qsort(k, m, sizeof(*k), cmp_u64);
	for (size_t i = 0; i < m; i++) {
		bool new_rail = !i || k[i] >> 32 != k[i - 1] >> 32;

		if (new_rail) {
			n += rail_n * rail_n;
			rail_n = 0;
		}
		if (new_rail || k[i] != k[i - 1]) {
			n -= leaf_n * leaf_n;
			leaf_n = 0;
		}
		rail_n++;
		leaf_n++;
	}
	n += rail_n * rail_n;
	n -= leaf_n * leaf_n;
	free(k);
	return n;
}

static int all_to_all(struct lr_graph *g)
{
	const struct lr_topo *t = g->topo;
	size_t n = lr_pattern_alltoall_count(t, NULL);
	int ret = 0;

	if (n > MAX_FLOWS) {
		lr_err("all-to-all over %zu NICs needs more than %d flows; "
		       "model a part of the fabric",
		       t->n_nics, MAX_FLOWS);
		return -E2BIG;
	}
	for (uint32_t a = 0; !ret && a < t->n_nics; a++)
		for (uint32_t z = 0; !ret && z < t->n_nics; z++)
			if (t->nics[a].leaf != t->nics[z].leaf &&
			    lr_topo_nic_tmpl(t, &t->nics[a])->rail ==
				    lr_topo_nic_tmpl(t, &t->nics[z])->rail)
				ret = lr_graph_add_flow(g, a, z);
	return ret;
}

int lr_pattern_build(struct lr_graph *g, enum lr_pattern p)
{
	if (g->topo->n_servers < 2) {
		lr_err("pattern %s needs at least two servers",
		       lr_pattern_name(p));
		return -EINVAL;
	}
	switch (p) {
	case LR_PAT_PAIR: return lr_pattern_servers(g, 0, 1, true);
	case LR_PAT_SERVER: return lr_pattern_servers(g, 0, 1, false);
	case LR_PAT_RAIL: return rail_pairs(g);
	case LR_PAT_ALLTOALL: return all_to_all(g);
	case LR_PAT_BISECTION: return bisection(g);
	default: return -EINVAL;
	}
}

/* ---- summary ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int stat_of(double *v, size_t n, struct lr_stat *s)
{
	double sum = 0;

	memset(s, 0, sizeof(*s));
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	s->min = v[0];
	s->max = v[n - 1];
	s->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	s->mean = sum / n;
	return 0;
}

static void flow_summary(const struct lr_graph *g,
			 struct lr_pattern_result *res, double *v)
{
	res->ecmp_slowest = g->n_flows ? g->flows[0].ecmp_slowest : 0;
	for (size_t f = 0; f < g->n_flows; f++) {
		const struct lr_flow *fl = &g->flows[f];

		v[f] = fl->rate;
		res->aggregate += fl->rate;
		res->limit_count[g->res[fl->limited_by].kind]++;
		if (fl->rate < g->flows[res->slowest_flow].rate)
			res->slowest_flow = (uint32_t)f;
		if (fl->ecmp_slowest < res->ecmp_slowest)
			res->ecmp_slowest = fl->ecmp_slowest;
		if (fl->unknown && !res->n_unknown++)
			res->unknown = (enum lr_unknown)fl->unknown;
	}
	if (g->n_flows)
		res->limited_by = g->flows[res->slowest_flow].limited_by;
	stat_of(v, g->n_flows, &res->flow);
}

static int server_summary(const struct lr_graph *g,
			  struct lr_pattern_result *res)
{
	const struct lr_topo *t = g->topo;
	double *per = calloc(t->n_servers + 1, sizeof(*per));
	uint8_t *nic_seen = calloc(t->n_nics + 1, 1);
	size_t n = 0;

	if (!per || !nic_seen) {
		free(per);
		free(nic_seen);
		return -ENOMEM;
	}
	for (size_t f = 0; f < g->n_flows; f++) {
		const struct lr_flow *fl = &g->flows[f];

		per[t->nics[fl->src_nic].server] += fl->rate;
		if (!nic_seen[fl->src_nic]++)
			res->nominal +=
				lr_topo_nic_rate(t, &t->nics[fl->src_nic]);
	}
	for (size_t s = 0; s < t->n_servers; s++)
		if (per[s] > 0)
			per[n++] = per[s];
	res->n_servers = n;
	stat_of(per, n, &res->server);
	free(per);
	free(nic_seen);
	return 0;
}

int lr_model_solve(struct lr_graph *g, struct lr_pattern_result *res)
{
	double *v;
	int ret = lr_ecmp_prepare(g);

	if (!ret)
		ret = lr_fairshare(g);
	if (ret)
		return ret;
	lr_ecmp_finish(g);
	memset(res, 0, sizeof(*res));
	res->n_flows = g->n_flows;
	v = malloc((g->n_flows + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	flow_summary(g, res, v);
	free(v);
	return server_summary(g, res);
}

int lr_pattern_run(struct lr_graph *g, enum lr_pattern p,
		   struct lr_pattern_result *res)
{
	int ret = lr_pattern_build(g, p);

	if (!ret)
		ret = lr_model_solve(g, res);
	if (!ret)
		res->pattern = p;
	return ret;
}
