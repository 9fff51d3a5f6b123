// SPDX-License-Identifier: MIT
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/result.h"
#include "owned.h"

static void result_free(void *r)
{
	lr_result_free(r);
	free(r);
}

static void side_free(void *s)
{
	lr_side_free(s);
	free(s);
}

/* A result and a side on the heap, owned (owned.h); zeroed. */
static struct lr_result *new_result(void)
{
	struct lr_result *r = calloc(1, sizeof(*r));

	cr_assert_not_null(r);
	return own(r, result_free);
}

static struct lr_side *new_side(void)
{
	struct lr_side *s = calloc(1, sizeof(*s));

	cr_assert_not_null(s);
	return own(s, side_free);
}

static struct lr_interval *ivs(uint64_t a, uint64_t b)
{
	struct lr_interval *iv = calloc(2, sizeof(*iv));

	iv[0] = (struct lr_interval){ 0, 1, a };
	iv[1] = (struct lr_interval){ 1, 2, b };
	return iv;
}

static void fill(struct lr_result *r, bool blind_receiver)
{
	struct lr_test_params p = { .transport = "tcp",
				    .msg_size = 65536,
				    .streams = 2,
				    .duration_s = 2,
				    .interval_s = 1 };
	struct lr_dir_side *tx, *rx;

	lr_result_init(r, &p, NULL);
	tx = &r->local_side.dir[LR_DIR_C2S];
	rx = &r->peer_side.dir[LR_DIR_C2S];
	*tx = (struct lr_dir_side){ .active = true,
				    .sender = true,
				    .counted = true,
				    .bytes = 300000000,
				    .bytes_total = 350000000,
				    .seconds = 2.0,
				    .iv = ivs(150000000, 150000000),
				    .niv = 2,
				    .retrans = { true, 2500, 200000 } };
	*rx = (struct lr_dir_side){ .active = true,
				    .sender = false,
				    .counted = !blind_receiver,
				    .bytes = 250000000,
				    .bytes_total = 300000000,
				    .seconds = 2.0,
				    .iv = ivs(100000000, 150000000),
				    .niv = 2 };
	r->have_peer_side = true;
	lr_result_compute(r);
}

static json_t *dir0(json_t *doc)
{
	return json_array_get(json_object_get(doc, "directions"), 0);
}

Test(result_json, receiver_is_authoritative)
{
	struct lr_result *r = new_result();
	json_t *doc, *d;

	fill(r, false);
	doc = own_json(lr_result_to_json(r));
	cr_assert_str_eq(json_string_value(json_object_get(doc, "schema")),
			 "linerate.result/1");
	cr_assert_str_eq(json_string_value(json_object_get(doc, "status")),
			 "ok");
	cr_assert_str_eq(json_string_value(json_object_get(
				 json_object_get(doc, "units"), "gbps")),
			 "10^9 bits of payload per second");
	cr_assert_eq(json_array_size(json_object_get(doc, "directions")), 1);
	d = dir0(doc);
	cr_assert_str_eq(json_string_value(json_object_get(d, "authority")),
			 "receiver");
	/* 250e6 bytes in 2 s = 1 Gb/s */
	cr_assert_float_eq(json_real_value(json_object_get(d, "gbps")), 1.0,
			   1e-9);
	cr_assert_float_eq(json_real_value(json_object_get(d, "sender_gbps")),
			   1.2, 1e-9);
	cr_assert_eq(json_integer_value(json_object_get(d, "bytes_sent")),
		     300000000);
	cr_assert_eq(json_integer_value(json_object_get(d, "bytes_received")),
		     250000000);
	cr_assert_eq(json_array_size(json_object_get(d, "intervals")), 2);
	cr_assert_float_eq(json_real_value(json_object_get(
				   json_object_get(d, "interval_gbps"), "min")),
			   0.8, 1e-9);
	cr_assert_float_eq(json_real_value(json_object_get(doc, "total_gbps")),
			   1.0, 1e-9);
	/* the sender's retransmits: 2500 of 200000 segments */
	d = json_object_get(d, "retransmits");
	cr_assert_eq(json_integer_value(json_object_get(d, "segments")), 2500);
	cr_assert_eq(json_integer_value(json_object_get(d, "segments_sent")),
		     200000);
	cr_assert_float_eq(json_real_value(json_object_get(d, "ratio")), 0.0125,
			   1e-12);
	release(doc);
	release(r);
}

