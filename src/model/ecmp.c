// SPDX-License-Identifier: MIT
/*
 * Static ECMP: each of a flow's QPs is hashed onto one of m equal uplinks
 * of c Gb/s. With n subflows (flows x QPs) of demand d each, the load of a
 * link is K ~ Binomial(n, 1/m) and it carries min(c, K x d); the expected
 * aggregate is m x E[min(c, K d)]. For n = m large flows that is
 * 1 - (1 - 1/m)^m of the capacity: 65.6% for m = 8, 63.2% in the limit
 * (DESIGN.md: "~63%"). More QPs per flow (smaller d, larger n) close the
 * gap; adaptive routing spreads evenly and loses nothing.
 *
 * The slowest flow has a QP on the most loaded link. Its expected load
 * E[max K] = sum_k>=1 P(max K >= k), with P(max K >= k) = 1 while
 * (k - 1) m < n (pigeonhole) and 1 - F(k-1)^m after it (F the binomial CDF,
 * links treated as independent: a slight underestimate of the maximum as
 * link loads are negatively associated), gives the slowest flow:
 * qps x min(d, c / E[max K]).
 */
#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdlib.h>

#include "linerate/model.h"

static double binom_pmf(unsigned n, unsigned k, double p)
{
	if (p >= 1.0)
		return k == n ? 1.0 : 0.0;
	return exp(lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0) +
		   k * log(p) + (n - k) * log1p(-p));
}

double lr_ecmp_expected_total(unsigned m, double c, unsigned n, double d)
{
	double p = 1.0 / m, below = 0.0, mass = 0.0;
	unsigned kc;

	if (!m || !n || d <= 0)
		return 0.0;
	kc = c / d >= n ? n : (unsigned)floor(c / d);
	for (unsigned k = 0; k <= kc; k++) {
		double pk = binom_pmf(n, k, p);

		below += pk * k * d;
		mass += pk;
	}
	return m * (below + c * (mass < 1.0 ? 1.0 - mass : 0.0));
}

double lr_ecmp_expected_max_load(unsigned m, unsigned n)
{
	double p = 1.0 / m, cdf = 0.0, sum = 0.0;

	if (m <= 1)
		return n;
	for (unsigned k = 1; k <= n; k++) {
		double term;

		cdf += binom_pmf(n, k - 1, p);
		term = 1.0 - pow(cdf < 1.0 ? cdf : 1.0, m);
		if ((unsigned long)(k - 1) * m < n)
			term = 1.0; /* pigeonhole: some link has k */
		sum += term;
		if (term < 1e-9)
			break;
	}
	return sum;
}

static bool is_uplink(const struct lr_res *r)
{
	return r->kind == LR_RES_SW_UP || r->kind == LR_RES_GRP_UP;
}

static unsigned uplink_count(const struct lr_topo *t, const struct lr_res *r)
{
	unsigned m = 0;

	if (r->kind == LR_RES_SW_UP)
		return t->switches[r->id].uplinks;
	for (size_t i = 0; i < t->groups[r->id].n; i++)
		m += t->switches[t->groups[r->id].members[i]].uplinks;
	return m;
}

/*
 * What a flow could carry without the fabric: its host and NIC ceilings,
 * its NIC's engines included.
 */
static double host_ceiling(const struct lr_graph *g, const struct lr_flow *f)
{
	double hc = INFINITY;

	for (uint32_t i = 0; i < f->path_len; i++) {
		const struct lr_res *r = &g->res[g->path[f->path_off + i]];
		bool host = r->kind < LR_RES_SW_UP || r->kind >= LR_RES_QP_READ;

		if (host && r->cap < hc)
			hc = r->cap;
	}
	return hc;
}

static void ecmp_resource(struct lr_graph *g, uint32_t r, double sum_d)
{
	struct lr_res *x = &g->res[r];
	unsigned q = lr_graph_qps(g);
	unsigned m = uplink_count(g->topo, x), n = x->n_flows * q;
	double c = x->cap / m, d = sum_d / x->n_flows / q;
	double total = lr_ecmp_expected_total(m, c, n, d);

	if (total < x->cap)
		x->cap = total;
	g->ecmp_bound[r] = q * fmin(d, c / lr_ecmp_expected_max_load(m, n));
}

int lr_ecmp_prepare(struct lr_graph *g)
{
	double *sum_d;

	if (g->topo->routing != LR_ROUTE_ECMP)
		return 0;
	sum_d = calloc(g->n_res + 1, sizeof(*sum_d));
	g->ecmp_bound = calloc(g->n_res + 1, sizeof(*g->ecmp_bound));
	if (!sum_d || !g->ecmp_bound) {
		free(sum_d);
		return -ENOMEM;
	}
	for (size_t f = 0; f < g->n_flows; f++) {
		const struct lr_flow *fl = &g->flows[f];
		double hc = host_ceiling(g, fl);

		for (uint32_t i = 0; i < fl->path_len; i++)
			sum_d[g->path[fl->path_off + i]] += hc;
	}
	for (uint32_t r = 0; r < g->n_res; r++)
		if (is_uplink(&g->res[r]) && g->res[r].n_flows &&
		    uplink_count(g->topo, &g->res[r]))
			ecmp_resource(g, r, sum_d[r]);
	free(sum_d);
	return 0;
}

void lr_ecmp_finish(struct lr_graph *g)
{
	if (!g->ecmp_bound)
		return;
	for (size_t f = 0; f < g->n_flows; f++) {
		struct lr_flow *fl = &g->flows[f];

		for (uint32_t i = 0; i < fl->path_len; i++) {
			double b = g->ecmp_bound[g->path[fl->path_off + i]];

			if (b > 0 && b < fl->ecmp_slowest)
				fl->ecmp_slowest = b;
		}
	}
}
