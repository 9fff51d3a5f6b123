// SPDX-License-Identifier: MIT
/*
 * Each localisation rule on a synthetic flow set of its own pattern: it
 * fires there, and stays silent on the others' patterns and on a healthy
 * set. Each test asserts the complete list of findings' kinds.
 *
 * Rates: the model's 98.03 Gb/s per flow on the test fabric (helpers.h);
 * GOOD is within the 5% tolerance, BAD clearly below it.
 */
#include <stdlib.h>

#include "helpers.h"
#include "linerate/counters.h"

#define GOOD 97.0
#define BAD 60.0

static struct lr_topo *topo;
static struct lr_verdict *v;
static json_t *rep;
static char kinds[1024];

static void setup(void)
{
	topo = fabric("adaptive");
	v = lr_verdict_new();
	cr_assert_not_null(v);
	rep = NULL;
}

static void teardown(void)
{
	json_decref(rep);
	lr_verdict_free(v);
	lr_topo_free(topo);
}

TestSuite(rules, .init = setup, .fini = teardown);

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "kind:subject,..." of every finding, sorted. */
static const char *compute(void)
{
	const char *list[64];
	char items[64][300];
	const json_t *f;
	size_t i, n = 0;

	cr_assert_eq(lr_verdict_compute(v, topo), 0);
	rep = lr_verdict_json(v, NULL);
	cr_assert_not_null(rep);
	json_array_foreach(json_object_get(rep, "findings"), i, f) {
		if (n == 64)
			break;
		snprintf(items[n], sizeof(items[n]), "%s:%s",
			 json_string_value(json_object_get(f, "kind")),
			 json_string_value(json_object_get(f, "subject")));
		list[n] = items[n];
		n++;
	}
	qsort(list, n, sizeof(*list), by_str);
	kinds[0] = '\0';
	for (i = 0; i < n; i++) {
		strcat(kinds, i ? "," : "");
		strcat(kinds, list[i]);
	}
	return kinds;
}

static const json_t *finding(const char *kind)
{
	const json_t *f;
	size_t i;

	json_array_foreach(json_object_get(rep, "findings"), i, f)
		if (!strcmp(json_string_value(json_object_get(f, "kind")),
			    kind))
			return f;
	cr_assert_fail("no %s finding", kind);
	return NULL;
}

static const char *cause(const char *kind)
{
	return json_string_value(json_object_get(finding(kind), "cause"));
}

static bool has_evidence(const char *kind, const char *text)
{
	const json_t *e;
	size_t i;

	json_array_foreach(json_object_get(finding(kind), "evidence"), i, e)
		if (strstr(json_string_value(e), text))
			return true;
	return false;
}

/* Every server's rail-0 NIC to its neighbour's, all at once: the rail set. */
static void healthy_rail(const char *set)
{
	char a[32], b[32];

	for (int s = 1; s <= 12; s += 2) {
		snprintf(a, sizeof(a), "n%d/m0", s);
		snprintf(b, sizeof(b), "n%d/m0", s + 1);
		add(v, a, b, set, GOOD);
	}
}

Test(rules, healthy_set_is_silent)
{
	healthy_rail("rail");
	add(v, "n1/m1", "n5/m1", "x", GOOD);
	add(v, "n1/m0", "n2/m0", "lone", GOOD);
	cr_assert_str_eq(compute(), "");
	cr_assert_eq(lr_verdict_exit(v), LR_EXIT_OK);
}

/* n1/m0 is slow with three partners who are fine with others. */
Test(rules, nic)
{
	add(v, "n1/m0", "n2/m0", "a", BAD);
	add(v, "n1/m0", "n3/m0", "b", BAD);
	add(v, "n5/m0", "n1/m0", "c", BAD);
	add(v, "n2/m0", "n3/m0", "d", GOOD);
	add(v, "n5/m0", "n4/m0", "e", GOOD);
	cr_assert_str_eq(compute(), "nic:n1/m0");
	cr_assert(strstr(cause("nic"), "3 partners"), "%s", cause("nic"));
	cr_assert(strstr(cause("nic"), "unexplained"), "%s", cause("nic"));
	cr_assert_eq(lr_verdict_exit(v), LR_EXIT_BELOW);
}

/* The same with preflight: a Gen4 x4 slot whose ceiling is what we see. */
Test(rules, nic_explained_by_preflight)
{
	json_t *pf = json_pack(
		"{s:{s:s, s:s, s:[{s:s, s:s, s:f, s:s}]}}", "n1", "schema",
		"linerate.preflight/1", "server", "n1", "findings", "nic", "m0",
		"check", "pcie", "ceiling_gbps", 61.0, "message",
		"m0 PCIe Gen4 x4, expected Gen5 x16: ceiling ~61.00 Gb/s");

	add(v, "n1/m0", "n2/m0", "a", BAD);
	add(v, "n1/m0", "n3/m0", "b", BAD);
	add(v, "n2/m0", "n3/m0", "d", GOOD);
	add(v, "n3/m0", "n4/m0", "e", GOOD);
	cr_assert_eq(lr_verdict_add_preflight(v, pf), 0);
	json_decref(pf);
	cr_assert_str_eq(compute(), "nic:n1/m0");
	cr_assert(strstr(cause("nic"), "explained: 60.00 Gb/s matches"), "%s",
		  cause("nic"));
	cr_assert(has_evidence("nic", "PCIe Gen4 x4"));
}