Test(result_json, blind_receiver_leaves_sender_authoritative)
{
	struct lr_result *r = new_result();
	json_t *doc;

	fill(r, true);
	doc = own_json(lr_result_to_json(r));
	cr_assert_str_eq(
		json_string_value(json_object_get(dir0(doc), "authority")),
		"sender");
	cr_assert_float_eq(json_real_value(json_object_get(dir0(doc), "gbps")),
			   1.2, 1e-9);
	cr_assert(json_is_null(json_object_get(dir0(doc), "bytes_received")),
		  "the passive end of RDMA WRITE has no count");
	release(doc);
	release(r);
}

Test(result_json, missing_server_side_keeps_client_numbers)
{
	struct lr_result *r = new_result();
	json_t *doc;

	fill(r, false);
	r->have_peer_side = false;
	lr_result_add_error(r, "server", "killed");
	lr_result_compute(r);
	doc = own_json(lr_result_to_json(r));
	cr_assert_str_eq(json_string_value(json_object_get(doc, "status")),
			 "error");
	cr_assert(json_is_null(json_object_get(dir0(doc), "bytes_received")));
	cr_assert_str_eq(
		json_string_value(json_object_get(dir0(doc), "authority")),
		"sender");
	cr_assert_eq(json_array_size(json_object_get(dir0(doc), "intervals")),
		     2, "client intervals kept");
	release(doc);
	release(r);
}

Test(result_json, retransmits_null_when_the_sender_counts_none)
{
	struct lr_result *r = new_result();
	json_t *doc;

	fill(r, false);
	r->local_side.dir[LR_DIR_C2S].retrans.valid = false; /* e.g. verbs */
	lr_result_compute(r);
	doc = own_json(lr_result_to_json(r));
	cr_assert(json_is_null(json_object_get(dir0(doc), "retransmits")));
	release(doc);
	release(r);
}

