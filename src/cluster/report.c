// SPDX-License-Identifier: MIT
/*
 * The verdict of a rack run, through the verdict library: every result of
 * DIR/results.jsonl, the run's own findings (servers unreachable, agents
 * that died) and the preflight of every server, against the model of each
 * concurrent set. Also the flows that came in below, for the retest phase.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "linerate/util.h"
#include "linerate/verdict.h"
#include "coord.h"

static bool nonempty(const char *path)
{
	struct stat st;

	return !stat(path, &st) && st.st_size > 0;
}

static json_t *preflights(const struct cl_run *r)
{
	json_t *o = json_object();

	for (size_t i = 0; i < r->n_ag; i++)
		if (r->ag[i].preflight)
			json_object_set(o, r->ag[i].name, r->ag[i].preflight);
	return o;
}

static int add_run_findings(struct lr_verdict *v, const json_t *list)
{
	const json_t *f;
	size_t i;
	int ret = 0;

	json_array_foreach(list, i, f) {
		if (ret)
			break;
		ret = lr_verdict_add_run_finding(
			v, json_string_value(json_object_get(f, "subject")),
			json_string_value(json_object_get(f, "kind")),
			json_string_value(json_object_get(f, "cause")));
	}
	return ret;
}

/* A verdict over everything so far; NULL when it cannot be computed. */
static struct lr_verdict *verdict_with(const struct cl_run *r,
				       const json_t *extra)
{
	struct lr_verdict *v = lr_verdict_new();
	json_t *pf;
	int ret = v ? 0 : -ENOMEM;

	if (!ret && nonempty(r->results_path))
		ret = lr_verdict_load_file(v, r->results_path);
	if (!ret)
		ret = add_run_findings(v, r->findings);
	if (!ret)
		ret = add_run_findings(v, extra);
	if (!ret && (r->o->phases & (1u << LR_PHASE_HOSTS))) {
		pf = preflights(r);
		ret = lr_verdict_add_preflight(v, pf);
		json_decref(pf);
	}
	if (!ret)
		ret = lr_verdict_compute(v, r->t);
	if (ret) {
		lr_verdict_free(v);
		return NULL;
	}
	return v;
}

/* Whether a finding names this server or this NIC itself (not a flow or
 * a pair that merely starts with it). */
static bool named(const json_t *findings, const char *srv, const char *nic)
{
	char both[300];
	const json_t *f;
	size_t i;

	snprintf(both, sizeof(both), "%s/%s", srv, nic);
	json_array_foreach(findings, i, f) {
		const char *s =
			json_string_value(json_object_get(f, "subject"));

		if (s && (!strcmp(s, srv) || !strcmp(s, both)))
			return true;
	}
	return false;
}

/*
 * Preflight findings that no measurement explains (an MTU of 1500 costs
 * only 3.6% on a shaped veth: inside the tolerance) are findings of the
 * run: the host differs from its topology.
 */
static json_t *unexplained_preflight(const struct cl_run *r,
				     const json_t *findings)
{
	json_t *extra = json_array();

	for (size_t i = 0; i < r->n_ag; i++) {
		const json_t *f;
		size_t k;

		json_array_foreach(
			json_object_get(r->ag[i].preflight, "findings"), k, f) {
			const char *nic =
				json_string_value(json_object_get(f, "nic"));
			const char *check =
				json_string_value(json_object_get(f, "check"));
			const char *msg = json_string_value(
				json_object_get(f, "message"));
			char subject[300], kind[64];

			if (!nic || named(findings, r->ag[i].name, nic))
				continue;
			snprintf(subject, sizeof(subject), "%s/%s",
				 r->ag[i].name, nic);
			snprintf(kind, sizeof(kind), "preflight-%s",
				 check ? check : "check");
			json_array_append_new(
				extra, json_pack("{s:s, s:s, s:s}", "subject",
						 subject, "kind", kind, "cause",
						 msg ? msg : "preflight"));
		}
	}
	return extra;
}

