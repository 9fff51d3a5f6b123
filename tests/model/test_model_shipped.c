// SPDX-License-Identifier: MIT
/* The shipped topologies give the numbers DESIGN.md and their files state. */
#include <stdio.h>
#include <stdlib.h>

#include "helpers.h"

static void report_free(void *rep)
{
	lr_model_report_free(rep);
	free(rep);
}

/* A report on the heap, owned (owned.h). */
static struct lr_model_report *new_report(void)
{
	struct lr_model_report *rep = calloc(1, sizeof(*rep));

	cr_assert_not_null(rep);
	return own(rep, report_free);
}

static struct lr_topo *shipped(const char *name)
{
	char path[1024];
	struct lr_diags *d = new_diags();
	struct lr_topo *t = NULL;

	snprintf(path, sizeof(path), "%s/topologies/%s", LR_SOURCE_ROOT, name);
	if (lr_topo_load(path, d, &t))
		lr_diags_print(d, 50);
	lr_diags_free(d);
	cr_assert_not_null(t, "%s loads", path);
	return own(t, topo_free);
}

Test(shipped, colossus_server_is_3_529_of_3_6_tbps)
{
	struct lr_topo *t = shipped("colossus-rack.yaml");
	struct lr_graph *g = new_graph();
	struct lr_pattern_result r;

	cr_assert_eq(t->n_nics, 64 * 9);
	solve(t, LR_PAT_SERVER, g, &r);
	cr_assert_eq(r.n_flows, 9);
	cr_assert_float_eq(r.nominal, 3600, 1e-9);
	cr_assert_float_eq(lr_floor_dp(r.aggregate / 1000, 3), 3.529, 1e-9);
	cr_assert_float_eq(lr_floor2(r.flow.min), 392.14, 1e-9);
	cr_assert_eq(g->res[r.limited_by].kind, LR_RES_NIC_TX);
	lr_graph_free(g);
	solve(t, LR_PAT_BISECTION, g, &r);
	assert_gbps(r.server.min, 9 * 400.0 * 4096 / 4178);
	lr_graph_free(g);
	release(t);
}

Test(shipped, superpod_ndr_pair_is_397_47)
{
	struct lr_topo *t = shipped("superpod-ndr.yaml");
	struct lr_graph *g = new_graph();
	struct lr_pattern_result r;

	solve(t, LR_PAT_PAIR, g, &r);
	cr_assert_float_eq(lr_floor2(r.aggregate), 397.47, 1e-9);
	lr_graph_free(g);
	solve(t, LR_PAT_RAIL, g, &r);
	cr_assert_eq(r.n_flows, 256);
	cr_assert_float_eq(lr_floor2(r.flow.min), 397.47, 1e-9);
	lr_graph_free(g);
	release(t);
}

Test(shipped, oversubscribed_all_to_all_halves_pair_does_not)
{
	struct lr_topo *t = shipped("leafspine-2to1.yaml");
	struct lr_graph *g = new_graph();
	struct lr_pattern_result pair, a2a;

	solve(t, LR_PAT_PAIR, g, &pair);
	lr_graph_free(g);
	solve(t, LR_PAT_ALLTOALL, g, &a2a);
	lr_graph_free(g);
	assert_gbps(pair.aggregate, 100.0 * 4096 / 4178);
	assert_gbps(a2a.server.median, pair.aggregate / 2);
	release(t);
}

Test(shipped, virtual_rack_is_tcp_on_shaped_veth)
{
	struct lr_topo *t = shipped("virtual-rack.yaml");
	struct lr_graph *g = new_graph();
	struct lr_pattern_result r;

	cr_assert_eq(t->n_servers, 4);
	cr_assert_eq(t->n_nics, 8);
	cr_assert_eq(t->n_switches, 2);
	solve(t, LR_PAT_BISECTION, g, &r);
	cr_assert_eq(r.n_flows, 8);
	cr_assert_float_eq(r.flow.min, 8948.0 / 9014, 1e-9);
	lr_graph_free(g);
	release(t);
}