/* A lone pair below: which end? The one with rising error counters. */
Test(rules, lone_pair_end_with_evidence)
{
	json_t *d = result_doc("n1/m0", "n2/m0", "a", BAD, NAN, NAN);

	add_errors(d, "m0", "symbol_error", 420);
	cr_assert_eq(lr_verdict_add_result(v, d, "t", NULL, NULL), 0);
	json_decref(d);
	cr_assert_str_eq(compute(), "nic:n1/m0");
	cr_assert(has_evidence("nic", "symbol_error +420"));
}

/*
 * A lone pair below, and the far end has a history that preflight warned
 * about (a counter already high when read, not rising in the test): the
 * warning is the evidence that places the finding on that end.
 */
Test(rules, lone_pair_end_with_a_preflight_warning)
{
	json_t *pf = json_pack(
		"{s:{s:s, s:s, s:[], s:[{s:s, s:s, s:s}]}}", "n2", "schema",
		"linerate.preflight/1", "server", "n2", "findings", "warnings",
		"nic", "m0", "check", "counters", "message",
		"m0 ens1np0 carrier_down_count = 5: the link lost its carrier "
		"4 times after it first came up");

	add(v, "n1/m0", "n2/m0", "a", BAD);
	cr_assert_eq(lr_verdict_add_preflight(v, pf), 0);
	json_decref(pf);
	cr_assert_str_eq(compute(), "nic:n2/m0");
	cr_assert(has_evidence("nic", "carrier_down_count = 5"));
}

/* A lone pair below with no evidence: not localised. */
Test(rules, lone_pair_not_localised)
{
	add(v, "n1/m0", "n2/m0", "a", BAD);
	cr_assert_str_eq(compute(), "below:n1/m0 -> n2/m0");
}

/* Slow between n1/m0 and n2/m0 only; both fine with others. */
Test(rules, pair_path)
{
	add(v, "n1/m0", "n2/m0", "a", BAD);
	add(v, "n2/m0", "n1/m0", "b", BAD);
	add(v, "n1/m0", "n3/m0", "c", GOOD);
	add(v, "n2/m0", "n4/m0", "d", GOOD);
	cr_assert_str_eq(compute(), "pair-path:n1/m0 <-> n2/m0");
}

/* n1's NICs fine alone, below together; n2 is fine together with n3. */
Test(rules, host)
{
	add(v, "n1/m0", "n2/m0", "t", 70.0);
	add(v, "n1/m1", "n2/m1", "t", 70.0);
	add(v, "n1/m0", "n3/m0", "a0", GOOD);
	add(v, "n1/m1", "n3/m1", "a1", GOOD);
	add(v, "n3/m0", "n2/m0", "t2", GOOD);
	add(v, "n3/m1", "n2/m1", "t2", GOOD);
	cr_assert_str_eq(compute(), "host:n1");
	cr_assert(has_evidence("host", "the model's ceiling for these flows "
				       "together: 196.07 Gb/s"),
		  "%s", json_dumps(finding("host"), 0));
}

/* Everything through la's uplinks is slow; la is fine inside. */
Test(rules, uplink)
{
	add(v, "n1/m0", "n5/m0", "x", BAD);
	add(v, "n2/m0", "n9/m0", "x", BAD);
	add(v, "n6/m0", "n3/m0", "x", BAD);
	add(v, "n7/m0", "n10/m0", "x", GOOD);
	add(v, "n1/m0", "n2/m0", "y", GOOD);
	add(v, "n3/m0", "n4/m0", "y", GOOD);
	cr_assert_str_eq(compute(), "uplink:la uplinks");
}

/* Median fine, minimum dips: the link of the flow; with two partners: NIC. */
Test(rules, intermittent)
{
	json_t *d = result_doc("n1/m0", "n2/m0", "a", GOOD, 20.0, GOOD);

	cr_assert_eq(lr_verdict_add_result(v, d, "t", NULL, NULL), 0);
	json_decref(d);
	add(v, "n3/m0", "n4/m0", "a", GOOD);
	cr_assert_str_eq(compute(), "intermittent:n1/m0 -> n2/m0");
	cr_assert_eq(lr_verdict_exit(v), LR_EXIT_BELOW);
}