static struct lr_verdict *verdict(const struct cl_run *r)
{
	struct lr_verdict *v = verdict_with(r, NULL);
	json_t *rep = v ? lr_verdict_json(v, NULL) : NULL;
	json_t *extra = rep ? unexplained_preflight(
				      r, json_object_get(rep, "findings")) :
			      NULL;

	json_decref(rep);
	if (extra && json_array_size(extra)) {
		lr_verdict_free(v);
		v = verdict_with(r, extra);
	}
	json_decref(extra);
	return v;
}

static json_t *run_json(const struct cl_run *r)
{
	const struct lr_cluster_summary *s = r->sum;
	char phases[64] = "";

	for (int p = 0; p < LR_PHASE_COUNT; p++)
		if (r->o->phases & (1u << p))
			snprintf(phases + strlen(phases),
				 sizeof(phases) - strlen(phases), "%s%s",
				 phases[0] ? "," : "", lr_phase_name(p));
	return json_pack(
		"{s:s, s:s, s:f, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:b}",
		"phases", phases, "transport", r->o->transport, "duration_s",
		r->o->duration_s, "servers", (json_int_t)s->servers,
		"servers_up", (json_int_t)s->servers_up, "sets_run",
		(json_int_t)s->sets_run, "sets_resumed",
		(json_int_t)s->sets_resumed, "flows_run",
		(json_int_t)s->flows_run, "elapsed_s", s->elapsed_s, "window_s",
		s->window_s, "agents_s", s->agents_s, "interrupted",
		s->interrupted);
}

static int write_json(const char *path, json_t *doc)
{
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	int ret =
		text ? lr_write_file_atomic(path, text, strlen(text)) : -ENOMEM;

	free(text);
	return ret;
}

static void worst_ratio(struct cl_run *r, const json_t *rep)
{
	const json_t *w =
		json_object_get(json_object_get(rep, "summary"), "worst_ratio");

	if (json_is_number(w))
		r->worst = json_number_value(w);
}

/* final: write report.json, report.xml, report.html and print the verdict.
 * Otherwise only the worst ratio so far (for the progress line). */
/*
 * No flow ran (--phases hosts, or every server down): the verdict library
 * has nothing to judge; the report holds the run's and preflight's
 * findings only (no report.xml or report.html).
 */
static int report_no_flows(struct cl_run *r)
{
	json_t *extra = unexplained_preflight(r, r->findings);
	json_t *all = json_deep_copy(r->findings), *run = run_json(r), *doc;
	char path[4200];
	const json_t *f;
	size_t i;
	int ret;

	json_array_extend(all, extra);
	json_decref(extra);
	doc = json_pack("{s:s, s:s, s:o, s:o}", "schema", LR_REPORT_SCHEMA,
			"verdict", json_array_size(all) ? "fail" : "pass",
			"findings", all, "run", run);
	snprintf(path, sizeof(path), "%s/report.json", r->o->out_dir);
	ret = write_json(path, doc);
	if (r->o->json) {
		char *t = json_dumps(doc, JSON_INDENT(2));

		if (t)
			printf("%s\n", t);
		free(t);
	} else if (!r->o->quiet) {
		printf("%s: no flows ran, %zu findings of the hosts\n",
		       json_array_size(all) ? "FAIL" : "PASS",
		       json_array_size(all));
		json_array_foreach(all, i, f)
			printf("FAIL  %s [%s] %s\n",
			       json_string_value(json_object_get(f, "subject")),
			       json_string_value(json_object_get(f, "kind")),
			       json_string_value(json_object_get(f, "cause")));
	}
	fflush(stdout);
	r->sum->exit_code = json_array_size(all) ? LR_EXIT_BELOW : LR_EXIT_OK;
	json_decref(doc);
	return ret;
}