Test(shipped, report_json_is_versioned)
{
	struct lr_topo *t = shipped("colossus-rack.yaml");
	enum lr_pattern pats[] = { LR_PAT_PAIR, LR_PAT_SERVER };
	struct lr_model_opts opts = { .op = LR_OP_WRITE };
	struct lr_model_report *rep = new_report();
	json_t *doc, *p;

	cr_assert_eq(lr_model_report(t, &opts, pats, 2, rep), 0);
	doc = own_json(lr_model_json(rep));
	cr_assert_not_null(doc);
	cr_assert_str_eq(json_string_value(json_object_get(doc, "schema")),
			 "linerate.model/1");
	p = json_object_get(json_array_get(json_object_get(doc, "servers"), 0),
			    "expected_gbps");
	cr_assert_float_eq(json_real_value(p), 3529.3441, 1e-9);
	p = json_array_get(json_object_get(doc, "patterns"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(p, "name")), "pair");
	cr_assert_str_eq(
		json_string_value(json_object_get(
			json_object_get(json_object_get(p, "slowest_flow"),
					"limited_by"),
			"kind")),
		"nic-link-tx");
	release(doc);
	release(rep);
	release(t);
}

/* The complete example of topologies/README.md loads and models. */
Test(shipped, readme_example)
{
	char path[1024], *text = NULL, *start, *end;
	size_t len = 0;
	ssize_t got;
	FILE *f;
	struct lr_topo *t;
	struct lr_graph *g = new_graph();
	struct lr_pattern_result r;

	snprintf(path, sizeof(path), "%s/topologies/README.md", LR_SOURCE_ROOT);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	got = getdelim(&text, &len, '\0', f);
	own_str(text);
	fclose(f);
	cr_assert(got > 0);
	start = strstr(text, "## A complete example\n\n```yaml\n");
	cr_assert_not_null(start);
	start += strlen("## A complete example\n\n```yaml\n");
	end = strstr(start, "```\n");
	cr_assert_not_null(end);
	*end = '\0';
	t = load_ok(start);
	cr_assert_eq(t->n_servers, 32);
	cr_assert_float_eq(t->nics[2 * 6 + 1].rate_gbps, 200, 1e-6,
			   "gpu007/mlx5_1 at 200G");
	cr_assert_eq(t->nics[2 * 6 + 1].leaf, 1, "on leaf-r1");
	solve(t, LR_PAT_SERVER, g, &r);
	/* mlx5_1 sits in a Gen4 x16 slot: the partner's writes at MPS 256 */
	assert_gbps(r.flow.min, 16.0 * 128 / 130 * 16 * 370 / 371 *
					(1 - 16.0 / (284 * 3.0)) * 256 / 280);
	assert_gbps(r.flow.max, 400.0 * 4096 / 4178);
	lr_graph_free(g);
	release(t);
	release(text);
}

Test(shipped, small_patterns_list_their_flows)
{
	struct lr_topo *t = shipped("virtual-rack.yaml");
	enum lr_pattern pats[] = { LR_PAT_BISECTION };
	struct lr_model_opts opts = { .op = LR_OP_STREAM };
	struct lr_model_report *rep = new_report();
	json_t *doc, *list, *f;

	cr_assert_eq(lr_model_report(t, &opts, pats, 1, rep), 0);
	cr_assert_eq(rep->pats[0].n_flows, 8);
	doc = own_json(lr_model_json(rep));
	list = json_object_get(
		json_array_get(json_object_get(doc, "patterns"), 0),
		"flow_list");
	cr_assert_eq(json_array_size(list), 8);
	f = json_array_get(list, 0);
	cr_assert_str_eq(json_string_value(json_object_get(f, "src")),
			 "vr1/r0");
	cr_assert_str_eq(json_string_value(json_object_get(f, "dst")),
			 "vr3/r0");
	cr_assert_float_eq(json_real_value(json_object_get(f, "expected_gbps")),
			   0.9926, 1e-9);
	release(doc);
	release(rep);
	release(t);
}
