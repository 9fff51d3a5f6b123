// SPDX-License-Identifier: MIT
/*
 * The plan of a rack run: concurrent sets of rail-aligned flows for the
 * pairs, fabric and retest phases (the hosts phase has no flows).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/cluster.h"
#include "linerate/model.h"
#include "linerate/util.h"

static const char *const phase_names[LR_PHASE_COUNT] = {
	"hosts",
	"pairs",
	"fabric",
	"retest",
};

const char *lr_phase_name(enum lr_phase p)
{
	return p < LR_PHASE_COUNT ? phase_names[p] : "?";
}

int lr_phases_parse(const char *list, unsigned *mask, char *bad, size_t len)
{
	char buf[256], *save = NULL;
	unsigned m = 0;

	if (snprintf(buf, sizeof(buf), "%s", list) >= (int)sizeof(buf)) {
		snprintf(bad, len, "%.32s...", list);
		return -EINVAL;
	}
	for (char *w = strtok_r(buf, ",", &save); w;
	     w = strtok_r(NULL, ",", &save)) {
		int p;

		for (p = 0; p < LR_PHASE_COUNT; p++)
			if (!strcmp(w, phase_names[p]))
				break;
		if (p == LR_PHASE_COUNT) {
			snprintf(bad, len, "%s", w);
			return -EINVAL;
		}
		m |= 1u << p;
	}
	if (!m) {
		snprintf(bad, len, "%s", list);
		return -EINVAL;
	}
	*mask = m;
	return 0;
}

void lr_plan_free(struct lr_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->sets[i].flows);
	free(p->sets);
	memset(p, 0, sizeof(*p));
}

/* A new empty set at the end of the plan (NULL: no memory). */
static struct lr_plan_set *new_set(struct lr_plan *p, enum lr_phase ph,
				   int round, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static struct lr_plan_set *new_set(struct lr_plan *p, enum lr_phase ph,
				   int round, const char *fmt, ...)
{
	struct lr_plan_set *s;
	va_list ap;

	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 16;
		void *v = realloc(p->sets, cap * sizeof(*p->sets));

		if (!v)
			return NULL;
		p->sets = v;
		p->cap = cap;
	}
	s = &p->sets[p->n++];
	memset(s, 0, sizeof(*s));
	s->phase = ph;
	s->round = round;
	va_start(ap, fmt);
	vsnprintf(s->id, sizeof(s->id), fmt, ap);
	va_end(ap);
	return s;
}

static int set_reserve(struct lr_plan_set *s, size_t n)
{
	s->flows = malloc((n ? n : 1) * sizeof(*s->flows));
	return s->flows ? 0 : -ENOMEM;
}

static void set_add(struct lr_plan *p, struct lr_plan_set *s, uint32_t src,
		    uint32_t dst, bool bidir)
{
	s->flows[s->n++] = (struct lr_plan_flow){ src, dst, bidir };
	p->n_flows++;
}

static uint32_t nic_rail(const struct lr_topo *t, uint32_t nic)
{
	return lr_topo_nic_tmpl(t, &t->nics[nic])->rail;
}

/* NIC of server srv on the rail, or -1. */
static long nic_on_rail(const struct lr_topo *t, uint32_t srv, uint32_t rail)
{
	const struct lr_server *s = &t->servers[srv];
	const struct lr_host_tmpl *h = &t->tmpls[s->tmpl];

	for (size_t j = 0; j < h->n_nics; j++)
		if (h->nics[j].rail == rail)
			return (long)(s->first_nic + j);
	return -1;
}

static size_t server_nics(const struct lr_topo *t, uint32_t srv)
{
	return t->tmpls[t->servers[srv].tmpl].n_nics;
}

/* Every NIC of a to the NIC on its rail of z, both directions. */
static void add_servers(struct lr_plan *p, struct lr_plan_set *s,
			const struct lr_topo *t, uint32_t a, uint32_t z)
{
	const struct lr_server *sa = &t->servers[a];

	for (size_t j = 0; j < server_nics(t, a); j++) {
		uint32_t src = sa->first_nic + (uint32_t)j;
		long dst = nic_on_rail(t, z, nic_rail(t, src));

		if (dst >= 0)
			set_add(p, s, src, (uint32_t)dst, true);
	}
}

/* Indices of the alive servers; *n their count. */
static uint32_t *alive_list(const struct lr_topo *t, const bool *alive,
			    size_t *n)
{
	uint32_t *v = malloc((t->n_servers + 1) * sizeof(*v));

	*n = 0;
	if (!v)
		return NULL;
	for (size_t s = 0; s < t->n_servers; s++)
		if (!alive || alive[s])
			v[(*n)++] = (uint32_t)s;
	return v;
}

unsigned lr_plan_pair_rounds(size_t n, unsigned rounds)
{
	unsigned all = lr_tournament_rounds(n);

	return rounds && rounds < all ? rounds : all;
}