int cl_report(struct cl_run *r, bool final)
{
	struct lr_verdict *v;
	char path[4200];
	json_t *run, *rep;
	int ret = 0;

	if (!nonempty(r->results_path))
		return final ? report_no_flows(r) : 0;
	v = verdict(r);
	if (!v)
		return -EINVAL;
	run = run_json(r);
	rep = lr_verdict_json(v, run);
	json_decref(run);
	if (!rep) {
		lr_verdict_free(v);
		return -ENOMEM;
	}
	worst_ratio(r, rep);
	if (final) {
		snprintf(path, sizeof(path), "%s/report.json", r->o->out_dir);
		ret = write_json(path, rep);
		snprintf(path, sizeof(path), "%s/report.xml", r->o->out_dir);
		if (!ret)
			ret = lr_verdict_write_junit(v, path);
		snprintf(path, sizeof(path), "%s/report.html", r->o->out_dir);
		if (!ret)
			ret = lr_verdict_write_html(v, path);
		if (ret)
			lr_err("cannot write the reports in %s: %s",
			       r->o->out_dir, strerror(-ret));
		if (r->o->json) {
			char *t = json_dumps(
				rep, JSON_INDENT(2) | JSON_REAL_PRECISION(10));

			if (t)
				printf("%s\n", t);
			free(t);
		} else if (!r->o->quiet) {
			lr_verdict_print_text(v, stdout);
		}
		fflush(stdout);
		r->sum->exit_code = lr_verdict_exit(v);
	}
	json_decref(rep);
	lr_verdict_free(v);
	return ret;
}

/* "SERVER/NIC" -> NIC index, or -1. */
static long nic_index(const struct lr_topo *t, const char *name)
{
	const char *slash = name ? strrchr(name, '/') : NULL;
	char srv[256];
	long s;

	if (!slash || (size_t)(slash - name) >= sizeof(srv))
		return -1;
	memcpy(srv, name, (size_t)(slash - name));
	srv[slash - name] = '\0';
	s = lr_topo_find_server(t, srv);
	if (s < 0)
		return -1;
	for (size_t j = 0; j < t->tmpls[t->servers[s].tmpl].n_nics; j++) {
		uint32_t nic = t->servers[s].first_nic + (uint32_t)j;

		if (!strcmp(lr_topo_nic_tmpl(t, &t->nics[nic])->name,
			    slash + 1))
			return nic;
	}
	return -1;
}

static bool have(const struct lr_plan_flow *v, size_t n, uint32_t a, uint32_t z)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].src_nic == a && v[i].dst_nic == z)
			return true;
	return false;
}

int cl_below_flows(struct cl_run *r, struct lr_plan_flow **out, size_t *n)
{
	struct lr_verdict *v;
	json_t *rep;
	const json_t *flows, *f;
	struct lr_plan_flow *b;
	size_t i, k = 0;

	*n = 0;
	*out = NULL;
	if (!nonempty(r->results_path))
		return 0;
	v = verdict(r);
	rep = v ? lr_verdict_json(v, NULL) : NULL;
	flows = json_object_get(rep, "flows");
	b = calloc(json_array_size(flows) + 1, sizeof(*b));
	lr_verdict_free(v);
	if (!rep || !b) {
		json_decref(rep);
		free(b);
		return -ENOMEM;
	}
	json_array_foreach(flows, i, f) {
		const char *vd =
			json_string_value(json_object_get(f, "verdict"));
		const char *ph = json_string_value(json_object_get(f, "phase"));
		long a = nic_index(
			r->t, json_string_value(json_object_get(f, "src")));
		long z = nic_index(
			r->t, json_string_value(json_object_get(f, "dst")));

		if (!vd || strcmp(vd, "below") || a < 0 || z < 0 ||
		    (ph && !strcmp(ph, "retest")) ||
		    have(b, k, (uint32_t)a, (uint32_t)z))
			continue;
		b[k++] = (struct lr_plan_flow){ (uint32_t)a, (uint32_t)z,
						false };
	}
	json_decref(rep);
	*out = b;
	*n = k;
	return 0;
}
