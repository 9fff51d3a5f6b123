// SPDX-License-Identifier: MIT
/* Findings: subject, kind (the rule), rates, cause, evidence, flows. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd.h"
#include "linerate/util.h"

struct vd_finding *vd_finding_add(struct lr_verdict *v, const char *subject,
				  const char *kind, bool fault, const char *fmt,
				  ...)
{
	struct vd_finding *f;
	va_list ap;
	int n;

	if (vd_grow((void **)&v->findings, &v->cap_findings, v->n_findings + 1,
		    sizeof(*v->findings)))
		return NULL;
	f = &v->findings[v->n_findings];
	memset(f, 0, sizeof(*f));
	f->expected = f->measured = f->ratio = NAN;
	f->fault = fault;
	f->subject = vd_strdup(subject);
	f->kind = vd_strdup(kind);
	va_start(ap, fmt);
	n = vasprintf(&f->cause, fmt, ap);
	va_end(ap);
	if (n < 0)
		f->cause = NULL;
	if (!f->subject || !f->kind || !f->cause) {
		vd_finding_free(f);
		lr_err("out of memory");
		return NULL;
	}
	v->n_findings++;
	return f;
}

void vd_finding_free(struct vd_finding *f)
{
	free(f->subject);
	free(f->kind);
	free(f->cause);
	for (size_t i = 0; i < f->n_evidence; i++)
		free(f->evidence[i]);
	free(f->evidence);
	free(f->flows);
}

static bool has_evidence(const struct vd_finding *f, const char *s)
{
	for (size_t i = 0; i < f->n_evidence; i++)
		if (!strcmp(f->evidence[i], s))
			return true;
	return false;
}

int vd_finding_evidence(struct vd_finding *f, const char *fmt, ...)
{
	size_t cap = f->n_evidence;
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	if (has_evidence(f, s) || f->n_evidence >= 32) {
		free(s);
		return 0;
	}
	/* cap == n: grow by one at a time is fine for a handful */
	if (vd_grow((void **)&f->evidence, &cap, f->n_evidence + 1,
		    sizeof(*f->evidence))) {
		free(s);
		return -ENOMEM;
	}
	f->evidence[f->n_evidence++] = s;
	return 0;
}

int vd_finding_flow(struct lr_verdict *v, struct vd_finding *f, uint32_t flow)
{
	size_t cap = f->n_flows;

	if (vd_grow((void **)&f->flows, &cap, f->n_flows + 1,
		    sizeof(*f->flows)))
		return -ENOMEM;
	f->flows[f->n_flows++] = flow;
	v->flows[flow].claimed = true;
	return 0;
}

void vd_finding_rates(const struct lr_verdict *v, struct vd_finding *f)
{
	double e = 0, m = 0;

	for (size_t i = 0; i < f->n_flows; i++) {
		const struct vd_flow *x = &v->flows[f->flows[i]];

		e += x->expected;
		m += isnan(x->gbps) ? 0 : x->gbps;
	}
	f->expected = e;
	f->measured = m;
	f->ratio = e > 0 ? m / e : NAN;
}

double vd_pf_ceiling(const struct lr_verdict *v, const char *nic)
{
	double c = NAN;

	for (size_t i = 0; i < v->n_pf; i++)
		if (!strcmp(v->pf[i].subject, nic) &&
		    !isnan(v->pf[i].ceiling) && !(c <= v->pf[i].ceiling))
			c = v->pf[i].ceiling;
	return c;
}

void vd_finding_nic_evidence(const struct lr_verdict *v, struct vd_finding *f,
			     const char *nic)
{
	for (size_t i = 0; i < v->n_pf; i++)
		if (!strcmp(v->pf[i].subject, nic))
			vd_finding_evidence(f, "%s", v->pf[i].text);
	for (size_t i = 0; i < f->n_flows; i++) {
		const struct vd_flow *x = &v->flows[f->flows[i]];

		if (x->err_src && !strcmp(x->src, nic))
			vd_finding_evidence(f, "%s counters: %s", nic,
					    x->err_src);
		if (x->err_dst && !strcmp(x->dst, nic))
			vd_finding_evidence(f, "%s counters: %s", nic,
					    x->err_dst);
		if (x->retrans_ratio > vd_limits.retrans_ratio)
			vd_finding_evidence(
				f, "%s -> %s: TCP retransmits %.0f (%.2f%%)",
				x->src, x->dst, x->retrans,
				100 * x->retrans_ratio);
	}
}

/* Faults first, then the lowest ratio (failed flows: 0), then subject. */
static int worst_first(const void *a, const void *b)
{
	const struct vd_finding *x = a, *y = b;
	double rx = isnan(x->ratio) ? 2 : x->ratio,
	       ry = isnan(y->ratio) ? 2 : y->ratio;

	if (x->fault != y->fault)
		return x->fault ? -1 : 1;
	if (!strcmp(x->kind, "failed") != !strcmp(y->kind, "failed"))
		return !strcmp(x->kind, "failed") ? -1 : 1;
	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x->subject, y->subject);
}

void vd_findings_sort(struct lr_verdict *v)
{
	if (v->n_findings > 1) /* qsort(NULL, 0) is undefined */
		qsort(v->findings, v->n_findings, sizeof(*v->findings),
		      worst_first);
}