/* An interval at 80% (above vd_limits.stopped): a dip, a note, exit 0. */
Test(rules, intermittent_dip_is_a_note)
{
	json_t *d = result_doc("n1/m0", "n2/m0", "a", GOOD, 80.0, GOOD);

	cr_assert_eq(lr_verdict_add_result(v, d, "t", NULL, NULL), 0);
	json_decref(d);
	add(v, "n3/m0", "n4/m0", "a", GOOD);
	cr_assert_str_eq(compute(), "intermittent:n1/m0 -> n2/m0");
	cr_assert(strstr(cause("intermittent"), "dips"));
	cr_assert_eq(lr_verdict_exit(v), LR_EXIT_OK);
}

Test(rules, intermittent_nic)
{
	json_t *d = result_doc("n1/m0", "n2/m0", "a", GOOD, 20.0, GOOD);

	cr_assert_eq(lr_verdict_add_result(v, d, "t", NULL, NULL), 0);
	json_decref(d);
	d = result_doc("n3/m0", "n1/m0", "b", GOOD, 30.0, GOOD);
	cr_assert_eq(lr_verdict_add_result(v, d, "t", NULL, NULL), 0);
	json_decref(d);
	cr_assert_str_eq(compute(), "intermittent:n1/m0");
}

/* Errors at full rate: still a finding. */
Test(rules, errors_at_full_rate)
{
	json_t *d = result_doc("n1/m0", "n2/m0", "a", GOOD, NAN, NAN);

	add_errors(d, "m0", "rx_crc_errors", 17);
	cr_assert_eq(lr_verdict_add_result(v, d, "t", NULL, NULL), 0);
	json_decref(d);
	add(v, "n3/m0", "n4/m0", "a", GOOD);
	cr_assert_str_eq(compute(), "errors:n1/m0");
	cr_assert(strstr(cause("errors"), "corrected at full rate"));
}

/* Errors on a NIC that is below: evidence of the nic finding. */
Test(rules, errors_are_evidence)
{
	json_t *d = result_doc("n1/m0", "n2/m0", "a", BAD, NAN, NAN);

	add_errors(d, "m0", "link_downed", 2);
	cr_assert_eq(lr_verdict_add_result(v, d, "t", NULL, NULL), 0);
	json_decref(d);
	add(v, "n1/m0", "n3/m0", "b", BAD);
	add(v, "n2/m0", "n3/m0", "c", GOOD);
	add(v, "n3/m0", "n4/m0", "e", GOOD);
	cr_assert_str_eq(compute(), "nic:n1/m0");
	cr_assert(has_evidence("nic", "link_downed +2"));
}

/* PFC pause frames while the flows ran at full rate: flow control doing
 * its work, not a finding (a healthy lossless class pauses). */
Test(rules, pauses_at_full_rate_are_silent)
{
	json_t *d = result_doc("n1/m0", "n2/m0", "a", GOOD, NAN, NAN);

	add_errors(d, "m0", "rx_prio3_pause", 5000);
	cr_assert_eq(lr_verdict_add_result(v, d, "t", NULL, NULL), 0);
	json_decref(d);
	add(v, "n3/m0", "n4/m0", "a", GOOD);
	cr_assert_str_eq(compute(), "");
}

/* Pause frames on the end of a lone pair below: the evidence that places
 * it, with the pause counter named. */
Test(rules, pauses_are_evidence_of_a_slow_pair)
{
	json_t *d = result_doc("n1/m0", "n2/m0", "a", BAD, NAN, NAN);

	add_errors(d, "m0", "tx_prio3_pause", 90000);
	cr_assert_eq(lr_verdict_add_result(v, d, "t", NULL, NULL), 0);
	json_decref(d);
	cr_assert_str_eq(compute(), "nic:n1/m0");
	cr_assert(has_evidence("nic", "tx_prio3_pause +90000"));
}

/* A pause counter's duration is not a count of frames. */
Test(rules, pause_duration_is_not_a_pause_count)
{
	cr_assert(lr_counter_is_pause("ens1np0/ethtool", "rx_prio3_pause"));
	cr_assert(lr_counter_is_pause("ens1np0/ethtool", "tx_pause_ctrl_phy"));
	cr_assert_not(lr_counter_is_pause("ens1np0/ethtool",
					  "rx_prio3_pause_duration"));
	cr_assert_not(lr_counter_is_error("ens1np0/ethtool", "rx_prio3_pause"));
}

/* TCP retransmits above the threshold on a flow that passes. */
Test(rules, retransmits)
{
	json_t *d = result_doc("n1/m0", "n2/m0", "a", GOOD, NAN, NAN);

	json_object_set_new(
		json_array_get(json_object_get(d, "directions"), 0),
		"retransmits",
		json_pack("{s:i, s:f}", "segments", 5000, "ratio", 0.02));
	cr_assert_eq(lr_verdict_add_result(v, d, "t", NULL, NULL), 0);
	json_decref(d);
	cr_assert_str_eq(compute(), "errors:n1/m0 -> n2/m0");
}

