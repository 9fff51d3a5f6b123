// SPDX-License-Identifier: MIT
/*
 * The verdict: resolve every flow in the topology, ask the model for each
 * concurrent set (the same flows, run together), give every flow its ratio
 * and verdict, then run the localisation rules.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd.h"
#include "linerate/util.h"

const char *vd_verdict_name(enum vd_verdict v)
{
	static const char *const names[] = { "pass", "below", "above", "failed",
					     "cannot judge" };

	return names[v];
}

bool vd_is_pass(const struct vd_flow *f)
{
	return f->verdict == VD_PASS;
}

long vd_partner(const struct vd_flow *f, long nic)
{
	return f->src_nic == nic ? f->dst_nic : f->src_nic;
}

const char *vd_nic_name(const struct lr_topo *t, long nic, char *buf,
			size_t len)
{
	const struct lr_nic *n = &t->nics[nic];

	snprintf(buf, len, "%s/%s", t->servers[n->server].name,
		 lr_topo_nic_tmpl(t, n)->name);
	return buf;
}

static long resolve(const struct lr_topo *t, const struct vd_flow *f,
		    const char *name)
{
	const char *slash = strchr(name, '/');
	char server[256];
	const struct lr_host_tmpl *h;
	long s;

	snprintf(server, sizeof(server), "%.*s", (int)(slash - name), name);
	s = lr_topo_find_server(t, server);
	if (s < 0) {
		lr_err("%s: '%s': no server '%s' in %s", f->where, name, server,
		       t->file);
		return -EINVAL;
	}
	h = &t->tmpls[t->servers[s].tmpl];
	for (size_t i = 0; i < h->n_nics; i++)
		if (!strcmp(h->nics[i].name, slash + 1))
			return (long)(t->servers[s].first_nic + i);
	lr_err("%s: '%s': server %s (template %s) has no NIC '%s' in %s",
	       f->where, name, server, h->name, slash + 1, t->file);
	return -EINVAL;
}

static int resolve_all(struct lr_verdict *v)
{
	int ret = 0;

	for (size_t i = 0; i < v->n_flows; i++) {
		struct vd_flow *f = &v->flows[i];

		f->src_nic = resolve(v->topo, f, f->src);
		f->dst_nic = resolve(v->topo, f, f->dst);
		if (f->src_nic < 0 || f->dst_nic < 0)
			ret = -EINVAL;
		else if (f->src_nic == f->dst_nic) {
			lr_err("%s: a flow from %s to itself", f->where,
			       f->src);
			ret = -EINVAL;
		}
	}
	return ret;
}

static const struct lr_verdict *sort_v;

static int by_key(const void *a, const void *b)
{
	const struct vd_flow *x = &sort_v->flows[*(const uint32_t *)a],
			     *y = &sort_v->flows[*(const uint32_t *)b];

	if (x->set != y->set)
		return x->set < y->set ? -1 : 1;
	if (x->src_nic != y->src_nic)
		return x->src_nic < y->src_nic ? -1 : 1;
	if (x->dst_nic != y->dst_nic)
		return x->dst_nic < y->dst_nic ? -1 : 1;
	return 0;
}

/* Two results claiming the same flow of the same set: an input error. */
static int duplicates(struct lr_verdict *v)
{
	uint32_t *ix = malloc((v->n_flows + 1) * sizeof(*ix));
	int ret = 0;

	if (!ix)
		return -ENOMEM;
	for (size_t i = 0; i < v->n_flows; i++)
		ix[i] = (uint32_t)i;
	sort_v = v;
	qsort(ix, v->n_flows, sizeof(*ix), by_key);
	for (size_t i = 1; i < v->n_flows && ret < 10; i++) {
		const struct vd_flow *a = &v->flows[ix[i - 1]],
				     *b = &v->flows[ix[i]];

		if (by_key(&ix[i - 1], &ix[i]))
			continue;
		lr_err("%s and %s both claim the flow %s -> %s of set '%s'",
		       a->where, b->where, a->src, a->dst, v->sets[a->set].id);
		ret--;
	}
	free(ix);
	return ret ? -EINVAL : 0;
}

static int index_sets(struct lr_verdict *v)
{
	for (size_t i = 0; i < v->n_flows; i++) {
		struct vd_set *s = &v->sets[v->flows[i].set];

		if (vd_grow((void **)&s->flows, &s->cap, s->n_flows + 1,
			    sizeof(*s->flows)))
			return -ENOMEM;
		s->flows[s->n_flows++] = (uint32_t)i;
	}
	return 0;
}

/*
 * Static ECMP: the model expects the fair share on average, and hashing
 * gives some flows more. Such a flow is above only beyond its NIC's
 * nominal rate.
 */
static bool ecmp_lucky(const struct lr_verdict *v, const struct vd_flow *f)
{
	const struct lr_topo *t = v->topo;

	return t->routing == LR_ROUTE_ECMP &&
	       f->ecmp_slowest < (1 - v->tolerance) * f->expected &&
	       f->gbps <= (1 + v->tolerance) *
				  lr_topo_nic_rate(t, &t->nics[f->src_nic]);
}

static void judge(struct lr_verdict *v, struct vd_flow *f)
{
	double t = v->tolerance;

	if (f->verdict == VD_FAILED || f->verdict == VD_NOJUDGE)
		return;
	if (!(f->expected > 0)) {
		f->verdict = VD_NOJUDGE;
		return;
	}
	f->ratio = f->gbps / f->expected;
	if (f->ratio < 1 - t)
		f->verdict = VD_BELOW;
	else if (f->ratio > 1 + t && !ecmp_lucky(v, f))
		f->verdict = VD_ABOVE;
	else
		f->verdict = VD_PASS;
}