Test(result_json, side_roundtrip)
{
	struct lr_result *r = new_result();
	struct lr_side *back = new_side();
	char err[256];
	json_t *j;

	fill(r, false);
	r->peer_side.error = -5;
	strcpy(r->peer_side.errmsg, "boom");
	j = own_json(lr_side_to_json(&r->peer_side));
	cr_assert_eq(lr_side_from_json(j, back, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert(back->dir[LR_DIR_C2S].active);
	cr_assert(!back->dir[LR_DIR_S2C].active);
	cr_assert_eq(back->dir[LR_DIR_C2S].bytes, 250000000);
	cr_assert_eq(back->dir[LR_DIR_C2S].niv, 2);
	cr_assert_eq(back->dir[LR_DIR_C2S].iv[1].bytes, 150000000);
	cr_assert_str_eq(back->errmsg, "boom");
	cr_assert_not(back->dir[LR_DIR_C2S].retrans.valid,
		      "a receiver's side carries no retransmits");
	release(back);
	release(j);
	/* the sender's side: its retransmits travel too */
	j = own_json(lr_side_to_json(&r->local_side));
	back = new_side();
	cr_assert_eq(lr_side_from_json(j, back, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert(back->dir[LR_DIR_C2S].retrans.valid);
	cr_assert_eq(back->dir[LR_DIR_C2S].retrans.segments, 2500);
	cr_assert_eq(back->dir[LR_DIR_C2S].retrans.segments_sent, 200000);
	release(back);
	release(j);
	release(r);
}

static int side_text(const char *text, char *err)
{
	struct lr_side s;
	json_t *j = json_loads(text, 0, NULL);
	int ret;

	cr_assert_not_null(j);
	ret = lr_side_from_json(j, &s, err, 256);
	if (!ret)
		lr_side_free(&s);
	json_decref(j);
	return ret;
}

Test(result_json, malformed_side_rejected)
{
	char err[256];

	cr_assert_neq(side_text("{}", err), 0);
	cr_assert_neq(
		side_text(
			"{\"dirs\":{\"c2s\":{\"sender\":true,"
			"\"counted\":true,\"bytes\":-1,\"bytes_total\":0,\"seconds\":1,"
			"\"intervals\":[]}}}",
			err),
		0);
	cr_assert_neq(
		side_text(
			"{\"dirs\":{\"c2s\":{\"sender\":true,\"counted\":true,"
			"\"bytes\":1,\"bytes_total\":1,\"seconds\":1,"
			"\"intervals\":[[0,1]]}}}",
			err),
		0);
	cr_assert(strstr(err, "interval"), "%s", err);
	cr_assert_neq(
		side_text(
			"{\"dirs\":{\"c2s\":{\"sender\":true,\"counted\":true,"
			"\"bytes\":1,\"bytes_total\":1,\"seconds\":1,"
			"\"intervals\":[],\"retransmits\":{\"segments\":-1,"
			"\"segments_sent\":3}}}}",
			err),
		0);
	cr_assert(strstr(err, "retransmits"), "%s", err);
	cr_assert_neq(
		side_text(
			"{\"dirs\":{\"c2s\":{\"sender\":true,\"counted\":true,"
			"\"bytes\":1,\"bytes_total\":1,\"seconds\":1,"
			"\"intervals\":[],\"retransmits\":\"many\"}}}",
			err),
		0);
	cr_assert_neq(
		side_text(
			"{\"dirs\":{\"c2s\":{\"sender\":true,\"counted\":true,"
			"\"bytes\":1,\"bytes_total\":1,\"seconds\":\"x\","
			"\"intervals\":[]}}}",
			err),
		0);
}

Test(result_json, too_many_intervals_rejected)
{
	char err[256];
	json_t *iv = json_array(), *doc;

	char *text;

	for (unsigned i = 0; i <= LR_MAX_INTERVALS; i++)
		json_array_append_new(iv, json_pack("[i,i,i]", 0, 1, 1));
	doc = json_pack("{s:{s:{s:b, s:b, s:i, s:i, s:i, s:o}}}", "dirs", "c2s",
			"sender", 1, "counted", 1, "bytes", 1, "bytes_total", 1,
			"seconds", 1, "intervals", iv);
	own_json(doc);
	text = own_str(json_dumps(doc, 0));
	cr_assert_neq(side_text(text, err), 0);
	cr_assert(strstr(err, "too many intervals"), "%s", err);
	release(text);
	release(doc);
}

/* A server's side with bytes and seconds as given (one interval). */
static char *side_doc(const char *bytes, const char *secs, const char *iv)
{
	char *text;

	cr_assert(asprintf(&text,
			   "{\"dirs\":{\"c2s\":{\"sender\":false,"
			   "\"counted\":true,\"bytes\":%s,\"bytes_total\":%s,"
			   "\"seconds\":%s,\"intervals\":[%s]}}}",
			   bytes, bytes, secs, iv) > 0);
	return text;
}

/*
 * Found by tests/fuzz (fuzz_decode): 9e18 bytes in 1e-310 s is an
 * infinite rate, which JSON cannot carry, so the client's whole result
 * document was lost (lr_result_to_json returned NULL, pair printed
 * nothing). A peer's seconds are 0 or at least 1 ns.
 */
Test(result_json, peer_cannot_make_the_document_vanish)
{
	static const char *const bad[][3] = {
		{ "9000000000000000000", "1e-310", "" },
		{ "9000000000000000000", "1",
		  "[0,1e-310,9000000000000000000]" },
		{ "1", "1", "[1,0.5,1]" }, /* ends before it starts */
		{ "\"x\"", "1", "" }, /* bytes not a count */
	};
	char err[256], *text;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		text = own_str(side_doc(bad[i][0], bad[i][1], bad[i][2]));
		cr_assert_neq(side_text(text, err), 0, "accepted: %s", text);
		release(text);
	}
}

Test(result_json, extreme_peer_side_still_renders)
{
	struct lr_test_params p = { .transport = "tcp",
				    .msg_size = 1,
				    .streams = 1,
				    .duration_s = 1,
				    .interval_s = 0.01 };
	char err[256], *text = own_str(side_doc("9223372036854775807", "1e-9",
						"[1e-9,1.0000000000000002e-9,"
						"9223372036854775807]"));
	json_t *j = own_json(json_loads(text, 0, NULL)), *doc;
	struct lr_result *r = new_result();

	lr_result_init(r, &p, NULL);
	cr_assert_eq(lr_side_from_json(j, &r->peer_side, err, sizeof(err)), 0,
		     "%s", err);
	r->have_peer_side = true;
	lr_result_compute(r);
	doc = own_json(lr_result_to_json(r));
	cr_assert_not_null(doc);
	cr_assert_gt(
		json_real_value(json_object_get(
			json_array_get(json_object_get(doc, "directions"), 0),
			"gbps")),
		7e19);
	release(doc);
	release(j);
	release(text);
	release(r);
}
