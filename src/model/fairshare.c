// SPDX-License-Identifier: MIT
/*
 * Max-min fair share by progressive filling. All unfrozen flows grow at
 * the same rate; the first resource to saturate freezes the flows through
 * it at that level (their limited_by), its capacity is charged to every
 * other resource on their paths, and filling goes on with the rest.
 *
 * A resource saturates at level (cap - used) / unfrozen. Freezing flows
 * only raises the level of the other resources, so a key in the min-heap
 * is a lower bound of the resource's level: a popped resource whose level
 * has risen since is pushed again with its new level, the first one that
 * has not is the next to saturate. No push when a flow freezes: about
 * O((R + P) log R) for R resources and P path entries.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "linerate/model.h"

struct heap_item {
	double level;
	uint32_t res;
	uint32_t kind;
};

/*
 * Levels equal to 1e-9 are a tie, won by the resource nearest the host
 * (lower kind): a non-blocking fabric is "limited by the NIC", not by an
 * uplink group that saturates at the very same rate.
 */
static bool before(const struct heap_item *a, const struct heap_item *b)
{
	double tol = 1e-9 * (a->level > b->level ? a->level : b->level);

	if (a->level < b->level - tol)
		return true;
	if (a->level > b->level + tol)
		return false;
	return a->kind < b->kind;
}

struct heap {
	struct heap_item *v;
	size_t n, cap;
};

static int heap_push(struct heap *h, double level, uint32_t res, uint32_t kind)
{
	struct heap_item it = { level, res, kind };
	size_t i;

	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 1024;
		struct heap_item *v = realloc(h->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		h->v = v;
		h->cap = cap;
	}
	i = h->n++;
	while (i && before(&it, &h->v[(i - 1) / 2])) {
		h->v[i] = h->v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->v[i] = it;
	return 0;
}

static struct heap_item heap_pop(struct heap *h)
{
	struct heap_item top = h->v[0], last = h->v[--h->n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && before(&h->v[c + 1], &h->v[c]))
			c++;
		if (!before(&h->v[c], &last))
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n)
		h->v[i] = last;
	return top;
}

/* Flows of each resource, as offsets into one array (CSR). */
static uint32_t *res_flows(const struct lr_graph *g, size_t *off)
{
	uint32_t *v = malloc((g->n_path + 1) * sizeof(*v));
	size_t *fill = calloc(g->n_res + 1, sizeof(*fill));

	if (!v || !fill) {
		free(v);
		free(fill);
		return NULL;
	}
	off[0] = 0;
	for (size_t r = 0; r < g->n_res; r++)
		off[r + 1] = off[r] + g->res[r].n_flows;
	for (size_t f = 0; f < g->n_flows; f++) {
		const struct lr_flow *fl = &g->flows[f];

		for (uint32_t i = 0; i < fl->path_len; i++) {
			uint32_t r = g->path[fl->path_off + i];

			v[off[r] + fill[r]++] = (uint32_t)f;
		}
	}
	free(fill);
	return v;
}

static double level_of(const struct lr_res *r)
{
	double left = r->cap - r->used;

	return (left > 0 ? left : 0) / r->unfrozen;
}

static void freeze(struct lr_graph *g, uint32_t f, double lv, uint32_t by)
{
	struct lr_flow *fl = &g->flows[f];

	fl->rate = lv;
	fl->limited_by = by;
	for (uint32_t i = 0; i < fl->path_len; i++) {
		struct lr_res *r = &g->res[g->path[fl->path_off + i]];

		r->used += lv;
		r->unfrozen--;
	}
}

static void saturate(struct lr_graph *g, uint32_t r, const uint32_t *flows,
		     const size_t *off, uint8_t *frozen)
{
	double lv = level_of(&g->res[r]);

	g->res[r].saturated = 1;
	g->res[r].share = lv;
	for (size_t i = off[r]; i < off[r + 1]; i++) {
		uint32_t f = flows[i];

		if (frozen[f])
			continue;
		frozen[f] = 1;
		freeze(g, f, lv, r);
	}
}

/*
 * A flow's own ceiling: the tightest resource no other flow crosses (its
 * NIC, its PCIe slot, ...). Such a resource saturates exactly at its
 * capacity, so these events are sorted once instead of going through the
 * heap: most resources of a large pattern are of this kind.
 */
