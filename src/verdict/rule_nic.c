// SPDX-License-Identifier: MIT
/*
 * nic: one NIC below with two or more partners that are fine elsewhere:
 * that NIC (port, cable, slot). Preflight's findings and rising error
 * counters are its evidence; "explained" when the measured rate matches
 * the ceiling preflight predicted from what it found.
 *
 * A lone pair cannot say which end is slow, unless exactly one end shows
 * evidence (a preflight finding, rising error counters): then that end.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd.h"

/* Distinct partners of nic's open below flows that are fine elsewhere. */
static size_t fine_partners(const struct lr_verdict *v, long nic,
			    size_t *n_below, size_t *n_pass)
{
	const uint32_t *fl;
	size_t n = vd_nic_flows(v, nic, &fl), fine = 0;
	long seen[64];
	size_t n_seen = 0;

	*n_below = *n_pass = 0;
	for (size_t i = 0; i < n; i++) {
		const struct vd_flow *f = &v->flows[fl[i]];
		long p = vd_partner(f, nic);
		size_t k;

		*n_pass += vd_is_pass(f);
		if (!vd_open_below(f))
			continue;
		(*n_below)++;
		for (k = 0; k < n_seen && seen[k] != p; k++)
			;
		if (k < n_seen || n_seen == 64)
			continue;
		seen[n_seen++] = p;
		fine += vd_fine_elsewhere(v, p, nic);
	}
	return fine;
}

static void explain(const struct lr_verdict *v, struct vd_finding *f,
		    const char *name, double top)
{
	double c = vd_pf_ceiling(v, name);
	char *cause;

	if (isnan(c))
		cause = vd_fmt("%s; unexplained: %s", f->cause,
			       v->n_pf ? "preflight predicts no lower "
					 "ceiling" :
					 "no preflight to compare with");
	else if (fabs(top - c) <= vd_limits.explained * c)
		cause = vd_fmt("%s; explained: %.2f Gb/s matches the ceiling "
			       "%.2f Gb/s that preflight predicted",
			       f->cause, top, c);
	else
		cause = vd_fmt("%s; unexplained: %.2f Gb/s, preflight "
			       "predicted a ceiling of %.2f Gb/s",
			       f->cause, top, c);
	if (cause) {
		free(f->cause);
		f->cause = cause;
	}
}

static int nic_finding(struct lr_verdict *v, long nic, const char *why)
{
	const uint32_t *fl;
	size_t n = vd_nic_flows(v, nic, &fl);
	struct vd_finding *f;
	char name[256];
	double top = 0;

	vd_nic_name(v->topo, nic, name, sizeof(name));
	f = vd_finding_add(v, name, "nic", true, "%s", why);
	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct vd_flow *x = &v->flows[fl[i]];

		if (!vd_open_below(x))
			continue;
		top = fmax(top, x->gbps);
		if (vd_finding_flow(v, f, fl[i]))
			return -ENOMEM;
	}
	vd_finding_rates(v, f);
	vd_finding_nic_evidence(v, f, name);
	explain(v, f, name, top);
	return 0;
}

static bool has_evidence(const struct lr_verdict *v, const struct vd_flow *x,
			 bool src)
{
	const char *name = src ? x->src : x->dst;

	if (src ? x->err_src : x->err_dst)
		return true;
	for (size_t i = 0; i < v->n_pf; i++)
		if (!strcmp(v->pf[i].subject, name))
			return true;
	return false;
}

/* A below flow whose ends could not be told apart: the end with evidence. */
static int lone_pairs(struct lr_verdict *v)
{
	for (size_t i = 0; i < v->n_flows; i++) {
		struct vd_flow *x = &v->flows[i];
		bool s, d;

		if (!vd_open_below(x))
			continue;
		s = has_evidence(v, x, true);
		d = has_evidence(v, x, false);
		if (s == d)
			continue;
		if (nic_finding(v, s ? x->src_nic : x->dst_nic,
				"below; of the two ends only this one shows "
				"evidence"))
			return -ENOMEM;
	}
	return 0;
}

int vd_rule_nic(struct lr_verdict *v)
{
	for (size_t nic = 0; nic < v->topo->n_nics; nic++) {
		size_t below, pass, fine;
		char why[160];

		if (v->nic_off[nic] == v->nic_off[nic + 1])
			continue;
		fine = fine_partners(v, (long)nic, &below, &pass);
		if (fine < 2 || below <= pass)
			continue;
		snprintf(why, sizeof(why),
			 "below with %zu partners that are fine elsewhere "
			 "(port, cable, slot)",
			 fine);
		if (nic_finding(v, (long)nic, why))
			return -ENOMEM;
	}
	return lone_pairs(v);
}