/* Above the model: the resource that the model says limits it. */
Test(rules, mismatch)
{
	add(v, "n1/m0", "n2/m0", "a", 190.0);
	add(v, "n3/m0", "n4/m0", "a", GOOD);
	cr_assert_str_eq(compute(), "mismatch:n1/m0");
	cr_assert_eq(lr_verdict_exit(v), LR_EXIT_BELOW);
}

/* A flow that started late measured a different set: a note. */
Test(rules, window)
{
	const double w[3][2] = { { 100, 110 }, { 100.1, 110.1 }, { 106, 116 } };
	const char *ends[3][2] = { { "n1/m0", "n2/m0" },
				   { "n3/m0", "n4/m0" },
				   { "n5/m0", "n6/m0" } };

	for (int i = 0; i < 3; i++) {
		json_t *d =
			result_doc(ends[i][0], ends[i][1], "a", GOOD, NAN, NAN);

		json_object_set_new(json_object_get(d, "flow"), "window",
				    json_pack("{s:f, s:f}", "start_unix",
					      w[i][0], "end_unix", w[i][1]));
		cr_assert_eq(lr_verdict_add_result(v, d, "t", NULL, NULL), 0);
		json_decref(d);
	}
	cr_assert_str_eq(compute(), "window:n5/m0 -> n6/m0");
	cr_assert(strstr(cause("window"), "different set"));
	cr_assert_eq(lr_verdict_exit(v), LR_EXIT_OK);
}

/* A flow that could not run. */
Test(rules, failed)
{
	healthy_rail("rail");
	cr_assert_eq(lr_verdict_add_failed(v, "n1/m1", "n2/m1", "rail", NULL,
					   "connect: refused"),
		     0);
	cr_assert_str_eq(compute(), "failed:n1/m1 -> n2/m1");
}

/*
 * 64-byte messages on a NIC whose message rate the topology does not give:
 * the model cannot judge them (lr_flow.unknown), so neither pass nor below.
 */
Test(rules, cannot_judge_small_messages)
{
	json_t *d = result_doc("n1/m0", "n2/m0", "a", 3.0, NAN, NAN);

	json_object_set_new(json_object_get(d, "params"), "msg_size",
			    json_integer(64));
	cr_assert_eq(lr_verdict_add_result(v, d, "t", NULL, NULL), 0);
	json_decref(d);
	cr_assert_str_eq(compute(), "cannot-judge:cannot judge: "
				    "unknown-message-rate");
	cr_assert_str_eq(
		json_string_value(json_object_get(
			json_array_get(json_object_get(rep, "flows"), 0),
			"verdict")),
		"cannot judge");
	cr_assert_eq(lr_verdict_exit(v), LR_EXIT_OK);
}

static const char *verdict_of(size_t i)
{
	return json_string_value(json_object_get(
		json_array_get(json_object_get(rep, "flows"), i), "verdict"));
}

/*
 * n1/m0 sends to two partners at once: both flows are bound by its link
 * (98.03 / 2 = 49.015 Gb/s each in the model). One takes more than its
 * share and one less (0.90 and 1.10 of it, the sum 99.97% of the model's):
 * one queue split unevenly passes, with a note; no mismatch, no below.
 */
Test(rules, uneven_split_of_a_shared_link_passes_with_a_note)
{
	add(v, "n1/m0", "n5/m0", "x", 44.0);
	add(v, "n1/m0", "n9/m0", "x", 54.0);
	cr_assert_str_eq(compute(), "share:n1/m0");
	cr_assert_str_eq(verdict_of(0), "pass");
	cr_assert_str_eq(verdict_of(1), "pass");
	cr_assert(json_is_false(json_object_get(finding("share"), "fault")));
	cr_assert(has_evidence("share", "2 flows outside the tolerance alone, "
					"at 0.898 to 1.102 of their fair "
					"share"),
		  "%s", json_dumps(finding("share"), 0));
	cr_assert_eq(lr_verdict_exit(v), LR_EXIT_OK);
}

/* The same two flows with their sum short (79 of 98.03): each is judged
 * alone, the short one is below and no note hides it. */
Test(rules, shared_link_short_in_sum_is_judged_flow_by_flow)
{
	add(v, "n1/m0", "n5/m0", "x", 30.0);
	add(v, "n1/m0", "n9/m0", "x", 49.0);
	compute();
	cr_assert_str_eq(verdict_of(0), "below");
	cr_assert_str_eq(verdict_of(1), "pass");
	cr_assert_eq(count_kind(rep, "share", NULL), 0, "%s", kinds);
	cr_assert_eq(lr_verdict_exit(v), LR_EXIT_BELOW);
}