struct own {
	struct heap_item it;
	uint32_t flow;
};

static int cmp_own(const void *a, const void *b)
{
	const struct own *x = a, *y = b;

	if (x->it.level != y->it.level)
		return x->it.level < y->it.level ? -1 : 1;
	return (x->it.kind > y->it.kind) - (x->it.kind < y->it.kind);
}

static struct own *own_ceilings(const struct lr_graph *g, size_t *n)
{
	struct own *v = malloc((g->n_flows + 1) * sizeof(*v));

	*n = 0;
	for (uint32_t f = 0; v && f < g->n_flows; f++) {
		const struct lr_flow *fl = &g->flows[f];
		struct own o = { .it.level = -1, .flow = f };

		for (uint32_t i = 0; i < fl->path_len; i++) {
			uint32_t r = g->path[fl->path_off + i];
			const struct lr_res *x = &g->res[r];

			if (x->n_flows == 1 &&
			    (o.it.level < 0 || x->cap < o.it.level ||
			     (x->cap == o.it.level && x->kind < o.it.kind)))
				o.it = (struct heap_item){ x->cap, r, x->kind };
		}
		if (o.it.level >= 0)
			v[(*n)++] = o;
	}
	if (v)
		qsort(v, *n, sizeof(*v), cmp_own);
	return v;
}

/* The shared resource that saturates next (validated): 1, 0 or -ENOMEM. */
static int next_shared(struct lr_graph *g, struct heap *h,
		       struct heap_item *top, bool *have)
{
	for (;;) {
		struct lr_res *x;
		double now;

		if (!*have) {
			if (!h->n)
				return 0;
			*top = heap_pop(h);
			*have = true;
		}
		x = &g->res[top->res];
		if (x->saturated || !x->unfrozen) {
			*have = false;
			continue;
		}
		now = level_of(x);
		if (now <= top->level * (1 + 1e-12) + 1e-12)
			return 1;
		*have = false; /* stale: its level rose */
		if (heap_push(h, now, top->res, top->kind))
			return -ENOMEM;
	}
}

static void freeze_own(struct lr_graph *g, const struct own *o)
{
	g->res[o->it.res].saturated = 1;
	g->res[o->it.res].share = o->it.level;
	freeze(g, o->flow, o->it.level, o->it.res);
}

static int fill(struct lr_graph *g, struct heap *h, const uint32_t *flows,
		const size_t *off, uint8_t *frozen, const struct own *own,
		size_t n_own)
{
	struct heap_item top = { 0 };
	bool have = false;
	size_t next = 0;
	int got;

	for (;;) {
		got = next_shared(g, h, &top, &have);
		while (next < n_own && frozen[own[next].flow])
			next++;
		if (got < 0)
			return got;
		if (next < n_own && (!got || !before(&top, &own[next].it))) {
			frozen[own[next].flow] = 1;
			freeze_own(g, &own[next++]);
			continue;
		}
		if (!got)
			return 0;
		have = false;
		saturate(g, top.res, flows, off, frozen);
	}
}

static int start(struct lr_graph *g, struct heap *h)
{
	int ret = 0;

	for (uint32_t r = 0; !ret && r < g->n_res; r++) {
		struct lr_res *x = &g->res[r];

		x->used = 0;
		x->saturated = 0;
		x->unfrozen = x->n_flows;
		if (x->n_flows > 1) /* shared; the others: own ceilings */
			ret = heap_push(h, level_of(x), r, x->kind);
	}
	return ret;
}

int lr_fairshare(struct lr_graph *g)
{
	struct heap h = { 0 };
	size_t n_own, *off = malloc((g->n_res + 1) * sizeof(*off));
	uint32_t *flows = off ? res_flows(g, off) : NULL;
	uint8_t *frozen = calloc(g->n_flows + 1, 1);
	struct own *own = own_ceilings(g, &n_own);
	int ret = -ENOMEM;

	if (off && flows && frozen && own)
		ret = start(g, &h);
	if (!ret)
		ret = fill(g, &h, flows, off, frozen, own, n_own);
	for (size_t f = 0; !ret && f < g->n_flows; f++)
		g->flows[f].ecmp_slowest = g->flows[f].rate;
	free(own);
	free(h.v);
	free(frozen);
	free(flows);
	free(off);
	return ret;
}
