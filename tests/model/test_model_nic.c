// SPDX-License-Identifier: MIT
/*
 * What a NIC's engines allow (src/model/nicmodel.c, docs/model.md): READ
 * engines and outstanding READs per QP, message rates, and the flows the
 * model cannot judge; each figure against hand arithmetic, and a
 * published measurement.
 */
#include "helpers.h"
#include "linerate/util.h"

#define NDR_4096 (400.0 * 4096 / 4122) /* 397.47: IB, 26 B per packet */

Test(nic, builtin_models)
{
	const struct lr_nic_model *m = lr_nic_model_find("connectx-7");

	cr_assert_not_null(m);
	cr_assert_float_eq(m->read_qp_gbps, 330, 1e-9);
	cr_assert_eq(m->max_rd_atom, 16);
	cr_assert_float_eq(m->msg_rate, 370e6, 1e-3);
	cr_assert_eq(m->msg_rate_qp, 0, "no public per-QP figure");
	cr_assert_float_eq(lr_nic_model_find("connectx-5")->msg_rate, 200e6,
			   1e-3);
	cr_assert_float_eq(lr_nic_model_find("connectx-6")->msg_rate, 215e6,
			   1e-3);
	cr_assert_null(lr_nic_model_find("connectx-9"));
}

Test(nic, outstanding_reads_are_capped_by_the_device)
{
	struct lr_nic_model m = { .max_rd_atom = 16 };

	cr_assert_eq(lr_read_outstanding(&m, 0), 16, "default: the max");
	cr_assert_eq(lr_read_outstanding(&m, 4), 4);
	cr_assert_eq(lr_read_outstanding(&m, 64), 16);
	m.max_rd_atom = 0;
	cr_assert_eq(lr_read_outstanding(&m, 8), 8, "unknown max: as asked");
}

Test(nic, read_engine_per_qp)
{
	const struct lr_nic_model *m = lr_nic_model_find("connectx-7");
	struct lr_qp_opts o = { .op = LR_OP_READ, .msg = 1 << 20, .qps = 1 };
	struct lr_qp_limit q = { 0 };

	lr_qp_limit(m, &o, NDR_4096, &q);
	cr_assert_eq(q.kind, LR_RES_QP_READ);
	assert_gbps(q.gbps, 330); /* 1 QP x 330G */
	o.qps = 4;
	q = (struct lr_qp_limit){ 0 };
	lr_qp_limit(m, &o, NDR_4096, &q);
	assert_gbps(q.gbps, 4 * 330.0);
	o.op = LR_OP_WRITE;
	q = (struct lr_qp_limit){ 0 };
	lr_qp_limit(m, &o, NDR_4096, &q);
	cr_assert_eq(q.gbps, 0, "WRITE: no READ engine, no known QP rate");
}

Test(nic, read_window_over_the_round_trip)
{
	struct lr_nic_model m = { .max_rd_atom = 16, .read_rtt_us = 3 };
	struct lr_qp_opts o = { .op = LR_OP_READ, .msg = 4096, .qps = 1 };
	struct lr_qp_limit q = { 0 };

	/*
	 * 16 READs of 4096 B per round trip of 3 us plus the message's own
	 * 32768 bits at 397.47 Gb/s (82.44 ns): 16 x 32768 / 3082.44 ns =
	 * 170.09 Gb/s.
	 */
	lr_qp_limit(&m, &o, NDR_4096, &q);
	cr_assert_eq(q.kind, LR_RES_READ_WINDOW);
	assert_gbps(q.gbps, 16 * 32768.0 / (3000 + 32768.0 / NDR_4096));
	/* 1 outstanding READ: 32768 / 3082.44 = 10.63 Gb/s */
	o.outstanding = 1;
	q = (struct lr_qp_limit){ 0 };
	lr_qp_limit(&m, &o, NDR_4096, &q);
	assert_gbps(q.gbps, 32768.0 / (3000 + 32768.0 / NDR_4096));
}