static int set_graph(struct lr_verdict *v, struct vd_set *s, struct lr_graph *g,
		     uint32_t *gi)
{
	const struct vd_flow *f0 = &v->flows[s->flows[0]];
	struct lr_model_opts o = { .op = f0->op,
				   .msg = f0->msg,
				   .qps = f0->qps,
				   .outstanding = f0->outstanding };
	size_t n = 0;
	int ret;

	ret = lr_graph_init_opts(g, v->topo, &o);
	for (size_t i = 0; i < s->n_flows && !ret; i++) {
		struct vd_flow *f = &v->flows[s->flows[i]];

		if (f->verdict == VD_FAILED)
			continue;
		ret = lr_graph_add_flow(g, (uint32_t)f->src_nic,
					(uint32_t)f->dst_nic);
		if (ret == -EHOSTUNREACH) {
			f->verdict = VD_NOJUDGE;
			f->limited_by = vd_strdup("no path in the topology");
			ret = 0;
			continue;
		}
		gi[n++] = s->flows[i];
	}
	return ret;
}

static int model_set(struct lr_verdict *v, struct vd_set *s)
{
	uint32_t *gi = malloc((s->n_flows + 1) * sizeof(*gi));
	struct lr_pattern_result res;
	struct lr_graph g;
	char name[128];
	int ret;

	if (!gi)
		return -ENOMEM;
	ret = set_graph(v, s, &g, gi);
	if (!ret && g.n_flows)
		ret = lr_model_solve(&g, &res);
	for (size_t i = 0; i < g.n_flows && !ret; i++) {
		struct vd_flow *f = &v->flows[gi[i]];
		const struct lr_flow *m = &g.flows[i];

		if (m->unknown != LR_UNKNOWN_NONE) {
			/* a limit that may bind is unknown: not "below" */
			f->verdict = VD_NOJUDGE;
			f->limited_by = vd_fmt("cannot judge: %s",
					       lr_unknown_name(m->unknown));
			if (!f->limited_by)
				ret = -ENOMEM;
			continue;
		}
		f->expected = lr_floor_dp(m->rate, 4);
		f->ecmp_slowest = lr_floor_dp(m->ecmp_slowest, 4);
		f->limit_kind = g.res[m->limited_by].kind;
		f->limited_by = vd_fmt(
			"%s (%s)",
			lr_res_name(&g, m->limited_by, name, sizeof(name)),
			lr_res_kind_name(g.res[m->limited_by].kind));
		if (!f->limited_by)
			ret = -ENOMEM;
	}
	for (size_t i = 0; i < s->n_flows; i++) {
		struct vd_flow *f = &v->flows[s->flows[i]];

		judge(v, f);
		if (f->verdict == VD_FAILED)
			continue;
		if (!isnan(f->gbps))
			s->aggregate += f->gbps;
		s->expected += f->expected;
	}
	if (!ret)
		ret = vd_judge_shared(v, &g, gi);
	lr_graph_free(&g);
	free(gi);
	return ret;
}

static int index_nics(struct lr_verdict *v)
{
	size_t n = v->topo->n_nics;

	v->nic_off = calloc(n + 2, sizeof(*v->nic_off));
	v->nic_flows = malloc((2 * v->n_flows + 1) * sizeof(*v->nic_flows));
	if (!v->nic_off || !v->nic_flows)
		return -ENOMEM;
	for (size_t i = 0; i < v->n_flows; i++) {
		v->nic_off[v->flows[i].src_nic + 2]++;
		v->nic_off[v->flows[i].dst_nic + 2]++;
	}
	for (size_t i = 2; i < n + 2; i++)
		v->nic_off[i] += v->nic_off[i - 1];
	for (size_t i = 0; i < v->n_flows; i++) {
		v->nic_flows[v->nic_off[v->flows[i].src_nic + 1]++] =
			(uint32_t)i;
		v->nic_flows[v->nic_off[v->flows[i].dst_nic + 1]++] =
			(uint32_t)i;
	}
	return 0;
}

static int run_rules(struct lr_verdict *v)
{
	for (size_t i = 0; i < vd_n_rules; i++) {
		int ret = vd_rules[i].fn(v);

		if (ret)
			return ret;
	}
	vd_findings_sort(v);
	return 0;
}

int lr_verdict_compute(struct lr_verdict *v, const struct lr_topo *t)
{
	int ret;

	if (v->computed) {
		lr_err("verdict already computed");
		return -EINVAL;
	}
	if (!v->n_flows && !v->n_findings) {
		lr_err("no flows to judge");
		return -EINVAL;
	}
	v->topo = t;
	v->tolerance = t->tolerance > 0 ? t->tolerance : vd_limits.tolerance;
	for (size_t i = 0; i < v->n_flows; i++)
		v->flows[i].limit_kind = -1;
	ret = resolve_all(v);
	if (!ret)
		ret = duplicates(v);
	if (!ret)
		ret = index_sets(v);
	for (size_t i = 0; i < v->n_sets && !ret; i++)
		if (v->sets[i].n_flows)
			ret = model_set(v, &v->sets[i]);
	if (!ret)
		ret = index_nics(v);
	if (!ret)
		ret = run_rules(v);
	v->computed = !ret;
	return ret;
}