static int pair_round(struct lr_plan *p, const struct lr_topo *t,
		      const uint32_t *srv, size_t n, uint32_t *partner,
		      unsigned r)
{
	struct lr_plan_set *s =
		new_set(p, LR_PHASE_PAIRS, (int)r + 1, "pairs-r%u", r + 1);
	size_t most = 0;

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		most += server_nics(t, srv[i]);
	if (set_reserve(s, most))
		return -ENOMEM;
	lr_tournament_round(n, r, partner);
	for (size_t i = 0; i < n; i++) {
		/* the lower seat of each pair is the client */
		if (partner[i] != LR_NO_PARTNER && partner[i] > i)
			add_servers(p, s, t, srv[i], srv[partner[i]]);
	}
	return 0;
}

int lr_plan_pairs(struct lr_plan *p, const struct lr_topo *t, const bool *alive,
		  unsigned first, unsigned rounds)
{
	size_t n;
	uint32_t *srv = alive_list(t, alive, &n);
	uint32_t *partner = malloc((n + 1) * sizeof(*partner));
	unsigned last = lr_plan_pair_rounds(n, rounds);
	int ret = srv && partner ? 0 : -ENOMEM;

	for (unsigned r = first; !ret && r < last; r++)
		ret = pair_round(p, t, srv, n, partner, r);
	free(srv);
	free(partner);
	return ret;
}

/* ---- fabric ---- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * The model's pattern as a set: its flows among alive servers, a -> z and
 * z -> a merged into one bidirectional flow whose client is the lower NIC.
 */
static int pattern_set(struct lr_plan *p, const struct lr_topo *t,
		       const bool *alive, enum lr_pattern pat)
{
	struct lr_graph g;
	struct lr_plan_set *s;
	uint64_t *k;
	size_t n = 0;
	int ret = lr_graph_init(&g, t, LR_OP_WRITE);

	if (!ret)
		ret = lr_pattern_build(&g, pat);
	k = ret ? NULL : malloc((g.n_flows + 1) * sizeof(*k));
	if (!ret && !k)
		ret = -ENOMEM;
	for (size_t f = 0; !ret && f < g.n_flows; f++) {
		uint32_t a = g.flows[f].src_nic, z = g.flows[f].dst_nic;

		if (alive &&
		    (!alive[t->nics[a].server] || !alive[t->nics[z].server]))
			continue;
		k[n++] = a < z ? (uint64_t)a << 32 | z : (uint64_t)z << 32 | a;
	}
	lr_graph_free(&g);
	s = ret || !n ? NULL :
			new_set(p, LR_PHASE_FABRIC, 0, "fabric-%s",
				lr_pattern_name(pat));
	if (!ret && n && (!s || set_reserve(s, n)))
		ret = -ENOMEM;
	if (s && !ret) {
		qsort(k, n, sizeof(*k), cmp_u64);
		for (size_t i = 0; i < n; i++) {
			bool both = i + 1 < n && k[i + 1] == k[i];

			set_add(p, s, (uint32_t)(k[i] >> 32), (uint32_t)k[i],
				both);
			i += both;
		}
	}
	free(k);
	return ret;
}

int lr_plan_fabric(struct lr_plan *p, const struct lr_topo *t,
		   const bool *alive, size_t max_flows, bool *skipped)
{
	size_t n_alive;
	uint32_t *srv = alive_list(t, alive, &n_alive);
	size_t a2a;
	int ret;

	free(srv);
	*skipped = false;
	if (n_alive < 2)
		return 0;
	ret = pattern_set(p, t, alive, LR_PAT_BISECTION);
	if (ret)
		return ret;
	a2a = lr_pattern_alltoall_count(t, alive);
	if (a2a > max_flows) {
		*skipped = true;
		return 0;
	}
	return a2a ? pattern_set(p, t, alive, LR_PAT_ALLTOALL) : 0;
}

/* ---- retest ---- */

static int alone(struct lr_plan *p, size_t idx, const char *how, uint32_t src,
		 uint32_t dst, bool bidir)
{
	struct lr_plan_set *s =
		new_set(p, LR_PHASE_RETEST, 0, "retest-%zu-%s", idx + 1, how);

	if (!s || set_reserve(s, 1))
		return -ENOMEM;
	set_add(p, s, src, dst, bidir);
	return 0;
}

int lr_plan_retest(struct lr_plan *p, const struct lr_topo *t,
		   const bool *alive, const struct lr_plan_flow *below,
		   size_t n)
{
	int ret = 0;

	for (size_t i = 0; !ret && i < n; i++) {
		const struct lr_plan_flow *f = &below[i];
		uint32_t a = t->nics[f->src_nic].server;
		uint32_t z = t->nics[f->dst_nic].server;
		unsigned fresh = 0;

		ret = alone(p, i, "same", f->src_nic, f->dst_nic, f->bidir);
		for (size_t k = 1; !ret && fresh < 2 && k < t->n_servers; k++) {
			uint32_t q = (uint32_t)((z + k) % t->n_servers);
			long dst = nic_on_rail(t, q, nic_rail(t, f->src_nic));
			char how[16];

			if (q == a || q == z || dst < 0 || (alive && !alive[q]))
				continue;
			snprintf(how, sizeof(how), "fresh%u", ++fresh);
			ret = alone(p, i, how, f->src_nic, (uint32_t)dst,
				    f->bidir);
		}
	}
	return ret;
}
