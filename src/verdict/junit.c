// SPDX-License-Identifier: MIT
/*
 * JUnit XML for acceptance pipelines: one testsuite per phase (a plain
 * pair result: "pairs"; the run's own findings: "run"), one testcase per
 * NIC, server and link check (name = subject), a failure with the
 * finding's line.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vd.h"
#include "linerate/util.h"

struct jcase {
	const char *name;
	const struct vd_finding *fail[8];
	size_t n_fail;
};

struct jsuite {
	struct jcase *v;
	size_t n, cap;
};

static const char *phase_of(const struct lr_verdict *v, uint32_t flow)
{
	const char *p = v->sets[v->flows[flow].set].phase;

	return p ? p : "pairs";
}

static bool in_phase(const struct lr_verdict *v, const struct vd_finding *f,
		     const char *phase)
{
	if (!f->n_flows)
		return !strcmp(phase, "run");
	for (size_t i = 0; i < f->n_flows; i++)
		if (!strcmp(phase_of(v, f->flows[i]), phase))
			return true;
	return false;
}

/* A new case (the caller knows it is new). */
static struct jcase *jpush(struct jsuite *s, const char *name)
{
	if (vd_grow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v)))
		return NULL;
	memset(&s->v[s->n], 0, sizeof(s->v[s->n]));
	s->v[s->n].name = name;
	return &s->v[s->n++];
}

/* The case of a finding's subject, added if new (a few findings). */
static struct jcase *jcase(struct jsuite *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return jpush(s, name);
}

static int cases(const struct lr_verdict *v, const char *phase,
		 struct jsuite *s, char **names, uint8_t *seen)
{
	const struct lr_topo *t = v->topo;

	memset(seen, 0, t->n_nics + t->n_servers);
	for (size_t i = 0; i < v->n_flows; i++) {
		const struct vd_flow *f = &v->flows[i];
		long ends[2] = { f->src_nic, f->dst_nic };

		if (strcmp(phase_of(v, (uint32_t)i), phase))
			continue;
		for (int e = 0; e < 2; e++) {
			uint32_t srv = t->nics[ends[e]].server;

			if (!seen[t->n_nics + srv]++ &&
			    !jpush(s, t->servers[srv].name))
				return -ENOMEM;
			if (!seen[ends[e]]++ && !jpush(s, names[ends[e]]))
				return -ENOMEM;
		}
	}
	for (size_t i = 0; i < v->n_findings; i++) {
		const struct vd_finding *f = &v->findings[i];
		struct jcase *c;

		if (!in_phase(v, f, phase))
			continue;
		c = jcase(s, f->subject);
		if (!c)
			return -ENOMEM;
		if (f->fault && c->n_fail < LR_ARRAY_SIZE(c->fail))
			c->fail[c->n_fail++] = f;
	}
	return 0;
}

static void failure_line(struct vd_buf *b, const struct vd_finding *f)
{
	vd_txt(b, f->subject);
	vd_out(b, " [");
	vd_txt(b, f->kind);
	vd_out(b, "]");
	if (!isnan(f->expected))
		vd_outf(b, " expected %.2f Gb/s", f->expected);
	if (!isnan(f->measured))
		vd_outf(b, " measured %.2f Gb/s", f->measured);
	if (!isnan(f->ratio))
		vd_outf(b, " ratio %.3f", f->ratio);
	vd_out(b, ": ");
	vd_txt(b, f->cause);
	for (size_t i = 0; i < f->n_evidence; i++) {
		vd_out(b, "; ");
		vd_txt(b, f->evidence[i]);
	}
}

static void suite(struct vd_buf *b, const char *phase, const struct jsuite *s)
{
	size_t failures = 0;

	for (size_t i = 0; i < s->n; i++)
		failures += s->v[i].n_fail > 0;
	vd_out(b, "  <testsuite name=\"");
	vd_attr(b, phase);
	vd_outf(b, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n", s->n,
		failures);
	for (size_t i = 0; i < s->n; i++) {
		const struct jcase *c = &s->v[i];

		vd_out(b, "    <testcase classname=\"");
		vd_attr(b, phase);
		vd_out(b, "\" name=\"");
		vd_attr(b, c->name);
		vd_out(b, c->n_fail ? "\">\n" : "\"/>\n");
		if (!c->n_fail)
			continue;
		for (size_t k = 0; k < c->n_fail; k++) {
			vd_out(b, "      <failure type=\"");
			vd_attr(b, c->fail[k]->kind);
			vd_out(b, "\" message=\"");
			vd_attr(b, c->fail[k]->cause);
			vd_out(b, "\">");
			failure_line(b, c->fail[k]);
			vd_out(b, "</failure>\n");
		}
		vd_out(b, "    </testcase>\n");
	}
	vd_out(b, "  </testsuite>\n");
}

/* The distinct phases, in order of first appearance, then "run". */
static size_t phases(const struct lr_verdict *v, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < v->n_sets; i++) {
		const char *p = v->sets[i].phase ? v->sets[i].phase : "pairs";
		size_t k;

		if (!v->sets[i].n_flows)
			continue;
		for (k = 0; k < n && strcmp(out[k], p); k++)
			;
		if (k == n && n < max - 1)
			out[n++] = p;
	}
	for (size_t i = 0; i < v->n_findings; i++)
		if (!v->findings[i].n_flows) {
			out[n++] = "run";
			break;
		}
	return n;
}

static char **nic_names(const struct lr_topo *t)
{
	char **v = calloc(t->n_nics + 1, sizeof(*v));
	char buf[256];

	for (size_t i = 0; v && i < t->n_nics; i++)
		v[i] = strdup(vd_nic_name(t, (long)i, buf, sizeof(buf)));
	return v;
}

int lr_verdict_write_junit(const struct lr_verdict *v, const char *path)
{
	const struct lr_topo *t = v->topo;
	const char *ph[64];
	size_t n = phases(v, ph, LR_ARRAY_SIZE(ph));
	uint8_t *seen = malloc(t->n_nics + t->n_servers + 1);
	char **names = nic_names(t);
	struct vd_buf b = { 0 };
	int ret = seen && names ? 0 : -ENOMEM;

	vd_out(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<testsuites name=\"linerate\">\n");
	for (size_t i = 0; i < n && !ret; i++) {
		struct jsuite s = { 0 };

		ret = cases(v, ph[i], &s, names, seen);
		if (!ret)
			suite(&b, ph[i], &s);
		free(s.v);
	}
	vd_out(&b, "</testsuites>\n");
	if (!ret && b.failed)
		ret = -ENOMEM;
	if (ret)
		lr_err("cannot render the JUnit report: %s", strerror(-ret));
	else
		ret = lr_write_file_atomic(path, b.p, b.n);
	for (size_t i = 0; names && i < t->n_nics; i++)
		free(names[i]);
	free(names);
	free(seen);
	free(b.p);
	return ret;
}
