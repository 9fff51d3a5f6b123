// SPDX-License-Identifier: MIT
/*
 * uplink: flows that cross one leaf's uplinks below, while its NICs are
 * fine within the leaf: that leaf's uplinks (a slow or missing uplink, or
 * more oversubscription than the topology declares). Leaves are taken
 * worst first; a flow explained by one leaf is not counted for the leaf at
 * its other end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "vd.h"

struct leaf {
	size_t cross, below, intra_pass;
	double score;
	int id;
};

static void count(const struct lr_verdict *v, struct leaf *l)
{
	for (size_t i = 0; i < v->n_flows; i++) {
		const struct vd_flow *f = &v->flows[i];
		int a = vd_leaf(v, f->src_nic), b = vd_leaf(v, f->dst_nic);

		if (a < 0 || b < 0)
			continue;
		if (a == b) {
			l[a].intra_pass += vd_is_pass(f);
			continue;
		}
		if (f->verdict == VD_FAILED || f->verdict == VD_NOJUDGE)
			continue;
		l[a].cross++;
		l[b].cross++;
		l[a].below += vd_open_below(f);
		l[b].below += vd_open_below(f);
	}
	for (size_t i = 0; i < v->topo->n_switches; i++) {
		l[i].id = (int)i;
		l[i].score = l[i].cross ? (double)l[i].below / l[i].cross : 0;
	}
}

static int worst(const void *a, const void *b)
{
	const struct leaf *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->id - y->id;
}

static int leaf_finding(struct lr_verdict *v, int leaf)
{
	const struct lr_switch *sw = &v->topo->switches[leaf];
	char subject[300];
	struct vd_finding *f;

	snprintf(subject, sizeof(subject), "%s uplinks", sw->name);
	f = vd_finding_add(v, subject, "uplink", true,
			   "flows through its uplinks below while its NICs "
			   "are fine within the leaf: a slow or missing "
			   "uplink, or more oversubscription than the "
			   "topology declares (%u x %g Gb/s)",
			   sw->uplinks, sw->uplink_gbps);
	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < v->n_flows; i++) {
		const struct vd_flow *x = &v->flows[i];
		int a = vd_leaf(v, x->src_nic), b = vd_leaf(v, x->dst_nic);

		if (a != b && (a == leaf || b == leaf) && vd_open_below(x) &&
		    vd_finding_flow(v, f, (uint32_t)i))
			return -ENOMEM;
	}
	vd_finding_rates(v, f);
	return 0;
}

int vd_rule_uplink(struct lr_verdict *v)
{
	size_t n = v->topo->n_switches;
	struct leaf *l = calloc(n + 1, sizeof(*l));
	int ret = 0;

	if (!l)
		return -ENOMEM;
	count(v, l);
	qsort(l, n, sizeof(*l), worst);
	for (size_t i = 0; i < n && !ret; i++) {
		struct leaf *x = &l[i];
		size_t below = 0, cross = 0;

		if (x->below < 2 || !x->intra_pass)
			continue;
		/* recount: an earlier leaf may have explained some */
		for (size_t k = 0; k < v->n_flows; k++) {
			const struct vd_flow *f = &v->flows[k];
			int a = vd_leaf(v, f->src_nic),
			    b = vd_leaf(v, f->dst_nic);

			if (a == b || (a != x->id && b != x->id) ||
			    f->verdict == VD_FAILED)
				continue;
			cross++;
			below += vd_open_below(f);
		}
		if (below >= 2 && 2 * below >= cross)
			ret = leaf_finding(v, x->id);
	}
	free(l);
	return ret;
}
