// SPDX-License-Identifier: MIT
/* The flow set: documents, failed flows, run findings, preflight. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd.h"
#include "linerate/preflight.h"
#include "linerate/util.h"

struct lr_verdict *lr_verdict_new(void)
{
	struct lr_verdict *v = calloc(1, sizeof(*v));

	if (v)
		v->set_ix = vd_intern_new();
	if (!v || !v->set_ix) {
		lr_err("out of memory");
		free(v);
		return NULL;
	}
	return v;
}

static void flow_free(struct vd_flow *f)
{
	free(f->where);
	free(f->src);
	free(f->dst);
	free(f->dir);
	free(f->iv);
	free(f->err_src);
	free(f->err_dst);
	free(f->error);
	free(f->limited_by);
}

void vd_flows_drop(struct lr_verdict *v, size_t first)
{
	while (v->n_flows > first)
		flow_free(&v->flows[--v->n_flows]);
}

void lr_verdict_free(struct lr_verdict *v)
{
	if (!v)
		return;
	vd_flows_drop(v, 0);
	free(v->flows);
	for (size_t i = 0; i < v->n_sets; i++) {
		free(v->sets[i].id);
		free(v->sets[i].phase);
		free(v->sets[i].flows);
	}
	free(v->sets);
	vd_intern_free(v->set_ix);
	vj_free(&v->arena);
	for (size_t i = 0; i < v->n_findings; i++)
		vd_finding_free(&v->findings[i]);
	free(v->findings);
	for (size_t i = 0; i < v->n_pf; i++) {
		free(v->pf[i].subject);
		free(v->pf[i].text);
	}
	free(v->pf);
	free(v->nic_off);
	free(v->nic_flows);
	free(v);
}

void vd_verdict_own_prefix(struct lr_verdict *v, const char *prefix)
{
	v->own_prefix = prefix;
}

int vd_merge(struct lr_verdict *dst, struct lr_verdict *src)
{
	uint32_t *map = malloc((src->n_sets + 1) * sizeof(*map));
	size_t base = dst->n_flows;

	if (!map || vd_grow((void **)&dst->flows, &dst->cap_flows,
			    dst->n_flows + src->n_flows, sizeof(*dst->flows))) {
		free(map);
		return -ENOMEM;
	}
	for (size_t i = 0; i < src->n_sets; i++) {
		long s = vd_set_get(dst, src->sets[i].phase, src->sets[i].id);

		if (s < 0) {
			free(map);
			return (int)s;
		}
		map[i] = (uint32_t)s;
	}
	memcpy(dst->flows + base, src->flows,
	       src->n_flows * sizeof(*src->flows));
	for (size_t i = 0; i < src->n_flows; i++)
		dst->flows[base + i].set = map[src->flows[i].set];
	dst->n_flows += src->n_flows;
	dst->n_docs += src->n_docs;
	src->n_flows = 0; /* moved */
	free(map);
	return 0;
}

int lr_verdict_add_result(struct lr_verdict *v, const json_t *doc,
			  const char *where, const char *local,
			  const char *remote)
{
	char *text = json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(17));
	int ret;

	if (!text) {
		lr_err("%s: cannot serialise the document",
		       where ? where : "result");
		return -ENOMEM;
	}
	ret = vd_load_text(v, text, strlen(text), where ? where : "result", 0,
			   local, remote);
	free(text);
	return ret;
}

int lr_verdict_add_failed(struct lr_verdict *v, const char *local,
			  const char *remote, const char *set,
			  const char *phase, const char *error)
{
	char own[32];
	struct vd_flow *f;
	long s;

	if (!local || !remote || !strchr(local, '/') || !strchr(remote, '/')) {
		lr_err("failed flow '%s' -> '%s': names must be SERVER/NIC",
		       local ? local : "", remote ? remote : "");
		return -EINVAL;
	}
	if (!set) {
		snprintf(own, sizeof(own), "#failed%zu", v->n_flows);
		set = own;
	}
	s = vd_set_get(v, phase, set);
	if (s < 0)
		return (int)s;
	f = vd_flow_new(v);
	if (!f)
		return -ENOMEM;
	f->where = vd_fmt("%s -> %s", local, remote);
	f->src = vd_strdup(local);
	f->dst = vd_strdup(remote);
	f->dir = vd_strdup("c2s");
	f->error = vd_strdup(error ? error : "no result");
	f->set = (uint32_t)s;
	f->verdict = VD_FAILED;
	f->gbps = f->iv_min = f->iv_med = f->iv_max = NAN;
	f->retrans = f->retrans_ratio = NAN;
	f->start = f->end = NAN;
	if (!f->where || !f->src || !f->dst || !f->dir || !f->error)
		return -ENOMEM;
	return 0;
}

int lr_verdict_add_run_finding(struct lr_verdict *v, const char *subject,
			       const char *kind, const char *cause)
{
	struct vd_finding *f = vd_finding_add(v, subject ? subject : "run",
					      kind ? kind : "run", true, "%s",
					      cause ? cause : "");

	return f ? 0 : -ENOMEM;
}

static int pf_evidence(struct lr_verdict *v, const char *server,
		       const json_t *list)
{
	const json_t *x;
	size_t i;

	json_array_foreach(list, i, x) {
		const char *nic = json_string_value(json_object_get(x, "nic"));
		const char *msg =
			json_string_value(json_object_get(x, "message"));
		const json_t *c = json_object_get(x, "ceiling_gbps");
		struct vd_evidence *e;

		if (!nic || !msg)
			continue;
		if (vd_grow((void **)&v->pf, &v->cap_pf, v->n_pf + 1,
			    sizeof(*v->pf)))
			return -ENOMEM;
		e = &v->pf[v->n_pf++];
		e->subject = vd_fmt("%s/%s", server, nic);
		e->text = vd_fmt("preflight: %s", msg);
		e->ceiling = json_is_number(c) && json_number_value(c) >= 0 ?
				     json_number_value(c) :
				     NAN;
		if (!e->subject || !e->text)
			return -ENOMEM;
	}
	return 0;
}

int lr_verdict_add_preflight(struct lr_verdict *v, const json_t *by_server)
{
	const char *server, *schema;
	const json_t *doc;
	int ret;

	if (!json_is_object(by_server)) {
		lr_err("preflight: expected {SERVER: %s document}",
		       LR_PREFLIGHT_SCHEMA);
		return -EINVAL;
	}
	json_object_foreach((json_t *)by_server, server, doc) {
		schema = json_string_value(json_object_get(doc, "schema"));
		if (!schema || strcmp(schema, LR_PREFLIGHT_SCHEMA)) {
			lr_err("preflight of %s: schema '%s', expected '%s'",
			       server, schema ? schema : "(none)",
			       LR_PREFLIGHT_SCHEMA);
			return -EINVAL;
		}
		ret = pf_evidence(v, server, json_object_get(doc, "findings"));
		if (!ret)
			ret = pf_evidence(v, server,
					  json_object_get(doc, "warnings"));
		if (ret)
			return ret;
	}
	return 0;
}

int lr_verdict_exit(const struct lr_verdict *v)
{
	for (size_t i = 0; i < v->n_findings; i++)
		if (v->findings[i].fault)
			return LR_EXIT_BELOW;
	return LR_EXIT_OK;
}
