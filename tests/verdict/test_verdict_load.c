// SPDX-License-Identifier: MIT
/*
 * The verdict's inputs: documents and streams, labels, per-flow verdicts
 * against the model of the same set, and every bad input refused with its
 * place.
 */
#include <stdlib.h>
#include <unistd.h>

#include "helpers.h"

static struct lr_topo *topo;
static struct lr_verdict *v;
static json_t *rep;

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

TestSuite(load, .init = setup, .fini = teardown);

static const json_t *flow_at(size_t i)
{
	return json_array_get(json_object_get(rep, "flows"), i);
}

static const char *verdict_at(size_t i)
{
	return json_string_value(json_object_get(flow_at(i), "verdict"));
}

static double num_at(size_t i, const char *key)
{
	return json_number_value(json_object_get(flow_at(i), key));
}

static void compute(void)
{
	cr_assert_eq(lr_verdict_compute(v, topo), 0);
	rep = lr_verdict_json(v, NULL);
	cr_assert_not_null(rep);
}

/*
 * The model's rate of a 100G RoCE link at 4096-byte packets:
 * 100 x 4096 / (4096 + 82) = 98.037 Gb/s (the 1 MiB messages' RETH is
 * negligible); 5% tolerance: pass from 93.14.
 */
Test(load, verdicts_against_the_set)
{
	add(v, "n1/m0", "n2/m0", "a", 97.0);
	add(v, "n3/m0", "n4/m0", "a", 80.0);
	add(v, "n5/m0", "n6/m0", "a", 120.0);
	compute();
	cr_assert_str_eq(verdict_at(0), "pass");
	cr_assert_str_eq(verdict_at(1), "below");
	cr_assert_str_eq(verdict_at(2), "above");
	cr_assert_float_eq(num_at(0, "expected_gbps"), 98.03, 0.01);
	cr_assert_float_eq(num_at(1, "ratio"), 80.0 / 98.03, 0.001);
	cr_assert_eq(lr_verdict_exit(v), LR_EXIT_BELOW);
}

/*
 * Two flows into one NIC in the same set share its receive link: the
 * expectation is half the link each (49.01), not the lone pair's 98.03.
 */
Test(load, expectation_of_the_concurrent_set)
{
	add(v, "n1/m0", "n3/m0", "a", 48.0);
	add(v, "n2/m0", "n3/m0", "a", 48.5);
	add(v, "n4/m0", "n3/m0", "b", 97.0);
	compute();
	cr_assert_float_eq(num_at(0, "expected_gbps"), 49.01, 0.01);
	cr_assert_str_eq(verdict_at(0), "pass");
	cr_assert_str_eq(verdict_at(1), "pass");
	cr_assert_float_eq(num_at(2, "expected_gbps"), 98.03, 0.01);
	cr_assert_eq(lr_verdict_exit(v), LR_EXIT_OK);
	cr_assert_str_eq(json_string_value(json_object_get(rep, "verdict")),
			 "pass");
}

Test(load, healthy_set_passes_without_findings)
{
	add(v, "n1/m0", "n2/m0", "a", 97.5);
	add(v, "n1/m1", "n2/m1", "a", 97.5);
	add(v, "n5/m0", "n1/m0", "b", 97.0);
	compute();
	cr_assert_eq(json_array_size(json_object_get(rep, "findings")), 0);
	cr_assert_eq(lr_verdict_exit(v), LR_EXIT_OK);
}

/* A plain pair result: names from the hosts and devices, or the caller's. */
Test(load, plain_pair_names)
{
	json_t *d = result_doc("x/y", "z/w", "s", 97.0, NAN, NAN);

	json_object_del(d, "flow");
	json_object_set_new(d, "local",
			    json_pack("{s:s, s:{s:s}}", "host", "n1",
				      "endpoint", "device", "m0"));
	json_object_set_new(d, "peer",
			    json_pack("{s:s, s:{s:s}}", "host", "n2",
				      "endpoint", "device", "m0"));
	cr_assert_eq(lr_verdict_add_result(v, d, "r.json", NULL, NULL), 0);
	cr_assert_eq(lr_verdict_add_result(v, d, "r2.json", "n3/m1", "n4/m1"),
		     0);
	json_decref(d);
	compute();
	cr_assert_str_eq(json_string_value(json_object_get(flow_at(0), "src")),
			 "n1/m0");
	cr_assert_str_eq(json_string_value(json_object_get(flow_at(1), "dst")),
			 "n4/m1");
	cr_assert_str_eq(verdict_at(0), "pass");
}

/* s2c is remote -> local. */
Test(load, reverse_direction)
{
	json_t *d = result_doc("n1/m0", "n2/m0", "a", 97.0, NAN, NAN);

	json_object_set_new(json_array_get(json_object_get(d, "directions"), 0),
			    "direction", json_string("s2c"));
	cr_assert_eq(lr_verdict_add_result(v, d, "t", NULL, NULL), 0);
	json_decref(d);
	compute();
	cr_assert_str_eq(json_string_value(json_object_get(flow_at(0), "src")),
			 "n2/m0");
}

