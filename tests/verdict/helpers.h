/* SPDX-License-Identifier: MIT */
/*
 * Synthetic flow sets for the verdict tests: a small two-leaf fabric and
 * result documents built in memory, the way pair and the cluster write
 * them.
 */
#ifndef LR_TEST_VERDICT_HELPERS_H
#define LR_TEST_VERDICT_HELPERS_H

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "linerate/topology.h"
#include "linerate/util.h"
#include "linerate/verdict.h"

/*
 * 12 servers (n1..n12) of 2 NICs (m0 rail 0, m1 rail 1) at 100G RoCE with
 * PCIe Gen5 x16 (the link binds: 98.03 Gb/s large writes), n1-n4 on leaf
 * la, n5-n8 on lb, n9-n12 on lc, each leaf with 8 x 100G uplinks to two
 * spines: 1:1, so with adaptive routing the model's rate of a flow is the
 * link's unless two flows share a NIC.
 */
static const char fabric_yaml[] =
	"version: 1\n"
	"name: tfab\n"
	"profiles:\n"
	"  r100: {link: ethernet, transport: rocev2, rate: 100G, mtu: 4200}\n"
	"hosts:\n"
	"  h:\n"
	"    sockets: 1\n"
	"    nics:\n"
	"      - {name: m0, profile: r100, rail: 0, pcie: gen5 x16}\n"
	"      - {name: m1, profile: r100, rail: 1, pcie: gen5 x16}\n"
	"servers:\n"
	"  - {hosts: 'n[1-12]', template: h}\n"
	"switches:\n"
	"  - {name: la, tier: leaf, servers: 'n[1-4]', uplinks: 8, "
	"uplink_rate: 100G, up: 's[1-2]'}\n"
	"  - {name: lb, tier: leaf, servers: 'n[5-8]', uplinks: 8, "
	"uplink_rate: 100G, up: 's[1-2]'}\n"
	"  - {name: lc, tier: leaf, servers: 'n[9-12]', uplinks: 8, "
	"uplink_rate: 100G, up: 's[1-2]'}\n"
	"  - {name: 's[1-2]', tier: spine}\n"
	"routing: {mode: %s}\n"
	"tolerance: 0.05\n";

static inline struct lr_topo *fabric(const char *routing)
{
	struct lr_diags d = { 0 };
	struct lr_topo *t = NULL;
	char text[2048];
	int ret;

	snprintf(text, sizeof(text), fabric_yaml, routing);
	ret = lr_topo_load_string("tfab.yaml", text, strlen(text), &d, &t);
	if (ret)
		lr_diags_print(&d, 50);
	lr_diags_free(&d);
	cr_assert_eq(ret, 0, "the test fabric should load");
	return t;
}

/*
 * One direction's document: local -> remote at gbps (interval min and
 * median given; NaN: gbps), in set.
 */
static inline json_t *result_doc(const char *local, const char *remote,
				 const char *set, double gbps, double iv_min,
				 double iv_med)
{
	json_t *d;

	if (isnan(iv_min))
		iv_min = gbps;
	if (isnan(iv_med))
		iv_med = gbps;
	d = json_pack(
		"{s:s, s:{s:s, s:i, s:i}, s:{s:s, s:s, s:s, s:s}, s:{s:s},"
		" s:[{s:s, s:f, s:{s:i, s:f, s:f, s:f},"
		"     s:[{s:f}, {s:f}, {s:f}, {s:f}]}], s:s}",
		"schema", "linerate.result/1", "params", "transport", "verbs",
		"msg_size", 1 << 20, "streams", 1, "flow", "local", local,
		"remote", remote, "set", set, "phase", "test",
		"transport_options", "op", "write", "directions", "direction",
		"c2s", "gbps", gbps, "interval_gbps", "n", 4, "min", iv_min,
		"median", iv_med, "max", gbps, "intervals", "gbps", iv_med,
		"gbps", iv_min, "gbps", iv_med, "gbps", iv_med, "status", "ok");
	cr_assert_not_null(d);
	return d;
}

static inline void add(struct lr_verdict *v, const char *local,
		       const char *remote, const char *set, double gbps)
{
	json_t *d = result_doc(local, remote, set, gbps, NAN, NAN);

	cr_assert_eq(lr_verdict_add_result(v, d, "test", NULL, NULL), 0);
	json_decref(d);
}

/* Rising error counters at the local end of a document. */
static inline void add_errors(json_t *doc, const char *dev, const char *counter,
			      long long n)
{
	json_object_set_new(doc, "counters",
			    json_pack("{s:{s:{s:s, s:f, s:{s:{s:I}}}}, s:{}}",
				      "local", dev, "device", dev, "seconds",
				      10.0, "groups", "g/counters", counter,
				      (json_int_t)n, "peer"));
}

/* Number of findings of a kind, and the first one's subject. */
static inline size_t count_kind(const json_t *report, const char *kind,
				const char **subject)
{
	const json_t *f;
	size_t i, n = 0;

	json_array_foreach(json_object_get(report, "findings"), i, f) {
		if (strcmp(json_string_value(json_object_get(f, "kind")), kind))
			continue;
		if (!n++ && subject)
			*subject = json_string_value(
				json_object_get(f, "subject"));
	}
	return n;
}

#endif