Test(nic, message_rates)
{
	struct lr_nic_model m = { .msg_rate_qp = 10e6, .msg_rate = 370e6 };
	struct lr_qp_opts o = { .op = LR_OP_SEND, .msg = 4096, .qps = 2 };
	struct lr_qp_limit q = { 0 };

	/* 2 QPs x 10M/s x 4096 B x 8 = 655.36 Gb/s */
	lr_qp_limit(&m, &o, NDR_4096, &q);
	cr_assert_eq(q.kind, LR_RES_QP_MSG);
	assert_gbps(q.gbps, 655.36);
	/* the NIC: 370M/s x 64 B x 8 = 189.44 Gb/s */
	assert_gbps(lr_nic_msg_gbps(&m, LR_OP_WRITE, 64), 189.44);
	cr_assert_eq(lr_nic_msg_gbps(&m, LR_OP_WRITE, 0), 0, "large messages");
	cr_assert_eq(lr_nic_msg_gbps(&m, LR_OP_STREAM, 64), 0, "TCP");
}

Test(nic, what_cannot_be_judged)
{
	struct lr_nic_model m = *lr_nic_model_find("connectx-7");
	struct lr_qp_opts o = { .op = LR_OP_WRITE, .msg = 4096 };

	/* below 32 KiB a message rate may bind: the per-QP one is unknown */
	cr_assert_eq(lr_model_unknown(&m, &o), LR_UNKNOWN_MSG_RATE);
	cr_assert_str_eq(lr_unknown_name(LR_UNKNOWN_MSG_RATE),
			 "unknown-message-rate");
	o.msg = 32768;
	cr_assert_eq(lr_model_unknown(&m, &o), LR_UNKNOWN_NONE);
	o.msg = 0;
	cr_assert_eq(lr_model_unknown(&m, &o), LR_UNKNOWN_NONE, "large");
	m.msg_rate_qp = 10e6;
	o.msg = 64;
	cr_assert_eq(lr_model_unknown(&m, &o), LR_UNKNOWN_NONE, "both known");
	/* READ: 16 x 64 KiB = 1 MiB in flight: no round trip binds */
	o = (struct lr_qp_opts){ .op = LR_OP_READ, .msg = 65536 };
	cr_assert_eq(lr_model_unknown(&m, &o), LR_UNKNOWN_NONE);
	/* 1 x 64 KiB in flight: the round trip matters and is unknown */
	o.outstanding = 1;
	cr_assert_eq(lr_model_unknown(&m, &o), LR_UNKNOWN_READ_WINDOW);
	m.read_rtt_us = 3;
	cr_assert_eq(lr_model_unknown(&m, &o), LR_UNKNOWN_NONE);
	o = (struct lr_qp_opts){ .op = LR_OP_STREAM, .msg = 64 };
	cr_assert_eq(lr_model_unknown(&m, &o), LR_UNKNOWN_NONE, "TCP");
}

Test(nic, topology_keys_override_the_builtin)
{
	struct lr_topo *t = load_ok(
		"version: 1\n"
		"profiles: { ndr: { link: infiniband, transport: ib, rate: "
		"400G } }\n"
		"hosts:\n  h:\n    nics:\n"
		"      - { name: a, profile: ndr, read_qp_rate: 300G, "
		"model: connectx-7, msg_rate_qp: 12.5M, read_rtt: 2.5us }\n"
		"      - { name: b, profile: ndr, rail: 0, max_rd_atom: 8, "
		"msg_rate: 100M, read_rtt: 800ns }\n"
		"servers: [ { hosts: \"s[1-2]\", template: h } ]\n"
		"switches: [ { name: l, tier: leaf, servers: \"s[1-2]\" } ]\n");
	const struct lr_nic_model *a = &t->tmpls[0].nics[0].model;
	const struct lr_nic_model *b = &t->tmpls[0].nics[1].model;

	cr_assert_str_eq(a->name, "connectx-7");
	cr_assert_float_eq(a->read_qp_gbps, 300, 1e-9, "key after model");
	cr_assert_eq(a->max_rd_atom, 16, "from the model");
	cr_assert_float_eq(a->msg_rate_qp, 12.5e6, 1e-3);
	cr_assert_float_eq(a->msg_rate, 370e6, 1e-3);
	cr_assert_float_eq(a->read_rtt_us, 2.5, 1e-12);
	cr_assert_null(b->name);
	cr_assert_eq(b->max_rd_atom, 8);
	cr_assert_float_eq(b->msg_rate, 100e6, 1e-3);
	cr_assert_float_eq(b->read_rtt_us, 0.8, 1e-12);
	cr_assert_eq(b->read_qp_gbps, 0, "unknown");
	release(t);
}