Test(load, failed_flow_and_run_finding)
{
	add(v, "n1/m0", "n2/m0", "a", 97.0);
	cr_assert_eq(lr_verdict_add_failed(v, "n3/m0", "n4/m0", "a", "test",
					   "peer died"),
		     0);
	cr_assert_eq(lr_verdict_add_run_finding(v, "n7", "unreachable",
						"ssh: connection refused"),
		     0);
	compute();
	cr_assert_str_eq(verdict_at(1), "failed");
	cr_assert_eq(count_kind(rep, "failed", NULL), 1);
	cr_assert_eq(count_kind(rep, "unreachable", NULL), 1);
	cr_assert_eq(lr_verdict_exit(v), LR_EXIT_BELOW);
}

Test(load, run_object_is_carried)
{
	json_t *run = json_pack("{s:f}", "seconds", 12.5);

	add(v, "n1/m0", "n2/m0", "a", 97.0);
	cr_assert_eq(lr_verdict_compute(v, topo), 0);
	rep = lr_verdict_json(v, run);
	cr_assert_float_eq(json_number_value(json_object_get(
				   json_object_get(rep, "run"), "seconds")),
			   12.5, 1e-9);
	json_decref(run);
}

/*
 * `report --json` streams the document: the same text jansson writes of
 * the tree (findings, a failed flow with its error, a hostile name, run).
 */
