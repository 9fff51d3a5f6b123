// SPDX-License-Identifier: MIT
/*
 * `linerate model --json`: the versioned document "linerate.model/1"
 * (topologies/README.md describes it). Gb/s values are rounded down to
 * 0.0001
 * (the text shows 0.01).
 */
#include "linerate/model.h"

static const char *const tier_names[] = { "leaf", "spine", "core" };

static json_t *gbps(double v)
{
	return json_real(lr_floor_dp(v, 4));
}

static json_t *stat_json(const struct lr_stat *s)
{
	return json_pack("{s:o, s:o, s:o, s:o}", "min", gbps(s->min), "median",
			 gbps(s->median), "max", gbps(s->max), "mean",
			 gbps(s->mean));
}

static json_t *ceiling_json(enum lr_res_kind kind, const char *name,
			    const char *what, double cap)
{
	json_t *o = json_pack("{s:s, s:s, s:o}", "kind", lr_res_kind_name(kind),
			      "what", what, "capacity_gbps", gbps(cap));

	if (o && name)
		json_object_set_new(o, "resource", json_string(name));
	return o;
}

static json_t *chain_json(const struct lr_flow_chain *c, json_t **limited)
{
	json_t *a = json_array();

	*limited = json_null();
	for (size_t i = 0; a && i < c->n; i++) {
		const struct lr_chain_item *it = &c->v[i];
		json_t *o = ceiling_json(it->kind, it->name, it->what, it->cap);

		json_object_set_new(o, "flows", json_integer(it->n_flows));
		if (it->binding) {
			json_decref(*limited);
			*limited = json_deep_copy(o);
		}
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *flow_json(const struct lr_flow_chain *c)
{
	json_t *limited, *chain = chain_json(c, &limited);

	return json_pack("{s:s, s:s, s:o, s:o, s:o}", "src", c->src, "dst",
			 c->dst, "expected_gbps", gbps(c->gbps), "limited_by",
			 limited, "chain", chain);
}

static json_t *types_json(const struct lr_model_report *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->types.n; i++) {
		const struct lr_nic_type *ty = &r->types.v[i];
		json_t *chain = json_array();

		for (size_t k = 0; k < ty->n_chain; k++)
			json_array_append_new(
				chain, ceiling_json(ty->chain[k].kind, NULL,
						    ty->chain[k].what,
						    ty->chain[k].gbps));
		json_array_append_new(
			a, json_pack("{s:s, s:s?, s:I, s:f, s:o, s:O, s:o, "
				     "s:b, s:s?}",
				     "profile", ty->spec.profile->name,
				     "nic_model", ty->spec.model.name, "count",
				     (json_int_t)ty->count, "nominal_gbps",
				     ty->spec.rate_gbps, "expected_gbps",
				     gbps(ty->gbps), "limited_by",
				     json_array_get(chain, ty->limit), "chain",
				     chain, "judgeable", !ty->unknown,
				     "cannot_judge",
				     lr_unknown_name(ty->unknown)));
	}
	return a;
}

static json_t *hosts_json(const struct lr_model_report *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->n_hosts; i++) {
		const struct lr_host_row *h = &r->hosts[i];
		json_t *o = json_pack("{s:s, s:I, s:b}", "template",
				      r->topo->tmpls[h->tmpl].name, "nics",
				      (json_int_t)h->n_nics, "modelled",
				      h->modelled);

		if (h->modelled) {
			json_object_set_new(o, "nominal_gbps",
					    json_real(h->nominal));
			json_object_set_new(o, "expected_gbps",
					    gbps(h->res.aggregate));
			json_object_set_new(o, "slowest_flow",
					    flow_json(&h->slowest));
		}
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *tiers_json(const struct lr_model_report *r)
{
	json_t *a = json_array();

	for (int k = 0; k < 3; k++) {
		const struct lr_tier_row *t = &r->tiers[k];

		if (!t->count)
			continue;
		json_array_append_new(
			a,
			json_pack("{s:s, s:I, s:f, s:f, s:f}", "tier",
				  tier_names[k], "count", (json_int_t)t->count,
				  "down_nominal_gbps", t->down_gbps,
				  "up_nominal_gbps", t->up_gbps,
				  "max_oversubscription", t->max_oversub));
	}
	return a;
}

static json_t *limits_json(const struct lr_pattern_result *s)
{
	json_t *o = json_object();

	for (int k = 0; k < LR_RES_KINDS; k++)
		if (s->limit_count[k])
			json_object_set_new(
				o, lr_res_kind_name(k),
				json_integer((json_int_t)s->limit_count[k]));
	return o;
}

static json_t *nic_name(const struct lr_topo *t, uint32_t nic)
{
	const struct lr_nic *n = &t->nics[nic];

	return json_sprintf("%s/%s", t->servers[n->server].name,
			    lr_topo_nic_tmpl(t, n)->name);
}

static json_t *flows_json(const struct lr_topo *t,
			  const struct lr_pattern_row *p, bool ecmp)
{
	json_t *a = json_array();

	for (size_t i = 0; i < p->n_flows; i++) {
		const struct lr_flow_row *f = &p->flows[i];
		json_t *o = json_pack(
			"{s:o, s:o, s:o, s:{s:s, s:s}}", "src",
			nic_name(t, f->src_nic), "dst", nic_name(t, f->dst_nic),
			"expected_gbps", gbps(f->gbps), "limited_by", "kind",
			lr_res_kind_name(f->limit_kind), "resource", f->limit);

		json_object_set_new(o, "judgeable", json_boolean(!f->unknown));
		if (f->unknown)
			json_object_set_new(
				o, "cannot_judge",
				json_string(lr_unknown_name(f->unknown)));
		if (ecmp)
			json_object_set_new(o, "ecmp_slowest_gbps",
					    gbps(f->ecmp_slowest));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *pattern_json(const struct lr_topo *t,
			    const struct lr_pattern_row *p, bool ecmp)
{
	const struct lr_pattern_result *s = &p->res;
	json_t *o = json_pack("{s:s, s:b}", "name", lr_pattern_name(p->pattern),
			      "modelled", !p->status);

	if (p->status)
		return o;
	json_object_set_new(o, "flows", json_integer((json_int_t)s->n_flows));
	json_object_set_new(o, "servers",
			    json_integer((json_int_t)s->n_servers));
	json_object_set_new(o, "nominal_gbps", json_real(s->nominal));
	json_object_set_new(o, "aggregate_gbps", gbps(s->aggregate));
	json_object_set_new(o, "per_flow_gbps", stat_json(&s->flow));
	json_object_set_new(o, "per_server_gbps", stat_json(&s->server));
	json_object_set_new(o, "flows_limited_by", limits_json(s));
	json_object_set_new(o, "judgeable", json_boolean(!s->n_unknown));
	if (s->n_unknown)
		json_object_set_new(o, "cannot_judge",
				    json_pack("{s:s, s:I}", "why",
					      lr_unknown_name(s->unknown),
					      "flows",
					      (json_int_t)s->n_unknown));
	if (ecmp)
		json_object_set_new(o, "ecmp_slowest_flow_gbps",
				    gbps(s->ecmp_slowest));
	json_object_set_new(o, "slowest_flow", flow_json(&p->slowest));
	if (p->flows)
		json_object_set_new(o, "flow_list", flows_json(t, p, ecmp));
	json_object_set_new(o, "seconds", json_real(p->seconds));
	return o;
}

static json_t *conditions_json(const struct lr_model_opts *o)
{
	return json_pack("{s:s, s:I, s:I, s:I, s:s, s:s}", "op",
			 lr_op_name(o->op), "message_bytes", (json_int_t)o->msg,
			 "qps", (json_int_t)o->qps, "outstanding_reads",
			 (json_int_t)o->outstanding, "memory",
			 o->gpu_buffers ? "gpu" : "host", "numa",
			 o->remote_numa ? "remote" : "local");
}

json_t *lr_model_json(const struct lr_model_report *r)
{
	const struct lr_topo *t = r->topo;
	json_t *pats = json_array();

	for (size_t i = 0; i < r->n_pats; i++)
		json_array_append_new(
			pats, pattern_json(t, &r->pats[i],
					   t->routing == LR_ROUTE_ECMP));
	return json_pack(
		"{s:s, s:s, s:{s:s, s:s?, s:I, s:I, s:I, s:s, s:I, "
		"s:f}, s:o, s:o, s:o, s:o, s:o}",
		"schema", "linerate.model/1", "units",
		"Gb/s = 10^9 bits of payload per second, one "
		"direction; expected values rounded down",
		"topology", "file", t->file, "name", t->name, "servers",
		(json_int_t)t->n_servers, "nics", (json_int_t)t->n_nics,
		"switches", (json_int_t)t->n_switches, "routing",
		t->routing == LR_ROUTE_ECMP ? "ecmp" : "adaptive",
		"qps_per_flow", (json_int_t)t->qps_per_flow, "tolerance",
		t->tolerance, "conditions", conditions_json(&r->opts),
		"nic_types", types_json(r), "servers", hosts_json(r),
		"switch_tiers", tiers_json(r), "patterns", pats);
}