Test(nic, bad_keys)
{
	struct lr_diags *d = new_diags();

	load_bad("version: 1\n"
		 "profiles: { ndr: { link: infiniband, transport: ib, rate: "
		 "400G } }\n"
		 "hosts:\n  h:\n    nics:\n"
		 "      - { name: a, profile: ndr, model: cx9, msg_rate: fast, "
		 "read_rtt: 3 }\n"
		 "servers: [ { hosts: \"s[1-2]\", template: h } ]\n",
		 d);
	expect_diag(d, 6, 41,
		    "unknown NIC model 'cx9' (expected one of connectx-5, "
		    "connectx-6, connectx-7)");
	expect_diag(d, 6, 56,
		    "'fast' for msg_rate (expected messages per second, e.g. "
		    "370M)");
	expect_diag(d, 6, 72, "'3' for read_rtt (expected e.g. 3us or 800ns)");
	lr_diags_free(d);
}

static struct lr_topo *shipped(const char *name)
{
	char path[512];
	struct lr_diags *d = new_diags();
	struct lr_topo *t = NULL;

	snprintf(path, sizeof(path), "%s/topologies/%s", LR_SOURCE_ROOT, name);
	if (lr_topo_load(path, d, &t))
		lr_diags_print(d, 20);
	cr_assert_not_null(t);
	lr_diags_free(d);
	return own(t, topo_free);
}

static double ndr_pair(enum lr_op op, unsigned qps, enum lr_res_kind *kind)
{
	struct lr_topo *t = shipped("superpod-ndr.yaml");
	struct lr_model_opts o = { .op = op, .msg = 1 << 20, .qps = qps };
	struct lr_pattern_result r;
	struct lr_graph *g = new_graph();
	double gbps;

	lr_graph_init_opts(g, t, &o);
	cr_assert_eq(lr_pattern_run(g, LR_PAT_PAIR, &r), 0);
	cr_assert_eq(r.n_unknown, 0, "1 MiB messages can be judged");
	gbps = r.flow.min;
	*kind = g->res[r.limited_by].kind;
	lr_graph_free(g);
	release(t);
	return gbps;
}

/*
 * Published: one pair of ConnectX-7 NDR HCAs back to back, 1 MiB
 * messages, ib_read_bw --report_gbits with 1 QP (16 outstanding READs)
 * 328.61 Gb/s, ib_write_bw 392.34 on the same hosts (issue 12). The model
 * said 397.4 for both; READ must now be within 5% of 328.61 and WRITE
 * stay the link's (397.47 for large messages).
 */
Test(nic, connectx7_ndr_one_qp_read)
{
	enum lr_res_kind kind;
	double gbps = ndr_pair(LR_OP_READ, 1, &kind);

	cr_assert(fabs(gbps - 328.61) <= 0.05 * 328.61, "READ model %.2f",
		  gbps);
	cr_assert_geq(gbps, 328.61, "a ceiling the NIC does not beat");
	cr_assert_eq(kind, LR_RES_QP_READ);
	/* 1 MiB: 256 packets of 26 B and one 16-byte RETH */
	gbps = ndr_pair(LR_OP_WRITE, 1, &kind);
	assert_gbps(gbps, 400.0 * 1048576 / (1048576 + 256 * 26 + 16));
	cr_assert_eq(kind, LR_RES_NIC_TX);
	cr_assert_geq(gbps, 392.34);
	/* two QPs of READs: 660G of engines, the link binds again */
	gbps = ndr_pair(LR_OP_READ, 2, &kind);
	cr_assert_eq(kind, LR_RES_NIC_TX);
	/* READ responses: AETH (4 B) on the first and last packets */
	assert_gbps(gbps, 400.0 * 1048576 / (1048576 + 256 * 26 + 8));
}

