// SPDX-License-Identifier: MIT
/* The document "linerate.report/1" (README.md, "Reports"). */
#include <math.h>
#include <string.h>

#include "vd.h"
#include "summary.h"

static json_t *num(double x)
{
	return isnan(x) || isinf(x) ? json_null() :
				      json_real(round(x * 1e4) / 1e4);
}

static json_t *str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *strings(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *finding(const struct vd_finding *f)
{
	json_t *j = json_object(), *flows = json_array();

	json_object_set_new(j, "subject", json_string(f->subject));
	json_object_set_new(j, "kind", json_string(f->kind));
	json_object_set_new(j, "fault", json_boolean(f->fault));
	json_object_set_new(j, "expected_gbps", num(f->expected));
	json_object_set_new(j, "measured_gbps", num(f->measured));
	json_object_set_new(j, "ratio", num(f->ratio));
	json_object_set_new(j, "cause", json_string(f->cause));
	json_object_set_new(j, "evidence", strings(f->evidence, f->n_evidence));
	for (size_t i = 0; i < f->n_flows; i++)
		json_array_append_new(flows, json_integer(f->flows[i]));
	json_object_set_new(j, "flows", flows);
	return j;
}

static json_t *flow(const struct lr_verdict *v, const struct vd_flow *f)
{
	const struct vd_set *s = &v->sets[f->set];
	json_t *j = json_object();

	json_object_set_new(j, "src", json_string(f->src));
	json_object_set_new(j, "dst", json_string(f->dst));
	json_object_set_new(j, "set", str(s->id));
	json_object_set_new(j, "phase", str(s->phase));
	json_object_set_new(j, "round",
			    f->round >= 0 ? json_integer(f->round) :
					    json_null());
	json_object_set_new(j, "direction", str(f->dir));
	json_object_set_new(j, "where", str(f->where));
	json_object_set_new(j, "verdict",
			    json_string(vd_verdict_name(f->verdict)));
	json_object_set_new(j, "measured_gbps", num(f->gbps));
	json_object_set_new(j, "expected_gbps",
			    f->verdict == VD_FAILED && !(f->expected > 0) ?
				    json_null() :
				    num(f->expected));
	json_object_set_new(j, "ratio",
			    f->verdict <= VD_ABOVE ? num(f->ratio) :
						     json_null());
	json_object_set_new(j, "ecmp_slowest_gbps",
			    f->ecmp_slowest > 0 &&
					    f->ecmp_slowest < f->expected ?
				    num(f->ecmp_slowest) :
				    json_null());
	json_object_set_new(j, "limited_by", str(f->limited_by));
	json_object_set_new(j, "interval_gbps",
			    json_pack("{s:o, s:o, s:o}", "min", num(f->iv_min),
				      "median", num(f->iv_med), "max",
				      num(f->iv_max)));
	if (f->error)
		json_object_set_new(j, "error", json_string(f->error));
	return j;
}

static json_t *summary(const struct vd_summary *s)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
			 "servers", (json_int_t)s->n_servers, "nics",
			 (json_int_t)s->n_nics, "flows", (json_int_t)s->n_flows,
			 "pass", (json_int_t)s->by_verdict[VD_PASS], "below",
			 (json_int_t)s->by_verdict[VD_BELOW], "above",
			 (json_int_t)s->by_verdict[VD_ABOVE], "failed",
			 (json_int_t)s->by_verdict[VD_FAILED], "cannot_judge",
			 (json_int_t)s->by_verdict[VD_NOJUDGE], "worst_ratio",
			 num(s->worst));
}

static json_t *sets(const struct lr_verdict *v)
{
	json_t *a = json_array();

	for (size_t i = 0; i < v->n_sets; i++) {
		const struct vd_set *s = &v->sets[i];

		if (!s->n_flows)
			continue;
		json_array_append_new(
			a, json_pack("{s:o, s:o, s:I, s:o, s:o}", "id",
				     str(s->id), "phase", str(s->phase),
				     "flows", (json_int_t)s->n_flows,
				     "measured_gbps", num(s->aggregate),
				     "expected_gbps", num(s->expected)));
	}
	return a;
}

json_t *lr_verdict_json(const struct lr_verdict *v, const json_t *run)
{
	json_t *j = json_object(), *findings = json_array(),
	       *flows = json_array();
	struct vd_summary s;

	vd_summary(v, &s);
	json_object_set_new(j, "schema", json_string(LR_REPORT_SCHEMA));
	json_object_set_new(j, "software",
			    json_pack("{s:s, s:s}", "name", "linerate",
				      "version", LINERATE_VERSION));
	json_object_set_new(
		j, "units",
		json_pack("{s:s}", "gbps", "10^9 bits of payload per second"));
	json_object_set_new(j, "topology", str(v->topo->file));
	json_object_set_new(j, "tolerance", json_real(v->tolerance));
	json_object_set_new(j, "verdict",
			    json_string(s.pass ? "pass" : "fail"));
	json_object_set_new(j, "summary", summary(&s));
	for (size_t i = 0; i < v->n_findings; i++)
		json_array_append_new(findings, finding(&v->findings[i]));
	json_object_set_new(j, "findings", findings);
	json_object_set_new(j, "sets", sets(v));
	for (size_t i = 0; i < v->n_flows; i++)
		json_array_append_new(flows, flow(v, &v->flows[i]));
	json_object_set_new(j, "flows", flows);
	if (run)
		json_object_set_new(j, "run", json_deep_copy(run));
	return j;
}