Test(load, streamed_document_is_jansson_s)
{
	json_t *run = json_pack("{s:f, s:[s]}", "seconds", 12.5, "phases",
				"rail \"r0\"\n");
	char *text = NULL, *want;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	add(v, "n1/m0", "n2/m0", "a", 97.0);
	add(v, "n3/m0", "n4/m0", "a", 60.0);
	cr_assert_eq(lr_verdict_add_failed(v, "n5/m0", "n6/m0", "<b>\"x\"</b>",
					   "test", "peer died:\t\x01"),
		     0);
	compute();
	cr_assert_not_null(f);
	cr_assert_eq(lr_verdict_print_json(v, run, f), 0);
	cr_assert_eq(fclose(f), 0);
	json_decref(rep);
	rep = lr_verdict_json(v, run);
	cr_assert_not_null(rep);
	want = json_dumps(rep, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	cr_assert_not_null(want);
	cr_assert_eq(len, strlen(want) + 1);
	cr_assert_eq(memcmp(text, want, len - 1), 0, "%s\n---\n%s", text, want);
	cr_assert_eq(text[len - 1], '\n');
	cr_assert_gt(json_array_size(json_object_get(rep, "findings")), 0);
	free(want);
	free(text);
	json_decref(run);
}

/* ---- bad input ---- */

static int add_doc(json_t *d)
{
	int ret = lr_verdict_add_result(v, d, "bad.json:3", NULL, NULL);

	json_decref(d);
	return ret;
}

Test(load, other_schema_refused)
{
	json_t *d = result_doc("n1/m0", "n2/m0", "a", 97.0, NAN, NAN);

	json_object_set_new(d, "schema", json_string("linerate.result/2"));
	cr_assert_eq(add_doc(d), -EINVAL);
	d = result_doc("n1/m0", "n2/m0", "a", 97.0, NAN, NAN);
	json_object_set_new(d, "schema", json_string("linerate.model/1"));
	cr_assert_eq(add_doc(d), -EINVAL);
}

Test(load, negative_rate_refused)
{
	cr_assert_eq(add_doc(result_doc("n1/m0", "n2/m0", "a", -1.0, NAN, NAN)),
		     -EINVAL);
	cr_assert_eq(
		add_doc(result_doc("n1/m0", "n2/m0", "a", 90.0, -3.0, NAN)),
		-EINVAL);
}

Test(load, bad_labels_refused)
{
	json_t *d = result_doc("n1", "n2/m0", "a", 97.0, NAN, NAN);

	cr_assert_eq(add_doc(d), -EINVAL);
	d = result_doc("n1/m0", "n2/m0", "a", 97.0, NAN, NAN);
	json_object_set_new(
		json_object_get(d, "flow"), "window",
		json_pack("{s:f, s:f}", "start_unix", 10.0, "end_unix", 5.0));
	cr_assert_eq(add_doc(d), -EINVAL);
}

Test(load, unknown_nic_refused)
{
	add(v, "n1/m0", "n2/m7", "a", 97.0);
	cr_assert_eq(lr_verdict_compute(v, topo), -EINVAL);
}

Test(load, unknown_server_refused)
{
	add(v, "n1/m0", "n99/m0", "a", 97.0);
	cr_assert_eq(lr_verdict_compute(v, topo), -EINVAL);
}

Test(load, two_results_claiming_one_flow)
{
	add(v, "n1/m0", "n2/m0", "a", 97.0);
	add(v, "n1/m0", "n2/m0", "a", 96.0);
	cr_assert_eq(lr_verdict_compute(v, topo), -EINVAL);
}

/* ---- files: a document, a stream ---- */

static char *tmpfile_with(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/lr-verdict-XXXXXX");
	fd = mkstemp(path);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

Test(load, stream_and_document_files)
{
	json_t *a = result_doc("n1/m0", "n2/m0", "a", 97.0, NAN, NAN),
	       *b = result_doc("n3/m0", "n4/m0", "a", 97.0, NAN, NAN);
	char *sa = json_dumps(a, JSON_COMPACT),
	     *sb = json_dumps(b, JSON_COMPACT),
	     *pretty = json_dumps(a, JSON_INDENT(2)), text[8192];
	char *path;

	snprintf(text, sizeof(text), "%s\n\n%s\n", sa, sb);
	path = tmpfile_with(text);
	cr_assert_eq(lr_verdict_load_file(v, path), 0);
	unlink(path);
	path = tmpfile_with(pretty);
	cr_assert_eq(lr_verdict_load_file(v, path), 0);
	unlink(path);
	/* the pretty document repeats flow 1 of set a */
	cr_assert_eq(lr_verdict_compute(v, topo), -EINVAL);
	free(sa);
	free(sb);
	free(pretty);
	json_decref(a);
	json_decref(b);
}

Test(load, truncated_stream_adds_nothing)
{
	json_t *a = result_doc("n1/m0", "n2/m0", "a", 97.0, NAN, NAN);
	char *sa = json_dumps(a, JSON_COMPACT), text[8192];
	char *path;

	snprintf(text, sizeof(text), "%s\n%.*s\n", sa, (int)strlen(sa) / 2, sa);
	path = tmpfile_with(text);
	cr_assert_eq(lr_verdict_load_file(v, path), -EINVAL);
	unlink(path);
	/* nothing of the bad file stayed */
	cr_assert_eq(lr_verdict_compute(v, topo), -EINVAL);
	free(sa);
	json_decref(a);
}

/*
 * A 1-QP READ on the DGX SuperPOD topology (NDR, ConnectX-7): the test's
 * READ depth (the reader's qp_attr.max_rd_atomic) reaches the model.
 */
static void read_on_superpod(unsigned rd_atom, long long msg, double gbps)
{
	const char *src = getenv("LINERATE_SOURCE_ROOT");
	struct lr_diags d = { 0 };
	char path[1024];
	json_t *doc;

	snprintf(path, sizeof(path), "%s/topologies/superpod-ndr.yaml",
		 src ? src : ".");
	lr_topo_free(topo);
	topo = NULL;
	cr_assert_eq(lr_topo_load(path, &d, &topo), 0, "%s", path);
	lr_diags_free(&d);
	doc = result_doc("dgx01/mlx5_0", "dgx02/mlx5_0", "r", gbps, NAN, NAN);
	json_object_set_new(json_object_get(doc, "transport_options"), "op",
			    json_string("read"));
	json_object_set_new(json_object_get(doc, "params"), "msg_size",
			    json_integer(msg));
	json_object_set_new(
		json_array_get(json_object_get(doc, "directions"), 0), "sender",
		json_string("client"));
	json_object_set_new(doc, "local",
			    json_pack("{s:{s:{s:i}}}", "endpoint", "qp_attr",
				      "max_rd_atomic", (int)rd_atom));
	cr_assert_eq(lr_verdict_add_result(v, doc, "read.json", NULL, NULL), 0);
	json_decref(doc);
	compute();
}

/*
 * The published 1-QP ib_read_bw on an NDR pair, 328.61 Gb/s (issue 12),
 * with mlx5's 16 READs in flight of 1 MiB: the ConnectX-7's READ engine
 * (330G) binds, and the flow passes instead of coming in below the link's
 * 397.47.
 */
Test(load, one_qp_read_on_ndr_passes)
{
	read_on_superpod(16, 1 << 20, 328.61);
	cr_assert_str_eq(verdict_at(0), "pass");
	cr_assert_float_eq(num_at(0, "expected_gbps"), 330.0, 0.01);
}

/*
 * 2 READs of 64 KiB in flight (128 KiB per round trip, under the 1 MiB
 * that covers any round trip at 400G) with no known read_rtt: the model
 * cannot judge it, where the NIC's own depth (16 x 64 KiB) would have
 * judged it against the engine.
 */
Test(load, shallow_read_depth_cannot_be_judged)
{
	read_on_superpod(2, 65536, 100.0);
	cr_assert_str_eq(verdict_at(0), "cannot judge");
}
