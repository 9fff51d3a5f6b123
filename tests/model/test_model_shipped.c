// SPDX-License-Identifier: MIT
/* The shipped topologies give the numbers DESIGN.md and their files state. */
#include <stdio.h>

#include "helpers.h"

static struct lr_topo *shipped(const char *name)
{
	char path[1024];
	struct lr_diags d = { 0 };
	struct lr_topo *t = NULL;

	snprintf(path, sizeof(path), "%s/topologies/%s", LR_SOURCE_ROOT, name);
	if (lr_topo_load(path, &d, &t))
		lr_diags_print(&d, 50);
	lr_diags_free(&d);
	cr_assert_not_null(t, "%s loads", path);
	return t;
}

Test(shipped, colossus_server_is_3_529_of_3_6_tbps)
{
	struct lr_topo *t = shipped("colossus-rack.yaml");
	struct lr_graph g;
	struct lr_pattern_result r;

	cr_assert_eq(t->n_nics, 64 * 9);
	solve(t, LR_PAT_SERVER, &g, &r);
	cr_assert_eq(r.n_flows, 9);
	cr_assert_float_eq(r.nominal, 3600, 1e-9);
	cr_assert_float_eq(lr_floor_dp(r.aggregate / 1000, 3), 3.529, 1e-9);
	cr_assert_float_eq(lr_floor2(r.flow.min), 392.14, 1e-9);
	cr_assert_eq(g.res[r.limited_by].kind, LR_RES_NIC_TX);
	lr_graph_free(&g);
	solve(t, LR_PAT_BISECTION, &g, &r);
	assert_gbps(r.server.min, 9 * 400.0 * 4096 / 4178);
	lr_graph_free(&g);
	lr_topo_free(t);
}

Test(shipped, superpod_ndr_pair_is_397_47)
{
	struct lr_topo *t = shipped("superpod-ndr.yaml");
	struct lr_graph g;
	struct lr_pattern_result r;

	solve(t, LR_PAT_PAIR, &g, &r);
	cr_assert_float_eq(lr_floor2(r.aggregate), 397.47, 1e-9);
	lr_graph_free(&g);
	solve(t, LR_PAT_RAIL, &g, &r);
	cr_assert_eq(r.n_flows, 256);
	cr_assert_float_eq(lr_floor2(r.flow.min), 397.47, 1e-9);
	lr_graph_free(&g);
	lr_topo_free(t);
}

Test(shipped, oversubscribed_all_to_all_halves_pair_does_not)
{
	struct lr_topo *t = shipped("leafspine-2to1.yaml");
	struct lr_graph g;
	struct lr_pattern_result pair, a2a;

	solve(t, LR_PAT_PAIR, &g, &pair);
	lr_graph_free(&g);
	solve(t, LR_PAT_ALLTOALL, &g, &a2a);
	lr_graph_free(&g);
	assert_gbps(pair.aggregate, 100.0 * 4096 / 4178);
	assert_gbps(a2a.server.median, pair.aggregate / 2);
	lr_topo_free(t);
}

Test(shipped, virtual_rack_is_tcp_on_shaped_veth)
{
	struct lr_topo *t = shipped("virtual-rack.yaml");
	struct lr_graph g;
	struct lr_pattern_result r;

	cr_assert_eq(t->n_servers, 4);
	cr_assert_eq(t->n_nics, 8);
	cr_assert_eq(t->n_switches, 2);
	solve(t, LR_PAT_BISECTION, &g, &r);
	cr_assert_eq(r.n_flows, 8);
	cr_assert_float_eq(r.flow.min, 8948.0 / 9014, 1e-9);
	lr_graph_free(&g);
	lr_topo_free(t);
}

Test(shipped, report_json_is_versioned)
{
	struct lr_topo *t = shipped("colossus-rack.yaml");
	enum lr_pattern pats[] = { LR_PAT_PAIR, LR_PAT_SERVER };
	struct lr_model_report rep;
	json_t *doc, *p;

	cr_assert_eq(lr_model_report(t, pats, 2, &rep), 0);
	doc = lr_model_json(&rep);
	cr_assert_not_null(doc);
	cr_assert_str_eq(json_string_value(json_object_get(doc, "schema")),
			 "linerate.model/1");
	p = json_object_get(json_array_get(json_object_get(doc, "servers"), 0),
			    "expected_gbps");
	cr_assert_float_eq(json_real_value(p), 3529.3441, 1e-9);
	p = json_array_get(json_object_get(doc, "patterns"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(p, "name")), "pair");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(
		json_object_get(p, "slowest_flow"), "limited_by"), "kind")),
		"nic-link-tx");
	json_decref(doc);
	lr_model_report_free(&rep);
	lr_topo_free(t);
}
