// SPDX-License-Identifier: MIT
/*
 * The document "linerate.report/1" (README.md, "Reports"), written as a
 * stream (jw.h): one definition of the document, the tree of
 * lr_verdict_json() is parsed from the same text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd.h"
#include "jw.h"
#include "summary.h"

static void finding(struct jw *w, const struct vd_finding *f)
{
	jw_obj(w);
	jw_key(w, "subject");
	jw_str(w, f->subject);
	jw_key(w, "kind");
	jw_str(w, f->kind);
	jw_key(w, "fault");
	jw_bool(w, f->fault);
	jw_key(w, "expected_gbps");
	jw_num4(w, f->expected);
	jw_key(w, "measured_gbps");
	jw_num4(w, f->measured);
	jw_key(w, "ratio");
	jw_num4(w, f->ratio);
	jw_key(w, "cause");
	jw_str(w, f->cause);
	jw_key(w, "evidence");
	jw_arr(w);
	for (size_t i = 0; i < f->n_evidence; i++)
		jw_str(w, f->evidence[i]);
	jw_end(w);
	jw_key(w, "flows");
	jw_arr(w);
	for (size_t i = 0; i < f->n_flows; i++)
		jw_int(w, f->flows[i]);
	jw_end(w);
	jw_end(w);
}

static void flow(struct jw *w, const struct lr_verdict *v,
		 const struct vd_flow *f)
{
	const struct vd_set *s = &v->sets[f->set];

	jw_obj(w);
	jw_key(w, "src");
	jw_str(w, f->src);
	jw_key(w, "dst");
	jw_str(w, f->dst);
	jw_key(w, "set");
	jw_str(w, s->id);
	jw_key(w, "phase");
	jw_str(w, s->phase);
	jw_key(w, "round");
	if (f->round >= 0)
		jw_int(w, f->round);
	else
		jw_null(w);
	jw_key(w, "direction");
	jw_str(w, f->dir);
	jw_key(w, "where");
	jw_str(w, f->where);
	jw_key(w, "verdict");
	jw_str(w, vd_verdict_name(f->verdict));
	jw_key(w, "measured_gbps");
	jw_num4(w, f->gbps);
	jw_key(w, "expected_gbps");
	if (f->verdict == VD_FAILED && !(f->expected > 0))
		jw_null(w);
	else
		jw_num4(w, f->expected);
	jw_key(w, "ratio");
	if (f->verdict <= VD_ABOVE)
		jw_num4(w, f->ratio);
	else
		jw_null(w);
	jw_key(w, "ecmp_slowest_gbps");
	if (f->ecmp_slowest > 0 && f->ecmp_slowest < f->expected)
		jw_num4(w, f->ecmp_slowest);
	else
		jw_null(w);
	jw_key(w, "limited_by");
	jw_str(w, f->limited_by);
	jw_key(w, "interval_gbps");
	jw_obj(w);
	jw_key(w, "min");
	jw_num4(w, f->iv_min);
	jw_key(w, "median");
	jw_num4(w, f->iv_med);
	jw_key(w, "max");
	jw_num4(w, f->iv_max);
	jw_end(w);
	if (f->error) {
		jw_key(w, "error");
		jw_str(w, f->error);
	}
	jw_end(w);
}

static void count(struct jw *w, const char *key, size_t n)
{
	jw_key(w, key);
	jw_int(w, (long long)n);
}

static void summary(struct jw *w, const struct vd_summary *s)
{
	jw_obj(w);
	count(w, "servers", s->n_servers);
	count(w, "nics", s->n_nics);
	count(w, "flows", s->n_flows);
	count(w, "pass", s->by_verdict[VD_PASS]);
	count(w, "below", s->by_verdict[VD_BELOW]);
	count(w, "above", s->by_verdict[VD_ABOVE]);
	count(w, "failed", s->by_verdict[VD_FAILED]);
	count(w, "cannot_judge", s->by_verdict[VD_NOJUDGE]);
	jw_key(w, "worst_ratio");
	jw_num4(w, s->worst);
	jw_end(w);
}

static void sets(struct jw *w, const struct lr_verdict *v)
{
	jw_arr(w);
	for (size_t i = 0; i < v->n_sets; i++) {
		const struct vd_set *s = &v->sets[i];

		if (!s->n_flows)
			continue;
		jw_obj(w);
		jw_key(w, "id");
		jw_str(w, s->id);
		jw_key(w, "phase");
		jw_str(w, s->phase);
		count(w, "flows", s->n_flows);
		jw_key(w, "measured_gbps");
		jw_num4(w, s->aggregate);
		jw_key(w, "expected_gbps");
		jw_num4(w, s->expected);
		jw_end(w);
	}
	jw_end(w);
}

static void document(struct jw *w, const struct lr_verdict *v,
		     const json_t *run)
{
	struct vd_summary s;

	vd_summary(v, &s);
	jw_obj(w);
	jw_key(w, "schema");
	jw_str(w, LR_REPORT_SCHEMA);
	jw_key(w, "software");
	jw_obj(w);
	jw_key(w, "name");
	jw_str(w, "linerate");
	jw_key(w, "version");
	jw_str(w, LINERATE_VERSION);
	jw_end(w);
	jw_key(w, "units");
	jw_obj(w);
	jw_key(w, "gbps");
	jw_str(w, "10^9 bits of payload per second");
	jw_end(w);
	jw_key(w, "topology");
	jw_str(w, v->topo->file);
	jw_key(w, "tolerance");
	jw_real(w, v->tolerance);
	jw_key(w, "verdict");
	jw_str(w, s.pass ? "pass" : "fail");
	jw_key(w, "summary");
	summary(w, &s);
	jw_key(w, "findings");
	jw_arr(w);
	for (size_t i = 0; i < v->n_findings; i++)
		finding(w, &v->findings[i]);
	jw_end(w);
	jw_key(w, "sets");
	sets(w, v);
	jw_key(w, "flows");
	jw_arr(w);
	for (size_t i = 0; i < v->n_flows; i++)
		flow(w, v, &v->flows[i]);
	jw_end(w);
	if (run) {
		jw_key(w, "run");
		jw_json(w, run);
	}
	jw_end(w);
}

int lr_verdict_print_json(const struct lr_verdict *v, const json_t *run,
			  FILE *out)
{
	struct jw *w = malloc(sizeof(*w));
	int ret;

	if (!w)
		return -ENOMEM;
	jw_init(w, out);
	document(w, v, run);
	ret = jw_finish(w);
	free(w);
	if (!ret && fputc('\n', out) == EOF)
		ret = -EIO;
	return ret;
}

json_t *lr_verdict_json(const struct lr_verdict *v, const json_t *run)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	json_error_t err;
	json_t *j = NULL;
	int ret;

	if (!f)
		return NULL;
	ret = lr_verdict_print_json(v, NULL, f);
	if (fclose(f))
		ret = -ENOMEM;
	if (!ret)
		j = json_loadb(text, len, 0, &err);
	free(text);
	if (j && run && json_object_set_new(j, "run", json_deep_copy(run))) {
		json_decref(j);
		j = NULL;
	}
	return j;
}