Test(nic, small_messages_in_a_graph)
{
	struct lr_topo *t = shipped("superpod-ndr.yaml");
	struct lr_model_opts o = { .op = LR_OP_WRITE, .msg = 64 };
	struct lr_pattern_result r;
	struct lr_graph *g = new_graph();

	/* 370M/s x 64 B x 8 = 189.44, below the link: the NIC's rate binds */
	lr_graph_init_opts(g, t, &o);
	cr_assert_eq(lr_pattern_run(g, LR_PAT_PAIR, &r), 0);
	assert_gbps(r.flow.min, 189.44);
	cr_assert_eq(g->res[r.limited_by].kind, LR_RES_NIC_MSG);
	cr_assert_eq(r.n_unknown, 1, "per-QP rate unknown: cannot judge");
	cr_assert_eq(r.unknown, LR_UNKNOWN_MSG_RATE);
	cr_assert_eq(g->flows[0].unknown, LR_UNKNOWN_MSG_RATE);
	lr_graph_free(g);
	release(t);
}

/*
 * Static ECMP hashes what a flow can carry: a 1-QP READ offers its READ
 * engine's 330G, not the link's. Two leaves of two NDR servers, 2 x 400G
 * uplinks each, bisection: 2 subflows on 2 links of c = 400G of payload
 * at the READ framing; K ~ Binomial(2, 1/2), so the uplinks carry
 * 2 x (0.5 x 330 + 0.25 x c) and each of the 2 flows half of it:
 * 0.5 x 330 + 0.25 x c = 264.4 (298.1 if the link's rate were hashed).
 */
Test(nic, ecmp_hashes_the_read_engine_rate)
{
	struct lr_topo *t = load_ok(
		"version: 1\n"
		"profiles: { ndr: { link: infiniband, transport: ib, rate: "
		"400G } }\n"
		"hosts:\n  h:\n    nics: [ { name: a, profile: ndr, model: "
		"connectx-7 } ]\n"
		"servers: [ { hosts: \"s[1-4]\", template: h } ]\n"
		"switches:\n"
		"  - { name: la, tier: leaf, servers: \"s[1-2]\", uplinks: 2, "
		"uplink_rate: 400G, up: \"sp[1-2]\" }\n"
		"  - { name: lb, tier: leaf, servers: \"s[3-4]\", uplinks: 2, "
		"uplink_rate: 400G, up: \"sp[1-2]\" }\n"
		"  - { name: \"sp[1-2]\", tier: spine }\n"
		"routing: { mode: ecmp }\n");
	struct lr_model_opts o = { .op = LR_OP_READ, .msg = 1 << 20 };
	struct lr_pattern_result r;
	struct lr_graph g;
	double c = lr_link_goodput(&t->profiles[0], 400, LR_OP_READ, 1 << 20);

	lr_graph_init_opts(&g, t, &o);
	cr_assert_eq(lr_pattern_run(&g, LR_PAT_BISECTION, &r), 0);
	cr_assert_eq(r.n_flows, 4);
	assert_gbps(r.flow.min, 0.5 * 330 + 0.25 * c);
	lr_graph_free(&g);
	lr_topo_free(t);
}

/* The tighter end binds, and is the one named. */
Test(nic, the_slower_end_of_a_flow_binds)
{
	struct lr_topo *t = load_ok(
		"version: 1\n"
		"profiles: { ndr: { link: infiniband, transport: ib, rate: "
		"400G } }\n"
		"hosts:\n"
		"  h7: { nics: [ { name: a, profile: ndr, model: connectx-7 } ] "
		"}\n"
		"  hx: { nics: [ { name: a, profile: ndr, read_qp_rate: 200G } "
		"] }\n"
		"servers: [ { hosts: s1, template: h7 }, { hosts: s2, "
		"template: hx } ]\n"
		"switches: [ { name: l, tier: leaf, servers: \"s[1-2]\" } ]\n");
	struct lr_model_opts o = { .op = LR_OP_READ, .qps = 1 };
	struct lr_pattern_result r;
	struct lr_graph g;
	char name[96];

	lr_graph_init_opts(&g, t, &o);
	cr_assert_eq(lr_graph_add_flow(&g, 0, 1), 0);
	cr_assert_eq(lr_model_solve(&g, &r), 0);
	assert_gbps(r.flow.min, 200);
	cr_assert_eq(g.res[r.limited_by].kind, LR_RES_QP_READ);
	cr_assert_str_eq(lr_res_name(&g, r.limited_by, name, sizeof(name)),
			 "s2/a");
	cr_assert_str_eq(lr_res_what(&g, r.limited_by, name, sizeof(name)),
			 "1 QP x 200G READ engine (NIC)");
	lr_graph_free(&g);
	lr_topo_free(t);
}
